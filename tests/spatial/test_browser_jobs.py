"""The exports and imports page in Chromium, with a real worker process taking the jobs:
the user starts an export and watches it finish, checks a file with a problem and sees the
row, then checks a good file and imports it."""

import json

import pytest
import shapely

from core.roles import MembershipRole
from spatial.models import Building
from tests.conftest import ARTIFACTS, log_in, make_town
from tests.factories import SPLIT, BuildingFactory, MembershipFactory, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _file(path, *features):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": shapely.geometry.mapping(g), "properties": p}
            for g, p in features
        ],
    }
    path.write_text(json.dumps(collection))
    return path


def test_export_and_import_with_progress(page, live_server, worker, tmp_path):
    town = make_town()
    user = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user
    BuildingFactory.create_batch(
        4, municipality=town.municipality, geom=square(SPLIT - 0.01, 22.94)
    )
    log_in(page, live_server, user)
    page.click("text=Exports and imports")
    page.wait_for_url("**/data/")

    page.select_option("#export-form select[name=layer]", "buildings")
    page.select_option("#export-form select[name=format]", "gpkg")
    page.click("#export-form button[type=submit]")
    done = page.locator("#jobs tbody tr[data-status=done]").first
    done.wait_for(timeout=60_000)
    link = done.locator("a[download]")
    assert "buildings.gpkg" in link.inner_text()
    assert done.locator("progress").get_attribute("value") == "100"
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "buildings.gpkg"

    # Only what lies in a rectangle drawn over the west half of the map.
    BuildingFactory(municipality=town.municipality, geom=square(SPLIT + 0.01, 22.94))
    page.select_option("#export-form select[name=format]", "geojson")
    page.click(".leaflet-draw-draw-polygon")
    box = page.locator("#export-area-map").bounding_box()
    # Clear of the zoom buttons, the toolbar and its action bar (top left).
    corners = [(0.25, 0.15), (0.46, 0.15), (0.46, 0.92), (0.25, 0.92), (0.25, 0.15)]
    for fx, fy in corners:  # the last click, on the first point, closes the polygon
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.wait_for_timeout(150)
    page.locator("#export-area-status", has_text="drawn area").wait_for(timeout=5000)
    page.click("#export-form button[type=submit]")
    area_row = page.locator("#jobs tbody tr[data-status=done]", has_text="drawn area").first
    area_row.wait_for(timeout=60_000)
    assert "4 features" in area_row.inner_text()

    outside = shapely.box(91.5, 23.5, 91.5001, 23.5001)
    inside = shapely.box(SPLIT + 0.01, 22.94, SPLIT + 0.0101, 22.9401)
    bad = _file(
        tmp_path / "bad.geojson",
        (inside, {"holding_number": "02-9"}),
        (outside, {"holding_number": "02-10"}),
    )
    page.select_option("#import-form select[name=layer]", "buildings")
    page.set_input_files("#import-form input[name=file]", str(bad))
    page.click("#import-form button[type=submit]")
    problem_row = page.locator("#jobs .imis-problems tbody tr").first
    problem_row.wait_for(timeout=60_000)
    assert problem_row.locator("td").first.inner_text() == "2"
    assert "outside" in problem_row.inner_text()

    good = _file(tmp_path / "good.geojson", (inside, {"holding_number": "02-9"}))
    page.select_option("#import-form select[name=layer]", "buildings")
    page.set_input_files("#import-form input[name=file]", str(good))
    page.click("#import-form button[type=submit]")
    commit = page.locator("#jobs button.imis-approve")
    commit.wait_for(timeout=60_000)
    commit.click()
    page.locator("#jobs strong", has_text="Imported.").wait_for(timeout=60_000)
    assert Building.objects.filter(holding_number="02-9").count() == 1
    assert page.locator("#jobs button.imis-approve").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data-transfers.png"), full_page=True)
