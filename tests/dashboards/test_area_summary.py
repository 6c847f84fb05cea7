"""Area summaries (issue 30, tool 1) on hand-built geometry whose answers are known: two
buildings inside a drawn square and one outside it, a buffer in metres around a point and
around a drain (20 m catches a building 15 m away and not one 25 m away), a ward, a reader
limited to one ward, the export as CSV and XLSX, and the refusals (a self-intersecting
polygon, a buffer over 5 km, an area outside the municipality or the size of a country).
The people by JMP rung are checked against the dashboards' own classification of the same
households."""

from __future__ import annotations

import csv
import io

import pyogrio
import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection
from openpyxl import load_workbook

from containment.models import Household
from core.roles import MembershipRole
from dashboards import areas, selectors
from spatial.models import Building
from tests.conftest import client_for
from tests.factories import (
    BuildingFactory,
    ContainmentFactory,
    DrainSegmentFactory,
    HouseholdFactory,
    MembershipFactory,
    east_of,
    square,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/analysis/area-summary/"
LON, LAT = 90.81, 22.93


def _east(metres: float, lon: float = LON, lat: float = LAT) -> tuple[float, float]:
    return east_of(lon, lat, metres)


def _building(town, metres: float, *, male: int, female: int, holding: str, lat=LAT):
    x, y = _east(metres, lat=lat)
    return Building.objects.get(
        pk=BuildingFactory(
            municipality=town.municipality,
            geom=square(x, y, 6),
            population_male=male,
            population_female=female,
            holding_number=holding,
        ).pk
    )


@pytest.fixture
def layout(town):
    """A and B (a septic tank and a pit latrine) inside the square; C outside, whose
    household goes in the open; D in ward 2."""
    a = _building(town, 0, male=3, female=2, holding="01-0001")
    b = _building(town, 60, male=1, female=4, holding="01-0001")  # the same holding
    c = _building(town, 400, male=2, female=2, holding="01-0003")
    d = _building(town, 0, male=6, female=6, holding="02-0001", lat=22.95)
    d.geom = square(90.845, 22.95, 6)
    d.save()
    tank = ContainmentFactory(
        municipality=town.municipality, geom=Point(*_east(5), srid=4326), buildings=[a]
    )
    pit = ContainmentFactory(
        municipality=town.municipality,
        containment_type="lined_pit_open_bottom",
        outlet="none",
        toilet_type="pour_flush",
        geom=Point(*_east(65), srid=4326),
        buildings=[b],
    )
    HouseholdFactory(building=a, facility=tank, people_male=3, people_female=2)
    HouseholdFactory(building=b, facility=pit, people_male=1, people_female=4)
    HouseholdFactory(building=c, facility=None, members_go="open")
    return {"a": a, "b": b, "c": c, "d": d, "tank": tank, "pit": pit}


def _square_around(west_m: float, east_m: float, half_height_m: float = 30) -> dict:
    """A GeoJSON square from `west_m` to `east_m` east of the origin."""
    (w, _), (e, _) = _east(west_m), _east(east_m)
    dy = half_height_m / 110_700
    ring = [[w, LAT - dy], [e, LAT - dy], [e, LAT + dy], [w, LAT + dy], [w, LAT - dy]]
    return {"type": "Polygon", "coordinates": [ring]}


def _summary(client, body: dict) -> dict:
    response = client.post(URL, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_drawn_area_counts_what_touches_it(gis_client, layout):
    found = _summary(gis_client, {"geometry": _square_around(-20, 100)})
    assert found["buildings"] == 2
    assert found["holdings"] == 1  # A and B share one holding number
    assert found["people"] | {} == {
        "total": 10,
        "male": 4,
        "female": 6,
        "other": 0,
        "disabled": 0,
    }
    assert found["containments"] == 2
    assert {t["type"]: t["containments"] for t in found["containment_types"]} == {
        "septic_tank": 1,
        "lined_pit_open_bottom": 1,
    }
    assert found["wards"] == [{"ward": 1, "buildings": 2, "people": 10}]
    # Every surveyed person in the area is on a rung, as the dashboards classify them: C's
    # household (in the open, outside the area) is not.
    year = selectors.Period(selectors.default_year()).year
    classes = selectors.household_classes(municipality=layout["a"].municipality, year=year)
    inside = Household.objects.filter(building__in=[layout["a"], layout["b"]])
    expected: dict[str, int] = {}
    for household in inside:
        rung = classes[household.pk]["rung"] or "unknown"
        expected[rung] = expected.get(rung, 0) + classes[household.pk]["people"]
    ladder = {r["rung"]: r["people"] for r in found["ladder"] if r["people"]}
    assert ladder == expected
    assert "open_defecation" not in ladder
    assert sum(f["people"] for f in found["sfd"]["fates"]) == 10
    assert found["area"]["described"] == "Drawn area"
    assert found["geometry"]["type"] == "Polygon"


def test_a_buffer_is_in_metres_on_the_ground(gis_client, layout, town):
    # The middle of A's south wall (A is 6 m square with its south-west corner at the
    # origin); B's west wall is 57 m east of it.
    around_a = {"type": "Point", "coordinates": list(_east(3))}
    assert _summary(gis_client, {"geometry": around_a, "buffer_m": 56})["buildings"] == 1
    assert _summary(gis_client, {"geometry": around_a, "buffer_m": 58})["buildings"] == 2
    # A drain 15 m north of A's north wall, ending more than 50 m from B.
    (x0, _), (x1, _) = _east(-10), _east(9)
    north = LAT + 21 / 110_700
    drain = DrainSegmentFactory(
        municipality=town.municipality,
        network_type="drain",
        geom=LineString((x0, north), (x1, north), srid=4326),
    )
    found = _summary(gis_client, {"layer": "drains", "feature": drain.pk, "buffer_m": 20})
    assert found["buildings"] == 1
    assert found["area"]["buffer_m"] == 20
    assert (
        _summary(gis_client, {"layer": "drains", "feature": drain.pk, "buffer_m": 10})["buildings"]
        == 0
    )
    # The same by GET, as a link would ask.
    response = gis_client.get(URL, {"layer": "drains", "feature": drain.pk, "buffer_m": 20})
    assert response.status_code == 200
    assert response.json()["buildings"] == 1


def test_a_ward_and_a_reader_limited_to_one_ward(gis_client, layout, town):
    assert _summary(gis_client, {"ward": town.east.pk})["buildings"] == 1
    assert _summary(gis_client, {"ward": town.west.pk})["buildings"] == 3
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    membership.wards.set([town.east])
    east = client_for(membership.user)
    whole = {"type": "Polygon", "coordinates": [[[90.805, 22.925], [90.855, 22.925],
             [90.855, 22.96], [90.805, 22.96], [90.805, 22.925]]]}  # fmt: skip
    assert _summary(gis_client, {"geometry": whole})["buildings"] == 4
    found = _summary(east, {"geometry": whole})
    assert (found["buildings"], found["people"]["total"], found["containments"]) == (1, 12, 0)
    refused = east.post(URL, {"ward": town.west.pk}, format="json")
    assert refused.status_code == 400
    assert "ward" in refused.json()["errors"]


def test_the_summary_as_a_table(gis_client, layout):
    body = {"geometry": _square_around(-20, 100)}
    response = gis_client.post(URL, body | {"file_format": "csv"}, format="json")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    table = {(r["section"], r["item"]): r["value"] for r in rows}
    assert table[("register", "buildings")] == "2"
    assert table[("containment_type", "lined_pit_open_bottom")] == "1"
    response = gis_client.post(URL, body | {"file_format": "xlsx"}, format="json")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {(r[0], r[1]): r[3] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[("people", "female")] == 6


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # A bow tie: self-intersecting.
        (
            {"geometry": {"type": "Polygon", "coordinates": [[[90.81, 22.93], [90.82, 22.94],
             [90.82, 22.93], [90.81, 22.94], [90.81, 22.93]]]}},
            "geometry",
        ),
        ({"geometry": {"type": "Point", "coordinates": [90.81, 22.93]}, "buffer_m": 5001},
         "buffer_m"),
        ({"geometry": {"type": "Point", "coordinates": [90.81, 22.93]}}, "buffer_m"),
        ({"geometry": {"type": "Polygon", "coordinates": [[[91.5, 23.5], [91.6, 23.5],
          [91.6, 23.6], [91.5, 23.5]]]}}, "geometry"),
        # Bangladesh, roughly.
        ({"geometry": {"type": "Polygon", "coordinates": [[[88.0, 20.6], [92.7, 20.6],
          [92.7, 26.6], [88.0, 26.6], [88.0, 20.6]]]}}, "geometry"),
        ({}, "geometry"),
        ({"layer": "drains"}, "layer"),
        ({"layer": "drains", "feature": 999999}, "feature"),
        ({"ward": 1, "geometry": {"type": "Point", "coordinates": [90.81, 22.93]}}, "geometry"),
    ],
)  # fmt: skip
def test_what_cannot_be_summarised_is_a_400(gis_client, town, body, field):
    response = gis_client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()


def test_the_area_is_found_by_the_spatial_index(layout):
    """The buildings in the area are found through the footprints' GiST index (with the few
    rows here, the planner is told to avoid sequential scans)."""
    ewkb = bytes(square(LON, LAT, 100).ewkb)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE spatial_building")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN " + areas.EXTRA_SQL,
            {"municipality": layout["a"].municipality_id, "wards": None, "area": ewkb},
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "spatial_building_geom" in plan, plan


def test_who_the_existing_sewers_could_serve(gis_client, layout, town):
    """A sewer 15 m north of A's north wall: within 30 m of it, A alone (B is 54 m east of
    its end), with A's septic tank not yet on a sewer."""
    refused = gis_client.post(URL, {"sewers": True, "buffer_m": 30}, format="json")
    assert refused.status_code == 400
    assert "sewers" in refused.json()["errors"]
    (x0, _), (x1, _) = _east(-10), _east(6)
    north = LAT + 21 / 110_700
    DrainSegmentFactory(
        municipality=town.municipality, geom=LineString((x0, north), (x1, north), srid=4326)
    )
    found = _summary(gis_client, {"sewers": True, "buffer_m": 30})
    assert found["buildings"] == 1
    assert found["people"]["total"] == 5
    assert found["sfd_classes"] == {"sewered": 0, "contained": 1, "not_contained": 0, "unknown": 0}
    assert found["area"]["described"] == "30 m around the sewers"


def test_the_summary_as_a_geopackage_read_by_gdal(gis_client, layout, tmp_path):
    """The area with its figures as columns, as QGIS opens it (read back with GDAL)."""
    body = {"geometry": _square_around(-20, 100), "file_format": "gpkg"}
    response = gis_client.post(URL, body, format="json")
    assert response.status_code == 200
    path = tmp_path / "area.gpkg"
    path.write_bytes(response.content)
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == 1
    assert frame.geometry.iloc[0].geom_type == "Polygon"
    assert int(frame["register_buildings"].iloc[0]) == 2
    assert int(frame["people_female"].iloc[0]) == 6
