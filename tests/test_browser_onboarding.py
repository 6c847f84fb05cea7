"""A town moves in, in Chromium (issue 35): the system administrator creates it from its
boundary (a zipped Shapefile in BTM) and opens its checklist; the GIS officer reads the
town's roads file and names its columns and words; the pages pass axe and speak Bangla."""

from __future__ import annotations

import io
import zipfile

import geopandas
import pytest
import shapely

from core.models import ImportMapping
from core.roles import MembershipRole
from spatial.models import Municipality

from .conftest import log_in
from .factories import EAST, NORTH, SOUTH, WEST, MembershipFactory, UserFactory
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_roles import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _zipped_boundary(folder) -> bytes:
    frame = geopandas.GeoDataFrame(
        {"nam": ["Char Alexander"]}, geometry=[shapely.box(WEST, SOUTH, EAST, NORTH)], crs=4326
    ).to_crs(3106)
    frame.to_file(folder / "b.shp", encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for part in folder.glob("b.*"):
            bundle.write(part, part.name)
    return buffer.getvalue()


def test_a_town_moves_in_through_the_browser(page, live_server, tmp_path):
    boundary = tmp_path / "boundary.zip"
    boundary.write_bytes(_zipped_boundary(tmp_path))
    roads = tmp_path / "roads.geojson"
    line = shapely.LineString([(WEST + 0.001, SOUTH + 0.001), (WEST + 0.003, SOUTH + 0.001)])
    roads.write_text(
        geopandas.GeoDataFrame(
            {"code": ["R-1"], "ধরন": ["প্রধান"]}, geometry=[line], crs=4326
        ).to_json()
    )
    page.context.add_init_script(path=str(AXE))
    admin = UserFactory(username="sysadmin", is_superuser=True, is_staff=True)
    log_in(page, live_server, admin)
    page.goto(f"{live_server.url}/office/municipalities/")
    page.click("#municipality-new")
    page.fill("#id_code", "char-alex")
    page.fill("#id_name", "Char Alexander")
    page.fill("#id_name_bn", "চর আলেকজান্ডার")
    page.set_input_files("#id_boundary", str(boundary))
    page.click("#municipality-form button[type=submit]")
    page.wait_for_selector("#checklist-items")
    town = Municipality.objects.get(code="char-alex")
    assert "missing" in page.inner_text("#checklist-items")
    problems = accessible_in_both_languages(page, {"Char", "Alexander", "char-alex"})
    assert not problems, problems

    officer = MembershipFactory(municipality=town, role=MembershipRole.GIS_OFFICER).user
    page.context.clear_cookies()
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}/office/municipalities/char-alex/names/roads/")
    page.set_input_files("#names-file", str(roads))
    page.click("#names-read button")
    page.wait_for_selector("#names-columns")
    column = page.locator("#names-columns label", has_text="ধরন").get_attribute("for")
    page.select_option(f"#{column}", "hierarchy")
    page.click("#names-columns button")
    page.wait_for_selector("#names-words")
    word = page.locator("#names-words label", has_text="প্রধান").get_attribute("for")
    page.select_option(f"#{word}", "strategic_urban")
    page.click("#names-words button")
    page.wait_for_selector("#names-saved")
    mapping = ImportMapping.objects.get(municipality=town, layer="roads")
    assert mapping.values == {"hierarchy": {"প্রধান": "strategic_urban"}}
    problems = accessible_in_both_languages(page, {"hierarchy", "strategic_urban", "code"})
    assert not problems, problems
