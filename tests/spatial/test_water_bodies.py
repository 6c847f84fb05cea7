"""The water bodies register (issue 28), declared once (spatial/water_layers.py): every
surface serves it — REST list and detail alike, writes with If-Match, soft delete with
history, OGC API items, vector tiles, a file export read back with GDAL, an import that
round-trips, and the map."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from spatial import services
from spatial.models import WaterBody
from tests.conftest import client_for, gpkg_round_trip, if_match
from tests.factories import SPLIT, WaterBodyFactory, square

pytestmark = pytest.mark.django_db

LIST = "/api/v1/water-bodies/"


def _feature(lon: float, lat: float, size_m: float = 30, **properties) -> dict:
    return {
        "type": "Feature",
        "geometry": json.loads(square(lon, lat, size_m).geojson),
        "properties": properties,
    }


def _collection(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def test_a_pond_gets_its_code_ward_and_area_from_the_database(gis_client, town):
    response = gis_client.post(
        LIST,
        _feature(SPLIT + 0.01, 22.94, name="Boro Pukur", body_type="pond", perennial=True),
        format="json",
    )
    assert response.status_code == 201, response.content
    properties = response.json()["properties"]
    assert properties["code"].startswith("WB")
    assert (properties["ward"], properties["perennial"]) == (town.east.pk, True)
    assert properties["area_m2"] == pytest.approx(900, rel=0.01)
    stored = WaterBody.objects.get(pk=response.json()["id"])
    assert (stored.code, stored.ward) == (properties["code"], town.east)


def test_list_and_detail_render_a_water_body_alike(gis_client, town):
    pond = WaterBodyFactory(municipality=town.municipality, name="Dighi", body_type="tank")
    listed = _collection(gis_client.get(LIST))["features"]
    assert [f["id"] for f in listed] == [pond.pk]
    detail = gis_client.get(f"{LIST}{pond.pk}/").json()
    history = detail["properties"].pop("history")
    assert detail == listed[0]
    assert [event["event"] for event in history] == ["insert"]


def test_bad_input_is_a_clear_400_and_writes_nothing(gis_client, town):
    for feature in (
        _feature(SPLIT, 22.94, body_type="ocean"),
        _feature(SPLIT, 22.94, body_type="pond", depth="deep"),
        _feature(SPLIT, 22.94),  # no type
        _feature(95.0, 10.0, body_type="pond"),  # far outside the town
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [90.81, 22.93]},
            "properties": {"body_type": "pond"},
        },
        {
            "type": "Feature",  # a bow tie: the ring crosses itself
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [90.81, 22.93],
                        [90.811, 22.931],
                        [90.811, 22.93],
                        [90.81, 22.931],
                        [90.81, 22.93],
                    ]
                ],
            },
            "properties": {"body_type": "pond"},
        },
    ):
        response = gis_client.post(LIST, feature, format="json")
        assert response.status_code == 400, (feature, response.content)
    assert not WaterBody.objects.exists()


def test_edit_needs_if_match_and_delete_retires_with_history(gis_client, town):
    pond = WaterBodyFactory(municipality=town.municipality)
    url = f"{LIST}{pond.pk}/"
    stale = gis_client.patch(url, {"properties": {"perennial": False}}, format="json")
    assert stale.status_code == 428
    changed = gis_client.patch(
        url,
        {"type": "Feature", "properties": {"perennial": False, "ownership": "public"}},
        format="json",
        **if_match(gis_client, url),
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["properties"]["ownership"] == "public"
    gone = gis_client.delete(url, **if_match(gis_client, url))
    assert gone.status_code == 204
    assert gis_client.get(url).status_code == 404
    retired = WaterBody.all_objects.get(pk=pond.pk)
    assert retired.retired_at is not None
    assert pond.events.count() >= 2
    services.record_restore(record=retired)
    assert gis_client.get(url).status_code == 200


def test_others_may_not_read_or_write_the_water_bodies(client, town, outsider):
    pond = WaterBodyFactory(municipality=town.municipality)
    assert client.get(LIST).status_code in (401, 403)
    stranger = client_for(outsider)
    assert _collection(stranger.get(LIST))["numberMatched"] == 0
    assert stranger.get(f"{LIST}{pond.pk}/").status_code == 404
    refused = stranger.post(LIST, _feature(SPLIT, 22.94, body_type="pond"), format="json")
    assert refused.status_code == 403


def test_ogc_tiles_and_map_offer_the_register(gis_client, gis_officer, town):
    pond = WaterBodyFactory(municipality=town.municipality)
    collections = gis_client.get("/ogc/collections?f=json").json()["collections"]
    assert "water-bodies" in [c["id"] for c in collections]
    item = gis_client.get(f"/ogc/collections/water-bodies/items/{pond.pk}?f=json")
    assert item.status_code == 200
    body = b"".join(item.streaming_content) if item.streaming else item.content
    assert json.loads(body)["properties"]["code"] == WaterBody.objects.get(pk=pond.pk).code
    browser = Client()
    browser.force_login(gis_officer)
    assert browser.get("/tiles/water-bodies.json").json()["minzoom"] == 12
    page = browser.get(reverse("spatial:map"))
    assert "water-bodies" in [layer["name"] for layer in page.context["map_config"]["layers"]]


# ogr2ogr reads PostGIS over its own connection: the water bodies must be committed.
@pytest.mark.django_db(transaction=True)
def test_export_reads_back_in_gdal_and_reimports_unchanged(gis_client, town, tmp_path):
    WaterBodyFactory(municipality=town.municipality, name="Boro Pukur", perennial=True)
    WaterBodyFactory(
        municipality=town.municipality,
        body_type="canal",
        ownership="public",
        geom=square(SPLIT + 0.01, 22.95, 40),
    )
    frame, report = gpkg_round_trip(gis_client, "water-bodies", tmp_path)
    assert sorted(frame["body_type"]) == ["canal", "pond"]
    assert set(frame.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2), report


def test_import_creates_water_bodies_and_refuses_bad_rows_whole(gis_client, town):
    def post(features):
        content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
        return gis_client.post(
            "/api/v1/imports/water-bodies/",
            {"file": SimpleUploadedFile("w.geojson", content), "commit": "true"},
            format="multipart",
        )

    bad = post([_feature(SPLIT, 22.94, body_type="pond"), _feature(SPLIT, 22.95)])
    assert bad.status_code == 200
    assert not bad.json()["committed"]
    assert not WaterBody.objects.exists()
    good = post([_feature(SPLIT - 0.01, 22.94, body_type="pond", perennial="yes")])
    assert good.json()["created"] == 1, good.json()
    stored = WaterBody.objects.get()
    assert (stored.ward, stored.perennial) == (town.west, True)
