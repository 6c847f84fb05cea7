"""Splitting and merging buildings (issue 21): the larger part keeps the BIN, the other gets
a new one; a merge keeps the survivor's BIN, retires the other with a pointer, and moves its
links. Through the API, with the ETag as every edit."""

import json

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.urls import reverse

from containment.models import ContainmentBuilding
from spatial.models import Building

from ..conftest import client_for, if_match
from ..factories import (
    SPLIT,
    WEST,
    BuildingFactory,
    ContainmentFactory,
    HouseholdFactory,
    MembershipFactory,
    m_per_deg_lon,
    square,
)

pytestmark = pytest.mark.django_db

LAT = 22.93


def detail(building) -> str:
    return reverse("spatial-api:building-detail", args=[building.pk])


def split_url(building) -> str:
    return reverse("spatial-api:building-split", args=[building.pk])


def merge_url(building) -> str:
    return reverse("spatial-api:building-merge", args=[building.pk])


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def rectangle(lon: float, width_m: float, height_m: float = 10.0) -> Polygon:
    dx = width_m / m_per_deg_lon(LAT)
    dy = height_m / 110_574.0
    polygon = Polygon.from_bbox((lon, LAT, lon + dx, LAT + dy))
    polygon.srid = 4326
    return polygon


def cut_at(lon: float) -> dict:
    """A north-south line through longitude `lon`, reaching past the footprint."""
    return {"type": "LineString", "coordinates": [[lon, LAT - 0.0001], [lon, LAT + 0.0002]]}


def test_a_split_keeps_the_bin_on_the_larger_part_and_moves_the_nearer_link(gis_client, town):
    west = WEST + 0.005
    building = BuildingFactory(
        municipality=town.municipality, geom=rectangle(west, 30), floor_count=3
    )
    household = HouseholdFactory(building=building)
    # The containment lies by the east end: it goes with the eastern (smaller) part.
    east_end = west + 28 / m_per_deg_lon(LAT)
    containment = ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        geom=Point(east_end, LAT - 0.00002, srid=4326),
    )
    cut = west + 20 / m_per_deg_lon(LAT)
    response = post(
        gis_client,
        split_url(building),
        {"line": cut_at(cut)},
        **if_match(gis_client, detail(building)),
    )
    assert response.status_code == 200, response.content
    kept, created = response.json()["features"]
    assert kept["id"] == building.pk
    assert kept["properties"]["bin"] == building.bin
    assert created["properties"]["bin"] not in ("", building.bin)
    assert kept["properties"]["footprint_area_m2"] > created["properties"]["footprint_area_m2"]
    total = kept["properties"]["footprint_area_m2"] + created["properties"]["footprint_area_m2"]
    assert total == pytest.approx(300, rel=0.01)
    # The new part has the make and use; the people stay where they were.
    assert created["properties"]["floor_count"] == 3
    assert created["properties"]["household_count"] is None
    household.refresh_from_db()
    assert household.building_id == building.pk
    link = ContainmentBuilding.objects.get(containment=containment)
    assert link.building_id == created["id"]
    # One history entry each, by the officer.
    history = gis_client.get(detail(building)).json()["properties"]["history"]
    assert history[0]["changes"].keys() >= {"geom"}


def test_a_line_that_does_not_cut_the_building_is_refused_and_changes_nothing(gis_client, town):
    building = BuildingFactory(municipality=town.municipality, geom=rectangle(WEST + 0.005, 30))
    before = building.geom.wkt
    response = post(
        gis_client,
        split_url(building),
        {"line": cut_at(WEST + 0.004)},
        **if_match(gis_client, detail(building)),
    )
    assert response.status_code == 400
    assert "line" in response.json()["errors"]
    building.refresh_from_db()
    assert building.geom.wkt == before
    assert Building.objects.count() == 1


def test_a_split_without_the_etag_is_refused(gis_client, town):
    building = BuildingFactory(municipality=town.municipality, geom=rectangle(WEST + 0.005, 30))
    response = post(gis_client, split_url(building), {"line": cut_at(WEST + 0.0051)})
    assert response.status_code == 428


def test_a_merge_keeps_the_survivors_bin_and_moves_the_links(gis_client, town):
    west = WEST + 0.005
    survivor = BuildingFactory(municipality=town.municipality, geom=rectangle(west, 10))
    other = BuildingFactory(
        municipality=town.municipality, geom=rectangle(west + 10 / m_per_deg_lon(LAT), 10)
    )
    HouseholdFactory(building=survivor, number=1)
    moved = HouseholdFactory(building=other, number=1)
    containment = ContainmentFactory(municipality=town.municipality, buildings=[other])
    shared = ContainmentFactory(municipality=town.municipality, buildings=[other, survivor])
    auxiliary = BuildingFactory(municipality=town.municipality, main_building=other)
    response = post(
        gis_client,
        merge_url(survivor),
        {"other": other.pk},
        **if_match(gis_client, detail(survivor)),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["properties"]["bin"] == survivor.bin
    assert body["properties"]["footprint_area_m2"] == pytest.approx(200, rel=0.01)
    assert body["geometry"]["type"] == "Polygon"
    assert response["ETag"]
    other = Building.all_objects.get(pk=other.pk)
    assert other.retired_at is not None
    assert other.merged_into_id == survivor.pk
    assert survivor.bin in other.retired_reason
    moved.refresh_from_db()
    assert moved.building_id == survivor.pk
    assert moved.number == 2
    assert ContainmentBuilding.objects.get(containment=containment).building_id == survivor.pk
    # The containment both served keeps one link, responsible as the other's was.
    links = ContainmentBuilding.objects.filter(containment=shared)
    assert [(link.building_id, link.is_responsible) for link in links] == [(survivor.pk, True)]
    auxiliary.refresh_from_db()
    assert auxiliary.main_building_id == survivor.pk
    assert gis_client.get(detail(other)).status_code == 404


def test_buildings_apart_are_not_merged(gis_client, town):
    survivor = BuildingFactory(municipality=town.municipality, geom=square(WEST + 0.005, LAT))
    other = BuildingFactory(municipality=town.municipality, geom=square(WEST + 0.006, LAT))
    response = post(
        gis_client,
        merge_url(survivor),
        {"other": other.pk},
        **if_match(gis_client, detail(survivor)),
    )
    assert response.status_code == 400
    assert "other" in response.json()["errors"]
    assert Building.objects.count() == 2


def test_a_ward_limited_officer_cannot_merge_a_building_of_another_ward(town):
    officer = MembershipFactory(municipality=town.municipality).user
    membership = officer.memberships.get()
    membership.wards.add(town.west)
    client = client_for(officer)
    west_building = BuildingFactory(
        municipality=town.municipality, geom=rectangle(SPLIT - 10 / m_per_deg_lon(LAT), 10)
    )
    east_building = BuildingFactory(municipality=town.municipality, geom=rectangle(SPLIT, 10))
    response = post(
        client,
        merge_url(west_building),
        {"other": east_building.pk},
        **if_match(client, detail(west_building)),
    )
    # A building outside his wards is not his to see, let alone to merge.
    assert response.status_code == 404
    assert Building.objects.count() == 2
    assert Building.objects.get(pk=east_building.pk).retired_at is None


def test_a_buildings_detail_names_the_footprints_it_overlaps(gis_client, town):
    """A data-quality warning, not an error: shared walls (touching) are no overlap."""
    west = WEST + 0.005
    building = BuildingFactory(municipality=town.municipality, geom=rectangle(west, 10))
    touching = BuildingFactory(
        municipality=town.municipality, geom=rectangle(west + 10 / m_per_deg_lon(LAT), 10)
    )
    overlapping = BuildingFactory(
        municipality=town.municipality, geom=rectangle(west - 4 / m_per_deg_lon(LAT), 10)
    )
    overlaps = gis_client.get(detail(building)).json()["properties"]["overlaps"]
    assert [o["bin"] for o in overlaps] == [overlapping.bin]
    assert overlaps[0]["overlap_m2"] == pytest.approx(60, rel=0.02)
    assert gis_client.get(detail(touching)).json()["properties"]["overlaps"] == []
