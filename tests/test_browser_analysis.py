"""The map analysis page in Chromium (issue 30): a GIS officer draws an area around two of
three buildings and reads what lies in it (the same figures the API gives), downloads it
as CSV; an executive on a tablet in Bangla asks about a ward and reads Bangla digits; the
hard-to-reach and near-water answers are drawn on the map."""

from __future__ import annotations

from pathlib import Path

import pyogrio
import pytest
from django.contrib.gis.geos import LineString, Point
from openpyxl import load_workbook

from containment import services
from core.roles import MembershipRole
from dashboards.models import SavedAnalysis

from .conftest import log_in, make_town
from .factories import (
    BuildingFactory,
    ContainmentFactory,
    HouseholdFactory,
    MembershipFactory,
    RoadFactory,
    WaterPointFactory,
    m_per_deg_lon,
    square,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "images"
LAT, LON = 22.9412, 90.8150
VIEW = f"#map=18/{LAT + 0.0001:.5f}/{LON + 0.0004:.5f}"


@pytest.fixture
def analysis_town(db):
    town = make_town()
    officer = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    buildings = [
        BuildingFactory(
            municipality=town.municipality,
            geom=square(LON + i * 30 / m_per_deg_lon(LAT), LAT, 10),
            population_male=2,
            population_female=3,
        )
        for i in range(3)
    ]
    for building in buildings:
        tank = ContainmentFactory(
            municipality=town.municipality,
            geom=Point(building.geom.centroid.x, LAT - 0.00003, srid=4326),
            buildings=[building],
        )
        HouseholdFactory(building=building, facility=tank)
    # A road 33 m south of the buildings; a tube well 4 m from the first tank.
    RoadFactory(
        municipality=town.municipality,
        carriageway_width_m=4,
        geom=LineString((LON - 0.001, LAT - 0.0003), (LON + 0.0005, LAT - 0.0003), srid=4326),
    )
    WaterPointFactory(municipality=town.municipality, geom=Point(LON + 0.00003, LAT - 0.00006))
    services.rule_set_create(municipality=town.municipality)
    return town, officer.user, buildings


def screen(page, lon: float, lat: float) -> tuple[float, float]:
    box = page.locator("#analysis-map").bounding_box()
    point = page.evaluate(
        "([lat, lon]) => { const p = IMISAnalysis.map.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [lat, lon],
    )
    return box["x"] + point[0], box["y"] + point[1]


def click_at(page, lon: float, lat: float) -> None:
    x, y = screen(page, lon, lat)
    page.mouse.move(x, y, steps=3)
    page.mouse.click(x, y)


def open_analysis(page, live_server, user) -> None:
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/analysis/{VIEW}")
    page.wait_for_selector("#analysis-map[data-ready='1']")


def test_draw_an_area_and_read_what_lies_in_it(page, live_server, analysis_town):
    _town, user, _buildings = analysis_town
    open_analysis(page, live_server, user)
    # A rectangle around the first two buildings only (they are 30 m apart, 10 m wide).
    west, south = LON - 5 / m_per_deg_lon(LAT), LAT - 0.0001
    east, north = LON + 45 / m_per_deg_lon(LAT), LAT + 0.00015
    page.click("#analysis-draw")
    for lon, lat in ((west, south), (east, south), (east, north), (west, north), (west, south)):
        click_at(page, lon, lat)
    page.wait_for_function("() => document.getElementById('analysis-drawn').textContent")
    page.click("#analysis-run")
    page.wait_for_selector("#analysis-map[data-buildings]")
    assert page.get_attribute("#analysis-map", "data-buildings") == "2"
    result = page.inner_text("#analysis-result")
    assert "Drawn area" in result
    assert "People by JMP service level" in result
    # The page shows what the API answers for the same area.
    rows = page.locator(".imis-analysis-table").first.locator("tr")
    people = next(
        row.locator("td").inner_text()
        for row in rows.all()
        if row.locator("th").inner_text() == "People"
    )
    assert people == "10"
    # The two buildings counted are highlighted on the map.
    page.wait_for_function(
        "() => document.querySelectorAll('.imis-analysis-highlight').length === 2"
    )
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "area-summary.png"))
    with page.expect_download() as download:
        page.click("#analysis-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "register,buildings,Buildings,2" in text
    # Saved by name, and run again from the list.
    page.click("#analysis-saved-box summary")
    page.fill("#analysis-save-name", "Two houses")
    page.click("#analysis-save")
    page.wait_for_function(
        "() => document.getElementById('analysis-status').textContent.includes('Two houses')"
    )
    assert SavedAnalysis.objects.get().name == "Two houses"
    page.evaluate("() => delete document.getElementById('analysis-map').dataset.buildings")
    page.click("#analysis-saved-run")
    page.wait_for_selector("#analysis-map[data-buildings]")
    assert page.get_attribute("#analysis-map", "data-buildings") == "2"


def test_a_ward_in_bangla_on_a_tablet(page, live_server, analysis_town):
    town, _user, _buildings = analysis_town
    executive = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    page.set_viewport_size({"width": 800, "height": 1100})
    open_analysis(page, live_server, executive.user)
    page.select_option("#imis-language-select", "bn")
    page.wait_for_selector("html[lang='bn']")
    page.wait_for_selector("#analysis-map[data-ready='1']")
    page.select_option("#analysis-area-kind", "ward")
    page.select_option("#analysis-ward", str(town.west.pk))
    page.click("#analysis-run")
    page.wait_for_selector("#analysis-map[data-buildings]")
    assert page.get_attribute("#analysis-map", "data-buildings") == "3"
    table = page.locator(".imis-analysis-table").first.inner_text()
    assert "১৫" in table  # 15 people, in Bangla digits
    assert "ওয়ার্ড" in table


def test_hard_to_reach_and_near_water_on_the_map(page, live_server, analysis_town, tmp_path):
    _town, user, _buildings = analysis_town
    open_analysis(page, live_server, user)
    page.select_option("#analysis-tool", "hard")
    page.fill("#analysis-hose", "20")
    page.click("#analysis-run")
    page.wait_for_selector("#analysis-map[data-hard-to-reach]")
    hard = int(page.get_attribute("#analysis-map", "data-hard-to-reach"))
    markers = page.evaluate("() => document.querySelectorAll('.leaflet-interactive').length")
    # The road is 33 m south of every building: none within 20 m.
    assert hard == 3
    assert markers >= hard
    # The same buildings as a GeoPackage, read back with GDAL.
    with page.expect_download() as download:
        page.click("#analysis-gpkg")
    assert download.value.suggested_filename == "hard-to-reach.gpkg"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    frame = pyogrio.read_dataframe(saved)
    assert len(frame) == 3
    assert set(frame.geometry.geom_type) == {"Point"}
    page.select_option("#analysis-tool", "water")
    page.fill("#analysis-distance", "10")
    page.click("#analysis-run")
    page.wait_for_selector("#analysis-map[data-near-water]")
    assert page.get_attribute("#analysis-map", "data-near-water") == "1"
    # Every tool's answer opens in a spreadsheet program too.
    with page.expect_download() as download:
        page.click("#analysis-xlsx")
    assert download.value.suggested_filename == "near-water.xlsx"
    workbook = tmp_path / download.value.suggested_filename
    download.value.save_as(workbook)
    sheet = load_workbook(workbook, read_only=True).active
    assert len(list(sheet.values)) == 2  # the header and the one containment
