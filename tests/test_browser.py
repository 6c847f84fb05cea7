"""The map page in a real Chromium (Debian's), driven by Playwright. No tile is fetched:
test settings configure no tile layer and the browser's background networking is off."""

import datetime as dt

import pytest
from django.contrib.gis.geos import LineString, Point

from containment import services
from containment.models import PublicToilet
from core.roles import MembershipRole
from spatial.models import LowIncomeCommunity, WaterPoint, WaterSample

from .conftest import ARTIFACTS, log_in, make_town
from .factories import (
    BuildingFactory,
    ContainmentFactory,
    HouseholdFactory,
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
        arsenic_ug_l=120,
        arsenic_tested_on=dt.date(2025, 2, 1),
        geom=Point(centre.x + 60 / m_per_deg_lon(centre.y), centre.y, srid=4326),
    )
    # A deep tube well, tested safe, and a dug well never tested, further east.
    for k, (kind, arsenic) in enumerate((("deep_tube_well", 3), ("dug_well", None))):
        WaterPoint.objects.create(
            municipality=town.municipality,
            point_type=kind,
            arsenic_ug_l=arsenic,
            arsenic_tested_on=dt.date(2025, 2, 1) if arsenic is not None else None,
            geom=Point(centre.x + (200 + 50 * k) / m_per_deg_lon(centre.y), centre.y, srid=4326),
        )
    services.rule_set_ensure(municipality=town.municipality)
    return town, user


def test_wells_are_coloured_by_their_arsenic_test_with_a_legend(page, live_server, mapped_town):
    _town, user = mapped_town
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/#map=17/22.94120/90.83000")
    page.wait_for_selector("#municipality-map[data-water-points-loaded='3']")
    for status in ("unsafe", "safe", "not_tested"):
        assert page.locator(f"path.imis-water-point-{status}").count() == 1, status
    legend = page.inner_text(".imis-legend")
    for label in (
        "Water point tested arsenic-safe",
        "Water point above the arsenic standard",
        "Water point not tested for arsenic",
    ):
        assert label in legend
    # Under a building's footprint at this zoom: opened from the keyboard, as it may be.
    page.locator("path.imis-water-point-unsafe").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content")
    assert "120" in page.inner_text(".leaflet-popup-content")


def test_water_samples_are_coloured_by_their_result_with_a_legend(page, live_server, mapped_town):
    """Issue 28: a sample that fails the standard is red and its popup says why, one that
    meets it green, one awaiting results purple; the legend names the three."""
    town, user = mapped_town
    well = WaterPoint.objects.get(municipality=town.municipality, point_type="deep_tube_well")
    for k, (e_coli, arsenic) in enumerate(((12, None), (0, 3), (None, None))):
        WaterSample.objects.create(
            municipality=town.municipality,
            water_point=well if k == 1 else None,
            sampled_on=dt.date(2025, 3, 1),
            e_coli_per_100ml=e_coli,
            arsenic_ug_l=arsenic,
            geom=Point(well.geom.x + 0.0002 * k, well.geom.y + 0.0003, srid=4326),
        )
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/#map=17/22.94120/90.83000")
    page.wait_for_selector("#municipality-map[data-water-samples-loaded='3']")
    for result in ("fails", "meets", "pending"):
        assert page.locator(f"path.imis-water-sample-{result}").count() == 1, result
    legend = page.inner_text(".imis-legend")
    for label in (
        "Sample meets the drinking-water standard",
        "Sample fails the drinking-water standard",
        "Sample awaiting results",
    ):
        assert label in legend
    page.locator("path.imis-water-sample-fails").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content")
    popup = page.inner_text(".leaflet-popup-content")
    assert "standard\tE. coli or thermotolerant coliforms" in popup  # named, not coded
    assert "e_coli_per_100ml" not in popup


def test_public_toilets_are_coloured_by_their_status_with_a_legend(page, live_server, mapped_town):
    """Issue 28: a block whose waste is contained is green, one draining to the open drain
    orange, one out of order grey; the popup counts who depends on it."""
    town, user = mapped_town
    well = WaterPoint.objects.get(municipality=town.municipality, point_type="deep_tube_well")
    building = BuildingFactory(municipality=town.municipality, household_count=1)
    for k, (outlet, condition) in enumerate(
        (("soak_pit", "good"), ("open_drain", "fair"), ("soak_pit", "not_functional"))
    ):
        place = Point(well.geom.x + 0.0002 * k, well.geom.y - 0.0003, srid=4326)
        tank = ContainmentFactory(municipality=town.municipality, outlet=outlet, geom=place)
        toilet = PublicToilet.objects.create(
            municipality=town.municipality,
            name=f"Block {k}",
            toilet_kind="community",
            condition=condition,
            containment=tank,
            geom=place,
        )
        if k == 0:
            HouseholdFactory(building=building, members_go="public_toilet", public_toilet=toilet)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/#map=17/22.94120/90.83000")
    page.wait_for_selector("#municipality-map[data-public-toilets-loaded='3']")
    for status in ("safe", "unsafe", "not_functional"):
        assert page.locator(f"path.imis-public-toilet-{status}").count() == 1, status
    legend = page.inner_text(".imis-legend")
    for label in (
        "Toilet block safe and functional",
        "Toilet block functional, its waste not safely contained",
        "Toilet block not functional",
    ):
        assert label in legend
    page.locator("path.imis-public-toilet-safe").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content")
    popup = page.inner_text(".leaflet-popup-content")
    assert "Block 0" in popup
    assert "People depending on it" in popup


def test_map_draws_wards_roads_and_buildings(page, live_server, mapped_town):
    ARTIFACTS.mkdir(exist_ok=True)
    _town, user = mapped_town
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/")
    element = page.locator("#municipality-map[data-wards-loaded]")
    element.wait_for()
    assert page.locator("path.imis-ward").count() == 2
    assert page.locator("path.imis-low-income-community").count() == 1
    # Zoomed out, the roads are drawn from their tiles (on canvas), as the buildings are.
    page.wait_for_selector("#municipality-map[data-roads-tiles]")
    assert int(page.get_attribute("#municipality-map", "data-roads-tile-features")) >= 2
    assert page.locator("path.imis-road").count() == 0
    assert page.locator("path.imis-building").count() == 0
    assert "Zoom in" in page.inner_text("#map-status")
    assert page.locator(".imis-legend").is_visible()
    assert page.locator(".leaflet-control-layers").is_visible()
    page.screenshot(path=str(ARTIFACTS / "map-overview.png"))

    page.goto(f"{live_server.url}/map/#map=18/22.94130/90.82930")
    page.wait_for_selector("#municipality-map[data-buildings-loaded='6']")
    assert page.locator("path.imis-building").count() == 6
    assert "Buildings: 6 shown" in page.inner_text("#map-status")
    # Close up, the roads are features again, classed by their hierarchy.
    page.wait_for_selector("#municipality-map[data-roads-loaded='2']")
    assert page.locator("path.imis-road").count() == 2
    assert page.locator("path.imis-road-strategic_urban").count() == 1
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
    page.wait_for_selector(".leaflet-popup", state="detached")

    # A building's popup shows its BIN and its use in words.
    page.locator("path.imis-building").first.click()
    page.wait_for_selector(".leaflet-popup-content")
    popup = page.inner_text(".leaflet-popup-content")
    assert "B00000" in popup
    assert "Residential" in popup

    # The layer switcher hides the roads.
    page.locator(".leaflet-control-layers label", has_text="Roads").locator("input").uncheck()
    assert page.locator("path.imis-road").count() == 0


def test_buildings_come_from_tiles_zoomed_out_and_as_geojson_close_up(
    page, live_server, mapped_town
):
    _town, user = mapped_town
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/#map=14/22.94130/90.82930")
    page.wait_for_selector("#municipality-map[data-buildings-tiles='14']")
    # The project's own tiles, drawn on canvas in the layer's style; a feature near a tile's
    # edge may be in both tiles (their buffer).
    element = page.locator("#municipality-map")
    assert int(element.get_attribute("data-buildings-tile-features")) >= 6
    assert page.locator("canvas.imis-tile-building").count() >= 1
    # Drawn: the tile under the buildings holds their fill colour.
    assert page.evaluate(
        """() => [...document.querySelectorAll('canvas.imis-tile-building')].some(c => {
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) return true; }
             return false; })"""
    )
    assert page.locator("path.imis-building").count() == 0
    opening = page.inner_text("#map-status").split("Zoom in to open: ")[1]
    assert "Buildings" in opening
    assert "Roads" in opening
    page.screenshot(path=str(ARTIFACTS / "map-tiles-z14.png"))

    page.goto(f"{live_server.url}/map/#map=18/22.94130/90.82930")
    page.wait_for_selector("#municipality-map[data-buildings-loaded='6']")
    assert page.locator("path.imis-building").count() == 6
    page.wait_for_function("document.querySelectorAll('canvas.imis-tile-building').length === 0")


def test_a_municipalitys_own_imagery_is_a_basemap_and_stays_chosen(page, live_server, mapped_town):
    town, user = mapped_town
    town.municipality.imagery_url = "/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}"
    town.municipality.imagery_attribution = "Drone survey <2026>"
    town.municipality.save()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/#map=16/22.94130/90.82930")
    page.wait_for_selector("#municipality-map[data-wards-loaded]")
    # Tests configure no tile server: the imagery and "No basemap", none drawn yet (the
    # first basemap is the default while online: here the imagery).
    control = page.locator(".leaflet-control-layers-base")
    assert control.locator("label").count() == 2
    page.wait_for_selector("img.leaflet-tile[src*='layers.png']")
    assert "Drone survey <2026>" in page.inner_text(".leaflet-control-attribution")
    control.locator("label", has_text="No basemap").locator("input").check(force=True)
    page.wait_for_function("document.querySelectorAll('img.leaflet-tile').length === 0")
    page.reload()
    page.wait_for_selector("#municipality-map[data-wards-loaded]")
    assert control.locator("label", has_text="No basemap").locator("input").is_checked()
    assert page.locator("img.leaflet-tile").count() == 0


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
    # Leaflet's own controls speak Bangla too (/jsi18n/).
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "জুম ইন"
    page.screenshot(path=str(ARTIFACTS / "map-bangla.png"))


def test_features_are_reached_and_opened_by_keyboard(page, live_server, mapped_town):
    """Buildings, containments and roads take the focus with Tab and open their popup
    with Enter, as wards do; a rule's outcome is said in words, not by colour alone."""
    _town, user = mapped_town
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/#map=18/22.94130/90.82930")
    page.wait_for_selector("#municipality-map[data-containments-loaded='2']")
    building = page.locator("path.imis-building[tabindex='0']").first
    assert building.get_attribute("role") == "button"
    assert building.get_attribute("aria-label").startswith("Buildings")
    building.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content")
    assert "B0" in page.inner_text(".leaflet-popup-content")
    page.keyboard.press("Escape")
    page.wait_for_selector(".leaflet-popup", state="detached")
    containment = page.locator("path.imis-containment[tabindex='0']").first
    containment.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".imis-reasons li")
    reasons = page.inner_text(".imis-reasons")
    assert any(word in reasons for word in ("Pass:", "Fail:", "Unknown:")), reasons


def test_a_popup_opens_the_records_page(page, live_server, mapped_town):
    """A building's popup links to its page (core.pages), which draws it and names it."""
    _town, user = mapped_town
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/#map=18/22.94130/90.82930")
    page.wait_for_selector("#municipality-map[data-containments-loaded='2']")
    building = page.locator("path.imis-building[tabindex='0']").first
    building.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a.imis-record-link")
    link.wait_for()
    href = link.get_attribute("href")
    assert href.startswith("/buildings/B0")
    link.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_selector("#record-map path.leaflet-interactive")
    assert href.split("/")[2] in page.inner_text("h1")
    page.click("text=Show on the map")
    page.wait_for_url("**/map/#map=18/**")


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


def test_admin_geometry_widget_draws_under_the_csp(page, live_server, mapped_town):
    """django-leaflet's admin widget runs inline scripts: they carry the response's nonce,
    so the map draws the geometry with the strict policy kept (the `page` fixture fails on
    any violation); pages without such scripts get no nonce."""
    from django.contrib.auth import get_user_model

    from spatial.models import Building

    get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    building = Building.objects.first()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    response = page.goto(f"{live_server.url}/admin/spatial/building/{building.pk}/change/")
    assert "'nonce-" in response.headers["content-security-policy"]
    page.wait_for_selector("#id_geom-map.leaflet-container path.leaflet-interactive")
    page.screenshot(path=str(ARTIFACTS / "admin-geometry-widget.png"))
    plain = page.goto(f"{live_server.url}/map/")
    assert "nonce" not in plain.headers["content-security-policy"]
