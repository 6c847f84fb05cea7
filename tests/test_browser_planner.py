"""The planner's page in Chromium (issue 26): the desk makes a plan, reads its first day on
the table and the map, drops a visit and turns the plan into scheduled requests. The page
passes axe and speaks Bangla."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from containment.models import (
    DesludgingPlan,
    EmptyingRequest,
    PlannedVisit,
    ServiceProvider,
    TreatmentPlant,
    Vehicle,
)
from core.roles import MembershipRole

from .conftest import log_in, make_town
from .factories import ContainmentFactory, MembershipFactory
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_roles import AXE
from .test_browser_service_chain import GUIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_makes_a_plan_and_sees_its_first_day(page, live_server):
    town = make_town()
    m = town.municipality
    TreatmentPlant.objects.create(
        municipality=m, name="FSTP", plant_type="fstp", capacity_m3_per_day=40,
        geom=Point(90.858, 22.965, srid=4326),
    )  # fmt: skip
    provider = ServiceProvider.objects.create(municipality=m, name="Vacutug Co")
    provider.wards.add(town.west, town.east)
    Vehicle.objects.create(provider=provider, registration="L-1", capacity_m3=3)
    for lon in (90.85, 90.84, 90.83):
        ContainmentFactory(
            municipality=m, geom=Point(lon, 22.965, srid=4326), ever_emptied=True,
            construction_year=2010, last_emptied_on=dt.date(2020, 1, 1),
        )  # fmt: skip
    desk = MembershipFactory(municipality=m, role=MembershipRole.FSM_HELP_DESK).user
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, desk)
    page.click("nav a:has-text('Planner')")
    page.wait_for_selector("#planner-form")
    start = timezone.localdate() + dt.timedelta(days=7)
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_days", "3")
    page.fill("#id_daily_trips", "2")
    page.click("#planner-form button[type=submit]")
    page.wait_for_selector("#planner-days")
    page.wait_for_selector("#planner-map .leaflet-interactive")
    assert DesludgingPlan.objects.count() == 1
    assert page.locator("#planner-visits li").count() >= 1
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "planner.png"), full_page=True)
    problems = accessible_in_both_languages(page, {"FSTP", "Vacutug", "Co"})
    assert not problems, problems
    # Drop one visit of the day, then schedule the rest with the provider.
    planned = PlannedVisit.objects.count()
    page.locator("#planner-visits li button[name=drop]").first.click()
    page.wait_for_selector(".imis-messages, [role=status]")
    assert PlannedVisit.objects.count() == planned - 1
    page.select_option("#planner-schedule select[name=provider]", label="Vacutug Co")
    page.click("#planner-schedule button[type=submit]")
    page.wait_for_selector("#planner-visits a:has-text('scheduled request')")
    assert EmptyingRequest.objects.filter(origin="plan").count() == planned - 1
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
