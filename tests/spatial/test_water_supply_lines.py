"""The water supply lines register (issue 28), declared once (spatial/water_layers.py):
every surface serves it — REST list and detail alike, writes with If-Match, soft delete with
history, OGC API items, vector tiles, a file export read back with GDAL, an import that
round-trips, and the map."""

from __future__ import annotations

import json

import pytest
from django.contrib.gis.geos import LineString
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from spatial import services
from spatial.models import WaterSupplyLine
from tests.conftest import client_for, gpkg_round_trip, if_match
from tests.factories import SPLIT, WaterSupplyLineFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/water-supply-lines/"


def _feature(lon: float, lat: float, **properties) -> dict:
    """A pipe about 100 m long running east from (lon, lat)."""
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.00098, lat]]},
        "properties": properties,
    }


def _collection(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def test_a_pipe_gets_its_code_ward_and_length_from_the_database(gis_client, town):
    response = gis_client.post(
        LIST,
        _feature(
            SPLIT + 0.01,
            22.94,
            pipe_role="distribution",
            diameter_mm=150,
            material="hdpe",
            installed_year=2012,
            operator="Paurashava water section",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    properties = response.json()["properties"]
    assert properties["code"].startswith("WS")
    assert (properties["ward"], properties["diameter_mm"]) == (town.east.pk, 150)
    assert properties["length_m"] == pytest.approx(100, rel=0.02)
    stored = WaterSupplyLine.objects.get(pk=response.json()["id"])
    assert (stored.code, stored.ward) == (properties["code"], town.east)


def test_list_and_detail_render_a_pipe_alike(gis_client, town):
    pipe = WaterSupplyLineFactory(municipality=town.municipality, installed_year=1998)
    listed = _collection(gis_client.get(LIST))["features"]
    assert [f["id"] for f in listed] == [pipe.pk]
    detail = gis_client.get(f"{LIST}{pipe.pk}/").json()
    history = detail["properties"].pop("history")
    assert detail == listed[0]
    assert [event["event"] for event in history] == ["insert"]


def test_bad_input_is_a_clear_400_and_writes_nothing(gis_client, town):
    for feature in (
        _feature(SPLIT, 22.94, pipe_role="aqueduct"),
        _feature(SPLIT, 22.94, pipe_role="distribution", pressure="high"),
        _feature(SPLIT, 22.94),  # no role
        _feature(SPLIT, 22.94, pipe_role="service", diameter_mm=5),
        _feature(SPLIT, 22.94, pipe_role="service", installed_year=2999),
        _feature(SPLIT, 22.94, pipe_role="service", material="gold"),
        _feature(95.0, 10.0, pipe_role="service"),  # far outside the town
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [90.81, 22.93]},
            "properties": {"pipe_role": "service"},
        },
    ):
        response = gis_client.post(LIST, feature, format="json")
        assert response.status_code == 400, (feature, response.content)
    assert not WaterSupplyLine.objects.exists()


def test_edit_needs_if_match_and_delete_retires_with_history(gis_client, town):
    pipe = WaterSupplyLineFactory(municipality=town.municipality)
    url = f"{LIST}{pipe.pk}/"
    stale = gis_client.patch(url, {"properties": {"material": "di"}}, format="json")
    assert stale.status_code == 428
    changed = gis_client.patch(
        url,
        {"type": "Feature", "properties": {"material": "di", "diameter_mm": 200}},
        format="json",
        **if_match(gis_client, url),
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["properties"]["diameter_mm"] == 200
    gone = gis_client.delete(url, **if_match(gis_client, url))
    assert gone.status_code == 204
    assert gis_client.get(url).status_code == 404
    retired = WaterSupplyLine.all_objects.get(pk=pipe.pk)
    assert retired.retired_at is not None
    assert pipe.events.count() >= 2
    services.record_restore(record=retired)
    assert gis_client.get(url).status_code == 200


def test_others_may_not_read_or_write_the_pipes(client, town, outsider):
    pipe = WaterSupplyLineFactory(municipality=town.municipality)
    assert client.get(LIST).status_code in (401, 403)
    stranger = client_for(outsider)
    assert _collection(stranger.get(LIST))["numberMatched"] == 0
    assert stranger.get(f"{LIST}{pipe.pk}/").status_code == 404
    refused = stranger.post(LIST, _feature(SPLIT, 22.94, pipe_role="service"), format="json")
    assert refused.status_code == 403


def test_ogc_tiles_and_map_offer_the_register(gis_client, gis_officer, town):
    pipe = WaterSupplyLineFactory(municipality=town.municipality)
    collections = gis_client.get("/ogc/collections?f=json").json()["collections"]
    assert "water-supply-lines" in [c["id"] for c in collections]
    item = gis_client.get(f"/ogc/collections/water-supply-lines/items/{pipe.pk}?f=json")
    assert item.status_code == 200
    body = b"".join(item.streaming_content) if item.streaming else item.content
    assert json.loads(body)["properties"]["code"] == WaterSupplyLine.objects.get(pk=pipe.pk).code
    browser = Client()
    browser.force_login(gis_officer)
    assert browser.get("/tiles/water-supply-lines.json").json()["minzoom"] == 13
    page = browser.get(reverse("spatial:map"))
    layers = [layer["name"] for layer in page.context["map_config"]["layers"]]
    assert "water-supply-lines" in layers


# ogr2ogr reads PostGIS over its own connection: the pipes must be committed.
@pytest.mark.django_db(transaction=True)
def test_export_reads_back_in_gdal_and_reimports_unchanged(gis_client, town, tmp_path):
    WaterSupplyLineFactory(municipality=town.municipality, operator="DPHE", installed_year=2005)
    WaterSupplyLineFactory(
        municipality=town.municipality,
        pipe_role="transmission",
        diameter_mm=300,
        material="di",
        geom=LineString((SPLIT + 0.01, 22.95), (SPLIT + 0.012, 22.951), srid=4326),
    )
    frame, report = gpkg_round_trip(gis_client, "water-supply-lines", tmp_path)
    assert sorted(frame["pipe_role"]) == ["distribution", "transmission"]
    assert set(frame.geometry.geom_type) <= {"LineString", "MultiLineString"}
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2), report


def test_import_creates_pipes_and_refuses_bad_rows_whole(gis_client, town):
    def post(features):
        content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
        return gis_client.post(
            "/api/v1/imports/water-supply-lines/",
            {"file": SimpleUploadedFile("p.geojson", content), "commit": "true"},
            format="multipart",
        )

    bad = post(
        [
            _feature(SPLIT, 22.94, pipe_role="service"),
            _feature(SPLIT, 22.95),
            # The API's own limits hold in a file too.
            _feature(SPLIT, 22.951, pipe_role="service", diameter_mm=5),
            _feature(SPLIT, 22.952, pipe_role="service", installed_year=2999),
        ]
    )
    assert bad.status_code == 200
    assert not bad.json()["committed"]
    assert {(p["row"], p["field"]) for p in bad.json()["problems"]} == {
        (2, "pipe_role"),
        (3, "diameter_mm"),
        (4, "installed_year"),
    }
    assert not WaterSupplyLine.objects.exists()
    good = post([_feature(SPLIT - 0.01, 22.94, pipe_role="service", diameter_mm=25)])
    assert good.json()["created"] == 1, good.json()
    stored = WaterSupplyLine.objects.get()
    assert (stored.ward, stored.diameter_mm) == (town.west, 25)
