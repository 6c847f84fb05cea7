"""Building approval in Chromium (issue 32): the building approval officer takes in an
application with its footprint file, records the documents, reviews the plan and checks
the septic-tank design; the inspector visits the site; the mayor's office approves and
the certificate opens; once built, the inspector enters the building in the register.
The pages pass axe and speak Bangla."""

from __future__ import annotations

import json

import pytest

from approvals.choices import Document
from approvals.models import Application
from core.roles import MembershipRole
from spatial.models import Building

from .conftest import log_in, make_town
from .factories import SOUTH, WEST, MembershipFactory, square
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_roles import AXE
from .test_browser_service_chain import GUIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, user) -> None:
    page.context.clear_cookies()
    log_in(page, live_server, user)


def test_an_application_from_intake_to_certificate_and_the_register(page, live_server, tmp_path):
    town = make_town()
    officer, inspector, mayor = (
        MembershipFactory(municipality=town.municipality, role=role).user
        for role in (
            MembershipRole.BUILDING_OFFICER,
            MembershipRole.INSPECTOR,
            MembershipRole.EXECUTIVE,
        )
    )
    footprint = tmp_path / "footprint.geojson"
    shape = json.loads(square(WEST + 0.004, SOUTH + 0.004, 12).json)
    footprint.write_text(json.dumps({"type": "Feature", "geometry": shape, "properties": {}}))
    page.context.add_init_script(path=str(AXE))

    log_in(page, live_server, officer)  # lands on the desk
    page.wait_for_selector("#approvals-office")
    page.click("#application-new")
    page.wait_for_selector("#footprint-map .leaflet-draw-draw-polygon")
    page.fill("#id_applicant_name", "Abdul Karim")
    page.fill("#id_plot", "Mouza Char Ruhita, dag 1021, khatian 455")
    page.fill("#id_floors", "3")
    page.fill("#id_occupants", "12")
    page.select_option("#id_containment_type", "septic_tank")
    page.fill("#id_volume_m3", "4")
    page.select_option("#id_outlet", "soak_pit")
    page.fill("#id_well_distance_m", "15")
    page.set_input_files("#id_footprint_file", str(footprint))
    page.click("#application-form button[type=submit]")
    page.wait_for_selector("text=The application is received.")
    application = Application.objects.get()
    assert application.ward == town.west

    for kind in Document.values:
        page.select_option("#id_kind", kind)
        page.click("#document-form button[value=document]")
        page.wait_for_selector("text=Recorded.")
    for label in ("The documents are complete", "The plan is reviewed"):
        page.click(f"#advance-form button:has-text('{label}')")
        page.wait_for_selector("text=Recorded.")
    page.click("#advance-form button:has-text('Check the septic-tank design')")
    page.wait_for_selector("#design-outcomes")
    assert "Compliant" in page.inner_text("#design-status")
    problems = accessible_in_both_languages(
        page, {"Abdul", "Karim", "Mouza", "Char", "Ruhita", "dag", "khatian"}
    )
    assert not problems, problems

    _as(page, live_server, inspector)
    page.goto(f"{live_server.url}/approvals/{application.pk}/")
    page.click("#advance-form button:has-text('The site is inspected')")
    page.wait_for_selector("text=Recorded.")

    _as(page, live_server, mayor)
    page.goto(f"{live_server.url}/approvals/{application.pk}/")
    page.fill("#id_note", "Approved by the building construction committee.")
    page.click("#advance-form button:has-text('Approve')")
    page.wait_for_selector("#application-certificate")
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "building-approval.png"), full_page=True)
    href = page.get_attribute("#application-certificate", "href")
    certificate = page.request.get(f"{live_server.url}{href}")
    assert certificate.status == 200
    assert certificate.body().startswith(b"%PDF")
    assert not Building.objects.exists()  # approved, not yet built

    _as(page, live_server, inspector)
    page.goto(f"{live_server.url}/approvals/{application.pk}/")
    page.check("#built-form input[value=yes]")
    page.click("#built-form button[value=built]")
    page.wait_for_selector("text=Recorded.")
    building = Building.objects.get()
    assert building.bin in page.inner_text("#application-page")
    assert building.floor_count == 3
