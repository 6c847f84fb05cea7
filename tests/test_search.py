"""Finding a record by what people call it (issue 22, first part): BIN, holding number,
containment code, road name, in Latin or Bangla digits, exact matches first, only what the
user may read; and the buildings' REST list filtered by BIN or holding number."""

import json

import pytest
from django.urls import reverse

from core.roles import MembershipRole

from .conftest import client_for
from .factories import (
    SPLIT,
    BuildingFactory,
    ContainmentFactory,
    MembershipFactory,
    RoadFactory,
    square,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("search")


def found(client, text: str) -> list[dict]:
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_bin_in_bangla_digits_finds_the_building_and_its_page(gis_client, town):
    building = BuildingFactory(municipality=town.municipality)
    bangla = building.bin.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert bangla != building.bin
    results = found(gis_client, bangla.lower())
    assert results[0]["key"] == building.bin
    assert results[0]["url"] == f"/buildings/{building.bin}/"
    assert results[0]["register"] == "buildings"
    assert results[0]["lat"] == pytest.approx(building.geom.point_on_surface.y, abs=1e-5)


def test_a_holding_shared_by_two_buildings_finds_both_exact_first(gis_client, town):
    shared = [
        BuildingFactory(municipality=town.municipality, holding_number="07-0012") for _ in range(2)
    ]
    longer = BuildingFactory(municipality=town.municipality, holding_number="07-00123")
    results = [r for r in found(gis_client, "07-0012") if r["register"] == "buildings"]
    assert [r["id"] for r in results[:2]] == sorted(b.pk for b in shared)
    assert results[2]["id"] == longer.pk
    assert "Holding number 07-0012" in results[0]["label"]


def test_codes_and_road_names_are_found_and_wildcards_are_literal(gis_client, town):
    containment = ContainmentFactory(municipality=town.municipality)
    containment.refresh_from_db()
    RoadFactory(municipality=town.municipality, name="Bazar Road")
    assert [r["key"] for r in found(gis_client, containment.code)] == [containment.code]
    assert [r["title"] for r in found(gis_client, "bazar")] == ["Roads"]
    assert found(gis_client, "%") == []
    assert found(gis_client, "_") == []
    assert found(gis_client, "") == []


def test_search_finds_only_what_the_user_may_read(town, other_town):
    BuildingFactory(municipality=town.municipality, holding_number="99-1")
    BuildingFactory(municipality=other_town.municipality, holding_number="99-2")
    east = BuildingFactory(
        municipality=town.municipality, holding_number="99-3", geom=square(SPLIT + 0.01, 22.93)
    )
    limited = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    limited.wards.add(town.east)
    results = found(client_for(limited.user), "99-")
    assert [r["id"] for r in results] == [east.pk]


def test_bad_search_input_is_a_400(gis_client):
    assert gis_client.get(SEARCH, {"q": "x" * 500}).status_code == 400
    assert gis_client.get(SEARCH, {"q": "B1", "limit": "0"}).status_code == 400
    assert gis_client.get(SEARCH).status_code == 400


def test_the_buildings_list_filters_by_bin_and_holding_number(gis_client, town):
    building = BuildingFactory(municipality=town.municipality, holding_number="৩-১৭")
    BuildingFactory(municipality=town.municipality, holding_number="3-18")
    url = reverse("spatial-api:building-list")
    body = json.loads(b"".join(gis_client.get(url, {"bin": building.bin}).streaming_content))
    assert [f["id"] for f in body["features"]] == [building.pk]
    # Typed in Bangla or Latin digits alike; the register holds what was entered.
    building.holding_number = "3-17"
    building.save()
    body = json.loads(b"".join(gis_client.get(url, {"holding_number": "৩-১৭"}).streaming_content))
    assert [f["id"] for f in body["features"]] == [building.pk]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_header_search_finds_a_building_typed_in_bangla_on_a_phone(page, live_server, town):
    """A GIS officer on a phone, the page in Bangla, types a BIN in Bangla digits: the
    answer appears as he types, and Enter opens the building's page."""
    from .conftest import log_in

    building = BuildingFactory(municipality=town.municipality, holding_number="12-0042")
    officer = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, live_server, officer.user)
    page.select_option("#imis-language-select", "bn")
    # Choosing a language posts a form and reloads the page; type only into the new page.
    page.wait_for_selector("html[lang='bn']")
    page.wait_for_load_state()
    bangla = building.bin.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    page.fill("#imis-search", bangla)
    page.wait_for_selector("#imis-search-results a")
    assert building.bin in page.inner_text("#imis-search-results")
    assert page.is_visible("#imis-search-results")
    page.press("#imis-search", "Enter")
    page.wait_for_url(f"**/buildings/{building.bin}/")
    assert page.locator("html").get_attribute("lang") == "bn"
