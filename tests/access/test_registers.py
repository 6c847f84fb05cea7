"""Every declared register (core.registry), on every surface it takes part in, answers as
its declaration says: OGC API items and vector tiles of a register that is not public are
refused to the anonymous and show another municipality's admin nothing of this town; a
public one is open. The access matrix covers each register's REST routes (policy.py)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from core import registry
from tests.factories import tile_of

from .world import build_world

pytestmark = pytest.mark.django_db


def _client(world, principal: str) -> Client:
    client = Client()
    if principal != "anonymous":
        client.force_login(world.users[principal])
    return client


def test_every_register_is_on_some_surface():
    for register in registry.registers():
        assert register.ogc or register.api, register.name
        assert register.title, register.name


def test_ogc_items_and_tiles_follow_each_register_declaration(job_files):
    world = build_world()
    anonymous, officer, stranger = (
        _client(world, p) for p in ("anonymous", "gis_officer", "other_admin")
    )
    x, y = tile_of(90.81, 22.93, 16)
    checked = 0
    for register in registry.registers():
        if register.ogc:
            url = f"/ogc/collections/{register.name}/items?limit=5"
            assert officer.get(url).status_code == 200, register.name
            refused = anonymous.get(url)
            if register.public:
                assert refused.status_code == 200, register.name
            else:
                assert refused.status_code == 401, register.name
                seen = stranger.get(url)
                assert seen.status_code == 200, register.name
                body = json.loads(b"".join(seen.streaming_content))
                # Nothing of the town; a layer of every ward (the disease hotspots) shows the
                # stranger's own town's wards.
                towns = {f["properties"].get("municipality") for f in body["features"]}
                assert world.ids["code"] not in towns, register.name
                if register.name != "disease-hotspots":
                    assert body["numberMatched"] == 0, register.name
            checked += 1
        if register.tile is not None:
            url = f"/tiles/{register.name}/16/{x}/{y}.mvt"
            assert officer.get(url).status_code in (200, 304), register.name
            expected = 200 if register.public else 401
            assert anonymous.get(url).status_code == expected, register.name
            checked += 1
    assert checked >= len(registry.registers())
