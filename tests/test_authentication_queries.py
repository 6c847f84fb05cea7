"""Every way in (session, Basic, token) reads the user and his memberships in one statement,
and the scope worked out from that statement is the one the ORM's rows give."""

import base64
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.roles import MembershipRole
from core.scope import active_user, user_scope
from spatial.models import Building

from .factories import BuildingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBERSHIPS = "spatial_membership"
ITEMS = "/ogc/collections/buildings/items"


@pytest.fixture
def ward_officer(town):
    """A GIS officer for the west ward only, with a building on each side."""
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    membership.wards.set([town.west])
    BuildingFactory(municipality=town.municipality, ward=town.west)
    BuildingFactory(municipality=town.municipality, ward=town.east)
    return membership.user


def _clients(user):
    session = APIClient()
    session.login(username=user.username, password="pw")
    basic = APIClient()
    basic.credentials(
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{user.username}:pw".encode()).decode()
    )
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return {"session": session, "basic": basic, "token": token}


@pytest.mark.parametrize("door", ["session", "basic", "token"])
def test_one_statement_reads_the_user_and_his_memberships(door, town, ward_officer):
    client = _clients(ward_officer)[door]
    # The OGC API takes all three (QGIS sends Basic); Basic remembers a checked password.
    client.get(ITEMS)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ITEMS)
        body = json.loads(b"".join(response.streaming_content))
    assert response.status_code == 200
    wards = {feature["properties"]["ward"] for feature in body["features"]}
    assert wards == {town.west.pk}
    membership_reads = [q["sql"] for q in queries.captured_queries if MEMBERSHIPS in q["sql"]]
    assert len(membership_reads) == 1, membership_reads
    assert "auth_user" in membership_reads[0]


def test_the_scope_from_the_one_statement_is_the_orms(town, ward_officer):
    whole = MembershipFactory(
        user=ward_officer, municipality=town.municipality, role=MembershipRole.EXECUTIVE
    )
    assert whole.wards.count() == 0
    from core.scope import ScopePerRequestMiddleware

    seen = {}

    def view(_request):
        user = active_user(ward_officer.pk)
        seen["read"] = (user_scope(user), user_scope(user, [MembershipRole.GIS_OFFICER]))
        return None

    ScopePerRequestMiddleware(view)(None)
    expected = (user_scope(ward_officer), user_scope(ward_officer, [MembershipRole.GIS_OFFICER]))
    assert seen["read"] == expected
    assert expected[0].municipality_ids == {town.municipality.pk}
    assert expected[1].ward_ids == {town.west.pk}


def test_inactive_unknown_and_malformed_users_are_nobody(town):
    user = UserFactory()
    assert active_user(user.pk) == user
    assert active_user(str(user.pk)) == user
    assert active_user("not a number") is None
    assert active_user(user.pk + 1000) is None
    user.is_active = False
    user.save()
    assert active_user(user.pk) is None


def test_tokens_still_expire_and_still_refuse_inactive_users(settings, town):
    user = MembershipFactory(municipality=town.municipality).user
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/buildings/").status_code == 200
    assert client.get("/api/v1/buildings/").wsgi_request.auth.key == token.key

    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(days=settings.IMIS["TOKEN_DAYS"] + 1)
    )
    expired = client.get("/api/v1/buildings/")
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]

    Token.objects.filter(pk=token.pk).update(created=timezone.now())
    user.is_active = False
    user.save()
    inactive = client.get("/api/v1/buildings/")
    assert inactive.status_code == 401
    assert "inactive" in inactive.json()["detail"]

    client.credentials(HTTP_AUTHORIZATION="Token nosuchtoken")
    unknown = client.get("/api/v1/buildings/")
    assert unknown.status_code == 401
    assert "Invalid token" in unknown.json()["detail"]
    assert Building.objects.count() == 0
