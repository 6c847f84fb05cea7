"""Containments near water (issue 30, tool 3) on hand-built geometry whose answers are
known: with the rule set's minimum distance from a well set to 30 m, a pit 29 m from a tube
well is near it and one 31 m away is not; a pond's edge; a building's own tube well; a
sewered containment left out; the reader's wards; the CSV."""

from __future__ import annotations

import csv
import io

import pyogrio
import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from containment import near_water, services
from core.roles import MembershipRole
from tests.conftest import client_for
from tests.factories import (
    BuildingFactory,
    ContainmentFactory,
    MembershipFactory,
    WaterBodyFactory,
    WaterPointFactory,
    east_of,
    square,
    xlsx_records,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/analysis/near-water/"
LON, LAT = 90.81, 22.93


def _east(metres: float, lon: float = LON, lat: float = LAT) -> tuple[float, float]:
    return east_of(lon, lat, metres)


def _pit(town, lon, lat, **changes):
    values = {"containment_type": "unlined_pit", "outlet": "none", "toilet_type": "pit_with_slab"}
    return ContainmentFactory(
        municipality=town.municipality, geom=Point(lon, lat, srid=4326), **(values | changes)
    )


@pytest.fixture
def layout(town):
    services.rule_set_create(municipality=town.municipality, min_well_distance_m=30)
    well = WaterPointFactory(municipality=town.municipality, geom=Point(LON, LAT, srid=4326))
    near = _pit(town, *_east(29))
    far = _pit(town, *_east(31))
    sewered = ContainmentFactory(
        municipality=town.municipality, outlet="sewer", geom=Point(*_east(5), srid=4326)
    )
    # A pond in ward 2 whose west edge is 20 m east of a septic tank.
    pond_lon, pond_lat = 90.845, 22.95
    pond = WaterBodyFactory(municipality=town.municipality, geom=square(pond_lon, pond_lat, 30))
    by_pond = ContainmentFactory(
        municipality=town.municipality, geom=Point(*_east(-20, pond_lon, pond_lat + 0.0001))
    )
    # A house 25 m north of the far pit drinking from its own tube well.
    x, y = _east(31)
    house = BuildingFactory(
        municipality=town.municipality,
        water_source="tube_well",
        geom=square(x, y + 25 / 110_700, 8),
    )
    return {"well": well, "near": near, "far": far, "sewered": sewered, "pond": pond,
            "by_pond": by_pond, "house": house}  # fmt: skip


def test_the_rule_sets_distance_decides_29_and_31_metres(gis_client, layout):
    response = gis_client.get(URL)
    assert response.status_code == 200, response.content
    found = response.json()
    assert (found["distance_m"], found["distance_source"]) == (30.0, "rule_set")
    by_id = {item["id"]: item for item in found["containments"]}
    assert layout["sewered"].pk not in by_id
    assert by_id[layout["near"].pk]["well_m"] == pytest.approx(29, abs=0.05)
    assert by_id[layout["near"].pk]["infiltrates"] is True
    # The far pit is 31 m from the well but 25 m from the house's own tube well.
    assert by_id[layout["far"].pk]["well_m"] is None
    assert by_id[layout["far"].pk]["own_well_m"] == pytest.approx(25, abs=0.3)
    assert by_id[layout["by_pond"].pk]["water_body_m"] == pytest.approx(20, abs=0.3)
    assert found["containments_near_water"] == 3
    assert [(w["id"], w["containments"]) for w in found["wells_at_risk"]] == [
        (layout["well"].pk, 1)
    ]
    assert [b["label"] for b in found["buildings_with_own_well_at_risk"]] == [layout["house"].bin]
    assert [w["id"] for w in found["water_bodies_at_risk"]] == [layout["pond"].pk]
    assert found["by_ward"] == [{"ward": 1, "containments": 2}, {"ward": 2, "containments": 1}]
    assert (
        found["wells_at_risk_count"],
        found["water_bodies_at_risk_count"],
        found["buildings_with_own_well_at_risk_count"],
    ) == (1, 1, 1)
    # Lists are cut at `limit`, nearest first; the counts are not.
    first = gis_client.get(URL, {"limit": 1}).json()
    assert [item["id"] for item in first["containments"]] == [layout["by_pond"].pk]
    assert first["containments_near_water"] == 3


def test_an_asked_distance_and_a_reader_of_one_ward(gis_client, layout, town):
    found = gis_client.get(URL, {"distance": 32}).json()
    assert found["distance_source"] == "asked"
    far = next(item for item in found["containments"] if item["id"] == layout["far"].pk)
    assert far["well_m"] == pytest.approx(31, abs=0.05)
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    membership.wards.set([town.east])
    east = client_for(membership.user).get(URL).json()
    assert [item["id"] for item in east["containments"]] == [layout["by_pond"].pk]
    assert gis_client.get(URL, {"distance": 0}).status_code == 400
    assert gis_client.get(URL, {"distance": 501}).status_code == 400
    assert gis_client.get(URL, {"limit": 0}).status_code == 400


def test_without_a_rule_set_the_domain_default_applies(gis_client, town):
    assert near_water.default_distance(town.municipality) == (10.0, "default")


def test_the_list_as_csv(gis_client, layout):
    response = gis_client.get(URL, {"file_format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["code"] for row in rows} == {
        layout[name].code for name in ("near", "far", "by_pond")
    }


def test_the_list_as_a_workbook(gis_client, layout):
    rows = xlsx_records(gis_client.get(URL, {"file_format": "xlsx"}))
    assert {row["code"] for row in rows} == {
        layout[name].code for name in ("near", "far", "by_pond")
    }


def test_the_list_as_a_geopackage_read_by_gdal(gis_client, layout, tmp_path):
    response = gis_client.get(URL, {"file_format": "gpkg"})
    assert response.status_code == 200
    path = tmp_path / "near.gpkg"
    path.write_bytes(response.content)
    frame = pyogrio.read_dataframe(path)
    assert set(frame["code"]) == {layout[name].code for name in ("near", "far", "by_pond")}
    assert set(frame.geometry.geom_type) == {"Point"}
    near = frame[frame["code"] == layout["near"].code].iloc[0]
    assert near["well_m"] == pytest.approx(29, abs=0.05)


def test_the_containments_are_found_by_the_spatial_index(layout):
    """Each source finds its containments through their GiST index (with the few rows
    here, the planner is told to avoid sequential scans)."""
    distance, _source = near_water.default_distance(layout["near"].municipality)
    params = {
        "m": layout["near"].municipality_id,
        "distance": distance,
        "degrees": distance / near_water.METRES_PER_DEGREE_AT_LEAST,
        "wards": None,
    }
    select = near_water.PAIRS_SQL.split("ON COMMIT DROP AS", 1)[1]  # its SELECT
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE containment_containment")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + select, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "containment_containment_geom" in plan, plan
