"""The day's route in Chromium (issue 30, tool 6): the crew, on a phone, goes from its day's
jobs to the route, reads the stops in order on the map and the list, and prints it; the
page passes axe and speaks Bangla; the tank beyond the hose is listed with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.gis.geos import LineString, Point

from containment.models import ServiceProvider, Vehicle
from core.roles import MembershipRole
from spatial import road_network

from .conftest import make_town
from .factories import (
    RoadFactory,
    TreatmentPlantFactory,
    operator_of,
    scheduled_job,
)
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_service_chain import overflow, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "images"
LAT = 22.94


def _job(town, provider, lon, lat):
    return scheduled_job(
        provider, access_notes="Blue gate", geom=Point(lon, lat, srid=4326)
    ).containment


def test_the_crew_reads_and_prints_its_route_on_a_phone(browser, live_server):
    town = make_town()
    if not road_network.pgrouting_installed():
        pytest.skip("pgRouting is not installed on this database server (make setup does)")
    RoadFactory(
        municipality=town.municipality,
        carriageway_width_m=3,
        geom=LineString((90.805, LAT), (90.825, LAT), srid=4326),
    )
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug")
    provider.wards.add(town.west, town.east)
    Vehicle.objects.create(
        provider=provider,
        registration="LAK-101",
        capacity_m3=10,  # both tanks (4.5 m³ each) in one load
        width_m="1.60",
        depot=Point(90.806, LAT + 0.0001, srid=4326),
    )
    TreatmentPlantFactory(municipality=town.municipality, geom=Point(90.824, LAT - 0.0001))
    near = _job(town, provider, 90.812, LAT + 0.0001)
    far = _job(town, provider, 90.818, LAT + 0.0001)
    beyond = _job(town, provider, 90.815, LAT + 0.002)  # 220 m from the road
    crew_user = operator_of(provider, MembershipRole.PROVIDER_OPERATOR)

    context, crew = phone_page(browser, live_server, crew_user)
    try:
        crew.goto(f"{live_server.url}/crew/")
        crew.click("#crew-route-link")
        crew.wait_for_selector("#route-map .imis-route-marker")
        rows = crew.locator("#route-stops tbody tr")
        texts = [rows.nth(i).inner_text() for i in range(rows.count())]
        assert "Leave the depot" in texts[0]
        assert near.code in texts[1]
        assert far.code in texts[2]
        assert "Discharge at" in texts[3]
        assert "Back to the depot" in texts[4]
        assert "Blue gate" in texts[1]
        assert beyond.code in crew.inner_text("#route-left-out")
        assert "manual emptying" in crew.inner_text("#route-left-out")
        assert "2 jobs" in crew.inner_text("#route-summary")
        # Numbered markers for the depot, two jobs and the plant; the legs are drawn.
        assert crew.locator("#route-map .imis-route-marker").count() == 4
        assert crew.locator("#route-map path.leaflet-interactive").count() >= 1
        assert overflow(crew) <= 0
        crew.screenshot(path=str(GUIDE / "crew-route.png"), full_page=True)
        # A job's link leads to the crew's page of it.
        assert (
            crew.locator(f"#route-stops a:has-text('{near.code}')")
            .get_attribute("href")
            .endswith(f"/crew/jobs/{near.emptying_requests.get().pk}/")
        )
        # Printed: the choice of vehicle and the site's header are left off.
        crew.emulate_media(media="print")
        assert not crew.locator("#route-vehicle").is_visible()
        assert crew.locator("#route-stops").is_visible()
        crew.emulate_media(media="screen")
        words = {"LAK-101", "Vacutug", "Blue", "gate", near.code, far.code, beyond.code, "FSTP"}
        problems = accessible_in_both_languages(crew, words)
        assert problems == []
        crew.evaluate("() => { document.cookie = 'django_language=bn; path=/'; }")
        crew.reload()
        assert "২" in crew.inner_text("#route-summary")
    finally:
        context.close()
