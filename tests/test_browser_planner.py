"""The planner's page in Chromium (issue 26): the desk makes a plan and reads its first day
on the table and the map. The page passes axe and speaks Bangla."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from containment.models import DesludgingPlan, ServiceProvider, TreatmentPlant, Vehicle
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
    page.fill("#id_start_date", "2026-12-13")
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
