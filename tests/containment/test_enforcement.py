import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from containment import enforcement, services
from holdings import services as holding_services

from ..factories import BuildingFactory, ContainmentFactory, square

pytestmark = pytest.mark.django_db
URL = reverse("containment-api:compliance-enforcement")


@pytest.fixture
def failing(town):
    west = BuildingFactory(municipality=town.municipality)
    east = BuildingFactory(municipality=town.municipality, geom=square(90.85, 22.93))
    bad_west = ContainmentFactory(
        municipality=town.municipality,
        buildings=[west],
        outlet="open_drain",
        construction_year=2025,
        users=3,
    )
    bad_east = ContainmentFactory(
        municipality=town.municipality,
        buildings=[east],
        outlet="water_body",
        construction_year=2025,
        users=3,
        geom=east.geom.centroid,
    )
    ContainmentFactory(
        municipality=town.municipality, buildings=[west], construction_year=2025, users=3
    )  # compliant
    services.rule_set_ensure(municipality=town.municipality)
    return bad_west, bad_east


def test_json_lists_only_non_compliant_with_reasons(gis_client, failing):
    rows = gis_client.get(URL).json()["results"]
    assert [row["containment"] for row in rows] == [failing[0].code, failing[1].code]
    assert rows[0]["reasons"] == ["Effluent goes to a forbidden outlet: Open or storm drain."]
    assert rows[0]["building_bin"]


def test_ward_filter(gis_client, town, failing):
    rows = gis_client.get(URL, {"ward": town.east.pk}).json()["results"]
    assert [row["containment"] for row in rows] == [failing[1].code]
    assert gis_client.get(URL, {"ward": 99999}).status_code == 400


def test_csv_reads_back_in_bangla(gis_client, failing):
    with translation.override("bn"):
        response = gis_client.get(URL, {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="bn")
    assert response.status_code == 200
    assert 'attachment; filename="enforcement-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3
    assert rows[0][0] == "কন্টেইনমেন্ট"
    assert "নিষিদ্ধ নির্গমন পথে" in rows[1][-1]


def test_xlsx_opens_in_a_spreadsheet_library(gis_client, failing):
    response = gis_client.get(URL, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    values = list(sheet.values)
    assert values[0][0] == "Containment"
    assert [row[0] for row in values[1:]] == [failing[0].code, failing[1].code]
    assert "forbidden outlet" in values[2][-1]


def test_unknown_export_format_is_400(gis_client, failing):
    assert gis_client.get(URL, {"export": "pdf"}).status_code == 400


def test_other_municipality_is_unknown(gis_client, failing, other_town):
    response = gis_client.get(URL, {"municipality": other_town.municipality.code})
    assert response.status_code == 400


def test_the_list_and_notices_name_the_holding_register_s_owners(gis_client, town, failing):
    building = failing[0].buildings.get()
    holding = holding_services.holding_create(
        municipality=town.municipality, ward=town.west, number="77/B", buildings=[building]
    )
    holding_services.owners_set(
        holding=holding,
        owners=[{"name": "Rahima Begum", "national_id": "1990123456789"}, {"name": "Karim"}],
    )
    rows = gis_client.get(URL).json()["results"]
    row = next(r for r in rows if r["containment"] == failing[0].code)
    assert row["holding_number"] == "77/B"
    assert row["owner"] == "Karim; Rahima Begum"
    assert "1990123456789" not in str(rows)
    counts = enforcement.notice_counts_by_ward(
        rule_set_id=services.rule_set_ensure(municipality=town.municipality).pk
    )
    assert counts[town.west.pk] == 1
