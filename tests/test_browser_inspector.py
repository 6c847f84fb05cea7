"""The inspector on a phone, offline (issue 25), against a real application server the
test stops and starts: the worklist shows the failing containment on the list and the map;
with the server gone the page opens again from the phone (its service worker), the visit
(findings, the outlet seen, a photo) is kept in the field app's queue, and it is sent once
the server is back; the register is corrected. The page passes axe and speaks Bangla."""

from __future__ import annotations

import pytest
from django.utils import timezone

from containment import services
from containment.models import ComplianceAssessment, Inspection
from core.roles import MembershipRole

from .conftest import log_in, make_town
from .containment.conftest import PNG
from .factories import BuildingFactory, ContainmentFactory, MembershipFactory
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_field_app import server  # noqa: F401 (the application server)
from .test_browser_roles import AXE
from .test_browser_service_chain import GUIDE, PHONE, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visit_recorded_offline_is_sent_once_when_back_online(browser, server, tmp_path):  # noqa: F811
    town = make_town()
    m = town.municipality
    inspector = MembershipFactory(municipality=m, role=MembershipRole.INSPECTOR).user
    building = BuildingFactory(municipality=m)
    tank = ContainmentFactory(
        municipality=m, buildings=[building], outlet="open_drain", construction_year=2020
    )
    rule_set = services.rule_set_ensure(municipality=m)
    ComplianceAssessment.objects.update_or_create(
        containment=tank, rule_set=rule_set,
        defaults={"status": "non_compliant", "failed_rules": ["outlet"], "outcomes": {},
                  "assessed_at": timezone.now()},
    )  # fmt: skip
    context = browser.new_context(viewport=PHONE)
    try:
        _walk(context, server, inspector, tank, tmp_path)
    finally:
        context.close()


def _walk(context, server, inspector, tank, tmp_path):  # noqa: F811
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, server, inspector)
    assert "/inspections/" in page.url  # the inspector lands on his worklist
    page.wait_for_selector("#inspect[data-ready]", state="attached")
    page.wait_for_selector("#inspect[data-offline-ready='1']", state="attached")
    page.wait_for_selector("#inspect-map .leaflet-interactive")
    assert overflow(page) <= 0
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "inspector-worklist.png"), full_page=True)

    # The network is gone (the server: a service worker's own fetches ignore the browser's
    # offline switch). The page opens again from the phone.
    server.stop()
    page.reload()
    page.wait_for_selector("#inspect[data-ready]", state="attached")
    page.click(f"#inspect-list button[data-containment='{tank.code}']")
    page.wait_for_selector("#inspect-form:not([hidden])")
    page.select_option("#inspect-rule-outlet", "fail")
    page.select_option("#inspect-outcome", "non_compliant")
    page.select_option("#inspect-outlet", "soak_pit")
    page.fill("#inspect-notes", "Pipe rerouted to a soak pit during the visit")
    photo = tmp_path / "outlet.png"
    photo.write_bytes(PNG)
    page.set_input_files("#inspect-photos", str(photo))
    page.screenshot(path=str(GUIDE / "inspector-visit.png"), full_page=True)
    page.click("#inspect-form button[type=submit]")
    page.wait_for_selector("#inspect-queue li[data-status=queued]")
    page.wait_for_selector("#inspect[data-sync-failed]", state="attached")
    assert not Inspection.objects.exists()

    server.start()
    page.click("#inspect-send")
    page.wait_for_selector("#inspect-queue li[data-status=sent]")
    page.wait_for_function("() => document.querySelector('#inspect').dataset.synced !== undefined")
    visit = Inspection.objects.get()
    assert visit.containment_id == tank.pk
    assert visit.findings == {"outlet": {"outcome": "fail"}}
    assert visit.changes == {"outlet": ["open_drain", "soak_pit"]}
    tank.refresh_from_db()
    assert tank.outlet == "soak_pit"
    # The photo went with its visit, in the same round.
    assert visit.photos.count() == 1
    problems = accessible_in_both_languages(page, {"Pipe", "rerouted", "soak", "pit", "during",
                                                   "the", "visit"})  # fmt: skip
    assert not problems, problems
    assert not errors, errors
