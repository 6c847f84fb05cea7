"""A plan put to work (issue 26): moving and dropping visits, and turning the plan into
scheduled requests with a provider, leaving and counting what cannot be scheduled."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from containment import desludging, plan_requests, planner
from containment.choices import RequestOrigin, RequestStatus
from containment.models import EmptyingRequest, HouseholdNotice, ServiceProvider, Vehicle
from core.roles import MembershipRole

from ..factories import ContainmentFactory, MembershipFactory
from .conftest import page_client

pytestmark = pytest.mark.django_db(transaction=True)


def _next_working_day() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=7)
    while day.weekday() in (4, 5):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def planned(town, settings):
    """Four overdue containments, three in the west ward and one in the east; a plan of two
    days, two trips each; a provider serving the west ward only."""
    settings.IMIS = {**settings.IMIS, "HOLIDAYS": [], "WEEKEND_DAYS": [4, 5]}
    west = [
        ContainmentFactory(
            municipality=town.municipality,
            geom=Point(lon, 22.965, srid=4326),
            ever_emptied=True,
            construction_year=2010,
            last_emptied_on=dt.date(2019, 1, 1),
        )
        for lon in (90.80, 90.81, 90.82)
    ]
    east = ContainmentFactory(
        municipality=town.municipality,
        geom=Point(90.85, 22.965, srid=4326),
        ever_emptied=True,
        construction_year=2010,
        last_emptied_on=dt.date(2019, 1, 1),
    )
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug")
    provider.wards.add(town.west)
    Vehicle.objects.create(provider=provider, registration="L-1", capacity_m3=10)
    plan = planner.plan_create(
        municipality=town.municipality, start_date=_next_working_day(), days=2, daily_trips=2
    )
    return {"plan": plan, "provider": provider, "west": west, "east": east}


def test_the_plan_becomes_scheduled_requests(planned):
    plan, provider = planned["plan"], planned["provider"]
    west = planned["west"]
    # The household of the first containment called once: its owner hears of the visit.
    old = desludging.request_create(
        containment=west[0], applicant_name="Rahima", applicant_phone="01712345678"
    )
    desludging.request_cancel(request=old, reason="Asked twice")
    outcome = plan_requests.plan_schedule(plan=plan, provider=provider)
    assert outcome == {"scheduled": 3, "skipped": {"ward": 1}}
    made = EmptyingRequest.objects.filter(origin=RequestOrigin.PLAN).order_by("scheduled_for")
    assert {r.containment for r in made} == set(west)
    for request in made:
        visit = request.planned_visit
        assert request.status == RequestStatus.SCHEDULED
        assert request.scheduled_for == visit.visit_date
        assert request.provider == provider
        assert request.applicant_name == ""
    told = made.get(containment=west[0])
    assert (told.owner_name, told.owner_phone) == ("Rahima", "01712345678")
    notices = HouseholdNotice.objects.filter(request__origin=RequestOrigin.PLAN)
    assert [n.phone for n in notices] == ["01712345678"]  # only the household with a phone
    assert west[0].code in notices[0].text  # the plan's own message, in Bangla
    assert "নির্ধারিত" in notices[0].text
    # Again: nothing more to schedule, and why.
    again = plan_requests.plan_schedule(plan=plan, provider=provider)
    assert again == {"scheduled": 0, "skipped": {"scheduled": 3, "ward": 1}}


def test_open_requests_past_days_and_retired_containments_are_left(planned):
    plan, provider, west = planned["plan"], planned["provider"], planned["west"]
    desludging.request_create(containment=west[0], applicant_name="A", applicant_phone="017")
    west[1].retired_at = timezone.now()
    west[1].save(update_fields=["retired_at"])
    plan.visits.filter(containment=west[2]).update(visit_date=dt.date(2020, 1, 1))
    outcome = plan_requests.plan_schedule(plan=plan, provider=provider)
    assert outcome == {"scheduled": 0, "skipped": {"open": 1, "retired": 1, "past": 1, "ward": 1}}


def test_a_call_needs_a_caller_a_plan_request_does_not(planned):
    with pytest.raises(IntegrityError), transaction.atomic():
        EmptyingRequest.objects.create(
            municipality=planned["plan"].municipality,
            containment=planned["east"],
            requested_at=timezone.now(),
        )


def test_another_towns_provider_is_refused(planned, other_town):
    stranger = ServiceProvider.objects.create(municipality=other_town.municipality, name="X")
    with pytest.raises(ValidationError) as refused:
        plan_requests.plan_schedule(plan=planned["plan"], provider=stranger)
    assert "provider" in refused.value.message_dict


def test_moving_a_visit_keeps_the_day_within_its_trips(planned):
    plan = planned["plan"]
    first, second = sorted({v.visit_date for v in plan.visits.all()})
    visit = plan.visits.filter(visit_date=second).first()
    full = plan.visits.filter(visit_date=first).count()
    assert full == 2  # two trips a day, one trip each: the first day is full
    with pytest.raises(ValidationError, match="full"):
        plan_requests.visit_move(visit=visit, visit_date=first)
    plan_requests.visit_drop(visit=plan.visits.filter(visit_date=first).first())
    plan_requests.visit_move(visit=visit, visit_date=first)
    visit.refresh_from_db()
    assert visit.visit_date == first
    with pytest.raises(ValidationError, match="plan's days"):
        plan_requests.visit_move(visit=visit, visit_date=first + dt.timedelta(days=30))


def test_a_scheduled_visit_no_longer_moves(planned):
    plan_requests.plan_schedule(plan=planned["plan"], provider=planned["provider"])
    visit = planned["plan"].visits.filter(containment=planned["west"][0]).get()
    with pytest.raises(ValidationError, match="already a request"):
        plan_requests.visit_drop(visit=visit)


def test_the_page_schedules_moves_and_drops(town, planned):
    desk = MembershipFactory(municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK)
    client = page_client(desk.user)
    plan = planned["plan"]
    url = reverse("containment:office-planner") + f"?plan={plan.pk}"
    first, second = sorted({v.visit_date for v in plan.visits.all()})
    visit = plan.visits.filter(visit_date=second).exclude(containment=planned["east"]).first()
    refused = client.post(
        url, {"action": "visit", "visit": visit.pk, "visit_date": first.isoformat()}
    )
    assert refused.status_code == 400
    assert "That day is full" in refused.content.decode()
    dropped = client.post(url, {"action": "visit", "visit": visit.pk, "drop": "on"})
    assert dropped.status_code == 302
    assert not plan.visits.filter(pk=visit.pk).exists()
    assert client.post(url, {"action": "schedule", "provider": ""}).status_code == 400
    done = client.post(url, {"action": "schedule", "provider": planned["provider"].pk})
    assert done.status_code == 302
    page = client.get(done["Location"])
    text = page.content.decode()
    assert "requests are scheduled" in text
    assert "in a ward the provider does not serve" in text  # the east one
    assert EmptyingRequest.objects.filter(origin=RequestOrigin.PLAN).count() >= 2
    assert client.post(url, {"action": "bogus"}).status_code == 404
