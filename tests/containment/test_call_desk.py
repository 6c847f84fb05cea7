"""The help desk's call card (issue 25): a building, or the building a containment serves,
with each containment's compliance, last emptying, the request waiting (with the caller)
and the earlier ones; only for the desk, only in its wards."""

import datetime as dt

import pytest
from django.urls import reverse

from containment import desludging
from core.roles import MembershipRole

from ..conftest import client_for
from ..factories import BuildingFactory, ContainmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller(town):
    building = BuildingFactory(municipality=town.municipality, holding_number="07-0042")
    tank = ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        ever_emptied=True,
        last_emptied_on=dt.date(2023, 3, 1),
    )
    pit = ContainmentFactory(municipality=town.municipality, buildings=[building])
    done = desludging.request_create(
        containment=pit, applicant_name="Karim", applicant_phone="01711111111"
    )
    desludging.request_cancel(request=done, reason="Owner away")
    waiting = desludging.request_create(
        containment=tank,
        applicant_name="Rahima Begum",
        applicant_phone="01812345678",
        access_notes="Gate on the east side",
    )
    return building, tank, pit, waiting


def desk_of(town, *wards):
    membership = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK
    )
    membership.wards.add(*wards)
    return client_for(membership.user)


def test_the_call_card_shows_what_waits_and_what_went_before(town, caller):
    building, tank, pit, waiting = caller
    url = reverse("containment-api:call-card")
    card = desk_of(town).get(url, {"building": building.pk})
    assert card.status_code == 200, card.content
    body = card.json()
    assert body["building"]["holding_number"] == "07-0042"
    assert body["building"]["bin"] == building.__class__.objects.get(pk=building.pk).bin
    rows = {row["code"]: row for row in body["containments"]}
    assert set(rows) == {tank.code, pit.code}
    assert rows[tank.code]["open_request"]["id"] == waiting.pk
    assert rows[tank.code]["open_request"]["applicant_phone"] == "01812345678"
    assert rows[tank.code]["open_request"]["access_notes"] == "Gate on the east side"
    assert rows[tank.code]["last_emptied_on"] == "2023-03-01"
    assert rows[pit.code]["open_request"] is None
    assert [r["status"] for r in rows[pit.code]["recent_requests"]] == ["cancelled"]
    # Found by the containment's code, the card is its building's.
    by_code = desk_of(town).get(url, {"containment": pit.pk}).json()
    assert by_code["building"]["id"] == building.pk


@pytest.mark.parametrize(
    "query", [{}, {"building": "x"}, {"building": 1, "containment": 1}, {"building": 2**40}]
)
def test_a_card_asked_badly_is_a_400(town, query):
    response = desk_of(town).get(reverse("containment-api:call-card"), query)
    assert response.status_code == 400


def test_only_the_desk_of_the_ward_sees_the_card(town, other_town, caller, gis_client):
    building = caller[0]
    url = reverse("containment-api:call-card")
    assert desk_of(town, town.east).get(url, {"building": building.pk}).status_code == 404
    other = MembershipFactory(
        municipality=other_town.municipality, role=MembershipRole.FSM_HELP_DESK
    ).user
    assert client_for(other).get(url, {"building": building.pk}).status_code == 404
    # The GIS officer reads the building but takes no calls (and reads no callers).
    assert gis_client.get(url, {"building": building.pk}).status_code == 403
