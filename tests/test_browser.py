"""The map page in a real Chromium (Debian's), driven by Playwright. No tile is fetched:
test settings configure no tile layer and the browser's background networking is off."""

import pytest
from django.contrib.gis.geos import LineString, Point

from containment import services
from spatial.choices import MembershipRole
from spatial.models import LowIncomeCommunity, WaterPoint

from .conftest import ARTIFACTS, log_in, make_town
from .factories import (
    BuildingFactory,
    ContainmentFactory,
    MembershipFactory,
    RoadFactory,
    box,
    m_per_deg_lon,
    square,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mapped_town(db):
    town = make_town()
    user = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user
    RoadFactory(
        municipality=town.municipality,
        hierarchy="strategic_urban",
        geom=LineString((90.805, 22.9405), (90.855, 22.9405), srid=4326),
    )
    RoadFactory(
        municipality=town.municipality,
        hierarchy="other",
        geom=LineString((90.8295, 22.93), (90.8295, 22.96), srid=4326),
    )
    LowIncomeCommunity.objects.create(
        municipality=town.municipality, name="Bagbari Bosti", geom=box(90.84, 22.93, 90.845, 22.935)
    )
    buildings = [
        BuildingFactory(
            municipality=town.municipality, geom=square(90.8285 + i * 0.0003, 22.9412, 12)
        )
        for i in range(6)
    ]
    for building, outlet in zip(buildings[:2], ("open_drain", "soak_pit"), strict=True):
        centre = building.geom.centroid
        ContainmentFactory(
            municipality=town.municipality,
            buildings=[building],
            outlet=outlet,
            construction_year=2025,
            users=4,
            geom=Point(centre.x, centre.y - 0.00008, srid=4326),
        )
    # A tube well 60 m east of the soak-pit tank: the ward has well data, far enough away.
    centre = buildings[1].geom.centroid
    WaterPoint.objects.create(
        municipality=town.municipality,
        point_type="tube_well",
        geom=Point(centre.x + 60 / m_per_deg_lon(centre.y), centre.y, srid=4326),
    )
    services.rule_set_ensure(municipality=town.municipality)
    return town, user


def test_map_draws_wards_roads_and_buildings(page, live_server, mapped_town):
    ARTIFACTS.mkdir(exist_ok=True)
    _town, user = mapped_town
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/")
    element = page.locator("#municipality-map[data-wards-loaded]")
    element.wait_for()
    assert page.locator("path.imis-ward").count() == 2
    assert page.locator("path.imis-low-income-community").count() == 1
    assert page.locator("path.imis-road").count() == 2
    assert page.locator("path.imis-road-strategic_urban").count() == 1
    assert page.locator("path.imis-building").count() == 0
    assert "Zoom in" in page.inner_text("#map-status")
    assert page.locator(".imis-legend").is_visible()
    assert page.locator(".leaflet-control-layers").is_visible()
    page.screenshot(path=str(ARTIFACTS / "map-overview.png"))

    page.goto(f"{live_server.url}/map/#map=18/22.94130/90.82930")
    page.wait_for_selector("#municipality-map[data-buildings-loaded='6']")
    assert page.locator("path.imis-building").count() == 6
    assert "Buildings: 6 shown" in page.inner_text("#map-status")
    page.screenshot(path=str(ARTIFACTS / "map-buildings.png"))

    # Containments are coloured by compliance; a popup explains the rules in words.
    page.wait_for_selector("#municipality-map[data-containments-loaded='2']")
    assert page.locator("path.imis-containment-non_compliant").count() == 1
    assert page.locator("path.imis-containment-compliant").count() == 1
    page.locator("path.imis-containment-non_compliant").click()
    page.wait_for_selector(".imis-reasons li.imis-rule-fail")
    assert "forbidden outlet" in page.inner_text(".imis-reasons")
    page.screenshot(path=str(ARTIFACTS / "map-compliance.png"))
    page.keyboard.press("Escape")

    # A building's popup shows its BIN and its use in words.
    page.locator("path.imis-building").first.click()
    popup = page.inner_text(".leaflet-popup-content")
    assert "B00000" in popup
    assert "Residential" in popup

    # The layer switcher hides the roads.
    page.locator(".leaflet-control-layers label", has_text="Roads").locator("input").uncheck()
    assert page.locator("path.imis-road").count() == 0


def test_map_speaks_bangla(page, live_server, mapped_town):
    ARTIFACTS.mkdir(exist_ok=True)
    _town, user = mapped_town
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/")
    page.locator("#municipality-map[data-wards-loaded]").wait_for()
    page.select_option("#imis-language-select", "bn")
    page.wait_for_selector("html[lang='bn']")
    page.locator("#municipality-map[data-wards-loaded]").wait_for()
    assert "প্রতীক নির্দেশিকা" in page.inner_text(".imis-legend")
    assert "প্রধান নগর সড়ক" in page.inner_text(".imis-legend")
    assert "জুম ইন করুন" in page.inner_text("#map-status")
    page.screenshot(path=str(ARTIFACTS / "map-bangla.png"))


def test_popups_show_user_text_as_text(page, live_server, mapped_town):
    """Text that got into the register some other way than the API (which refuses markup)
    is shown literally in a popup, never run."""
    from spatial.models import Building

    town, user = mapped_town
    payload = "<img src=x onerror=window.__xss=1>"
    building = Building.objects.filter(municipality=town.municipality).first()
    Building.objects.filter(pk=building.pk).update(holding_number=payload)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/#map=18/22.94130/90.82930")
    page.wait_for_selector("#municipality-map[data-buildings-loaded='6']")
    for index in range(6):
        page.locator("path.imis-building").nth(index).dispatch_event("click")
        if payload in page.inner_text(".leaflet-popup-content"):
            break
    else:
        raise AssertionError("no popup showed the holding number")
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert page.evaluate("() => window.__xss") is None
