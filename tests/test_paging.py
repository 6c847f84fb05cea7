"""Every JSON list of the API pages the same way: count, next, previous, results."""

from __future__ import annotations

import datetime as dt

import pytest

from core.pagination import MAX_LIMIT
from core.roles import MembershipRole
from surveys import services

from .conftest import client_for
from .factories import MembershipFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/municipalities/",
    "/api/v1/surveys/campaigns/",
    "/api/v1/surveys/submissions/",
    "/api/v1/emptying-requests/",
    "/api/v1/treatment-plants/",
    "/api/v1/service-providers/",
    "/api/v1/compliance/rule-sets/",
    "/api/v1/jobs/",
]


@pytest.fixture
def admin(town):
    return client_for(
        MembershipFactory(municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN).user
    )


@pytest.mark.parametrize("url", LISTS)
def test_every_json_list_has_the_envelope(admin, url):
    body = admin.get(url).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert isinstance(body["results"], list)
    assert admin.get(url, {"limit": "many"}).status_code == 400
    assert admin.get(url, {"offset": "-1"}).status_code == 400


def test_pages_follow_next_and_previous(admin, town):
    for k in range(5):
        services.campaign_create(
            municipality=town.municipality,
            name=f"Campaign {k}",
            starts_on=dt.date(2026, 7, 1 + k),
            ends_on=dt.date(2026, 9, 30),
            wards=[town.west],
            questionnaire_version="building-v1",
        )
    first = admin.get("/api/v1/surveys/campaigns/", {"limit": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    second = admin.get(first["next"]).json()
    third = admin.get(second["next"]).json()
    assert third["next"] is None
    assert len(third["results"]) == 1
    seen = [c["id"] for page in (first, second, third) for c in page["results"]]
    assert len(set(seen)) == 5
    # More than a page holds: the most, and the count that says what is left.
    many = admin.get("/api/v1/surveys/campaigns/", {"limit": MAX_LIMIT * 5}).json()
    assert many["count"] == 5
    assert len(many["results"]) == 5
