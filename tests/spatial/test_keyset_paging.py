"""Whole layers by following `next` (issue 27): a layer read in id order pages by keyset, so
the link names the last id sent (`after`) and every page costs the same however deep it is;
only the first page counts (numberMatched), and a page knows whether another follows by
reading one row beyond itself, so a client never fetches an empty last page."""

from __future__ import annotations

import json

import pytest

from tests.factories import EAST, SOUTH, BuildingFactory, square

pytestmark = pytest.mark.django_db

SURFACES = ("/ogc/collections/buildings/items", "/api/v1/buildings/")


def _page(client, url, params=None) -> dict:
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return json.loads(b"".join(response.streaming_content))


def _next(page: dict) -> str | None:
    return next((link["href"] for link in page["links"] if link["rel"] == "next"), None)


def _walk(client, url: str, limit: int) -> list[dict]:
    pages = [_page(client, url, {"limit": limit})]
    while (following := _next(pages[-1])) is not None:
        assert len(pages) < 100, "the links go round in circles"
        pages.append(_page(client, following))
    return pages


@pytest.mark.parametrize("url", SURFACES)
@pytest.mark.parametrize("limit", [2, 3, 7])
def test_following_next_reads_every_feature_once(gis_client, town, url, limit):
    buildings = [BuildingFactory(municipality=town.municipality) for _ in range(6)]
    pages = _walk(gis_client, url, limit)
    ids = [feature["id"] for page in pages for feature in page["features"]]
    assert ids == sorted(b.pk for b in buildings)
    # 6 features: a page of 3 ends exactly at the last one, and no empty page follows.
    assert len(pages) == -(-6 // limit)
    assert all(page["features"] for page in pages)
    assert pages[0]["numberMatched"] == 6
    for page in pages[1:]:
        assert "numberMatched" not in page
        assert page["numberReturned"] == len(page["features"])
    for page in pages[:-1]:
        assert f"after={page['features'][-1]['id']}" in _next(page)
        assert "offset" not in _next(page)


def test_the_next_link_keeps_the_filters(gis_client, town):
    inside = [BuildingFactory(municipality=town.municipality) for _ in range(3)]
    BuildingFactory(municipality=town.municipality, geom=square(EAST - 0.005, SOUTH + 0.01))
    first = _page(gis_client, SURFACES[0], {"limit": 2, "ward": town.west.pk})
    assert f"ward={town.west.pk}" in _next(first)
    second = _page(gis_client, _next(first))
    assert [f["id"] for f in first["features"] + second["features"]] == [b.pk for b in inside]
    assert _next(second) is None


def test_a_building_added_while_paging_is_not_read_twice(gis_client, town):
    """Offset paging shifts when rows come and go before the cursor; keyset does not."""
    first_ones = [BuildingFactory(municipality=town.municipality) for _ in range(4)]
    first = _page(gis_client, SURFACES[0], {"limit": 2})
    first_ones[0].delete()  # gone from before the cursor
    second = _page(gis_client, _next(first))
    assert [f["id"] for f in second["features"]] == [b.pk for b in first_ones[2:]]


@pytest.mark.parametrize("url", SURFACES)
def test_after_with_offset_is_refused(gis_client, town, url):
    response = gis_client.get(url, {"after": 1, "offset": 2})
    assert response.status_code == 400
    assert "after" in response.content.decode()


def test_after_needs_an_id_order(gis_client, town):
    """Wards are in order of their numbers and a sorted table in its column's: `after` would
    skip features there, so it is refused by name."""
    wards = gis_client.get("/ogc/collections/wards/items", {"after": 1})
    assert wards.status_code == 400
    assert "after" in wards.json()["description"]
    sorted_list = gis_client.get("/api/v1/buildings/", {"after": 1, "sort": "-floor_count"})
    assert sorted_list.status_code == 400
    assert "after" in sorted_list.json()["errors"]
    assert gis_client.get(SURFACES[0], {"after": "x"}).status_code == 400


def test_a_sorted_table_pages_by_offset(gis_client, town):
    for floors in (1, 2, 3):
        BuildingFactory(municipality=town.municipality, floor_count=floors)
    first = _page(gis_client, SURFACES[1], {"limit": 2, "sort": "-floor_count"})
    assert "offset=2" in _next(first)
    assert "after" not in _next(first)
    second = _page(gis_client, _next(first))
    assert [f["properties"]["floor_count"] for f in second["features"]] == [1]
    assert _next(second) is None


def test_wards_page_by_offset(gis_client, town):
    first = _page(gis_client, "/ogc/collections/wards/items", {"limit": 1})
    assert "offset=1" in _next(first)
    assert first["numberMatched"] == 2


def test_the_api_definition_offers_after(client):
    document = client.get("/ogc/api").json()
    assert document["components"]["parameters"]["after"]["schema"]["minimum"] == 0
