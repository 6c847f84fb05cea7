"""Citizen services in Chromium on a phone (issue 33), in English and Bangla: a citizen
opens the holding with a one-time code sent to its registered phone, reads its bills and
tank, asks for an emptying (it enters the desludging chain) and applies for a certificate;
the ward councillor approves it; the citizen tracks the reference and downloads it; its QR
page says valid, then revoked, and a changed link fails; a complaint with a photo placed
on the map, tracked by its reference; wrong codes lock the holding. Pages pass axe."""

from __future__ import annotations

import re

import pytest

from citizens import certificates, services
from citizens.messaging import KeptBackend
from citizens.models import Certificate, CitizenCase
from containment.choices import RequestOrigin
from containment.models import Complaint, EmptyingRequest
from core.roles import MembershipRole

from .citizens.conftest import make_home
from .conftest import log_in, make_town
from .factories import MembershipFactory
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_roles import AXE
from .test_browser_service_chain import GUIDE, PHONE, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def kept_texts(settings):
    settings.IMIS = {**settings.IMIS, "NOTICE_BACKEND": "citizens.messaging.KeptBackend"}
    KeptBackend.sent.clear()
    return KeptBackend.sent


def _latin(text: str) -> str:
    return text.translate(str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789"))


def test_a_citizen_opens_the_holding_asks_for_emptying_and_a_certificate(
    page, live_server, kept_texts
):
    town = make_town()
    home = make_home(town)
    councillor = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    councillor.wards.set([town.west])
    page.set_viewport_size(PHONE)
    page.context.add_init_script(path=str(AXE))

    page.goto(f"{live_server.url}/citizen/")  # one town: straight to its page
    page.click("text=My holding")
    page.select_option("#id_ward", "1")
    page.fill("#id_number", "12/A")
    page.click("button[name=send]")
    page.wait_for_selector("#citizen-code-sent")
    code = re.search(r"\d{6}", _latin(kept_texts[-1][1]))[0]
    page.fill("#id_code", code)
    page.click("#citizen-lookup button.imis-button-primary")
    page.wait_for_selector("#citizen-tax")
    assert "600" in page.inner_text("#citizen-tax")
    assert home.tank.code in page.inner_text("#citizen")
    assert overflow(page) == 0
    page.screenshot(path=str(GUIDE / "citizen-services.png"))
    names = {"12/A", "Bazar", "Road", home.tank.code, "B000001"}
    problems = accessible_in_both_languages(page, names)
    assert not problems, problems

    page.click("text=Ask for the tank to be emptied")
    page.fill("#id_applicant_name", "Rahima Begum")
    page.fill("#id_applicant_phone", "01711 000 333")
    page.fill("#id_access_notes", "Blue gate, lid by the pond")
    page.click("#citizen-emptying button[type=submit]")
    page.wait_for_selector("#citizen-case-status")
    request = EmptyingRequest.objects.get()
    assert (request.containment_id, request.origin) == (home.tank.pk, RequestOrigin.ONLINE)
    assert "Requested" in page.inner_text("#citizen-case-status")

    page.goto(f"{live_server.url}/citizen/{town.municipality.code}/holding/mine/")
    page.click("text=Apply for a certificate")
    page.check("input[name=kind][value=residence]")
    page.fill("#id_applicant_name", "Rahima Begum")
    page.fill("#id_applicant_phone", "01711000333")
    page.fill("#id_purpose", "School admission")
    page.click("#citizen-certificate button[type=submit]")
    page.wait_for_selector("#citizen-case-status")
    assert "Waiting for the councillor" in page.inner_text("#citizen-case-status")
    reference = CitizenCase.objects.get(kind="certificate").reference
    assert reference in kept_texts[-1][1]

    # The councillor of ward 1, at the desk.
    staff = page.context.browser.new_context(viewport={"width": 1200, "height": 800})
    desk = staff.new_page()
    log_in(desk, live_server, councillor.user)
    desk.goto(f"{live_server.url}/office/certificates/")
    desk.click("#office-certificates tbody a")
    desk.click("button[value=approve]")
    desk.wait_for_selector("text=Approved: the certificate is issued")
    staff.close()
    certificate = Certificate.objects.get()
    assert certificate.number

    # The citizen follows the reference, typed as it came, and downloads the certificate.
    page.goto(f"{live_server.url}/citizen/track/")
    page.fill("#citizen-reference", reference.lower().replace("-", " "))
    page.click("#citizen-track button")
    page.wait_for_selector("#citizen-certificate-bn")
    pdf = page.request.get(live_server.url + page.get_attribute("#citizen-certificate-bn", "href"))
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")
    problems = accessible_in_both_languages(page, {reference, certificate.number})
    assert not problems, problems

    # Its QR code's page: valid; a changed link fails; revoked, it says so.
    verify = f"{live_server.url}{certificates.verify_path(certificate)}"
    page.goto(verify)
    assert "Valid" in page.inner_text("#certificate-verdict")
    assert "Rahima Begum" in page.inner_text("#certificate-statement")
    page.goto(verify.rstrip("/")[:-2] + "zz/")
    assert "Not valid" in page.inner_text("#certificate-verdict")
    services.certificate_revoke(certificate=certificate, user=councillor.user, reason="Moved away")
    page.goto(verify)
    assert "Revoked" in page.inner_text("#certificate-verdict")
    assert overflow(page) == 0


def test_a_complaint_with_a_photo_in_bangla_and_its_tracking(page, live_server, tmp_path):
    town = make_town()
    photo = tmp_path / "lane.png"
    photo.write_bytes(PNG)
    page.set_viewport_size(PHONE)
    page.context.add_init_script(path=str(AXE))
    page.goto(f"{live_server.url}/citizen/{town.municipality.code}/complaint/")
    page.evaluate("() => { document.cookie = 'django_language=bn; path=/'; }")
    page.reload()
    page.check("input[name=kind][value=illegal_discharge]")
    page.fill("#id_description", "রাতে খালে বর্জ্য ফেলা হয়েছে")
    page.click("[data-complaint-map]")  # the middle of the town
    assert page.input_value("[name=latitude]")
    page.set_input_files("#id_photo", str(photo))
    page.fill("#id_caller_name", "করিম")
    page.fill("#id_caller_phone", "০১৮১১০০০৪৪৪")
    page.click("#citizen-complaint button[type=submit]")
    page.wait_for_selector("#citizen-case-status")
    complaint = Complaint.objects.get()
    assert complaint.caller_phone == "01811000444"
    assert complaint.ward is not None
    assert complaint.photos.count() == 1
    reference = CitizenCase.objects.get().reference
    assert reference in page.inner_text("h1")
    assert "অভিযোগ" in page.inner_text("h1")
    assert overflow(page) == 0


def test_wrong_codes_lock_the_holding(page, live_server):
    town = make_town()
    make_home(town)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/citizen/{town.municipality.code}/holding/")
    for _ in range(6):
        page.select_option("#id_ward", "1")
        page.fill("#id_number", "12/A")
        page.fill("#id_code", "WRONG234")
        page.click("#citizen-lookup button.imis-button-primary")
        page.wait_for_selector(".imis-error")
    assert "Too many wrong tries" in page.inner_text("#citizen-lookup .imis-error")
