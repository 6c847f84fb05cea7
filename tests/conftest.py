import os
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from spatial.choices import MembershipRole
from spatial.models import Municipality, Ward

from .factories import (
    EAST,
    NORTH,
    SOUTH,
    SPLIT,
    WEST,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
    WardFactory,
    box,
)

# Playwright's sync API runs an event loop in the test thread; Django's ORM is used from
# the same thread only, so its async-safety guard can be relaxed for browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class Town:
    municipality: Municipality
    west: Ward
    east: Ward


def make_town(code: str | None = None, offset: float = 0.0) -> Town:
    kwargs = {"code": code} if code else {}
    municipality = MunicipalityFactory(
        boundary=box(WEST + offset, SOUTH, EAST + offset, NORTH), **kwargs
    )
    west = WardFactory(
        municipality=municipality, number=1, geom=box(WEST + offset, SOUTH, SPLIT + offset, NORTH)
    )
    east = WardFactory(
        municipality=municipality, number=2, geom=box(SPLIT + offset, SOUTH, EAST + offset, NORTH)
    )
    return Town(municipality, west, east)


@pytest.fixture
def town(db) -> Town:
    return make_town()


@pytest.fixture
def other_town(db) -> Town:
    """A second municipality, 0.2 degrees east, with its own users and data."""
    return make_town(offset=0.2)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def gis_officer(town):
    return MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user


@pytest.fixture
def executive(town):
    return MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE).user


@pytest.fixture
def gis_client(gis_officer) -> APIClient:
    return client_for(gis_officer)


@pytest.fixture
def outsider(db):
    return UserFactory()
