"""The planner's page (issue 26): the desk (or the admin) of the whole municipality makes a
plan and reads it day by day with its visits on a map; bad input keeps nothing; a
ward-limited desk and other roles have no such page."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from containment.models import DesludgingPlan, ServiceProvider, TreatmentPlant, Vehicle
from core.roles import MembershipRole

from ..factories import ContainmentFactory, MembershipFactory
from .conftest import page_client

pytestmark = pytest.mark.django_db
SUNDAY = dt.date(2026, 12, 13)


@pytest.fixture
def due_town(town):
    TreatmentPlant.objects.create(
        municipality=town.municipality, name="FSTP", plant_type="fstp", capacity_m3_per_day=40,
        geom=Point(90.858, 22.965, srid=4326),
    )  # fmt: skip
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug")
    Vehicle.objects.create(provider=provider, registration="L-1", capacity_m3=3)
    for lon in (90.85, 90.84, 90.83):
        ContainmentFactory(
            municipality=town.municipality, geom=Point(lon, 22.965, srid=4326),
            ever_emptied=True, construction_year=2010, last_emptied_on=dt.date(2020, 1, 1),
        )  # fmt: skip
    return town


def test_the_desk_makes_a_plan_and_reads_its_days(due_town):
    desk = page_client(
        MembershipFactory(
            municipality=due_town.municipality, role=MembershipRole.FSM_HELP_DESK
        ).user
    )
    url = reverse("containment:office-planner")
    made = desk.post(url, {"start_date": SUNDAY.isoformat(), "days": "5", "daily_trips": "2"})
    assert made.status_code == 302, made.content.decode()[:2000]
    plan = DesludgingPlan.objects.get()
    page = desk.get(made["Location"])
    assert page.context["plan"] == plan
    days = page.context["days"]
    assert sum(row["visits"] for row in days) == 3
    assert days[0]["visit_date"] == SUNDAY
    first_day = page.context["config"]["points"]
    assert len(first_day) == days[0]["visits"]
    assert {p["kind"] for p in first_day} <= {"overdue", "unknown", "due_soon", "recent"}
    assert first_day[0]["url"].startswith("/containments/")
    # Another day of the plan.
    if len(days) > 1:
        other = desk.get(url, {"plan": plan.pk, "day": days[1]["visit_date"].isoformat()})
        assert len(other.context["config"]["points"]) == days[1]["visits"]


@pytest.mark.parametrize("changes", [{"days": "0"}, {"daily_trips": "9999"}, {"start_date": "x"}])
def test_a_bad_plan_keeps_nothing(due_town, changes):
    desk = page_client(
        MembershipFactory(
            municipality=due_town.municipality, role=MembershipRole.FSM_HELP_DESK
        ).user
    )
    form = {"start_date": SUNDAY.isoformat(), "days": "5", **changes}
    assert desk.post(reverse("containment:office-planner"), form).status_code == 400
    assert not DesludgingPlan.objects.exists()


def test_only_the_desk_or_admin_of_the_whole_municipality(due_town):
    limited = MembershipFactory(
        municipality=due_town.municipality, role=MembershipRole.FSM_HELP_DESK
    )
    limited.wards.add(due_town.east)
    assert page_client(limited.user).get(reverse("containment:office-planner")).status_code == 403
    inspector = MembershipFactory(municipality=due_town.municipality, role=MembershipRole.INSPECTOR)
    assert page_client(inspector.user).get(reverse("containment:office-planner")).status_code == 403
