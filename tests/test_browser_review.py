"""The supervisor's review desk in Chromium (issue 24): the queue filtered, a submission
beside the register (what approval would change marked), approve, undo, return with a note,
reject with a reason, all from the keyboard; the database is checked after each."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from surveys import services
from surveys.models import Submission

from .conftest import log_in, make_town
from .factories import BuildingFactory, square, survey_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "images"


@pytest.fixture
def desk(db, settings):
    settings.IMIS = {**settings.IMIS, "SURVEY_UNDO_SECONDS": 2}
    town = make_town()
    campaign, supervisor, enumerator = survey_team(town)
    made = []
    for i in range(5):
        building = BuildingFactory(
            municipality=town.municipality,
            geom=square(90.8185 + i * 0.0003, 22.9412, 12),
            floor_count=2,
            functional_use="commercial",
        )
        received = services.submission_receive(
            enumerator=enumerator,
            campaign=campaign,
            client_uuid=uuid.uuid4(),
            device_time=timezone.now(),
            point=building.geom.point_on_surface,
            # The fourth with a rough fix: flagged.
            gps_accuracy_m=80 if i == 3 else 4,
            answers={"floor_count": 2, "functional_use": "residential"},
        )
        made.append(received.submission)
    return campaign, supervisor, made


def status(submission) -> str:
    return Submission.objects.get(pk=submission.pk).status


def test_review_decide_undo_and_filter_from_the_keyboard(page, live_server, desk):
    campaign, supervisor, made = desk
    log_in(page, live_server, supervisor)
    page.goto(f"{live_server.url}/surveys/{campaign.pk}/review/")
    page.wait_for_selector("#review[data-loaded='1']")
    assert page.get_attribute("#review", "data-count") == "5"
    page.wait_for_selector(f"#review[data-open='{made[0].pk}']")
    # The use would change (commercial -> residential), the floors are confirmed.
    page.wait_for_selector("#review-answers tr[data-changes='1']")
    changed = page.locator("#review-answers tr[data-changes='1']")
    assert changed.count() == 1
    assert "Residential" in changed.inner_text()
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "review-desk.png"), full_page=True)

    # A: approved after the moment to undo it; the next one opens.
    page.keyboard.press("a")
    page.wait_for_selector(f"#review[data-open='{made[1].pk}']")
    page.wait_for_selector(f"#review[data-decided='{made[0].pk}']", state="attached")
    assert status(made[0]) == "approved"

    # A then U: nothing saved.
    page.keyboard.press("a")
    page.keyboard.press("u")
    page.wait_for_timeout(2500)
    assert status(made[1]) == "pending"
    page.wait_for_selector(f"#review[data-open='{made[1].pk}']")

    # R without a note is refused by the page; with one, returned.
    page.keyboard.press("r")
    assert status(made[1]) == "pending"
    page.fill("#review-reason", "Count the floors again")
    page.click("#review-return")
    page.wait_for_selector(f"#review[data-decided='{made[1].pk}']", state="attached")
    returned = Submission.objects.get(pk=made[1].pk)
    assert (returned.status, returned.review_reason) == ("returned", "Count the floors again")

    # X with a reason: rejected.
    page.wait_for_selector(f"#review[data-open='{made[2].pk}']")
    page.fill("#review-reason", "Duplicate of another visit")
    page.locator("#review-reason").blur()
    page.keyboard.press("x")
    page.wait_for_selector(f"#review[data-decided='{made[2].pk}']", state="attached")
    assert status(made[2]) == "rejected"

    # The flagged one alone: filter by its flag.
    page.select_option("#review-flag", "poor_accuracy")
    page.wait_for_function("() => document.getElementById('review').dataset.count === '1'")
    assert page.locator("#review-list tbody tr").count() == 1
    assert page.get_attribute("#review-list tbody tr", "data-submission") == str(made[3].pk)

    # Every clean one of the filter at once: the fifth; the flagged fourth stays.
    page.select_option("#review-flag", "")
    page.wait_for_function("() => document.getElementById('review').dataset.count === '2'")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#review-approve-clean")
    page.wait_for_selector("#review[data-bulk='1']", state="attached")
    assert status(made[4]) == "approved"
    assert status(made[3]) == "pending"
