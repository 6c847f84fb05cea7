"""The help desk's call card (issue 25): a building, or the building a containment serves,
with each containment's compliance, last emptying, the request waiting (with the caller)
and the earlier ones; only for the desk, only in its wards."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from containment import desludging
from core.roles import MembershipRole

from ..conftest import client_for
from ..factories import BuildingFactory, ContainmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller(town):
    building = BuildingFactory(municipality=town.municipality, holding_number="07-0042")
    # Beside the building (the factory's fixed point is far from its later buildings).
    beside = Point(building.geom.centroid.x + 0.0001, building.geom.centroid.y, srid=4326)
    tank = ContainmentFactory(
        municipality=town.municipality,
        geom=beside,
        buildings=[building],
        ever_emptied=True,
        last_emptied_on=dt.date(2023, 3, 1),
    )
    pit = ContainmentFactory(municipality=town.municipality, buildings=[building], geom=beside)
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


def test_the_card_offers_the_wards_providers_and_the_day_shows_their_bookings(town, caller):
    from containment.models import ServiceProvider, Vehicle

    building, _tank, _pit, waiting = caller
    serving = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug Co")
    serving.wards.add(town.west)
    Vehicle.objects.create(provider=serving, registration="L-1", capacity_m3=3)
    Vehicle.objects.create(provider=serving, registration="L-2", capacity_m3=3, is_active=False)
    elsewhere = ServiceProvider.objects.create(municipality=town.municipality, name="East only")
    elsewhere.wards.add(town.east)
    desk = desk_of(town)
    card = desk.get(reverse("containment-api:call-card"), {"building": building.pk}).json()
    assert card["providers"] == [{"id": serving.pk, "name": "Vacutug Co", "vehicles": 1}]

    day = timezone.localdate() + dt.timedelta(days=2)
    url = reverse("containment-api:provider-day")
    before = desk.get(url, {"provider": serving.pk, "day": day.isoformat()}).json()
    assert (before["jobs"], before["vehicles"]) == (0, 1)
    desludging.request_schedule(request=waiting, scheduled_for=day, provider=serving)
    after = desk.get(url, {"provider": serving.pk, "day": day.isoformat()}).json()
    assert after["jobs"] == 1
    assert desk.get(url, {"provider": serving.pk}).status_code == 400
    assert desk.get(url, {"provider": 999999, "day": day.isoformat()}).status_code == 404


def test_the_planners_date_is_offered(town, caller):
    from containment import planner, services

    services.rule_set_ensure(municipality=town.municipality)
    building, _tank, pit, _waiting = caller
    plan = planner.plan_create(
        municipality=town.municipality, start_date=timezone.localdate(), days=5
    )
    # (The tank already waits for an emptying: the planner leaves it out.)
    visit = plan.visits.get(containment=pit)
    card = desk_of(town).get(reverse("containment-api:call-card"), {"building": building.pk})
    row = next(r for r in card.json()["containments"] if r["code"] == pit.code)
    assert row["planned_date"] == visit.visit_date.isoformat()


def test_the_job_sheet_carries_the_call_and_a_sketch_drawn_by_postgis(town, caller):
    from django.test import Client

    building, tank, _pit, waiting = caller
    neighbour = BuildingFactory(municipality=town.municipality)  # on the factory's grid
    membership = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(membership.user)
    page = client.get(reverse("containment:job-sheet", args=[waiting.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Gate on the east side" in html
    assert "01812345678" in html
    assert tank.code in html
    # The building served is drawn dark; the sketch is in metres around the containment.
    assert html.count('class="imis-sketch-served"') == 1
    assert 'class="imis-sketch-containment"' in html
    near = building.geom.distance(neighbour.geom) * 111_000 < 60
    assert html.count('class="imis-sketch-building"') == (1 if near else 0)
    # A desk limited to the other ward does not read it.
    other = MembershipFactory(municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK)
    other.wards.add(town.east)
    client.force_login(other.user)
    assert client.get(reverse("containment:job-sheet", args=[waiting.pk])).status_code == 404
