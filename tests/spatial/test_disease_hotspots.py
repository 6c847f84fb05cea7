"""Waterborne disease cases by ward and their hotspots (issue 28, item 7): a health
facility's monthly table recorded all or nothing, counts only; each ward's cases per 1,000
residents a month over the last three months against the town's, and the hotspot level on
the map."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.roles import MembershipRole
from spatial.models import DiseaseCaseCount
from tests.conftest import client_for
from tests.factories import BuildingFactory, MembershipFactory, square

pytestmark = pytest.mark.django_db

URL = "/api/v1/disease-cases/"
HOTSPOTS = "/api/v1/disease-hotspots/"


def _this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def _months_ago(n: int) -> str:
    first = timezone.localdate().replace(day=1)
    for _ in range(n):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first.strftime("%Y-%m")


def _row(ward: int, cases: int, month: str | None = None, **extra) -> dict:
    return {
        "ward": ward,
        "month": month or _this_month(),
        "disease": "acute_watery_diarrhoea",
        "cases": cases,
        "source": "Upazila Health Complex",
        **extra,
    }


def _post(client, rows: list[dict], **body):
    return client.post(URL, {"counts": rows, **body}, format="json")


def test_a_table_is_recorded_all_or_nothing_and_a_month_again_replaces(gis_client, town):
    refused = _post(
        gis_client,
        [
            _row(1, 4),
            _row(9, 2),  # no ward 9
            _row(2, -1),
            _row(2, 3, month="2999-01"),
            _row(1, 1, disease="flu"),
        ],
    )
    assert refused.status_code == 400, refused.content
    assert not DiseaseCaseCount.objects.exists()
    assert _post(gis_client, [_row(1, 4), _row(1, 4)]).status_code == 400  # twice
    done = _post(gis_client, [_row(1, 4), _row(2, 7, disease="cholera")])
    assert done.status_code == 200, done.content
    assert done.json() == {"created": 2, "updated": 0, "dry_run": False}
    again = _post(gis_client, [_row(1, 6)]).json()
    assert again == {"created": 0, "updated": 1, "dry_run": False}
    listed = gis_client.get(URL).json()["results"]
    assert sorted((r["ward"], r["disease"], r["cases"]) for r in listed) == [
        (1, "acute_watery_diarrhoea", 6),
        (2, "cholera", 7),
    ]
    assert listed[0]["month"] == _this_month()


def test_the_wards_one_may_read_and_write_are_ones_own(client, town, outsider):
    DiseaseCaseCount.objects.create(
        municipality=town.municipality,
        ward=town.west,
        month=timezone.localdate().replace(day=1),
        disease="typhoid",
        cases=2,
        source="Clinic",
    )
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    membership.wards.set([town.east])
    east_officer = membership.user
    east = client_for(east_officer)
    assert east.get(URL).json()["results"] == []
    assert _post(east, [_row(1, 3)]).status_code == 403
    assert _post(east, [_row(2, 3)]).status_code == 200
    stranger = client_for(outsider)
    assert stranger.get(URL).json()["results"] == []
    assert _post(stranger, [_row(1, 3)]).status_code in (400, 403)
    assert client.get(URL).status_code in (401, 403)


def test_a_ward_at_twice_the_towns_rate_is_a_hotspot(gis_client, gis_officer, town):
    # 1,000 residents in each ward.
    for ward_lon in (town.west, town.east):
        centre = ward_lon.geom.point_on_surface
        BuildingFactory(
            municipality=town.municipality,
            population_male=500,
            population_female=500,
            geom=square(centre.x, centre.y),
        )
    # Over three months: 30 cases in ward 1, none in ward 2, whose 90 cases four months ago
    # are older than the window.
    rows = [_row(1, 10, _months_ago(n)) for n in range(3)]
    rows += [_row(2, 90, _months_ago(4))]
    assert _post(gis_client, rows).status_code == 200
    features = json.loads(b"".join(gis_client.get(HOTSPOTS).streaming_content))["features"]
    by_ward = {f["properties"]["ward_number"]: f["properties"] for f in features}
    assert (by_ward[1]["cases"], by_ward[1]["people"]) == (30, 1000)
    assert by_ward[1]["cases_per_1000_a_month"] == 10.0
    assert by_ward[1]["town_cases_per_1000_a_month"] == 5.0
    assert by_ward[2]["cases"] == 0
    assert (by_ward[1]["level"], by_ward[2]["level"]) == ("hotspot", "usual")
    browser = Client()
    browser.force_login(gis_officer)
    page = browser.get(reverse("spatial:map"))
    assert "disease-hotspots" in [layer["name"] for layer in page.context["map_config"]["layers"]]


def test_above_the_towns_rate_is_raised_and_a_ward_without_residents_unknown(gis_client, town):
    centre = town.west.geom.point_on_surface
    BuildingFactory(
        municipality=town.municipality,
        population_male=1000,
        population_female=0,
        geom=square(centre.x, centre.y),
    )
    assert _post(gis_client, [_row(1, 6), _row(2, 4)]).status_code == 200
    features = json.loads(b"".join(gis_client.get(HOTSPOTS).streaming_content))["features"]
    levels = {f["properties"]["ward_number"]: f["properties"]["level"] for f in features}
    assert levels == {1: "usual", 2: "unknown"}  # all residents on record live in ward 1
    east = town.east.geom.point_on_surface
    BuildingFactory(
        municipality=town.municipality,
        population_male=1000,
        population_female=0,
        geom=square(east.x, east.y),
    )
    features = json.loads(b"".join(gis_client.get(HOTSPOTS).streaming_content))["features"]
    levels = {f["properties"]["ward_number"]: f["properties"]["level"] for f in features}
    assert levels == {1: "raised", 2: "usual"}
