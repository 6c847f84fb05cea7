"""The attribute table under the map editor in Chromium (issue 22): the GIS officer sorts and
filters the buildings in view, selects rows and features (they highlight each other), sets
one attribute on the selection, and exports it; the database and the exported file are
checked, not only the page."""

from __future__ import annotations

import pyogrio
import pytest

from core.roles import MembershipRole
from spatial.models import Building

from .conftest import log_in, make_town
from .factories import BuildingFactory, MembershipFactory, m_per_deg_lon, square
from .test_browser_editor import screen, shoot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LAT, LON = 22.9412, 90.8150
VIEW = f"#map=19/{LAT + 0.00005:.5f}/{LON + 0.0003:.5f}"
USES = ["residential", "commercial", "residential", "mixed", "commercial", "residential"]


@pytest.fixture
def table_town(db):
    town = make_town()
    officer = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    buildings = [
        BuildingFactory(
            municipality=town.municipality,
            geom=square(LON + i * 14 / m_per_deg_lon(LAT), LAT, 10),
            household_count=i + 1,
            functional_use=use,
            floor_count=1,
        )
        for i, use in enumerate(USES)
    ]
    return officer.user, buildings


def open_table(page, live_server, user) -> None:
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/edit/{VIEW}")
    page.wait_for_selector("#editor-map[data-ready='1']")
    page.click("#attributes-toggle")
    # The table shows the editor's layer.
    page.select_option("#editor-register", "buildings")
    page.wait_for_selector("#attributes[data-loaded]", state="attached")
    matched(page, 6)


def matched(page, count: int) -> None:
    page.wait_for_function(
        "n => document.getElementById('attributes').dataset.matched === String(n)", arg=count
    )


def selected(page, count: int) -> None:
    """The map draws `count` selected features."""
    page.wait_for_function(
        "n => document.getElementById('editor-map').dataset.selectedFeatures === String(n)",
        arg=count,
    )


def first_column(page, column: int) -> list[str]:
    return page.eval_on_selector_all(
        "#attributes-table tbody tr",
        f"rows => rows.map(r => r.children[{column}].textContent)",
    )


def test_sort_filter_select_bulk_edit_and_export(page, live_server, table_town, worker):
    officer, buildings = table_town
    open_table(page, live_server, officer)
    assert page.get_attribute("#attributes", "data-matched") == "6"
    # Sorted by households, largest first (the second click on its header).
    headers = page.locator("#attributes-table thead button.imis-sort")
    names = headers.evaluate_all("buttons => buttons.map(b => b.dataset.column)")
    households = names.index("household_count") + 1
    for _ in range(2):
        with page.expect_response(lambda r: "sort=" in r.url):
            page.click("#attributes-table thead button[data-column='household_count']")
        page.wait_for_selector("#attributes[data-loaded]", state="attached")
    assert first_column(page, households)[:3] == ["6", "5", "4"]
    assert (
        page.get_attribute("th[aria-sort='descending'] button", "data-column") == "household_count"
    )
    # Filtered: the commercial ones.
    page.select_option("#attributes-column", "functional_use")
    page.select_option("#attributes-operator", "eq")
    page.select_option("#attributes-value", "commercial")
    with page.expect_response(lambda r: "where=" in r.url):
        page.click("#attributes-filter button[type=submit]")
    matched(page, 2)
    commercial = {b.pk for b in buildings if b.functional_use == "commercial"}
    rows = page.eval_on_selector_all(
        "#attributes-table tbody tr", "rows => rows.map(r => +r.dataset.id)"
    )
    assert set(rows) == commercial
    # Both ticked: highlighted on the map.
    page.check("#attributes-page-all")
    selected(page, 2)
    assert page.locator("path.imis-selected").count() == 2
    # A third one picked on the map with Shift-click joins the selection.
    third = buildings[0]
    centre = third.geom.point_on_surface
    page.keyboard.down("Shift")
    page.mouse.click(*screen(page, centre.x, centre.y))
    page.keyboard.up("Shift")
    selected(page, 3)
    assert page.locator("path.imis-selected").count() == 3
    shoot(page, "attribute-table")
    # Bulk edit: three floors on the three, after saying yes.
    page.select_option("#attributes-bulk-field", "floor_count")
    page.fill("#attributes-bulk-value", "3")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#attributes-bulk-apply")
    page.wait_for_selector("#attributes[data-bulk='saved']", state="attached")
    chosen = commercial | {third.pk}
    floors = dict(Building.objects.values_list("pk", "floor_count"))
    assert {pk for pk, n in floors.items() if n == 3} == chosen
    updates = Building.pgh_event_models["update"].objects.filter(pgh_label="update")
    for pk in chosen:
        assert updates.filter(pgh_obj_id=pk).count() == 1
    # Exported: the file holds the three.
    page.select_option("#attributes-export-format", "geojson")
    page.click("#attributes-export-start")
    page.wait_for_selector("#attributes-download:not([hidden])", timeout=30000)
    with page.expect_download() as download:
        page.click("#attributes-download")
    frame = pyogrio.read_dataframe(download.value.path())
    assert set(frame["bin"]) == {b.bin for b in buildings if b.pk in chosen}


def test_a_stale_selection_saves_nothing_and_says_so(page, live_server, table_town):
    officer, buildings = table_town
    open_table(page, live_server, officer)
    page.check("#attributes-page-all")
    selected(page, 6)
    # A colleague saves one of them meanwhile.
    Building.objects.filter(pk=buildings[2].pk).update(floor_count=7)
    Building.objects.get(pk=buildings[2].pk).save()
    page.select_option("#attributes-bulk-field", "floor_count")
    page.fill("#attributes-bulk-value", "2")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#attributes-bulk-apply")
    page.wait_for_selector("#attributes[data-bulk='412']", state="attached")
    assert "changed by someone else" in page.text_content("#attributes-status")
    assert not Building.objects.filter(floor_count=2).exists()
