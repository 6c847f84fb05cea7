"""The municipal admin's providers and plants in Chromium (issue 26): the mayor adds a
vehicle with its width to a provider and records the day a plant closed; the list then
says so. The pages pass axe and speak Bangla."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from containment.models import ServiceProvider, TreatmentPlant, Vehicle
from core.roles import MembershipRole

from .conftest import log_in, make_town
from .factories import MembershipFactory, TreatmentPlantFactory
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_roles import AXE
from .test_browser_service_chain import GUIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_mayor_keeps_providers_vehicles_and_plants(page, live_server):
    town = make_town()
    m = town.municipality
    mayor = MembershipFactory(municipality=m, role=MembershipRole.MUNICIPAL_ADMIN).user
    provider = ServiceProvider.objects.create(municipality=m, name="Vacutug Co")
    provider.wards.add(town.west)
    plant = TreatmentPlantFactory(municipality=m, name="Town FSTP", opened_on=dt.date(2019, 1, 1))
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, mayor)
    page.click("nav a:has-text('Providers and plants')")
    page.wait_for_selector("#fsm-providers")
    page.click("#fsm-providers a:has-text('Add a vehicle')")
    page.wait_for_selector("#fsm-form")
    page.fill("#id_registration", "LAK-501")
    page.fill("#id_capacity_m3", "2.5")
    page.fill("#id_width_m", "1.8")
    page.click("#fsm-form button[type=submit]")
    page.wait_for_selector("text=Saved.")
    vehicle = Vehicle.objects.get(registration="LAK-501")
    assert (vehicle.provider_id, str(vehicle.width_m)) == (provider.pk, "1.80")
    assert "1.80 m wide" in page.inner_text("#fsm-providers")

    page.click("#fsm-plants a:has-text('Town FSTP')")
    page.wait_for_selector("#fsm-form")
    page.fill("#id_closed_on", timezone.localdate().isoformat())
    page.click("#fsm-form button[type=submit]")
    page.wait_for_selector("text=Saved.")
    plant.refresh_from_db()
    assert (plant.is_active, plant.closed_on) == (False, timezone.localdate())
    assert "closed on" in page.inner_text("#fsm-plants")
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "providers-and-plants.png"), full_page=True)
    problems = accessible_in_both_languages(page, {"Vacutug", "Co", "Town", "FSTP"})
    assert not problems, problems
    page.click("#fsm-plants a:has-text('Town FSTP')")
    page.wait_for_selector("#fsm-form")
    problems = accessible_in_both_languages(page, {"Vacutug", "Co", "Town", "FSTP"})
    assert not problems, problems
    assert TreatmentPlant.objects.count() == 1
