"""The municipal admin's people page in Chromium (issue 26): the mayor invites an
enumerator for one ward, reads the temporary password once, and the enumerator logs in
with it; the mayor then adds a role. The pages pass axe and speak Bangla."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from core.models import Membership
from core.roles import MembershipRole

from .conftest import log_in, make_town
from .factories import MembershipFactory
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_roles import AXE
from .test_browser_service_chain import GUIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_mayor_invites_someone_who_then_logs_in(browser, page, live_server):
    town = make_town()
    mayor = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN
    ).user
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, mayor)
    page.click("nav a:has-text('People')")
    page.wait_for_selector("#people-invite")
    page.fill("#id_username", "rahim.enum")
    page.fill("#id_first_name", "Rahim")
    page.check("#people-invite input[name=roles][value=enumerator]")
    page.check(f"#people-invite input[name=wards][value='{town.west.pk}']")
    page.click("#people-invite button[type=submit]")
    page.wait_for_selector("#people-password")
    password = page.inner_text("#people-password").strip()
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "people-invite.png"), full_page=True)
    rahim = get_user_model().objects.get(username="rahim.enum")
    assert Membership.objects.get(user=rahim).role == "enumerator"

    other = browser.new_context()
    try:
        theirs = other.new_page()
        theirs.goto(f"{live_server.url}/accounts/login/")
        theirs.fill("#id_username", "rahim.enum")
        theirs.fill("#id_password", password)
        theirs.click("button[type=submit]")
        theirs.wait_for_url(lambda url: "/accounts/login/" not in url)
        assert "/surveys/" in theirs.url  # the enumerator's landing page
    finally:
        other.close()

    page.click("#people-list a:has-text('rahim.enum')")
    page.wait_for_selector("#person-roles")
    page.check("#person-roles input[name=roles][value=survey_supervisor]")
    page.click("#person-roles button[type=submit]")
    page.wait_for_selector("text=The roles are saved.")
    assert set(Membership.objects.filter(user=rahim).values_list("role", flat=True)) == {
        "enumerator",
        "survey_supervisor",
    }
    problems = accessible_in_both_languages(page, {"rahim", "enum", "Rahim"})
    assert not problems, problems
