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


def test_the_properties_text_is_what_json_build_object_writes(town):
    """core.features writes a feature's properties by hand (whole numbers and yes/no by their
    own text, the rest through to_json): every register's rows read back as PostgreSQL's own
    json_build_object writes them, key order included, tricky text and NULLs too."""
    from django.db import connection

    from tests.factories import BuildingFactory

    build_world()
    tricky = "07-\"12\"\\a\n'ক'"
    BuildingFactory(
        municipality=town.municipality,
        ward=town.west,
        holding_number=tricky,
        use_subcategory="",
        floor_count=None,
        has_toilet=None,
    )
    checked, seen = 0, set()
    for layer in registry.collections().values():
        built = ", ".join(f"'{key}', {expr}" for key, expr in layer.properties.items())
        where = f"WHERE {layer.condition}" if layer.condition else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT json_build_object({built})::text, {layer.properties_sql()}"  # noqa: S608
                f" FROM {layer.table} t {layer.joins} {where}"
            )
            rows = cursor.fetchall()
        for theirs, ours in rows:
            assert list(json.loads(ours).items()) == list(json.loads(theirs).items()), layer.name
            seen.add(json.loads(ours).get("holding_number"))
            checked += 1
    assert checked >= len(registry.collections())
    assert tricky in seen


def test_a_layer_of_many_properties_stays_within_postgresqls_argument_limit(town):
    """concat() takes at most 100 arguments; a layer of 60 properties needs 121 pieces."""
    from django.db import connection

    from core.features import Layer

    wide = Layer(
        name="wide",
        table="spatial_ward",
        properties={f"p{i}": ("t.number" if i % 2 else "t.name") for i in range(60)},
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {wide.properties_sql()} FROM spatial_ward t WHERE t.id = %s",  # noqa: S608
                       [town.west.pk])  # fmt: skip
        properties = json.loads(cursor.fetchone()[0])
    assert list(properties) == [f"p{i}" for i in range(60)]
    assert properties["p1"] == town.west.number
    assert properties["p0"] == town.west.name
