"""A town with a holding of ward 1: its building, an owner with a registered phone, a
septic tank, a year of holding tax, and the code printed on its bills."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client

from citizens import lookup
from citizens.messaging import KeptBackend
from core.roles import MembershipRole
from holdings import services as holding_services
from holdings.models import TaxStatus
from tests.factories import BuildingFactory, ContainmentFactory, MembershipFactory

OWNER_PHONE = "01711000222"


@pytest.fixture(autouse=True)
def kept_texts(settings):
    """Texts to citizens are kept in memory, as mail is in Django's tests."""
    settings.IMIS = {**settings.IMIS, "NOTICE_BACKEND": "citizens.messaging.KeptBackend"}
    KeptBackend.sent.clear()
    return KeptBackend.sent


@pytest.fixture
def home(town):
    return make_home(town)


def make_home(town):
    building = BuildingFactory(municipality=town.municipality)
    holding = holding_services.holding_create(
        municipality=town.municipality, ward=town.west, number="12/A", buildings=[building],
        address="Bazar Road",
    )  # fmt: skip
    holding_services.owners_set(
        holding=holding, owners=[{"name": "Rahima Begum", "phone": OWNER_PHONE}]
    )
    tank = ContainmentFactory(municipality=town.municipality, buildings=[building])
    TaxStatus.objects.create(
        holding=holding,
        fiscal_year="2025-26",
        assessed=Decimal("1200"),
        paid=Decimal("600"),
        arrears=Decimal("600"),
    )
    return SimpleNamespace(
        holding=holding, building=building, tank=tank, code=lookup.bill_code_for(holding)
    )


def member(town, role, ward=None):
    membership = MembershipFactory(municipality=town.municipality, role=role)
    if ward is not None:
        membership.wards.set([ward])
    return membership.user


@pytest.fixture
def councillor(town):
    """The councillor of ward 1: an executive of that ward."""
    return member(town, MembershipRole.EXECUTIVE, town.west)


@pytest.fixture
def other_councillor(town):
    return member(town, MembershipRole.EXECUTIVE, town.east)


def opened(client: Client, town, number: str, code: str, ward: int = 1, **extra):
    return client.post(
        f"/citizen/{town.municipality.code}/holding/",
        {"ward": ward, "number": number, "code": code},
        **extra,
    )
