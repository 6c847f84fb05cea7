"""Dashboard pages and API: who sees what, downloads read back, the public page."""

import csv
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from core.roles import MembershipRole
from spatial.models import Municipality
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def executive(dashboard_town):
    return MembershipFactory(
        municipality=dashboard_town.town.municipality, role=MembershipRole.EXECUTIVE
    ).user


def _features(response) -> list[dict]:
    return json.loads(b"".join(response.streaming_content))["features"]


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_overview_is_the_home_page_after_login(dashboard_town, executive):
    response = _web(executive).get("/", {"year": dashboard_town.year})
    assert response.status_code == 200
    config = response.context["dashboard_config"]["overview"]
    assert config["summary"]["buildings"] == 7
    assert "chart-ladder" in response.content.decode()


def test_anonymous_users_are_sent_to_log_in(dashboard_town):
    for url in ("/", "/wards/", f"/wards/{dashboard_town.town.west.pk}/", "/indicators/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert Client().get("/api/v1/dashboards/overview/").status_code in (401, 403)


def test_another_municipality_sees_neither_ward_page_nor_figures(dashboard_town, other_town):
    outsider = MembershipFactory(
        municipality=other_town.municipality, role=MembershipRole.MUNICIPAL_ADMIN
    ).user
    assert _web(outsider).get(f"/wards/{dashboard_town.town.west.pk}/").status_code == 404
    code = dashboard_town.town.municipality.code
    assert _web(outsider).get("/", {"municipality": code}).status_code == 404
    api = client_for(outsider).get("/api/v1/dashboards/overview/", {"municipality": code})
    assert api.status_code == 404


def test_bad_choices_are_refused_clearly(dashboard_town, executive):
    assert _web(executive).get("/", {"year": "1990"}).status_code == 400
    assert _web(executive).get("/", {"year": "abc"}).status_code == 400
    assert _web(executive).get("/", {"ward": "999999"}).status_code == 404
    response = client_for(executive).get("/api/v1/dashboards/wards/", {"year": "3000"})
    assert response.status_code == 400
    assert "year" in response.json()["errors"]
    assert _web(executive).get("/indicators/", {"export": "docx"}).status_code == 400


def test_ward_map_api_gives_every_ward_its_values(dashboard_town, executive):
    response = client_for(executive).get("/api/v1/dashboards/wards/", {"year": dashboard_town.year})
    assert response.status_code == 200
    data = response.json()
    assert {w["number"] for w in data["wards"]} == {1, 2}
    codes = {i["code"] for i in data["indicators"]}
    assert {"safely_managed", "compliance", "survey_coverage", "overdue", "lic_share"} <= codes
    east = next(w for w in data["wards"] if w["number"] == 2)
    # 3 of the 9 surveyed people (b6's 10 are unsurveyed, outside the share).
    assert east["values"]["open_defecation"] == round(3 / 9, 4)


def test_indicator_downloads_read_back(dashboard_town, executive):
    client = _web(executive)
    params = {"year": dashboard_town.year}
    text = client.get("/indicators/", {**params, "export": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    sf1a = next(row for row in rows if row["Code"] == "SF-1a" and not row["Provider"])
    assert float(sf1a["Value"]) == round(5 / 24, 4)
    assert (sf1a["Numerator"], sf1a["Denominator"]) == ("5", "24")
    assert sf1a["Rule"]
    response = client.get("/indicators/", {**params, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    values = {
        row[header.index("Code")]: row for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert values["SF-1c"][header.index("Value")] == 0.5
    # In Bangla, the header is Bangla too.
    client.cookies["django_language"] = "bn"
    bangla = client.get("/indicators/", {**params, "export": "csv"}).content.decode("utf-8-sig")
    assert bangla.splitlines()[0].split(",")[2] != "Code"


def test_public_page_shows_only_published_aggregates(dashboard_town, settings):
    municipality = dashboard_town.town.municipality
    code = municipality.code
    assert Client().get(f"/public/{code}/").status_code == 404
    Municipality.objects.filter(pk=municipality.pk).update(publishes_dashboard=True)
    settings.IMIS = {**settings.IMIS, "PUBLIC_MIN_BUILDINGS": 1}
    page = Client().get(f"/public/{code}/", {"year": dashboard_town.year})
    assert page.status_code == 200
    html = page.content.decode()
    api = Client().get(f"/api/v1/dashboards/public/{code}/wards/", {"year": dashboard_town.year})
    assert api.status_code == 200
    body = api.content.decode()
    for building in dashboard_town.buildings.values():
        for text in (building.bin, building.holding_number):
            assert text not in html
            assert text not in body
    for personal in ("Applicant", "01700000000", "Bosti", "Vacutug"):
        assert personal not in html
        assert personal not in body
    wards = api.json()["wards"]
    assert set(wards[0]) == {"ward", "number", "label", "buildings", "withheld", "values"}
    assert wards[0]["values"]["safely_managed"] == round(5 / 15, 4)
    # Wards smaller than the threshold keep their count but not their shares.
    settings.IMIS = {**settings.IMIS, "PUBLIC_MIN_BUILDINGS": 10}
    small = Client().get(f"/api/v1/dashboards/public/{code}/wards/").json()["wards"]
    assert all(w["withheld"] and w["values"]["safely_managed"] is None for w in small)
    assert code in Client().get("/public/").content.decode()


def test_building_sanitation_layer_gives_rungs(dashboard_town, executive):
    response = client_for(executive).get(
        "/api/v1/building-sanitation/", {"ward": dashboard_town.town.east.pk}
    )
    assert response.status_code == 200
    rungs = sorted(str(f["properties"]["jmp_rung"]) for f in _features(response))
    # b6 unsurveyed (None), b7 answered "don't know" (unknown).
    assert rungs == ["None", "open_defecation", "unimproved", "unknown"]
    only = client_for(executive).get("/api/v1/building-sanitation/", {"jmp_rung": "limited"})
    assert [f["properties"]["bin"] for f in _features(only)] == [dashboard_town.buildings["b3"].bin]
    assert client_for(executive).post("/api/v1/building-sanitation/", {}).status_code == 405
