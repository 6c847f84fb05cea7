"""One rendering per register (core.features): a record reads the same in its REST list, its
REST detail, its OGC API item and a file export, field for field and value for value (the
municipality by its code, decimals as numbers). The detail adds only what a record's page
shows besides (its history, and for some registers its households, buildings, compliance,
timestamps and a building's overlapping footprints)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from core import registry
from tests.access.world import build_world
from tests.factories import RoadFactory

pytestmark = pytest.mark.django_db

DETAIL_ONLY = {
    "history",
    "households",
    "buildings",
    "compliance",
    "created_at",
    "updated_at",
    "overlaps",
}


def _body(response) -> dict:
    if response.streaming:
        return json.loads(b"".join(response.streaming_content))
    return response.json()


def test_list_detail_and_ogc_item_render_every_record_alike(job_files):
    world = build_world()
    client = Client()
    client.force_login(world.users["gis_officer"])
    compared = []
    for register in registry.registers():
        if not register.api or register.get is None:
            continue
        listed = _body(client.get(f"/api/v1/{register.name}/?limit=5000"))["features"]
        mine = [
            f for f in listed if f["properties"]["municipality"] == world.town.municipality.code
        ]
        assert mine, f"{register.name}: the world holds none"
        feature = mine[0]
        response = client.get(f"/api/v1/{register.name}/{feature['id']}/")
        assert response.status_code == 200, register.name
        detail = response.json()
        extras = set(detail["properties"]) - set(feature["properties"])
        assert extras <= DETAIL_ONLY, (register.name, extras)
        assert "history" in extras, register.name
        for name in extras:
            del detail["properties"][name]
        assert detail == feature, register.name
        if register.ogc:
            item = _body(client.get(f"/ogc/collections/{register.name}/items/{feature['id']}"))
            assert item["properties"] == feature["properties"], register.name
            assert item["geometry"] == feature["geometry"], register.name
        compared.append(register.name)
    assert {"wards", "buildings", "roads", "containments", "water-points"} <= set(compared)


def test_decimals_are_numbers_and_the_municipality_is_its_code(gis_client, town):
    road = RoadFactory(municipality=town.municipality, right_of_way_m="23.90")
    detail = gis_client.get(f"/api/v1/roads/{road.pk}/").json()
    assert detail["properties"]["right_of_way_m"] == 23.9
    assert detail["properties"]["municipality"] == town.municipality.code
    listed = _body(gis_client.get("/api/v1/roads/?limit=1"))["features"][0]
    assert listed["properties"]["right_of_way_m"] == 23.9
    assert listed["properties"]["municipality"] == town.municipality.code
