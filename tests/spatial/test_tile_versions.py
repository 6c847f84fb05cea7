"""Tiles tagged by the versions of the tables their layer reads (core.table_versions): a
revalidation renders nothing, every committed change to what a layer shows changes its tag,
scopes get their own tags, and the versions lock no editor however long a transaction runs.

Transactional: versions count commits, and these tests commit."""

import psycopg
import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from containment import services as containment_services
from containment.models import ComplianceAssessment
from spatial.models import Building
from tests.conftest import database_url

from ..factories import (
    BuildingFactory,
    ContainmentFactory,
    MembershipFactory,
    RoadFactory,
    square,
    tile_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

Z = 17


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _tile(client, layer: str = "buildings", **headers):
    x, y = tile_of(90.8103, 22.9302, Z)
    return client.get(f"/tiles/{layer}/{Z}/{x}/{y}.mvt", **headers)


def test_a_revalidated_tile_is_not_rendered(town, gis_officer):
    BuildingFactory(municipality=town.municipality, geom=square(90.8102, 22.9301))
    client = _client(gis_officer)
    first = _tile(client)
    assert first.status_code == 200
    assert first["ETag"].startswith('W/"v')
    assert first["Cache-Control"] == "private, no-cache"
    with CaptureQueriesContext(connection) as queries:
        again = _tile(client, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert not [q for q in queries.captured_queries if "ST_AsMVT" in q["sql"]]
    # A tag from any other state is answered with the tile.
    assert _tile(client, HTTP_IF_NONE_MATCH='W/"v0000"').status_code == 200


def test_a_committed_change_to_what_the_layer_reads_changes_its_tag(town, gis_officer):
    building = BuildingFactory(municipality=town.municipality, geom=square(90.8102, 22.9301))
    containment = ContainmentFactory(municipality=town.municipality, buildings=[building])
    client = _client(gis_officer)
    buildings, containments = _tile(client)["ETag"], _tile(client, "containments")["ETag"]

    RoadFactory(municipality=town.municipality)
    assert _tile(client)["ETag"] == buildings  # the buildings layer reads no road

    Building.objects.filter(pk=building.pk).update(floor_count=3)
    changed = _tile(client, HTTP_IF_NONE_MATCH=buildings)
    assert changed.status_code == 200
    assert changed["ETag"] != buildings

    # The containments layer shows each containment's compliance: an assessment is read too.
    containment_services.rule_set_ensure(municipality=town.municipality)
    assessed = _tile(client, "containments")["ETag"]
    assert assessed != containments
    ComplianceAssessment.objects.filter(containment=containment).update(status="unknown")
    assert _tile(client, "containments")["ETag"] not in (containments, assessed)


def test_each_scope_has_its_own_tag(town, other_town, gis_officer):
    BuildingFactory(municipality=town.municipality, geom=square(90.8102, 22.9301))
    other = MembershipFactory(municipality=other_town.municipality, role="gis_officer").user
    mine, theirs = _tile(_client(gis_officer)), _tile(_client(other))
    assert mine["ETag"] != theirs["ETag"]
    assert _tile(_client(other), HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 200


def test_a_long_transaction_blocks_no_editor_and_counts_when_it_commits(town, gis_officer):
    """An import still running holds no lock that an editor waits for; the tags seen before
    it commits, after an edit committed meanwhile, change again when it commits."""
    building = BuildingFactory(municipality=town.municipality, geom=square(90.8102, 22.9301))
    client = _client(gis_officer)
    before = _tile(client)["ETag"]
    with psycopg.connect(database_url()) as importer:
        importer.execute("UPDATE spatial_building SET floor_count = 7 WHERE id = %s", [building.pk])
        extra = BuildingFactory(municipality=town.municipality, geom=square(90.8104, 22.9301))
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            # Another editor's change to another building commits at once.
            Building.objects.filter(pk=extra.pk).update(floor_count=2)
            cursor.execute("SET lock_timeout = 0")
        meanwhile = _tile(client)["ETag"]
        assert meanwhile != before
        importer.commit()
    after = _tile(client, HTTP_IF_NONE_MATCH=meanwhile)
    assert after.status_code == 200
    assert after["ETag"] not in (before, meanwhile)


def test_an_uncommitted_change_falls_back_to_a_digest_of_the_tile(town, gis_officer):
    """Inside a transaction that changed the layer's tables, versions do not count the change
    yet: the tag is a digest of the rendered tile, so it still shows the change."""
    BuildingFactory(municipality=town.municipality, geom=square(90.8102, 22.9301))
    client = _client(gis_officer)
    committed = _tile(client)["ETag"]
    with transaction.atomic():
        BuildingFactory(municipality=town.municipality, geom=square(90.8104, 22.9301))
        inside = _tile(client, HTTP_IF_NONE_MATCH=committed)
        transaction.set_rollback(True)
    assert inside.status_code == 200
    assert not inside["ETag"].startswith("W/")
    assert _tile(client, HTTP_IF_NONE_MATCH=committed).status_code == 304
