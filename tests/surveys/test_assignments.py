"""Assigning enumerators: only enumerators of the municipality, only in the supervisor's
wards, and an assignment grants what the enumerator needs to work there."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.models import Membership
from core.roles import MembershipRole
from surveys import services
from surveys.models import Assignment
from tests.conftest import client_for
from tests.factories import BuildingFactory, MembershipFactory, square, town_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(town):
    return town_campaign(town, ends_on=dt.date(2026, 12, 31))


def assign(client, campaign, username, ward):
    return client.post(
        f"/api/v1/surveys/campaigns/{campaign.pk}/assignments/",
        json.dumps({"enumerator": username, "ward": ward.pk}),
        content_type="application/json",
    )


def test_only_an_enumerator_of_the_municipality_can_be_assigned(town, campaign):
    supervisor = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
    ).user
    gis = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user
    response = assign(client_for(supervisor), campaign, gis.username, town.east)
    assert response.status_code == 400
    assert "enumerator" in response.json()["errors"]
    assert not Assignment.objects.exists()

    enumerator = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).user
    response = assign(client_for(supervisor), campaign, enumerator.username, town.east)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["enumerator"] == enumerator.username
    assert body["ward"] == town.east.pk
    assert Assignment.objects.filter(pk=body["id"], enumerator=enumerator).exists()


def test_a_ward_limited_supervisor_assigns_in_his_wards_only(town, campaign):
    membership = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
    )
    membership.wards.add(town.west)
    enumerator = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).user
    client = client_for(membership.user)
    assert assign(client, campaign, enumerator.username, town.east).status_code == 403
    assert assign(client, campaign, enumerator.username, town.west).status_code == 201


def test_an_assignment_lets_the_enumerator_see_his_campaign_and_ward(town, campaign):
    """The enumerator's membership is limited to ward A; assigning him ward B extends it."""
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.ENUMERATOR)
    membership.wards.add(town.west)
    enumerator = membership.user
    east = BuildingFactory(municipality=town.municipality, geom=square(90.85, 22.93, 12))
    field = client_for(enumerator)
    assert field.get(f"/api/v1/buildings/{east.pk}/").status_code == 404

    services.assignment_create(campaign=campaign, enumerator=enumerator, ward=town.east)

    assert set(Membership.objects.get(pk=membership.pk).wards.all()) == {town.west, town.east}
    assert field.get(f"/api/v1/buildings/{east.pk}/").status_code == 200
    campaigns = field.get("/api/v1/surveys/campaigns/").json()
    assert [c["id"] for c in campaigns["results"]] == [campaign.pk]
    buildings = field.get(
        f"/api/v1/surveys/campaigns/{campaign.pk}/buildings/?bbox=90.80,22.92,90.86,22.97"
    )
    assert buildings.status_code == 200


def test_the_demo_enumerator_sees_his_campaign(db):
    """The demo generator gives every enumerator the membership his assignments need."""
    from fixtures import demo

    demo.generate(buildings=300, seed=3, code="dmo", with_users=True)
    membership = Membership.objects.get(user__username="enumerator")
    assigned = set(
        Assignment.objects.filter(enumerator=membership.user).values_list("ward", flat=True)
    )
    assert assigned
    assert set(membership.wards.values_list("pk", flat=True)) == assigned
    campaigns = client_for(membership.user).get("/api/v1/surveys/campaigns/").json()
    assert campaigns["count"] == 1
