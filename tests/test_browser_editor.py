"""The map editor in Chromium (issue 21): a GIS officer draws with snapping, reshapes, splits,
merges, retires and restores, undoes, and meets a colleague's conflicting save in the 412
dialog. Each test checks what the database holds afterwards, not only the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.roles import MembershipRole
from spatial.models import Building

from .conftest import log_in, make_town
from .factories import BuildingFactory, MembershipFactory, m_per_deg_lon, square

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Screenshots for the GIS officer's guide (docs/guide/), taken as the tests go.
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "images"
LAT, LON = 22.9412, 90.8150
VIEW = f"#map=20/{LAT + 0.00005:.5f}/{LON + 0.0002:.5f}"


@pytest.fixture
def editing_town(db):
    town = make_town()
    officer = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    buildings = [
        BuildingFactory(
            municipality=town.municipality,
            geom=square(LON + i * 12 / m_per_deg_lon(LAT), LAT, 10),
            floor_count=2,
        )
        for i in range(2)
    ]
    return town, officer.user, buildings


def open_editor(page, live_server, user, view: str = VIEW) -> None:
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/map/edit/{view}")
    page.wait_for_selector("#editor-map[data-ready='1']")


def screen(page, lon: float, lat: float) -> tuple[float, float]:
    """Where (lon, lat) is on the page, in pixels."""
    box = page.locator("#editor-map").bounding_box()
    point = page.evaluate(
        "([lat, lon]) => { const p = IMISEditor.map.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [lat, lon],
    )
    return box["x"] + point[0], box["y"] + point[1]


def click_at(page, x: float, y: float) -> None:
    page.mouse.move(x, y, steps=4)
    page.mouse.click(x, y)


def click_on(page, building) -> None:
    centre = building.geom.point_on_surface
    click_at(page, *screen(page, centre.x, centre.y))


def select(page, building) -> None:
    click_on(page, building)
    page.wait_for_selector(f"#editor-map[data-selected='{building.pk}']")
    page.wait_for_selector("#editor-form:not([hidden])")


def saved(page, text: str = "Saved.") -> None:
    page.wait_for_function(
        "text => document.getElementById('editor-status').textContent.includes(text)", arg=text
    )


def shoot(page, name: str) -> None:
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / f"{name}.png"))


def test_draw_a_building_that_snaps_to_its_neighbour(page, live_server, editing_town):
    _town, user, (first, _second) = editing_town
    open_editor(page, live_server, user)
    # The new building shares the first one's north-east corner: the click lands 4 px off
    # and snapping puts the vertex on the corner exactly.
    _west, _south, east, north = first.geom.extent
    corner = screen(page, east, north)
    page.select_option("#editor-register", "buildings")
    page.click("#editor-draw")
    points = [
        (corner[0] + 3, corner[1] - 3),
        (corner[0] + 3, corner[1] - 90),
        (corner[0] - 80, corner[1] - 90),
        (corner[0] - 80, corner[1] - 3),
    ]
    for x, y in points:
        click_at(page, x, y)
    click_at(page, *points[0])
    page.wait_for_selector("#editor-form:not([hidden])")
    page.select_option("#field-functional_use", label="Residential")
    page.fill("#field-floor_count", "3")
    shoot(page, "draw-a-building")
    page.click("#editor-save")
    saved(page)
    drawn = Building.objects.exclude(pk__in=[b.pk for b in editing_town[2]]).get()
    assert drawn.functional_use == "residential"
    assert drawn.floor_count == 3
    assert drawn.bin
    corners = {(round(x, 7), round(y, 7)) for x, y in drawn.geom.exterior_ring.coords}
    assert (round(east, 7), round(north, 7)) in corners
    # It only touches its neighbour: no overlap warning.
    assert page.inner_text("#editor-form-warning") == ""
    # Its page links from the form, and its history names the officer.
    page.click("#editor-page-link")
    page.wait_for_url(f"**/buildings/{drawn.bin}/")
    assert user.username in page.inner_text("main")


def test_reshape_a_building_and_see_it_in_its_history(page, live_server, editing_town):
    _town, user, (first, second) = editing_town
    open_editor(page, live_server, user)
    select(page, first)
    _west, _south, east, north = first.geom.extent
    x, y = screen(page, east, north)
    page.mouse.move(x, y, steps=3)
    page.mouse.down()
    page.mouse.move(x + 45, y - 10, steps=8)
    page.mouse.up()
    shoot(page, "reshape-a-building")
    page.click("#editor-save")
    saved(page)
    first.refresh_from_db()
    assert first.geom.extent[2] > east
    assert first.footprint_area_m2 > 100
    # The corner was dragged into the neighbour: saved, with a warning naming it.
    page.wait_for_selector("#editor-form-warning:not(:empty)")
    assert second.bin in page.inner_text("#editor-form-warning")
    page.goto(f"{live_server.url}/buildings/{first.bin}/")
    history = page.inner_text(".imis-history")
    assert user.username in history
    assert "The geometry changed." in history


def test_split_keeps_the_bin_on_the_larger_part(page, live_server, editing_town):
    _town, user, (first, _second) = editing_town
    open_editor(page, live_server, user)
    select(page, first)
    page.click("#editor-split")
    west, south, east, north = first.geom.extent
    cut = west + (east - west) * 0.7
    start = screen(page, cut, south - 0.00003)
    end = screen(page, cut, north + 0.00003)
    click_at(page, *start)
    click_at(page, *end)
    click_at(page, *end)
    saved(page, "Split:")
    shoot(page, "split-a-building")
    first.refresh_from_db()
    parts = Building.objects.filter(municipality=first.municipality).exclude(
        pk=editing_town[2][1].pk
    )
    assert parts.count() == 2
    other = parts.exclude(pk=first.pk).get()
    assert first.footprint_area_m2 > other.footprint_area_m2
    assert other.bin != first.bin
    assert first.bin in page.inner_text("#editor-status")


def test_merge_two_buildings(page, live_server, editing_town):
    _town, user, (first, second) = editing_town
    # Make them touch: the second starts where the first ends.
    _west, south, east, _north = first.geom.extent
    Building.objects.filter(pk=second.pk).update(geom=square(east, south, 10))
    second.refresh_from_db()
    open_editor(page, live_server, user)
    select(page, first)
    page.click("#editor-merge")
    click_on(page, second)
    saved(page, "Merged:")
    second = Building.all_objects.get(pk=second.pk)
    assert second.retired_at is not None
    assert second.merged_into_id == first.pk
    first.refresh_from_db()
    assert first.footprint_area_m2 == pytest.approx(200, rel=0.02)


def test_a_conflicting_save_opens_the_dialog_and_merges_field_by_field(
    browser, page, live_server, editing_town
):
    town, user, (first, _second) = editing_town
    colleague = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.GIS_OFFICER
    ).user
    open_editor(page, live_server, user)
    select(page, first)
    page.fill("#field-floor_count", "4")
    page.fill("#field-holding_number", "12-0042")
    # Meanwhile the colleague, in a browser of his own, changes the floors and the use.
    other = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        theirs = other.new_page()
        open_editor(theirs, live_server, colleague)
        select(theirs, first)
        theirs.fill("#field-floor_count", "5")
        theirs.select_option("#field-functional_use", label="Commercial")
        theirs.click("#editor-save")
        saved(theirs)
    finally:
        other.close()
    page.click("#editor-save")
    page.wait_for_selector("#editor-conflict[open]")
    rows = page.inner_text("#editor-conflict-rows")
    assert "Floors" in rows
    assert "5" in rows
    assert colleague.username in page.inner_text("#editor-conflict-who")
    shoot(page, "conflict-dialog")
    # Only what they changed is asked about: my holding number goes as it is.
    assert "Holding number" not in rows
    # Keep their floors; their use stays as they left it.
    page.check("#conflict-floor_count-theirs")
    page.click("#editor-conflict-merge")
    saved(page)
    first.refresh_from_db()
    assert first.floor_count == 5
    assert first.holding_number == "12-0042"
    assert first.functional_use == "commercial"


def test_a_change_elsewhere_in_the_record_saves_without_asking(page, live_server, editing_town):
    """A neighbour redrawn over it meanwhile changes the record's ETag (its overlaps) but
    none of its values: the editor saves on top, with no dialog to answer."""
    _town, user, (first, second) = editing_town
    open_editor(page, live_server, user)
    select(page, first)
    west, south, _east, _north = first.geom.extent
    Building.objects.filter(pk=second.pk).update(geom=square(west + 0.00003, south, 10))
    page.fill("#field-floor_count", "6")
    page.click("#editor-save")
    saved(page)
    assert not page.is_visible("#editor-conflict")
    first.refresh_from_db()
    assert first.floor_count == 6


def test_retire_and_restore(page, live_server, editing_town):
    _town, user, (first, _second) = editing_town
    open_editor(page, live_server, user)
    select(page, first)
    page.click("#editor-retire")
    page.fill("#editor-retire-reason", "Demolished in 2026")
    shoot(page, "retire-a-building")
    page.click("#editor-retire-dialog button[value=retire]")
    saved(page, "retired")
    first = Building.all_objects.get(pk=first.pk)
    assert first.retired_at is not None
    assert first.retired_reason == "Demolished in 2026"
    page.goto(f"{live_server.url}/buildings/{first.bin}/")
    page.click("text=Restore it")
    page.wait_for_load_state()
    first.refresh_from_db()
    assert first.retired_at is None


def test_a_road_is_deleted_after_asking_not_retired(page, live_server, editing_town):
    """Roads have no retirement: the tool says Delete, and asks first."""
    from django.contrib.gis.geos import LineString

    from spatial.models import Road
    from tests.factories import RoadFactory

    town, user, _buildings = editing_town
    road = RoadFactory(
        municipality=town.municipality,
        geom=LineString((LON, LAT - 0.00005), (LON + 0.0003, LAT - 0.00005), srid=4326),
    )
    open_editor(page, live_server, user)
    click_at(page, *screen(page, LON + 0.00015, LAT - 0.00005))
    page.wait_for_selector(f"#editor-map[data-selected='{road.pk}']")
    assert page.inner_text("#editor-retire") == "Delete"
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#editor-retire")
    saved(page, "Deleted.")
    assert asked
    assert not Road.objects.filter(pk=road.pk).exists()


def test_copy_attributes_from_a_neighbour(page, live_server, editing_town):
    _town, user, (first, second) = editing_town
    Building.objects.filter(pk=second.pk).update(
        functional_use="commercial", structure_type="cgi_sheet", floor_count=5, holding_number="9"
    )
    open_editor(page, live_server, user)
    select(page, first)
    page.click("#editor-copy")
    click_on(page, second)
    saved(page, "Attributes copied")
    page.click("#editor-save")
    saved(page)
    first.refresh_from_db()
    assert (first.functional_use, first.structure_type, first.floor_count) == (
        "commercial",
        "cgi_sheet",
        5,
    )
    # Its holding number is its own.
    second.refresh_from_db()
    assert first.holding_number != second.holding_number


def test_undo_and_redo_an_edit(page, live_server, editing_town):
    _town, user, (first, _second) = editing_town
    open_editor(page, live_server, user)
    select(page, first)
    page.fill("#field-floor_count", "7")
    page.click("#editor-save")
    saved(page)
    first.refresh_from_db()
    assert first.floor_count == 7
    page.click("#editor-undo")
    saved(page, "Undone.")
    first.refresh_from_db()
    assert first.floor_count == 2
    page.click("#editor-redo")
    saved(page, "Redone.")
    first.refresh_from_db()
    assert first.floor_count == 7


def test_a_ward_limited_officer_looks_but_does_not_edit_outside_his_wards(
    page, live_server, editing_town
):
    town, _user, (first, _second) = editing_town
    membership = MembershipFactory(municipality=town.municipality)
    membership.wards.add(town.east)  # the buildings are in the west ward
    # Reading the west ward comes with another role (a councillor reads the town).
    MembershipFactory(
        municipality=town.municipality, user=membership.user, role=MembershipRole.EXECUTIVE
    )
    open_editor(page, live_server, membership.user)
    select(page, first)
    assert page.is_disabled("#field-floor_count")
    assert page.is_disabled("#editor-save")
    assert page.is_disabled("#editor-retire")
    assert "outside your wards" in page.inner_text("#editor-status")


def test_server_errors_show_on_the_field(page, live_server, editing_town):
    _town, user, (first, _second) = editing_town
    open_editor(page, live_server, user)
    select(page, first)
    # The form allows what the browser allows; the server's rule (no more than 60 floors)
    # comes back on the field.
    page.evaluate("document.getElementById('field-floor_count').removeAttribute('max')")
    page.fill("#field-floor_count", "99")
    page.click("#editor-save")
    page.wait_for_selector("#error-floor_count:not(:empty)")
    assert page.get_attribute("#field-floor_count", "aria-invalid") == "true"
    first.refresh_from_db()
    assert first.floor_count == 2


def test_the_editor_is_offered_to_gis_officers_only(page, live_server, editing_town):
    town, _user, _buildings = editing_town
    viewer = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    log_in(page, live_server, viewer.user)
    response = page.goto(f"{live_server.url}/map/edit/")
    assert response.status == 403
