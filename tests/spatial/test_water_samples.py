"""Drinking-water samples (issue 28, item 6), declared once (spatial/water_sample_layers.py):
each parameter judged against the national standard only when tested, the result derived
and never stored, a water point's arsenic following its latest sample, the water point
named by its code in a file, every surface of a register, and CWIS SF-9 counted from them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dashboards import reports
from spatial import services
from spatial.models import WaterPoint, WaterSample
from tests.conftest import client_for, gpkg_round_trip, if_match
from tests.factories import SPLIT, WaterPointFactory, WaterSampleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/water-samples/"
IMPORT = "/api/v1/imports/water-samples/"
LAST_MONTH = (timezone.localdate() - dt.timedelta(days=30)).isoformat()


def _feature(lon: float = SPLIT + 0.01, lat: float = 22.94, **properties) -> dict:
    properties.setdefault("sampled_on", LAST_MONTH)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def _collection(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def _import(client, features: list[dict], commit: bool = True, name="samples.geojson"):
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return client.post(
        IMPORT,
        {"file": SimpleUploadedFile(name, content), "commit": "true" if commit else "false"},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("measured", "result", "failing"),
    [
        ({}, "pending", ""),
        ({"e_coli_per_100ml": 0, "arsenic_ug_l": "50"}, "meets", ""),
        ({"e_coli_per_100ml": 0, "arsenic_ug_l": "50.1"}, "fails", "arsenic_ug_l"),
        ({"e_coli_per_100ml": 1}, "fails", "e_coli_per_100ml"),
        ({"chlorine_residual_mg_l": "0.2", "turbidity_ntu": "10"}, "meets", ""),
        (
            {"chlorine_residual_mg_l": "0.1", "turbidity_ntu": "10.5"},
            "fails",
            "chlorine_residual_mg_l, turbidity_ntu",
        ),
    ],
)
def test_the_result_judges_only_what_was_tested(gis_client, town, measured, result, failing):
    response = gis_client.post(LIST, _feature(laboratory="DPHE Noakhali", **measured), "json")
    assert response.status_code == 201, response.content
    properties = response.json()["properties"]
    assert properties["code"].startswith("WQ")
    assert properties["ward"] == town.east.pk
    assert (properties["result"], properties["failing"]) == (result, failing)


def test_bad_input_is_a_clear_400_and_writes_nothing(gis_client, town, other_town):
    elsewhere = WaterPointFactory(
        municipality=other_town.municipality, geom=Point(SPLIT + 0.21, 22.94, srid=4326)
    )
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    for feature in (
        _feature(sampled_on=tomorrow),
        _feature(sampled_on=""),
        _feature(arsenic_ug_l="-1"),
        _feature(e_coli_per_100ml=-3),
        _feature(turbidity_ntu="cloudy"),
        _feature(water_point=elsewhere.pk),
        _feature(colour="brown"),
        _feature(95.0, 10.0),  # far outside the town
    ):
        response = gis_client.post(LIST, feature, format="json")
        assert response.status_code == 400, (feature, response.content)
    assert not WaterSample.objects.exists()


def test_a_water_points_arsenic_follows_its_latest_sample(gis_client, town):
    """The newest arsenic result wins, whether entered on the point or sampled; when the
    sample the point's result came from is retired, the point takes its latest remaining
    sample's."""
    well = WaterPointFactory(
        municipality=town.municipality,
        arsenic_ug_l=Decimal("40"),
        arsenic_tested_on=dt.date(2024, 1, 10),
    )

    def sample(on: dt.date, arsenic: str | None):
        return WaterSampleFactory(
            municipality=town.municipality,
            water_point=well,
            sampled_on=on,
            arsenic_ug_l=None if arsenic is None else Decimal(arsenic),
        )

    def arsenic():
        well.refresh_from_db()
        return well.arsenic_ug_l, well.arsenic_tested_on

    sample(dt.date(2023, 5, 1), "30")  # older than the field test on the point: no change
    assert arsenic() == (Decimal("40.0"), dt.date(2024, 1, 10))
    newer = sample(dt.date(2025, 2, 1), "80")
    assert arsenic() == (Decimal("80.0"), dt.date(2025, 2, 1))
    sample(dt.date(2025, 6, 1), None)  # E. coli only: arsenic untouched
    assert arsenic() == (Decimal("80.0"), dt.date(2025, 2, 1))
    url = f"{LIST}{newer.pk}/"
    corrected = gis_client.patch(
        url,
        {"type": "Feature", "properties": {"arsenic_ug_l": "8"}},
        format="json",
        **if_match(gis_client, url),
    )
    assert corrected.status_code == 200, corrected.content
    assert arsenic() == (Decimal("8.0"), dt.date(2025, 2, 1))
    gone = gis_client.delete(url, **if_match(gis_client, url))
    assert gone.status_code == 204
    assert arsenic() == (Decimal("30.0"), dt.date(2023, 5, 1))
    services.record_restore(record=WaterSample.all_objects.get(pk=newer.pk))
    assert arsenic() == (Decimal("8.0"), dt.date(2025, 2, 1))
    detail = gis_client.get(f"/api/v1/water-points/{well.pk}/").json()["properties"]
    assert detail["arsenic_status"] == "safe"


def test_list_and_detail_agree_and_others_see_nothing(gis_client, client, town, outsider):
    sample = WaterSampleFactory(municipality=town.municipality)
    listed = _collection(gis_client.get(LIST))["features"]
    assert [f["id"] for f in listed] == [sample.pk]
    detail = gis_client.get(f"{LIST}{sample.pk}/").json()
    history = detail["properties"].pop("history")
    assert detail == listed[0]
    assert [event["event"] for event in history] == ["insert"]
    assert client.get(LIST).status_code in (401, 403)
    stranger = client_for(outsider)
    assert _collection(stranger.get(LIST))["numberMatched"] == 0
    assert stranger.get(f"{LIST}{sample.pk}/").status_code == 404
    assert stranger.post(LIST, _feature(), format="json").status_code == 403


def test_ogc_tiles_and_map_offer_the_register(gis_client, gis_officer, town):
    sample = WaterSampleFactory(municipality=town.municipality, e_coli_per_100ml=4)
    item = gis_client.get(f"/ogc/collections/water-samples/items/{sample.pk}?f=json")
    assert item.status_code == 200
    body = b"".join(item.streaming_content) if item.streaming else item.content
    assert json.loads(body)["properties"]["result"] == "fails"
    browser = Client()
    browser.force_login(gis_officer)
    assert browser.get("/tiles/water-samples.json").json()["minzoom"] == 13
    page = browser.get(reverse("spatial:map"))
    layers = {layer["name"]: layer for layer in page.context["map_config"]["layers"]}
    assert "water-samples" in layers
    # The failing parameters are named, not coded, on the map and on the sample's page.
    popup = {item["property"]: item for item in layers["water-samples"]["popup"]}
    assert popup["failing"]["choices"]["e_coli_per_100ml"] == "E. coli or thermotolerant coliforms"
    sample.arsenic_ug_l = Decimal("80")
    sample.save()
    shown = browser.get(f"/water-samples/{sample.code}/").content.decode()
    assert "E. coli or thermotolerant coliforms, Arsenic" in shown
    assert "e_coli_per_100ml, arsenic" not in shown


def test_the_import_names_the_water_point_by_its_code(gis_client, town):
    well = WaterPointFactory(municipality=town.municipality)
    code = WaterPoint.objects.get(pk=well.pk).code
    refused = _import(
        gis_client,
        [
            _feature(water_point_code=code, arsenic_ug_l=20),
            _feature(water_point_code="WP-NONE", arsenic_ug_l=20),
            _feature(water_point_code=code, sampled_on="2999-01-01"),
            _feature(water_point_code=code, chlorine_residual_mg_l="lots"),
        ],
    ).json()
    problems = {(p["row"], p["field"]) for p in refused["problems"]}
    assert problems == {
        (2, "water_point_code"),
        (3, "sampled_on"),
        (4, "chlorine_residual_mg_l"),
    }
    assert not WaterSample.objects.exists()
    created = _import(gis_client, [_feature(water_point_code=code, arsenic_ug_l=70)]).json()
    assert created["created"] == 1, created
    sample = WaterSample.objects.get()
    assert sample.water_point_id == well.pk
    well.refresh_from_db()
    assert well.arsenic_ug_l == Decimal("70.0")


# ogr2ogr reads PostGIS over its own connection: the samples must be committed.
@pytest.mark.django_db(transaction=True)
def test_export_reads_back_in_gdal_and_reimports_unchanged(gis_client, town, tmp_path):
    well = WaterPointFactory(municipality=town.municipality)
    WaterSampleFactory(municipality=town.municipality, water_point=well)
    WaterSampleFactory(
        municipality=town.municipality,
        e_coli_per_100ml=None,
        arsenic_ug_l=None,
        chlorine_residual_mg_l=Decimal("0.35"),
        turbidity_ntu=Decimal("2.5"),
        geom=Point(SPLIT + 0.01, 22.95, srid=4326),
    )
    frame, report = gpkg_round_trip(gis_client, "water-samples", tmp_path)
    assert sorted(frame["result"]) == ["meets", "meets"]
    assert sorted(frame["water_point_code"].fillna("")) == ["", well.code]
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2), report


def test_sf9_counts_the_years_samples_free_of_faecal_contamination(town):
    """SF-9 is faecal coliform compliance (as Base IMIS counts it): a sample high in arsenic
    but free of E. coli counts as meeting it, though the map shows it failing."""
    year = timezone.localdate().year
    on = dt.date(year, 1, 15)
    for e_coli in (0, 0, 0, 5):
        WaterSampleFactory(municipality=town.municipality, sampled_on=on, e_coli_per_100ml=e_coli)
    arsenic = WaterSampleFactory(
        municipality=town.municipality, sampled_on=on, e_coli_per_100ml=0, arsenic_ug_l=200
    )
    # Not tested for E. coli, and retired: neither counts.
    WaterSampleFactory(
        municipality=town.municipality, sampled_on=on, e_coli_per_100ml=None, arsenic_ug_l=4
    )
    retired = WaterSampleFactory(municipality=town.municipality, sampled_on=on, e_coli_per_100ml=9)
    services.record_retire(record=retired)
    WaterSampleFactory(
        municipality=town.municipality, sampled_on=dt.date(year - 1, 6, 1), e_coli_per_100ml=7
    )
    report = reports.indicator_report(municipality=town.municipality, year=year)
    sf9 = {item["code"]: item for item in report["cwis"]}["SF-9"]
    assert sf9["available"] is True
    assert (sf9["numerator"], sf9["denominator"], sf9["value"]) == (4, 5, 0.8)
    assert sf9["previous"] == 0.0
    assert "ECR 1997" in sf9["rule"]
    assert WaterSample.objects.get(pk=arsenic.pk).arsenic_ug_l == 200
    empty = reports.indicator_report(municipality=town.municipality, year=year - 3)
    assert {i["code"]: i for i in empty["cwis"]}["SF-9"]["available"] is False
