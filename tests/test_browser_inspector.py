"""The inspector on a phone, offline (issue 25): the worklist shows the failing
containment on the list and the map; the visit (findings, the outlet seen, a photo) is
kept on the phone while offline and sent when the network returns, once; the register is
corrected and the visit is in the containment's history. The page passes axe and speaks
Bangla."""

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
from .test_browser_roles import AXE
from .test_browser_service_chain import GUIDE, PHONE, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visit_recorded_offline_is_sent_once_when_back_online(page, live_server, tmp_path):
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
    page.set_viewport_size(PHONE)
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, inspector)
    assert "/inspections/" in page.url  # the inspector lands on his worklist
    page.wait_for_selector("#inspect[data-ready]", state="attached")
    page.wait_for_selector("#inspect-map .leaflet-interactive")
    assert overflow(page) <= 0
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "inspector-worklist.png"), full_page=True)

    page.context.set_offline(True)
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

    page.context.set_offline(False)
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
