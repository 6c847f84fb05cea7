"""A call followed to closure across roles in Chromium (issue 25): the help desk takes the
call and schedules the visit; the provider's crew, on a phone, records the emptying with a
photo and the discharge at the plant; the plant's operator, on a phone, confirms the load;
the desk calls the household back and records its feedback, which closes the request. The
request's page shows each step and who took it. The crew's and the plant's pages pass axe
and speak Bangla. The screenshots illustrate the guides."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from containment.models import EmptyingRequest, HouseholdNotice, ServiceProvider, Vehicle
from core.roles import MembershipRole

from .conftest import log_in, make_town
from .containment.conftest import PNG
from .factories import (
    BuildingFactory,
    ContainmentFactory,
    MembershipFactory,
    TreatmentPlantFactory,
    operator_of,
)
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_roles import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "images"
PHONE = {"width": 390, "height": 844}


def overflow(page) -> int:
    """How far the page is wider than the phone's screen (0: nothing to scroll sideways)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def phone_page(browser, live_server, user):
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    log_in(page, live_server, user)
    return context, page


def test_a_call_is_followed_to_closure_across_roles(browser, page, live_server, tmp_path):
    town = make_town()
    m = town.municipality
    desk = MembershipFactory(municipality=m, role=MembershipRole.FSM_HELP_DESK).user
    building = BuildingFactory(municipality=m, holding_number="03-0101")
    beside = Point(building.geom.centroid.x + 0.0001, building.geom.centroid.y, srid=4326)
    tank = ContainmentFactory(municipality=m, buildings=[building], geom=beside)
    provider = ServiceProvider.objects.create(municipality=m, name="Vacutug Co")
    provider.wards.add(town.west)
    Vehicle.objects.create(provider=provider, registration="DHA-11", capacity_m3=3)
    plant = TreatmentPlantFactory(municipality=m, name="Town FSTP")
    crew_user = operator_of(provider, MembershipRole.PROVIDER_OPERATOR)
    plant_user = operator_of(plant, MembershipRole.PLANT_OPERATOR)
    today = timezone.localdate()

    # 1. The desk takes the call and schedules the visit for today.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, desk)
    page.fill("#desk-q", "03-0101")
    page.click("#desk-search button[type=submit]")
    page.wait_for_selector(f"#desk[data-card='{building.pk}']")
    card = page.locator(f".imis-desk-containment[data-containment='{tank.code}']")
    card.locator("input[name=applicant_name]").fill("Nasima Akter")
    card.locator("input[name=applicant_phone]").fill("01912345678")
    card.locator("textarea[name=access_notes]").fill("Blue gate, tank under the stairs")
    card.locator("form.imis-desk-request button[type=submit]").click()
    page.wait_for_selector("#desk[data-saved]", state="attached")
    job = EmptyingRequest.objects.get(containment=tank)
    schedule = card.locator("form.imis-desk-schedule")
    schedule.locator("input[name=scheduled_for]").fill(today.isoformat())
    schedule.locator("button[type=submit]").click()
    page.wait_for_selector(f"#desk[data-scheduled='{job.pk}']", state="attached")
    job.refresh_from_db()
    assert (job.status, job.provider_id) == ("scheduled", provider.pk)

    # 2. The crew, on a phone: today's list, the job, the emptying with a photo.
    crew_context, crew = phone_page(browser, live_server, crew_user)
    try:
        assert "/crew/" in crew.url
        assert "Blue gate, tank under the stairs" in crew.inner_text("#crew-jobs")
        crew.wait_for_selector("#crew-map .leaflet-interactive")
        GUIDE.mkdir(parents=True, exist_ok=True)
        assert overflow(crew) <= 0
        crew.screenshot(path=str(GUIDE / "crew-day.png"), full_page=True)
        crew.click(f"#crew-jobs a:has-text('{tank.code}')")
        crew.wait_for_selector("#crew-step")
        crew.fill("#id_volume_m3", "2.4")
        crew.fill("#id_cost_bdt", "1800")
        crew.check("input[name=problems][value=no_cover]")
        photo = tmp_path / "tank.png"
        photo.write_bytes(PNG)
        crew.set_input_files("#id_photos", str(photo))
        assert overflow(crew) <= 0
        crew.screenshot(path=str(GUIDE / "crew-emptying.png"), full_page=True)
        crew.click("#crew-step button[type=submit]")
        crew.wait_for_selector("text=Record the discharge")
        job.refresh_from_db()
        assert job.status == "emptied"
        assert job.emptying.photos.count() == 1
        assert job.emptying.problems == ["no_cover"]
        assert crew.locator(".imis-photo-row img").count() == 1
        # The discharge at the town's plant (the only one, chosen already).
        crew.click("#crew-step button[type=submit]")
        crew.wait_for_selector("#crew-job-deliveries")
        assert "Discharged, awaiting the plant" in crew.inner_text("#crew-job-deliveries")
        words = {"Nasima", "Akter", "Blue", "gate", "tank", "under", "the", "stairs", "Vacutug",
                 "Co", "Town", "FSTP", "DHA", "m³"}  # fmt: skip
        problems = accessible_in_both_languages(crew, words)
        assert not problems, problems
    finally:
        crew_context.close()
    job.refresh_from_db()
    assert job.status == "delivered"

    # 3. The plant, on a phone, confirms what it received.
    plant_context, gate = phone_page(browser, live_server, plant_user)
    try:
        assert "/plant/" in gate.url
        load = job.emptying.deliveries.get()
        gate.wait_for_selector(f"#load-{load.pk}")
        gate.fill(f"#id_c{load.pk}-volume_received_m3", "2.3")
        assert overflow(gate) <= 0
        gate.screenshot(path=str(GUIDE / "plant-gate.png"), full_page=True)
        gate.click(f"#load-{load.pk} button:has-text('Confirm received')")
        gate.wait_for_selector("#plant-none-waiting")
        assert "Confirmed by the plant" in gate.inner_text("#plant-decided")
        # The day's log and a laboratory report, on the same phone.
        gate.fill("#id_hours_operated", "9")
        gate.fill("#id_effluent_m3", "14.5")
        gate.fill("#id_notes", "Drying bed 2 cleaned")
        gate.click("#plant-log button[type=submit]")
        gate.wait_for_selector("text=The day's log is saved.")
        assert "1 load confirmed as received, 2.30 m³" in gate.inner_text("#plant-day-received")
        gate.fill("#id_effluent-laboratory", "DPHE zonal laboratory")
        gate.fill("#id_effluent-result_bod5", "52")
        gate.fill("#id_effluent-result_tss", "80")
        gate.click("#plant-lab-effluent button[type=submit]")
        gate.wait_for_selector("text=The laboratory results are recorded.")
        assert "No" in gate.inner_text("#plant-samples")  # BOD₅ 52 mg/L fails ≤ 40
        problems = accessible_in_both_languages(
            gate, {"Town", "FSTP", "Vacutug", "Co", "DHA", "Drying", "bed", "cleaned"}
        )
        assert not problems, problems
    finally:
        plant_context.close()
    load.refresh_from_db()
    assert (load.status, str(load.volume_received_m3)) == ("confirmed", "2.30")
    log = plant.daily_logs.get()
    assert (str(log.hours_operated), log.recorded_by_id) == ("9.0", plant_user.pk)
    sample = plant.lab_samples.get()
    assert not sample.meets_standards

    # 4. The desk calls the household back; the feedback closes the request.
    page.goto(f"{live_server.url}/desk/")
    page.click(f"#desk-feedback a:has-text('{tank.code}')")
    page.wait_for_selector("#request-feedback")
    page.check("input[name=service_quality][value='4']")
    page.check("input[name=ppe_worn][value=yes]")
    page.fill("#id_comments", "Came on time")
    page.click("#request-feedback button[type=submit]")
    page.wait_for_selector("text=Feedback recorded; the request is closed.")
    job.refresh_from_db()
    assert job.status == "closed"
    trail = page.inner_text("#request-trail")
    for step, who in (
        ("Requested", desk.username),
        ("Scheduled", desk.username),
        ("Emptied", crew_user.username),
        ("Load discharged: Town FSTP", crew_user.username),
        ("Confirmed by the plant: Town FSTP", plant_user.username),
        ("Closed with feedback", desk.username),
    ):
        line = next((li for li in trail.splitlines() if li.startswith(step)), "")
        assert who in line, (step, trail)
    page.screenshot(path=str(GUIDE / "request-trail.png"), full_page=True)
    # The household was told when the visit was booked and when the tank was emptied.
    assert list(
        HouseholdNotice.objects.filter(request=job).order_by("pk").values_list("event", flat=True)
    ) == ["scheduled", "emptied"]
