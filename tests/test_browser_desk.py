"""The help desk's call intake in Chromium on a phone (issue 25): the caller's holding
number typed in Bangla digits finds his building; the desk sees each containment with what
waits, takes a request with access notes, a second call updates that request instead of
making another, and the desk schedules it with the ward's provider, seeing how full its
day is. The database is checked after each step; the page passes axe and speaks
Bangla."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from containment import desludging
from containment.models import EmptyingRequest, ServiceProvider, Vehicle
from core.roles import MembershipRole

from .conftest import log_in, make_town
from .factories import BuildingFactory, ContainmentFactory, MembershipFactory
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_roles import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "images"
PHONE = {"width": 390, "height": 844}


def test_a_call_is_taken_and_a_second_call_updates_it_on_a_phone(page, live_server):
    town = make_town()
    desk = MembershipFactory(municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK).user
    building = BuildingFactory(municipality=town.municipality, holding_number="07-0042")
    beside = Point(building.geom.centroid.x + 0.0001, building.geom.centroid.y, srid=4326)
    tank = ContainmentFactory(municipality=town.municipality, buildings=[building], geom=beside)
    emptied = ContainmentFactory(municipality=town.municipality, buildings=[building])
    earlier = desludging.request_create(
        containment=emptied, applicant_name="Karim", applicant_phone="01711111111"
    )
    desludging.request_cancel(request=earlier, reason="Owner away")
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug Co")
    provider.wards.add(town.west)
    Vehicle.objects.create(provider=provider, registration="L-1", capacity_m3=3)
    # Another job already booked with the provider that day.
    visit_day = timezone.localdate() + dt.timedelta(days=3)
    other = ContainmentFactory(
        municipality=town.municipality, buildings=[BuildingFactory(municipality=town.municipality)]
    )
    booked = desludging.request_create(
        containment=other, applicant_name="Salma", applicant_phone="01911111111"
    )
    desludging.request_schedule(request=booked, scheduled_for=visit_day, provider=provider)
    page.set_viewport_size(PHONE)
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, desk)
    # The desk lands on its own page.
    assert page.url.endswith("/desk/")
    page.fill("#desk-q", "০৭-০০৪২")
    page.click("#desk-search button[type=submit]")
    page.wait_for_selector(f"#desk[data-card='{building.pk}']")
    card = page.locator(f".imis-desk-containment[data-containment='{tank.code}']")
    assert "Never" not in card.inner_text()
    assert "Cancelled" in page.inner_text(
        f".imis-desk-containment[data-containment='{emptied.code}']"
    )

    # A bad number is refused on the spot, and nothing is kept.
    card.locator("input[name=applicant_name]").fill("Rahima Begum")
    card.locator("input[name=applicant_phone]").fill("12345")
    card.locator("form.imis-desk-request button[type=submit]").click()
    card.locator("text=mobile number of 11 digits").wait_for()
    assert not EmptyingRequest.objects.filter(containment=tank).exists()

    card.locator("input[name=applicant_phone]").fill("+880 1812-345678")
    card.locator("textarea[name=access_notes]").fill("Gate on the east side")
    card.locator("form.imis-desk-request button[type=submit]").click()
    page.wait_for_selector("#desk[data-saved]", state="attached")
    taken = EmptyingRequest.objects.get(containment=tank)
    assert (taken.applicant_phone, taken.access_notes, taken.status) == (
        "01812345678",
        "Gate on the east side",
        "requested",
    )
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "desk-call.png"), full_page=True)

    # The second call: the card shows the waiting request; the desk updates it.
    page.reload()
    page.fill("#desk-q", "07-0042")
    page.click("#desk-search button[type=submit]")
    page.wait_for_selector(f"#desk[data-card='{building.pk}']")
    card = page.locator(f".imis-desk-containment[data-containment='{tank.code}']")
    assert "Rahima Begum" in card.locator("[data-slot=open-text]").inner_text()
    assert card.locator("input[name=applicant_name]").input_value() == "Rahima Begum"
    card.locator("input[name=applicant_name]").fill("Abdul Karim")
    card.locator("input[name=is_emergency]").check()
    card.locator("form.imis-desk-request button[type=submit]").click()
    page.wait_for_selector("text=The request is updated.")
    assert EmptyingRequest.objects.filter(containment=tank).count() == 1
    taken.refresh_from_db()
    assert (taken.applicant_name, taken.is_emergency) == ("Abdul Karim", True)

    # Scheduling from the card: the ward's provider, how full its day is, then the visit.
    schedule = card.locator("form.imis-desk-schedule")
    schedule.locator("input[name=scheduled_for]").fill(visit_day.isoformat())
    schedule.locator("input[name=scheduled_for]").dispatch_event("change")
    page.wait_for_selector("form.imis-desk-schedule[data-day='1']")
    assert "jobs booked 1, vehicles in service 1" in schedule.inner_text()
    schedule.locator("button[type=submit]").click()
    page.wait_for_selector(f"#desk[data-scheduled='{taken.pk}']", state="attached")
    taken.refresh_from_db()
    assert (taken.status, taken.scheduled_for, taken.provider_id) == (
        "scheduled",
        visit_day,
        provider.pk,
    )
    # The crew's sheet: the caller, the way to the tank, the sketch.
    page.locator(
        f".imis-desk-containment[data-containment='{tank.code}'] a:has-text('Job sheet')"
    ).click()
    page.wait_for_selector("#job-sheet")
    assert "Gate on the east side" in page.inner_text("#job-sheet-access")
    assert page.locator(".imis-sketch-served").count() == 1
    page.screenshot(path=str(GUIDE / "job-sheet.png"), full_page=True)
    # (The access notes are the caller's words, as he gave them.)
    words = {"Rahima", "Begum", "Abdul", "Karim", "Gate", "on", "the", "east", "side"}
    problems = accessible_in_both_languages(page, words)
    assert not problems, problems
