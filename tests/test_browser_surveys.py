"""The supervisor's campaign page in real Chromium: coverage table and choropleth, the
review queue, and buildings coloured by survey status."""

import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from surveys import services

from .conftest import ARTIFACTS, log_in, make_town
from .factories import BuildingFactory, square, survey_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign_town(db):
    town = make_town()
    campaign, supervisor, enumerator = survey_team(town)
    buildings = [
        BuildingFactory(
            municipality=town.municipality, geom=square(90.8285 + i * 0.0003, 22.9412, 12)
        )
        for i in range(4)
    ]
    for building in buildings[:2]:
        services.submission_receive(
            enumerator=enumerator,
            campaign=campaign,
            client_uuid=uuid.uuid4(),
            device_time=timezone.now(),
            point=building.geom.point_on_surface,
            gps_accuracy_m=4,
            answers={"floor_count": 2},
        )
    return campaign, supervisor


def test_supervisor_reviews_and_coverage_updates(page, live_server, campaign_town):
    ARTIFACTS.mkdir(exist_ok=True)
    campaign, supervisor = campaign_town
    log_in(page, live_server, supervisor)
    page.goto(f"{live_server.url}/surveys/{campaign.pk}/")
    page.wait_for_selector("#coverage-map[data-queue-loaded='2']")
    page.wait_for_selector("#coverage-map[data-coverage-loaded='2']")
    west = page.locator("#coverage-table tr[data-ward='1'] td")
    assert west.nth(1).inner_text() == "4"  # buildings
    assert west.nth(2).inner_text() == "0"  # surveyed
    assert page.locator("path.imis-coverage-ward").count() == 2

    page.locator("#review-queue button.imis-approve").first.click()
    # Locator assertions (wait_for_function would eval a string, which the CSP forbids).
    expect(page.locator("#review-queue tr[data-submission]")).to_have_count(1)
    expect(page.locator("#coverage-table tr[data-ward='1'] td:nth-child(3)")).to_have_text("1")
    assert page.locator("#coverage-table tr[data-ward='1'] td").nth(3).inner_text() == "25%"

    page.goto(f"{live_server.url}/surveys/{campaign.pk}/#map=18/22.94130/90.82930")
    page.wait_for_selector("#coverage-map[data-buildings-loaded='4']")
    assert page.locator("path.imis-survey-surveyed").count() == 1
    assert page.locator("path.imis-survey-pending").count() == 1
    assert page.locator("path.imis-survey-not_visited").count() == 2
    page.screenshot(path=str(ARTIFACTS / "survey-campaign.png"))
