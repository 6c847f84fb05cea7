"""Data quality (dashboards/quality.py): each check on hand-built geometries whose answer is
known, completeness counts, the kept snapshots, the page and the API."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone

from containment.models import Containment, ContainmentBuilding
from core.roles import MembershipRole
from dashboards import quality, services
from dashboards.models import QualitySnapshot
from spatial.models import Building
from surveys.models import Submission
from tests.conftest import client_for
from tests.factories import (
    SPLIT,
    BuildingFactory,
    ContainmentFactory,
    HouseholdFactory,
    MembershipFactory,
    RoadFactory,
    m_per_deg_lon,
    square,
    town_campaign,
)

pytestmark = pytest.mark.django_db

LAT = 22.94
M_LAT = 111_320.0


def east_m(lon: float, metres: float) -> float:
    return lon + metres / m_per_deg_lon(LAT)


def north_m(lat: float, metres: float) -> float:
    return lat + metres / M_LAT


def _building(town, lon: float, lat: float = LAT, size_m: float = 10, **values) -> Building:
    values = {"municipality": town.municipality, "geom": square(lon, lat, size_m), **values}
    return BuildingFactory(**values)


def _failing(town, code: str, wards=None) -> set[int]:
    _, rows = quality.check_records(
        municipality=town.municipality,
        check=quality.CHECKS_BY_CODE[code],
        wards=wards,
        limit=1000,
    )
    return {row["id"] for row in rows}


def _served(town, building: Building, dx_m: float):
    """A containment `dx_m` east of the building's south-west corner, serving it."""
    corner = building.geom.extent
    point = Point(east_m(corner[0], dx_m), north_m(corner[1], 5), srid=4326)
    return ContainmentFactory(municipality=town.municipality, geom=point, buildings=[building])


def test_overlapping_footprints(town):
    west = SPLIT - 0.01
    a = _building(town, west)  # 0-10 m
    b = _building(town, east_m(west, 7))  # 7-17 m: 3 m x 10 m shared with a
    c = _building(town, east_m(west, 10))  # 10-20 m: 7 m x 10 m shared with b, a wall with a
    lone = _building(town, east_m(west, 40))  # 40-50 m
    touching = _building(town, east_m(west, 50))  # 50-60 m: a wall shared with lone
    neighbour = _building(town, east_m(west, 60))  # 60-70 m
    failing = _failing(town, "overlapping_footprints")
    assert {a.pk, b.pk, c.pk} <= failing
    assert not {lone.pk, touching.pk, neighbour.pk} & failing  # a shared wall is no overlap


def test_footprint_crossing_a_road(town):
    west = SPLIT - 0.01
    crossed = _building(town, west)
    beside = _building(town, west, north_m(LAT, 20))
    through = north_m(LAT, 5)
    RoadFactory(
        municipality=town.municipality,
        geom=LineString((west - 0.001, through), (west + 0.001, through), srid=4326),
    )
    # A road along the building's southern wall touches it without crossing.
    edge = north_m(LAT, 20)
    RoadFactory(
        municipality=town.municipality,
        geom=LineString((west - 0.001, edge), (west + 0.001, edge), srid=4326),
    )
    failing = _failing(town, "footprint_crosses_road")
    assert crossed.pk in failing
    assert beside.pk not in failing


def test_footprint_across_a_ward_boundary(town):
    across = _building(town, east_m(SPLIT, -5))  # half in each ward
    inside = _building(town, east_m(SPLIT, -20))
    on_the_line = _building(town, SPLIT)  # its western wall on the boundary: inside ward 2
    failing = _failing(town, "footprint_crosses_ward_boundary")
    assert across.pk in failing
    assert not {inside.pk, on_the_line.pk} & failing


def test_building_without_a_containment(town):
    west = SPLIT - 0.01
    served = _building(town, west)
    _served(town, served, 12)
    bare = _building(town, east_m(west, 30))
    no_toilet = _building(town, east_m(west, 60), has_toilet=False)
    retired_link = _building(town, east_m(west, 90))
    gone = _served(town, retired_link, 12)
    gone.retired_at = timezone.now()
    gone.save()
    sharing = _building(town, east_m(west, 120))  # its household uses `served`'s toilet
    HouseholdFactory(
        building=sharing,
        number=1,
        facility=ContainmentBuilding.objects.get(building=served).containment,
    )
    failing = _failing(town, "building_without_containment")
    assert {bare.pk, retired_link.pk} <= failing
    assert not {served.pk, no_toilet.pk, sharing.pk} & failing


def test_duplicate_holding_numbers(town):
    west = SPLIT - 0.01
    first = _building(town, west, holding_number="07-0001")
    second = _building(town, east_m(west, 30), holding_number="07-0001")
    annex = _building(town, east_m(west, 60), holding_number="07-0002")
    main = _building(town, east_m(west, 90), holding_number="07-0002")
    annex.main_building = main
    annex.save()
    retired = _building(town, east_m(west, 120), holding_number="07-0003")
    _building(town, east_m(west, 150), holding_number="07-0003", retired_at=timezone.now())
    failing = _failing(town, "duplicate_holding_number")
    assert {first.pk, second.pk} <= failing
    assert not {annex.pk, main.pk, retired.pk} & failing


def test_containment_far_from_the_buildings_it_serves(town, settings):
    settings.IMIS = {**settings.IMIS, "CONTAINMENT_MAX_DISTANCE_M": 30}
    west = SPLIT - 0.01
    near = _served(town, _building(town, west), 25)  # 15 m east of the footprint
    far = _served(town, _building(town, east_m(west, 100)), 50)  # 40 m east
    serving_none = ContainmentFactory(
        municipality=town.municipality, geom=Point(east_m(west, 300), LAT, srid=4326)
    )
    failing = _failing(town, "containment_far_from_buildings")
    assert {far.pk, serving_none.pk} <= failing
    assert near.pk not in failing
    row = next(
        r
        for r in quality.check_records(
            municipality=town.municipality,
            check=quality.CHECKS_BY_CODE["containment_far_from_buildings"],
            wards=None,
            limit=10,
        )[1]
        if r["id"] == far.pk
    )
    assert row["detail"] == "40 m"


def test_survey_point_far_from_its_footprint(town, settings):
    settings.IMIS = {**settings.IMIS, "SURVEY_MATCH_DISTANCE_M": 25}
    west = SPLIT - 0.01
    close = _building(town, west)
    far = _building(town, east_m(west, 100))
    rejected = _building(town, east_m(west, 200))
    campaign = town_campaign(town)
    enumerator = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).user

    def submit(building, dx_m, status="pending"):
        corner = building.geom.extent
        Submission.objects.create(
            campaign=campaign,
            enumerator=enumerator,
            client_uuid=uuid.uuid4(),
            payload_sha256="0" * 64,
            answers={},
            device_time=timezone.now(),
            geom=Point(east_m(corner[0], dx_m), north_m(corner[1], 5), srid=4326),
            gps_accuracy_m=5,
            building=building,
            match_kind="nearest",
            status=status,
        )

    submit(close, 30)  # 20 m east of its footprint
    submit(far, 45)  # 35 m
    submit(rejected, 60, status="rejected")
    failing = _failing(town, "survey_point_far_from_footprint")
    assert failing == {far.pk}


def test_completeness_and_checks_per_ward(town):
    west, east = SPLIT - 0.01, SPLIT + 0.01
    _building(town, west, holding_number="", household_count=None)
    _building(town, east_m(west, 30), population_male=4)
    b3 = _building(town, east, functional_use="")
    Containment.objects.filter(pk=_served(town, b3, 12).pk).update(outlet="dont_know")
    rows = quality.ward_quality(municipality=town.municipality, wards=None)
    by_number = {row["number"]: row for row in rows}
    ward1, ward2 = by_number[1], by_number[2]
    assert (ward1["buildings"], ward2["buildings"]) == (2, 1)
    assert ward1["completeness"]["holding_number"] == {"known": 1, "of": 2}
    assert ward1["completeness"]["households"] == {"known": 1, "of": 2}
    assert ward1["completeness"]["population"] == {"known": 1, "of": 2}
    assert ward2["completeness"]["functional_use"] == {"known": 0, "of": 1}
    assert ward2["completeness"]["outlet"] == {"known": 0, "of": 1}
    assert ward2["completeness"]["emptying_history"] == {"known": 1, "of": 1}
    assert ward1["checks"]["building_without_containment"] == 2
    assert ward2["checks"]["building_without_containment"] == 0
    # One ward asked for: that ward's row alone.
    only = quality.ward_quality(municipality=town.municipality, wards=[town.east.pk])
    assert [row["number"] for row in only] == [2]
    assert only[0] == ward2


def test_snapshots_keep_the_shares_day_by_day(town):
    west = SPLIT - 0.01
    _building(town, west, holding_number="")
    assert services.quality_snapshot_take(municipality=town.municipality) == 2
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    QualitySnapshot.objects.update(taken_on=yesterday)
    Building.objects.filter(municipality=town.municipality).update(holding_number="07-1")
    services.quality_snapshot_take(municipality=town.municipality)
    services.quality_snapshot_take(municipality=town.municipality)  # the same day: replaced
    trend = quality.quality_trend(municipality=town.municipality, wards=None)
    assert [day["taken_on"] for day in trend] == [yesterday, timezone.localdate()]
    assert [day["completeness"]["holding_number"]["known"] for day in trend] == [0, 1]


def test_the_api_lists_what_to_fix_for_who_edits_there(town, gis_officer):
    west = SPLIT - 0.01
    a = _building(town, west)
    b = _building(town, east_m(west, 5))
    client = client_for(gis_officer)
    response = client.get("/api/v1/dashboards/quality/", {"municipality": town.municipality.code})
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["checks"]["overlapping_footprints"] == 2
    codes = [check["code"] for check in body["definitions"]["checks"]]
    assert codes == [check.code for check in quality.CHECKS]
    listing = client.get(
        "/api/v1/dashboards/quality/overlapping_footprints/",
        {"municipality": town.municipality.code, "ward": town.west.pk},
    ).json()
    assert listing["count"] == 2
    assert {row["id"] for row in listing["results"]} == {a.pk, b.pk}
    first = listing["results"][0]
    assert first["url"] == f"/buildings/{first['label']}/"
    assert first["editor_url"].startswith("/map/edit/#map=20/")
    assert client.get("/api/v1/dashboards/quality/no_such_check/").status_code == 404
    assert client.get("/api/v1/dashboards/quality/", {"ward": "x"}).status_code == 400
    past_bigint = {"offset": "9" * 30}
    assert (
        client.get("/api/v1/dashboards/quality/overlapping_footprints/", past_bigint).status_code
        == 400
    )
    executive = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.EXECUTIVE
    ).user
    assert client_for(executive).get("/api/v1/dashboards/quality/").status_code == 403


def test_counts_are_kept_a_while_and_counted_again_when_asked(town, settings):
    building = _building(town, SPLIT - 0.01, holding_number="")

    def known():
        rows, counted_at = services.quality_current(
            municipality=town.municipality, wards=None, recount=recount
        )
        return quality.summed(rows)["completeness"]["holding_number"]["known"], counted_at

    recount = False
    assert known()[0] == 0
    Building.objects.filter(pk=building.pk).update(holding_number="07-9")
    count, first = known()
    assert count == 0  # kept: counted moments ago
    recount = True
    count, again = known()
    assert count == 1
    assert again > first
    recount = False
    Building.objects.filter(pk=building.pk).update(holding_number="")
    settings.IMIS = {**settings.IMIS, "QUALITY_MAX_AGE_S": 0}
    assert known()[0] == 0  # older than the setting: counted again


def test_the_page_counts_again_on_request(town, gis_officer, client):
    building = _building(town, SPLIT - 0.01, holding_number="")
    client.force_login(gis_officer)
    url = f"/quality/?municipality={town.municipality.code}"
    assert client.get(url).status_code == 200
    Building.objects.filter(pk=building.pk).update(holding_number="07-9")
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "1 / 1" in page
