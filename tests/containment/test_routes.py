"""A vehicle's desludging route for a day (issue 30, tool 6), on hand-built roads whose
answers are known: a shortest way over a lane 10 cm narrower than the vehicle, a tank one
metre beyond the hose, tanks that overfill the vehicle, a road cut off from the depot, and
a road added after the network was built."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection
from django.utils import timezone

from containment import desludging
from containment.models import ServiceProvider, Vehicle
from core.roles import MembershipRole
from spatial import road_network
from spatial.models import Road, RoadEdge
from tests.conftest import client_for
from tests.factories import (
    BuildingFactory,
    ContainmentFactory,
    MembershipFactory,
    RoadFactory,
    TreatmentPlantFactory,
    scheduled_job,
    xlsx_records,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/analysis/route/"
LAT = 22.94  # the main road, west to east
WEST_END = 90.805
NORTH_LAT = 22.942  # the detour around the narrow lane


@pytest.fixture(autouse=True)
def _pgrouting(db):
    if not road_network.pgrouting_installed():
        pytest.skip("pgRouting is not installed on this database server (make setup does)")


def _road(town, code, points, width=3.0, surface="metalled"):
    return RoadFactory(
        municipality=town.municipality,
        code=code,
        surface=surface,
        carriageway_width_m=width,
        geom=LineString(points, srid=4326),
    )


def _ground_m(*points) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Length(ST_GeomFromText(%s, 4326)::geography)",
            [LineString(points, srid=4326).wkt],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def roads(town):
    """West end - A - narrow lane (2.3 m) - B - east end, and a wide detour north of the
    lane from A to B."""
    a, b = (90.82, LAT), (90.83, LAT)
    _road(town, "R-WEST", [(WEST_END, LAT), a])
    _road(town, "R-NARROW", [a, b], width=2.3)
    _road(town, "R-DETOUR", [a, (90.82, NORTH_LAT), (90.83, NORTH_LAT), b])
    _road(town, "R-EAST", [b, (90.85, LAT)])
    town.municipality.hose_length_m = 30
    town.municipality.save()
    return {"a": a, "b": b}


@pytest.fixture
def fleet(town, roads):
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug")
    provider.wards.add(town.west, town.east)
    vehicle = Vehicle.objects.create(
        provider=provider,
        registration="L-1",
        capacity_m3=3,
        width_m="2.40",
        depot=Point(WEST_END, LAT + 0.0001, srid=4326),
    )
    TreatmentPlantFactory(municipality=town.municipality, geom=Point(WEST_END, LAT - 0.0001))
    desk = MembershipFactory(municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK)
    return {"provider": provider, "vehicle": vehicle, "desk": client_for(desk.user)}


def _job(town, fleet, lon, lat=LAT, metres_off=10.0, volume=(2, 1, 1), scheduled=True):
    """A tank `metres_off` north of the point (lon, lat), of L x W x D `volume`."""
    x, y = lon, lat
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Project(ST_SetSRID(ST_MakePoint(%s, %s),"
            " 4326)::geography, %s, 0)::geometry AS g) s",
            [x, y, metres_off],
        )
        x, y = cursor.fetchone()
    length, width, depth = volume
    tank = dict(geom=Point(x, y, srid=4326), length_m=length, width_m=width, depth_m=depth)
    if scheduled:
        return scheduled_job(fleet["provider"], **tank)
    building = BuildingFactory(municipality=town.municipality)
    containment = ContainmentFactory(municipality=town.municipality, buildings=[building], **tank)
    return desludging.request_create(
        containment=containment, applicant_name="Rahima Begum", applicant_phone="01712345678"
    )


def _route(client, vehicle, **query) -> dict:
    response = client.get(URL, {"vehicle": vehicle.pk, **query})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_route_goes_around_a_lane_narrower_than_the_vehicle(town, fleet, roads):
    job = _job(town, fleet, 90.835)
    route = _route(fleet["desk"], fleet["vehicle"])
    kinds = [(s["kind"], s.get("request")) for s in route["stops"]]
    assert kinds == [("depot", None), ("job", job.pk), ("plant", None), ("depot", None)]
    around = (
        _ground_m((WEST_END, LAT), roads["a"])
        + _ground_m(roads["a"], (90.82, NORTH_LAT), (90.83, NORTH_LAT), roads["b"])
        + _ground_m(roads["b"], (90.835, LAT))
    )
    # The vehicle stands at the network vertex nearest the tank: within 25 m of it.
    assert route["stops"][1]["distance_m"] == pytest.approx(around, abs=30)
    out = route["route"]["features"][0]
    assert out["properties"] == {"from": 1, "to": 2, "distance_m": route["stops"][1]["distance_m"]}
    assert max(lat for _lon, lat in out["geometry"]["coordinates"]) == pytest.approx(NORTH_LAT)
    # A vehicle 20 cm narrower takes the lane: the same job is 400 m nearer.
    fleet["vehicle"].width_m = "2.20"
    fleet["vehicle"].save()
    narrower = _route(fleet["desk"], fleet["vehicle"])
    assert narrower["stops"][1]["distance_m"] == pytest.approx(around - 2 * 222, abs=30)
    assert route["vehicle"]["width_m"] == 2.4
    assert route["vehicle"]["width_source"] == "fleet"
    # About 8.7 km at 15 km/h: not a day's work.
    assert route["driving_hours"] == pytest.approx(route["distance_km"] / 15, abs=0.05)
    assert route["over_a_day"] is False


def test_a_tank_one_metre_beyond_the_hose_is_left_to_manual_emptying(town, fleet):
    within = _job(town, fleet, 90.81, metres_off=29.0)
    beyond = _job(town, fleet, 90.84, metres_off=31.0)
    route = _route(fleet["desk"], fleet["vehicle"])
    assert [s.get("request") for s in route["stops"] if s["kind"] == "job"] == [within.pk]
    assert [item["request"] for item in route["left_out"]] == [beyond.pk]
    assert "30" in route["left_out"][0]["reason"]
    assert "manual" in route["left_out"][0]["reason"]
    assert route["stops"][1]["stand_m"] == pytest.approx(29.0, abs=0.05)


def test_a_load_that_would_overfill_the_vehicle_goes_to_the_plant_first(town, fleet):
    jobs = [_job(town, fleet, lon) for lon in (90.81, 90.812, 90.814)]  # 2 m³ each
    big = _job(town, fleet, 90.816, volume=(3.5, 2, 1))  # 7 m³: three trips of 3 m³
    route = _route(fleet["desk"], fleet["vehicle"])
    kinds = "".join(s["kind"][0] for s in route["stops"])
    # 2 + 2 overfills the 3 m³ vehicle: a plant between every pair of jobs; the big tank
    # takes 3, 3 and 1 m³ with the plant between.
    assert kinds.count("j") == 6
    assert kinds.startswith("d")
    assert kinds.endswith("pd")
    assert "jj" not in kinds.replace("jpj", "")  # no two loads without the plant between
    big_visits = [s for s in route["stops"] if s.get("request") == big.pk]
    assert [s["taken_m3"] for s in big_visits] == [3.0, 3.0, 1.0]
    assert [s["trip"] for s in big_visits] == [1, 2, 3]
    # 13 m³ in 3 m³ loads: five trips at least; six when the 1 m³ rest cannot share.
    assert route["plant_trips"] == kinds.count("p")
    assert route["plant_trips"] in (5, 6)
    assert route["jobs"] == 4
    assert {s.get("request") for s in route["stops"]} >= {j.pk for j in jobs}
    load = 0.0
    for stop in route["stops"]:
        load = 0.0 if stop["kind"] == "plant" else load + stop.get("taken_m3", 0.0)
        assert load <= 3.0


def test_jobs_along_one_road_are_driven_out_and_back_once(town, fleet, settings):
    settings.IMIS = settings.IMIS | {"WORKING_HOURS": 0.5}
    fleet["vehicle"].capacity_m3 = 20
    fleet["vehicle"].save()
    for lon in (90.84, 90.81, 90.845, 90.813):
        _job(town, fleet, lon, volume=(1, 1, 1))
    route = _route(fleet["desk"], fleet["vehicle"])
    assert len(route["stops"]) == 7  # depot, four jobs, plant, depot
    out_and_back = sum(s["distance_m"] for s in route["stops"])
    # No zig-zag: the whole day is about twice the way to the farthest tank (by the detour).
    far = max(route["stops"], key=lambda s: s["lon"] or 0)
    assert far["lon"] == pytest.approx(90.845, abs=1e-6)
    assert out_and_back == pytest.approx(route["distance_km"] * 1000, abs=10)
    assert out_and_back < 2 * (4250 + 400 + 60)
    # About 9 km at 15 km/h is more than a half-hour working day.
    assert route["over_a_day"] is True


def test_a_road_added_after_the_network_was_built_is_used(town, fleet):
    job = _job(town, fleet, 90.8275, lat=22.95, metres_off=5)
    first = _route(fleet["desk"], fleet["vehicle"])
    assert [item["request"] for item in first["left_out"]] == [job.pk]
    edges = RoadEdge.objects.filter(municipality=town.municipality).count()
    _road(town, "R-NEW", [(90.8275, NORTH_LAT), (90.8275, 22.95)])
    second = _route(fleet["desk"], fleet["vehicle"])
    assert second["left_out"] == []
    assert second["jobs"] == 1
    assert RoadEdge.objects.filter(municipality=town.municipality).count() > edges
    # A road cut off from the depot's roads: its tank is left out, saying so.
    Road.objects.filter(code="R-NEW").update(geom=LineString((90.8275, 22.945), (90.8275, 22.95)))
    third = _route(fleet["desk"], fleet["vehicle"])
    assert "depot" in third["left_out"][0]["reason"]


def test_the_crew_routes_its_own_vehicle_and_no_one_elses(town, fleet, other_town):
    _job(town, fleet, 90.81)
    crew = MembershipFactory(municipality=town.municipality, role=MembershipRole.PROVIDER_OPERATOR)
    fleet["provider"].operators.add(crew.user)
    assert _route(client_for(crew.user), fleet["vehicle"])["jobs"] == 1
    other = ServiceProvider.objects.create(municipality=town.municipality, name="Other")
    stranger = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.PROVIDER_OPERATOR
    )
    other.operators.add(stranger.user)
    refused = client_for(stranger.user).get(URL, {"vehicle": fleet["vehicle"].pk})
    assert refused.status_code == 404
    gis = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    assert client_for(gis.user).get(URL, {"vehicle": fleet["vehicle"].pk}).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"day": "yesterday"}, "day"),
        ({"requests": "1,x"}, "requests"),
        ({"file_format": "shp"}, "file_format"),
    ],
)
def test_bad_input_is_refused_with_reasons(fleet, query, field):
    response = fleet["desk"].get(URL, {"vehicle": fleet["vehicle"].pk, **query})
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_without_a_plant_the_route_is_refused_with_the_reason(town, fleet):
    _job(town, fleet, 90.81)
    town.municipality.treatment_plants.update(is_active=False, closed_on=timezone.localdate())
    response = fleet["desk"].get(URL, {"vehicle": fleet["vehicle"].pk})
    assert response.status_code == 400
    assert "plant" in response.json()["errors"]["vehicle"][0]


def test_the_stops_download_as_csv(town, fleet):
    job = _job(town, fleet, 90.81)
    response = fleet["desk"].get(URL, {"vehicle": fleet["vehicle"].pk, "file_format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["kind"] for r in rows] == ["depot", "job", "plant", "depot"]
    assert rows[1]["request"] == str(job.pk)


def test_the_stops_download_as_a_workbook(town, fleet):
    job = _job(town, fleet, 90.81)
    query = {"vehicle": fleet["vehicle"].pk, "file_format": "xlsx"}
    rows = xlsx_records(fleet["desk"].get(URL, query))
    assert [r["kind"] for r in rows] == ["depot", "job", "plant", "depot"]
    assert rows[1]["request"] == job.pk


def test_the_day_and_the_chosen_requests_limit_the_jobs(town, fleet):
    first, second = _job(town, fleet, 90.81), _job(town, fleet, 90.812)
    only = _route(fleet["desk"], fleet["vehicle"], requests=str(second.pk))
    assert [s.get("request") for s in only["stops"] if s["kind"] == "job"] == [second.pk]
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    assert _route(fleet["desk"], fleet["vehicle"], day=yesterday)["jobs"] == 0
    # Left over from today, tomorrow's route takes both.
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    assert _route(fleet["desk"], fleet["vehicle"], day=tomorrow)["jobs"] == 2
    assert first.pk != second.pk
