"""Saved analyses (issue 30): an analysis kept by name with its parameters (checked by the
tool's own rules), listed to its town, run again on today's registers with the same answer
as the tool, as JSON or a file; withdrawn by its author or a GIS officer or admin."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from core.roles import MembershipRole
from dashboards.models import SavedAnalysis
from tests.conftest import client_for
from tests.factories import BuildingFactory, ContainmentFactory, MembershipFactory, square

pytestmark = pytest.mark.django_db

URL = "/api/v1/analysis/saved/"
AREA = {"geometry": {"type": "Point", "coordinates": [90.8103, 22.9303]}, "buffer_m": 100}


@pytest.fixture
def buildings(town):
    return [
        BuildingFactory(municipality=town.municipality, geom=square(90.81 + i * 0.0005, 22.93, 8))
        for i in range(3)
    ]


def _save(client, **body) -> dict:
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_save_list_and_run_an_area_summary(gis_client, town, buildings):
    saved = _save(gis_client, name="Around the bazar", tool="area", parameters=AREA)
    assert saved["parameters"] == AREA
    assert [s["name"] for s in gis_client.get(URL).json()] == ["Around the bazar"]
    direct = gis_client.post("/api/v1/analysis/area-summary/", AREA, format="json").json()
    ran = gis_client.get(f"{URL}{saved['id']}/run/")
    assert ran.status_code == 200
    assert ran.json()["buildings"] == direct["buildings"]
    assert direct["buildings"] >= 1
    # Run again on today's registers: a new building in the buffer is counted.
    BuildingFactory(municipality=town.municipality, geom=square(90.8104, 22.9304, 4))
    assert gis_client.get(f"{URL}{saved['id']}/run/").json()["buildings"] == direct["buildings"] + 1
    assert SavedAnalysis.objects.get(pk=saved["id"]).last_run_at is not None
    csv = gis_client.get(f"{URL}{saved['id']}/run/", {"file_format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")


def test_the_other_tools_are_saved_and_run(gis_client, town, buildings):
    ContainmentFactory(municipality=town.municipality, geom=Point(90.8101, 22.9299, srid=4326))
    hard = _save(gis_client, name="Hose 30 m", tool="hard_to_reach", parameters={"hose_length": 30})
    water = _save(gis_client, name="Wells 15 m", tool="near_water", parameters={"distance": 15})
    assert "by_ward" in gis_client.get(f"{URL}{hard['id']}/run/").json()
    found = gis_client.get(f"{URL}{water['id']}/run/").json()
    assert found["distance_m"] == 15


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "tool": "area", "parameters": {"buffer_m": 6000, "ward": 1}}, "parameters"),
        ({"name": "x", "tool": "near_water", "parameters": {"distance": 0}}, "parameters"),
        ({"name": "x", "tool": "routes", "parameters": {}}, "tool"),
        ({"name": "", "tool": "area", "parameters": AREA}, "name"),
    ],
)
def test_bad_parameters_are_refused_and_nothing_is_kept(gis_client, town, body, field):
    response = gis_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not SavedAnalysis.objects.exists()


def test_one_name_per_town_and_who_may_withdraw(gis_client, town, other_town):
    saved = _save(gis_client, name="Bazar", tool="area", parameters=AREA)
    again = gis_client.post(
        URL, {"name": "Bazar", "tool": "area", "parameters": AREA}, format="json"
    )
    assert again.status_code == 400
    assert "name" in again.json()["errors"]
    executive = client_for(
        MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE).user
    )
    assert executive.get(f"{URL}{saved['id']}/").status_code == 200
    assert executive.delete(f"{URL}{saved['id']}/").status_code == 403
    stranger = client_for(
        MembershipFactory(
            municipality=other_town.municipality, role=MembershipRole.GIS_OFFICER
        ).user
    )
    assert stranger.get(f"{URL}{saved['id']}/").status_code == 404
    assert stranger.get(f"{URL}{saved['id']}/run/").status_code == 404
    assert stranger.get(URL).json() == []
    assert gis_client.delete(f"{URL}{saved['id']}/").status_code == 204
    assert not SavedAnalysis.objects.exists()
