"""A town with the people of building approval: its officer, inspector, the mayor's
office, and a proposed building whose septic-tank design meets the default rules."""

from decimal import Decimal

import pytest

from approvals import services
from approvals.choices import Document
from core.roles import MembershipRole
from tests.factories import SOUTH, WEST, MembershipFactory, square


def member(town, role):
    return MembershipFactory(municipality=town.municipality, role=role).user


@pytest.fixture
def officer(town):
    return member(town, MembershipRole.BUILDING_OFFICER)


@pytest.fixture
def inspector(town):
    return member(town, MembershipRole.INSPECTOR)


@pytest.fixture
def mayor(town):
    return member(town, MembershipRole.EXECUTIVE)


def proposal(**changes) -> dict:
    """A three-storey house for 12 people with a 4 m³ septic tank to a soak pit, 15 m from
    the nearest well as designed."""
    return {
        "applicant_name": "Abdul Karim",
        "applicant_phone": "01711000111",
        "plot": "Mouza Char Ruhita, dag 1021, khatian 455",
        "floors": 3,
        "functional_use": "residential",
        "occupants": 12,
        "footprint": square(WEST + 0.005, SOUTH + 0.005, 12),
        "containment_type": "septic_tank",
        "volume_m3": Decimal("4.00"),
        "outlet": "soak_pit",
        "well_distance_m": Decimal("15"),
        **changes,
    }


def submitted(town, officer, **changes):
    return services.application_submit(
        user=officer, municipality=town.municipality, **proposal(**changes)
    )


def with_documents(application, officer):
    for kind in Document.values:
        services.document_receive(user=officer, application=application, kind=kind)
    return application
