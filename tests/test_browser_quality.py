"""The data quality page in Chromium (issue 22): the GIS officer sees each ward's
completeness and checks, opens a check's list and goes from a record to the map editor,
where it is in view; in Bangla on a phone, with Bangla digits."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.roles import MembershipRole

from .conftest import log_in, make_town
from .factories import SPLIT, BuildingFactory, MembershipFactory, m_per_deg_lon, square

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "images"
LAT = 22.9412
LON = SPLIT - 0.01


@pytest.fixture
def quality_town(db):
    town = make_town()
    officer = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    step = 1 / m_per_deg_lon(LAT)
    overlapping = [
        BuildingFactory(municipality=town.municipality, geom=square(LON + dx * step, LAT, 10))
        for dx in (0, 6)
    ]
    BuildingFactory(
        municipality=town.municipality, geom=square(LON + 40 * step, LAT, 10), holding_number=""
    )
    return town, officer.user, overlapping


def test_from_a_check_to_the_record_in_the_map_editor(page, live_server, quality_town):
    town, user, (first, second) = quality_town
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/quality/")
    ward1 = page.locator(f"#quality-completeness tr[data-ward='{town.west.pk}']")
    # Holding numbers: two of the three buildings of ward 1.
    assert "2 / 3" in ward1.locator("td").nth(0).inner_text()
    overlaps = page.locator("#quality-checks tr[data-check='overlapping_footprints']")
    assert overlaps.locator("td[data-total]").inner_text() == "2"
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "quality-page.png"), full_page=True)
    overlaps.locator("a").click()
    page.wait_for_selector("#quality-records")
    rows = page.locator("#quality-records tr[data-record]")
    assert rows.count() == 2
    ids = {int(rows.nth(i).get_attribute("data-record")) for i in range(2)}
    assert ids == {first.pk, second.pk}
    page.locator(f"#quality-records tr[data-record='{first.pk}'] a", has_text="map editor").click()
    page.wait_for_selector("#editor-map[data-ready='1']")
    # The editor opens on the record: its footprint is in view.
    centre = first.geom.point_on_surface
    in_view = page.evaluate(
        "([lat, lon]) => IMISEditor.map.getBounds().contains([lat, lon])", [centre.y, centre.x]
    )
    assert in_view


def test_the_page_in_bangla_on_a_phone(page, live_server, quality_town):
    _town, user, _buildings = quality_town
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/quality/")
    page.select_option("#imis-language-select", "bn")
    page.wait_for_selector("html[lang='bn']")
    heading = page.locator("h1").inner_text()
    assert "ডেটার মান" in heading
    overlaps = page.locator("#quality-checks tr[data-check='overlapping_footprints']")
    assert overlaps.locator("td[data-total]").inner_text() == "২"
    # The tables scroll inside their box; the page itself does not scroll sideways (once
    # laid out: while the style sheet is applied, a wide table may briefly widen it).
    page.wait_for_function("() => document.documentElement.scrollWidth <= 390", timeout=5000)
