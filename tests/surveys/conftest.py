"""Fixtures the survey tests share."""

import pytest

from core.roles import MembershipRole
from surveys import services

from ..conftest import client_for
from ..factories import BuildingFactory, MembershipFactory, UserFactory, square, town_campaign


def export_buildings(town):
    """The buildings the export's points fall in."""
    for k in range(6):
        BuildingFactory(municipality=town.municipality, geom=square(90.81 + k * 0.0005, 22.93))


@pytest.fixture
def kobo_town(town):
    """As the demo town has it: the phones' Kobo account (field1) is nobody in the register;
    the enumerator rahim is assigned to ward A of the campaign, gis is no enumerator."""
    rahim = MembershipFactory(
        municipality=town.municipality,
        role=MembershipRole.ENUMERATOR,
        user=UserFactory(username="rahim"),
    ).user
    campaign = town_campaign(town, name="Kobo survey")
    services.assignment_create(campaign=campaign, enumerator=rahim, ward=town.west)
    export_buildings(town)
    MembershipFactory(
        municipality=town.municipality,
        role=MembershipRole.GIS_OFFICER,
        user=UserFactory(username="gis"),
    )
    supervisor = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
    ).user
    return campaign, client_for(supervisor)
