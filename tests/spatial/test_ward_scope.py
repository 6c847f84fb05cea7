"""A membership limited to wards holds for every read and write made under it, whatever the
role (issue: a GIS officer limited to ward 1 read every building and changed one in ward 2).
"""

from __future__ import annotations

import json

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from core.roles import MembershipRole
from spatial.models import Building
from tests.factories import (
    BuildingFactory,
    ContainmentFactory,
    MembershipFactory,
    square,
    tile_of,
    town_campaign,
)

pytestmark = pytest.mark.django_db


def limited(town, role, *wards):
    membership = MembershipFactory(municipality=town.municipality, role=role)
    membership.wards.set(wards)
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def places(town):
    west = BuildingFactory(municipality=town.municipality, geom=square(90.81, 22.93, 12))
    east = BuildingFactory(municipality=town.municipality, geom=square(90.85, 22.93, 12))
    west_tank = ContainmentFactory(
        municipality=town.municipality, buildings=[west], geom=Point(90.8102, 22.9301, srid=4326)
    )
    east_tank = ContainmentFactory(
        municipality=town.municipality, buildings=[east], geom=Point(90.8502, 22.9301, srid=4326)
    )
    west.refresh_from_db()
    east.refresh_from_db()
    assert (west.ward_id, east.ward_id) == (town.west.pk, town.east.pk)
    east_tank.refresh_from_db()
    assert east_tank.ward_id == town.east.pk
    return {"west": west, "east": east, "west_tank": west_tank, "east_tank": east_tank}


def bins(response) -> set[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return {f["properties"]["bin"] for f in json.loads(body)["features"]}


def test_ward_limited_gis_officer_reads_only_his_ward(town, places):
    client = limited(town, MembershipRole.GIS_OFFICER, town.west)
    west, east = places["west"].bin, places["east"].bin
    whole = limited(town, MembershipRole.GIS_OFFICER)
    assert bins(whole.get("/api/v1/buildings/")) == {west, east}
    assert bins(client.get("/api/v1/buildings/")) == {west}
    assert bins(client.get("/ogc/collections/buildings/items")) == {west}
    assert bins(client.get("/api/v1/exports/buildings/?export=geojson")) == {west}
    assert client.get(f"/api/v1/buildings/{places['east'].pk}/").status_code == 404
    assert client.get(f"/api/v1/containments/{places['east_tank'].pk}/").status_code == 404
    assert client.get(f"/ogc/collections/buildings/items/{places['east'].pk}").status_code == 404
    # A ward filter naming another ward is refused as unknown.
    assert client.get(f"/api/v1/buildings/?ward={town.east.pk}").status_code == 400


def test_ward_limited_gis_officer_cannot_change_another_ward(town, places):
    client = limited(town, MembershipRole.GIS_OFFICER, town.west)
    body = json.dumps({"type": "Feature", "properties": {"floor_count": 9}})
    url = f"/api/v1/buildings/{places['east'].pk}/"
    response = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH='"x"')
    assert response.status_code == 404
    assert Building.objects.get(pk=places["east"].pk).floor_count != 9


def test_ward_limited_gis_officer_edits_his_ward_but_cannot_move_it_out(town, places):
    client = limited(town, MembershipRole.GIS_OFFICER, town.west)
    url = f"/api/v1/buildings/{places['west'].pk}/"
    tag = client.get(url)["ETag"]
    body = json.dumps({"type": "Feature", "properties": {"floor_count": 4}})
    saved = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=tag)
    assert saved.status_code == 200, saved.content
    tag = saved["ETag"]
    moved = json.loads(square(90.85, 22.95, 12).geojson)
    body = json.dumps({"type": "Feature", "geometry": moved, "properties": {}})
    response = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=tag)
    assert response.status_code == 403
    assert Building.objects.get(pk=places["west"].pk).ward_id == town.west.pk


def test_ward_limited_gis_officer_cannot_create_in_another_ward(town):
    client = limited(town, MembershipRole.GIS_OFFICER, town.west)
    feature = {
        "type": "Feature",
        "geometry": json.loads(square(90.85, 22.95, 12).geojson),
        "properties": {"holding_number": "02-9999", "functional_use": "residential"},
    }
    response = client.post("/api/v1/buildings/", json.dumps(feature), "application/json")
    assert response.status_code == 403
    assert not Building.objects.filter(holding_number="02-9999").exists()
    feature["geometry"] = json.loads(square(90.81, 22.95, 12).geojson)
    response = client.post("/api/v1/buildings/", json.dumps(feature), "application/json")
    assert response.status_code == 201, response.content


def test_tiles_follow_the_ward_limit(town, places):
    z = 15
    x, y = tile_of(90.85, 22.93, z)
    whole = limited(town, MembershipRole.EXECUTIVE)
    councillor = limited(town, MembershipRole.EXECUTIVE, town.west)
    assert whole.get(f"/tiles/buildings/{z}/{x}/{y}.mvt").content
    assert councillor.get(f"/tiles/buildings/{z}/{x}/{y}.mvt").content == b""


def test_ward_councillor_sees_town_totals_and_only_his_wards_figures(town, places):
    councillor = limited(town, MembershipRole.EXECUTIVE, town.west)
    code = town.municipality.code
    overview = councillor.get(f"/api/v1/dashboards/overview/?municipality={code}").json()
    assert [row["ward"] for row in overview["wards"]] == [town.west.pk]
    assert overview["summary"]["buildings"] == 2  # the town's totals
    other = councillor.get(f"/api/v1/dashboards/overview/?municipality={code}&ward={town.east.pk}")
    assert other.status_code == 404
    ward_map = councillor.get(f"/api/v1/dashboards/wards/?municipality={code}").json()
    assert [row["ward"] for row in ward_map["wards"]] == [town.west.pk]


def test_ward_limited_help_desk_and_inspector_act_in_their_ward_only(town, places):
    desk = limited(town, MembershipRole.FSM_HELP_DESK, town.west)
    for tank, expected in ((places["west_tank"], 201), (places["east_tank"], 400)):
        body = {"containment": tank.pk, "applicant_name": "Rahim", "applicant_phone": "01711000000"}
        response = desk.post("/api/v1/emptying-requests/", json.dumps(body), "application/json")
        assert response.status_code == expected, response.content
    inspector = limited(town, MembershipRole.INSPECTOR, town.west)
    body = json.dumps({"visited_on": "2026-01-10", "outcome": "compliant"})
    east = inspector.post(
        f"/api/v1/containments/{places['east_tank'].pk}/inspections/", body, "application/json"
    )
    assert east.status_code == 404
    west = inspector.post(
        f"/api/v1/containments/{places['west_tank'].pk}/inspections/", body, "application/json"
    )
    assert west.status_code == 201, west.content


def test_ward_limited_admin_may_not_change_the_town_rules(town):
    admin = limited(town, MembershipRole.MUNICIPAL_ADMIN, town.west)
    body = {"municipality": town.municipality.code, "min_well_distance_m": 15, "notes": "x"}
    response = admin.post("/api/v1/compliance/rule-sets/", json.dumps(body), "application/json")
    assert response.status_code == 403
    whole = limited(town, MembershipRole.MUNICIPAL_ADMIN)
    response = whole.post("/api/v1/compliance/rule-sets/", json.dumps(body), "application/json")
    assert response.status_code == 201, response.content


def test_ward_limited_readers_see_only_their_wards_of_plans_and_campaigns(town, places):
    """A desludging plan and a survey campaign span the town; a ward-limited reader sees
    the visits, coverage, progress and building statuses of his wards only."""
    import datetime as dt
    import uuid

    from containment.planner import plan_create
    from containment.services import rule_set_ensure
    from surveys import services as survey_services

    rule_set_ensure(municipality=town.municipality)
    plan = plan_create(municipality=town.municipality, start_date=dt.date(2026, 12, 6), days=2)
    codes = set(plan.visits.values_list("containment__code", flat=True))
    assert codes == {places["west_tank"].code, places["east_tank"].code}
    councillor = limited(town, MembershipRole.EXECUTIVE, town.west)
    visits = councillor.get(f"/api/v1/desludging-plans/{plan.pk}/").json()["visits"]
    assert {v["containment_code"] for v in visits} == {places["west_tank"].code}

    campaign = town_campaign(town)
    enumerator = MembershipFactory(municipality=town.municipality, role=MembershipRole.ENUMERATOR)
    for ward in (town.west, town.east):
        survey_services.assignment_create(campaign=campaign, enumerator=enumerator.user, ward=ward)
    for building in (places["west"], places["east"]):
        centre = building.geom.centroid
        survey_services.submission_receive(
            enumerator=enumerator.user,
            campaign=campaign,
            client_uuid=uuid.uuid4(),
            device_time=dt.datetime(2026, 7, 15, 10, tzinfo=dt.UTC),
            point=centre,
            gps_accuracy_m=5,
            answers={"floor_count": 2},
        )
    base = f"/api/v1/surveys/campaigns/{campaign.pk}"
    supervisor = limited(town, MembershipRole.SURVEY_SUPERVISOR, town.west)
    whole = limited(town, MembershipRole.SURVEY_SUPERVISOR)
    assert [row["ward"] for row in whole.get(f"{base}/coverage/").json()] == [
        town.west.pk,
        town.east.pk,
    ]
    assert [row["ward"] for row in supervisor.get(f"{base}/coverage/").json()] == [town.west.pk]
    progress = supervisor.get(f"{base}/progress/").json()
    assert [row["submissions"] for row in progress["enumerators"]] == [1]
    assert [row["submissions"] for row in whole.get(f"{base}/progress/").json()["enumerators"]] == [
        2
    ]
    status = supervisor.get(f"{base}/buildings/", {"bbox": "90.80,22.92,90.86,22.97"})
    assert bins(status) == {places["west"].bin}
