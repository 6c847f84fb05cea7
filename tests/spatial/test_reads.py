"""Layer reads share one parameter parser and one scoped constructor (core.reads,
selectors.layer_query): a parameter means the same on the REST list and the OGC API, and a
request reads the user's memberships once however many scope and role checks it makes."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import MembershipRole
from core.scope import ScopePerRequestMiddleware
from spatial import selectors
from tests.factories import BuildingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _membership_reads(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    # The ORM's statement, or the one that reads the user with them (core.scope._read_user).
    reading = re.compile(r'FROM "?spatial_membership"? ')
    return sum(bool(reading.search(q["sql"])) for q in queries.captured_queries)


def test_a_request_reads_the_memberships_once(town):
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    membership.wards.add(town.west)
    MembershipFactory(
        user=membership.user, municipality=town.municipality, role=MembershipRole.EXECUTIVE
    )
    BuildingFactory(municipality=town.municipality)
    client = Client()
    client.force_login(membership.user)
    code, ward = town.municipality.code, town.west.pk
    for url in (
        reverse("spatial:map"),
        f"/api/v1/buildings/?municipality={code}&ward={ward}",
        f"/ogc/collections/buildings/items?ward={ward}",
        "/api/v1/roads/",
    ):
        assert _membership_reads(client, url) == 1, url


def test_a_membership_given_during_a_request_counts_at_once(town):
    """The per-request rows are forgotten when a membership is written."""
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    user = membership.user
    seen = []

    def view(_request):
        seen.append(selectors.can_edit_registers(user=user, municipality=town.municipality))
        MembershipFactory(user=user, municipality=town.municipality)  # a GIS officer now
        seen.append(selectors.can_edit_registers(user=user, municipality=town.municipality))
        return None

    ScopePerRequestMiddleware(view)(object())
    assert seen == [False, True]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ("bbox=1,2,3", "bbox"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("ward=abc", "ward"),
        ("ward=999999", "ward"),
        ("colour=red", "colour"),
    ],
)
def test_rest_and_ogc_refuse_the_same_parameters_naming_them(gis_client, town, params, name):
    rest = gis_client.get(f"/api/v1/buildings/?{params}")
    assert rest.status_code == 400
    assert name in rest.json()["errors"]
    ogc = gis_client.get(f"/ogc/collections/buildings/items?{params}")
    assert ogc.status_code == 400
    body = ogc.json()
    assert body["code"] == "InvalidParameterValue"
    assert name in body["description"]


def test_paging_links_are_written_alike(gis_client, town):
    buildings = [BuildingFactory(municipality=town.municipality) for _ in range(3)]
    rest = json.loads(b"".join(gis_client.get("/api/v1/buildings/?limit=1&offset=1")))
    ogc = json.loads(b"".join(gis_client.get("/ogc/collections/buildings/items?limit=1&offset=1")))
    for body in (rest, ogc):
        rels = {link["rel"]: link["href"] for link in body["links"]}
        assert set(rels) == {"self", "next", "prev"}
        # An offset page's next page continues by id (keyset), its previous one by offset.
        assert f"after={buildings[1].pk}" in rels["next"]
        assert "offset" not in rels["next"]
        assert "limit=1" in rels["next"]
        assert "offset=0" in rels["prev"]
