"""A complaint in Chromium on phones (issue 25): the help desk takes it by the holding
number typed in Bangla digits and hands it to the inspector; the inspector deals with it
and resolves it, saying what was done; its history names both. The pages pass axe and
speak Bangla."""

from __future__ import annotations

import pytest

from containment.models import Complaint
from core.roles import MembershipRole

from .conftest import log_in, make_town
from .factories import BuildingFactory, MembershipFactory
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_roles import AXE
from .test_browser_service_chain import PHONE, overflow, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_complaint_is_taken_handed_on_and_resolved(browser, page, live_server):
    town = make_town()
    m = town.municipality
    desk = MembershipFactory(municipality=m, role=MembershipRole.FSM_HELP_DESK).user
    inspector_user = MembershipFactory(municipality=m, role=MembershipRole.INSPECTOR).user
    building = BuildingFactory(municipality=m, holding_number="05-0077")
    page.set_viewport_size(PHONE)
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, desk)
    page.goto(f"{live_server.url}/desk/complaints/")
    page.select_option("#id_kind", "overflowing_tank")
    page.fill("#id_where", "০৫-০০৭৭")
    page.fill("#id_caller_name", "Jamal")
    page.fill("#id_caller_phone", "01712000111")
    page.fill("#id_description", "Overflowing into the lane")
    page.select_option("#id_assigned_role", "inspector")
    page.click("#complaint-new button[type=submit]")
    page.wait_for_selector("#complaint-change")
    complaint = Complaint.objects.get()
    assert (complaint.building_id, complaint.assigned_role) == (building.pk, "inspector")
    assert overflow(page) <= 0

    context, inspector = phone_page(browser, live_server, inspector_user)
    try:
        inspector.goto(f"{live_server.url}/desk/complaints/")
        inspector.click("#complaints-list a")
        inspector.wait_for_selector("#complaint-change")
        inspector.select_option("#id_status", "resolved")
        inspector.click("#complaint-change button[type=submit]")
        inspector.wait_for_selector("text=Say what was done.")
        inspector.select_option("#id_status", "resolved")
        inspector.fill("#id_resolution", "Owner told to empty it; the desk booked the visit")
        inspector.click("#complaint-change button[type=submit]")
        inspector.wait_for_selector("text=The complaint is updated.")
        history = inspector.inner_text("#complaint-history")
        assert desk.username in history
        assert inspector_user.username in history
        assert "Resolved" in history
        words = {"Jamal", "Overflowing", "into", "the", "lane", "Owner", "told", "empty",
                 "desk", "booked", "visit"}  # fmt: skip
        problems = accessible_in_both_languages(inspector, words)
        assert not problems, problems
    finally:
        context.close()
    complaint.refresh_from_db()
    assert complaint.status == "resolved"
