"""Hard-to-reach buildings and a building's nearest usable road (issue 30, tools 2 and 5),
on hand-built geometry whose answers are known: a building exactly at the hose length and
one 1 m beyond it, a road 10 cm narrower than the vehicle, an earthen lane, the fleet's
vehicle width against an asked one and an assumed one, and the reader's wards."""

from __future__ import annotations

import csv
import io

import pyogrio
import pytest
from django.contrib.gis.geos import LineString, Polygon
from django.db import connection

from containment import access
from containment.models import ServiceProvider, Vehicle
from core.roles import MembershipRole
from spatial.models import Building
from tests.conftest import client_for
from tests.factories import (
    M_PER_DEG_LAT,
    BuildingFactory,
    MembershipFactory,
    RoadFactory,
    east_of,
    square,
    xlsx_records,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/analysis/hard-to-reach/"
MAIN_LON = 90.84


def _east_of(lon: float, lat: float, metres: float) -> tuple[float, float]:
    return east_of(lon, lat, metres)


def _road(town, code, lon, south, north, width, surface="metalled"):
    return RoadFactory(
        municipality=town.municipality,
        code=code,
        surface=surface,
        carriageway_width_m=width,
        geom=LineString((lon, south), (lon, north), srid=4326),
    )


def _building(town, lon, lat, metres) -> Building:
    """A 6 m square whose west wall stands `metres` east of the meridian `lon`."""
    x, y = _east_of(lon, lat, metres)
    return Building.objects.get(
        pk=BuildingFactory(municipality=town.municipality, geom=square(x, y, 6)).pk
    )


@pytest.fixture
def layout(town):
    _road(town, "R-MAIN", MAIN_LON, 22.93, 22.96, 3.0)
    _road(town, "R-NARROW", 90.85, 22.945, 22.955, 2.3)  # 10 cm narrower than the vehicle
    _road(town, "R-EARTH", 90.835, 22.955, 22.965, 3.0, surface="earthen")
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug")
    Vehicle.objects.create(provider=provider, registration="V-1", capacity_m3=3, width_m="2.40")
    Vehicle.objects.create(provider=provider, registration="V-2", capacity_m3=5, width_m="3.10")
    return {
        "at_hose": _building(town, MAIN_LON, 22.935, 40.0),
        "beyond": _building(town, MAIN_LON, 22.940, 41.0),
        "by_narrow": _building(town, 90.85, 22.950, 5.0),
        "by_earthen": _building(town, 90.835, 22.960, 5.0),
        "west": Building.objects.get(
            pk=BuildingFactory(municipality=town.municipality, geom=square(90.805, 22.93)).pk
        ),
    }


def _hard(client, **query) -> dict:
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_hose_reaches_exactly_its_length_and_not_a_metre_beyond(gis_client, layout):
    found = _hard(gis_client)
    assert found["vehicle_width_m"] == 2.4
    assert found["vehicle_width_source"] == "fleet"  # the narrowest in service
    assert found["hose_length_m"] == 40
    hard = {b["bin"]: b for b in found["buildings"]}
    assert set(hard) == {layout[k].bin for k in ("beyond", "by_narrow", "by_earthen", "west")}
    assert hard[layout["beyond"].bin]["road"] == "R-MAIN"
    assert hard[layout["beyond"].bin]["distance_m"] == pytest.approx(41.0, abs=0.05)
    assert found["by_ward"] == [
        {"ward": 1, "buildings": 1, "hard_to_reach": 1},
        {"ward": 2, "buildings": 4, "hard_to_reach": 3},
    ]
    assert "40" in found["definition"]
    # A longer hose reaches the building a metre beyond.
    longer = {b["bin"] for b in _hard(gis_client, hose_length=41)["buildings"]}
    assert layout["beyond"].bin not in longer


def test_a_road_narrower_than_the_vehicle_or_earthen_is_not_used(gis_client, layout):
    narrow = {b["bin"] for b in _hard(gis_client, vehicle_width="2.3")["buildings"]}
    assert layout["by_narrow"].bin not in narrow
    assert layout["by_earthen"].bin in narrow
    earthen = {b["bin"] for b in _hard(gis_client, earthen="true")["buildings"]}
    assert layout["by_earthen"].bin not in earthen
    assert layout["by_narrow"].bin in earthen


def test_without_widths_on_record_the_assumed_vehicle_says_so(gis_client, layout, settings):
    settings.IMIS = {**settings.IMIS, "VEHICLE_WIDTH_M": 2.3}
    Vehicle.objects.update(width_m=None)
    found = _hard(gis_client)
    assert (found["vehicle_width_m"], found["vehicle_width_source"]) == (2.3, "assumed")
    assert _hard(gis_client, vehicle_width="2.5")["vehicle_width_source"] == "asked"


def test_one_buildings_nearest_usable_road(gis_client, layout):
    at_hose = gis_client.get(f"/api/v1/analysis/access/{layout['at_hose'].pk}/").json()
    assert at_hose["road"]["code"] == "R-MAIN"
    assert at_hose["distance_m"] == pytest.approx(40.0, abs=0.05)
    assert at_hose["reachable"] is True
    narrow = gis_client.get(f"/api/v1/analysis/access/{layout['by_narrow'].pk}/").json()
    assert narrow["road"]["code"] == "R-MAIN"  # not the narrow road beside it
    assert narrow["reachable"] is False
    beside = gis_client.get(
        f"/api/v1/analysis/access/{layout['by_narrow'].pk}/", {"vehicle_width": "2.3"}
    ).json()
    assert (beside["road"]["code"], beside["reachable"]) == ("R-NARROW", True)


def test_a_reader_sees_only_his_wards_and_bad_input_is_a_400(
    client, gis_client, town, other_town, layout
):
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    membership.wards.set([town.west])
    west = client_for(membership.user)
    found = _hard(west)
    assert [b["bin"] for b in found["buildings"]] == [layout["west"].bin]
    assert found["by_ward"] == [{"ward": 1, "buildings": 1, "hard_to_reach": 1}]
    assert west.get(URL, {"ward": town.east.pk}).status_code == 400
    assert west.get(f"/api/v1/analysis/access/{layout['beyond'].pk}/").status_code == 404
    for bad in (
        {"hose_length": 500},
        {"vehicle_width": "wide"},
        {"ward": other_town.west.pk},
        {"municipality": other_town.municipality.code},
        {"file_format": "shp"},
    ):
        assert gis_client.get(URL, bad).status_code in (400, 404), bad
    assert client.get(URL).status_code in (401, 403)


def test_the_list_downloads_as_csv(gis_client, layout):
    response = gis_client.get(URL, {"file_format": "csv"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert {r["bin"] for r in rows} == {
        layout[k].bin for k in ("beyond", "by_narrow", "by_earthen", "west")
    }
    assert {r["nearest_usable_road"] for r in rows} >= {"R-MAIN"}


def test_the_list_downloads_as_a_workbook(gis_client, layout):
    rows = xlsx_records(gis_client.get(URL, {"file_format": "xlsx"}))
    beyond = next(r for r in rows if r["bin"] == layout["beyond"].bin)
    assert beyond["nearest_usable_road"] == "R-MAIN"
    assert beyond["distance_m"] == pytest.approx(41.0, abs=0.1)
    assert layout["at_hose"].bin not in {r["bin"] for r in rows}


def test_the_nearest_road_is_found_by_the_spatial_index(layout):
    """The nearest-road probe orders by the index's distance (the road register's GiST
    index can serve it; with the few rows here the planner is told to prefer it)."""
    vehicle = access.vehicle_for(layout["west"].municipality)
    usable, params = access.usable_sql(vehicle)
    with connection.cursor() as cursor:
        # Whatever the statistics of a fresh table, only the GiST index orders by distance
        # without a sort: with sorts and scans discouraged, the probe must use it.
        cursor.execute("ANALYZE spatial_road")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        sql = f"EXPLAIN SELECT near.id FROM spatial_building b {access._nearest_sql(usable)}"  # noqa: S608
        cursor.execute(sql + " WHERE b.id = %(b)s", params | {"b": layout["west"].pk})
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using spatial_road_geom" in plan, plan


def test_the_buildings_within_reach_are_found_through_their_own_index(layout):
    """From the roads' side, each usable segment finds the buildings near it through the
    buildings' GiST index (not by measuring every building against every segment)."""
    municipality = layout["west"].municipality
    vehicle = access.vehicle_for(municipality)
    usable, params = access.usable_sql(vehicle)
    params |= {"m": municipality.pk, "deg": 40 / access.M_PER_DEGREE_MAX}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.access_segments")
        cursor.execute(access.SEGMENTS_SQL.format(usable=usable), params)
        cursor.execute("ANALYZE access_segments; ANALYZE spatial_building")
        # A handful of rows would be scanned whole: with scans and plain index walks
        # discouraged, only a spatial index can bound the buildings a segment meets.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + access.REACHED_SQL.split(" AS\n", 1)[1], params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DROP TABLE pg_temp.access_segments")
    assert "spatial_building_geom" in plan, plan


def test_a_building_behind_another_needs_the_hose_laid_around_it(gis_client, layout, town):
    """36 m from the road in a straight line, but a 12 m building stands across the way:
    the hose goes round its nearer corners, 3 + 12 + 3 m instead of 12 straight through,
    42 m in all, beyond the 40 m hose. The same building with nothing in the way is
    reached."""
    lat = 22.9445
    behind = _building(town, MAIN_LON, lat, 36.0)
    x, _y = _east_of(MAIN_LON, lat, 10.0)
    BuildingFactory(municipality=town.municipality, geom=square(x, lat - 3 / M_PER_DEG_LAT, 12))
    clear = _building(town, MAIN_LON, 22.9475, 36.0)
    blocked = gis_client.get(f"/api/v1/analysis/access/{behind.pk}/").json()
    assert blocked["distance_m"] == pytest.approx(36.0, abs=0.05)
    assert blocked["buildings_in_the_way"] == 1
    assert blocked["hose_m"] == pytest.approx(42.0, abs=0.3)
    assert blocked["reachable"] is False
    # The town's list judges alike: the building behind is listed, with both measures.
    listed = {b["bin"]: b for b in gis_client.get(URL).json()["buildings"]}
    assert listed[behind.bin]["distance_m"] == pytest.approx(36.0, abs=0.05)
    assert listed[behind.bin]["hose_m"] == pytest.approx(42.0, abs=0.3)
    assert clear.bin not in listed
    open_way = gis_client.get(f"/api/v1/analysis/access/{clear.pk}/").json()
    assert open_way["buildings_in_the_way"] == 0
    assert open_way["hose_m"] == open_way["distance_m"]
    assert open_way["reachable"] is True


def test_the_list_counts_buildings_well_within_the_hose_as_reached(gis_client, layout, town):
    """The town's list lays the hose only for buildings farther than the hose less
    DETOUR_BAND_M (15 m) in a straight line, by the metre: behind the same 60 m long block,
    one 24 m from the road is counted reached, one 26 m away is listed with the hose laid
    round the block. One building's check lays it for both."""
    lat = 22.952
    near = _building(town, MAIN_LON, lat, 24.0)
    far = _building(town, MAIN_LON, lat + 10 / M_PER_DEG_LAT, 26.0)
    west, _y = _east_of(MAIN_LON, lat, 8.0)
    east, _y = _east_of(MAIN_LON, lat, 20.0)
    block = Polygon.from_bbox((west, lat - 25 / M_PER_DEG_LAT, east, lat + 35 / M_PER_DEG_LAT))
    block.srid = 4326
    BuildingFactory(municipality=town.municipality, geom=block)
    listed = {b["bin"]: b for b in gis_client.get(URL).json()["buildings"]}
    assert near.bin not in listed
    assert listed[far.bin]["distance_m"] == pytest.approx(26.0, abs=0.05)
    assert listed[far.bin]["hose_m"] > 60
    one = gis_client.get(f"/api/v1/analysis/access/{near.pk}/").json()
    assert one["buildings_in_the_way"] == 1
    assert one["hose_m"] > 60
    assert one["reachable"] is False


def test_the_list_as_a_geopackage_read_by_gdal(gis_client, layout, tmp_path):
    response = gis_client.get(URL, {"file_format": "gpkg"})
    assert response.status_code == 200
    path = tmp_path / "hard.gpkg"
    path.write_bytes(response.content)
    frame = pyogrio.read_dataframe(path)
    assert layout["beyond"].bin in set(frame["bin"])
    assert layout["at_hose"].bin not in set(frame["bin"])
    assert set(frame.geometry.geom_type) == {"Point"}
