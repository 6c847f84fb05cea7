"""The water points register, declared once (spatial/layers.py): every surface serves it —
REST list and detail alike, writes with If-Match, soft delete with history, OGC API items,
vector tiles, a file export read back with GDAL, an import that round-trips, and the map."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from spatial import services
from spatial.models import WaterPoint
from tests.conftest import client_for, gpkg_round_trip, if_match
from tests.factories import SPLIT, WaterPointFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/water-points/"


def _feature(lon: float, lat: float, **properties) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def _collection(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def test_created_point_gets_code_and_ward_from_the_database(gis_client, town):
    response = gis_client.post(
        LIST,
        _feature(SPLIT + 0.01, 22.94, point_type="deep_tube_well", depth_m="250.5"),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["properties"]["code"].startswith("W")
    assert body["properties"]["ward"] == town.east.pk
    assert body["properties"]["ward_number"] == town.east.number
    stored = WaterPoint.objects.get(pk=body["id"])
    assert stored.ward == town.east
    assert stored.code == body["properties"]["code"]


def test_list_and_detail_render_a_point_alike(gis_client, town):
    point = WaterPointFactory(municipality=town.municipality, depth_m="12.3")
    listed = _collection(gis_client.get(LIST))["features"]
    assert [f["id"] for f in listed] == [point.pk]
    detail = gis_client.get(f"{LIST}{point.pk}/").json()
    history = detail["properties"].pop("history")
    assert detail == listed[0]
    assert [event["event"] for event in history] == ["insert"]
    assert detail["properties"]["depth_m"] == 12.3


def test_bad_input_is_a_clear_400_and_writes_nothing(gis_client, town):
    for feature in (
        _feature(SPLIT, 22.94, point_type="volcano"),
        _feature(SPLIT, 22.94, point_type="tube_well", colour="blue"),
        _feature(95.0, 10.0, point_type="tube_well"),  # far outside the town
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[90.81, 22.93], [90.82, 22.94]]},
            "properties": {"point_type": "tube_well"},
        },
    ):
        response = gis_client.post(LIST, feature, format="json")
        assert response.status_code == 400, (feature, response.content)
    WaterPointFactory(municipality=town.municipality, code="W-1")
    again = gis_client.post(
        LIST, _feature(SPLIT, 22.94, point_type="tube_well", code="W-1"), format="json"
    )
    assert again.status_code == 400, again.content
    assert WaterPoint.objects.count() == 1


def test_edit_needs_if_match_and_delete_retires_with_history(gis_client, town):
    point = WaterPointFactory(municipality=town.municipality)
    url = f"{LIST}{point.pk}/"
    stale = gis_client.patch(url, {"properties": {"depth_m": "30"}}, format="json")
    assert stale.status_code == 428
    changed = gis_client.patch(
        url,
        {"type": "Feature", "properties": {"depth_m": "30"}},
        format="json",
        **if_match(gis_client, url),
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["properties"]["depth_m"] == 30.0
    gone = gis_client.delete(url, **if_match(gis_client, url))
    assert gone.status_code == 204
    assert gis_client.get(url).status_code == 404
    assert _collection(gis_client.get(LIST))["numberMatched"] == 0
    retired = WaterPoint.all_objects.get(pk=point.pk)
    assert retired.retired_at is not None
    assert point.events.count() >= 2  # created, changed, retired: all kept
    services.record_restore(record=retired)
    assert gis_client.get(url).status_code == 200


def test_others_may_not_read_or_write_the_points(client, town, outsider):
    point = WaterPointFactory(municipality=town.municipality)
    assert client.get(LIST).status_code in (401, 403)
    stranger = client_for(outsider)
    assert _collection(stranger.get(LIST))["numberMatched"] == 0
    assert stranger.get(f"{LIST}{point.pk}/").status_code == 404
    refused = stranger.post(LIST, _feature(SPLIT, 22.94, point_type="tube_well"), format="json")
    assert refused.status_code == 403


def test_ogc_tiles_and_map_offer_the_register(gis_client, gis_officer, town):
    point = WaterPointFactory(municipality=town.municipality)
    collections = gis_client.get("/ogc/collections?f=json").json()["collections"]
    assert "water-points" in [c["id"] for c in collections]
    item = gis_client.get(f"/ogc/collections/water-points/items/{point.pk}?f=json")
    assert item.status_code == 200
    assert (
        json.loads(b"".join(item.streaming_content) if item.streaming else item.content)[
            "properties"
        ]["code"]
        == point.code
    )
    browser = Client()  # tiles and pages follow the session
    browser.force_login(gis_officer)
    assert browser.get("/tiles/water-points.json").json()["minzoom"] == 13
    page = browser.get(reverse("spatial:map"))
    assert page.status_code == 200
    layers = page.context["map_config"]["layers"]
    assert "water-points" in [layer["name"] for layer in layers]


# ogr2ogr reads PostGIS over its own connection: the points must be committed.
@pytest.mark.django_db(transaction=True)
def test_export_reads_back_in_gdal_and_reimports_unchanged(gis_client, town, tmp_path):
    WaterPointFactory(municipality=town.municipality, depth_m="40.5")
    WaterPointFactory(municipality=town.municipality, point_type="dug_well", depth_m=None)
    frame, report = gpkg_round_trip(gis_client, "water-points", tmp_path)
    assert sorted(frame["point_type"]) == ["dug_well", "tube_well"]
    assert set(frame.geometry.geom_type) == {"Point"}
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2), report


def test_import_creates_points_and_refuses_bad_rows_whole(gis_client, town):
    def post(features):
        content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
        return gis_client.post(
            "/api/v1/imports/water-points/",
            {"file": SimpleUploadedFile("p.geojson", content), "commit": "true"},
            format="multipart",
        )

    bad = post([_feature(SPLIT, 22.94, point_type="tube_well"), _feature(SPLIT, 22.95)])
    assert bad.status_code == 200
    assert not bad.json()["committed"]
    assert WaterPoint.objects.count() == 0
    good = post([_feature(SPLIT - 0.01, 22.94, point_type="tube_well", depth_m=35)])
    assert good.json()["created"] == 1
    assert good.json()["committed"]
    assert WaterPoint.objects.get().ward == town.west
