"""Drains and sewers and the buildings' sewer connections (issue 28, item 2), declared once
(containment/network_layers.py): where each segment's flow ends, followed downstream by the
database; the segments that end in nothing; whether a sewered containment's sewage is
treated, from its building's connection; every surface of a register."""

from __future__ import annotations

import json

import pytest
from django.contrib.gis.geos import LineString
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from containment.classification import facility_rung_annotation
from containment.models import Containment, DrainSegment, SewerConnection
from spatial import services as spatial_services
from tests.conftest import client_for, gpkg_round_trip, if_match
from tests.factories import (
    SPLIT,
    BuildingFactory,
    ContainmentFactory,
    DrainSegmentFactory,
    SewerConnectionFactory,
    TreatmentPlantFactory,
    WaterBodyFactory,
    square,
)

pytestmark = pytest.mark.django_db

DRAINS = "/api/v1/drains/"
CONNECTIONS = "/api/v1/sewer-connections/"
Y = 22.94


def _line(*xs: float, y: float = Y) -> LineString:
    return LineString(*[(x, y) for x in xs], srid=4326)


def _segment(town, *xs, y=Y, **attributes) -> DrainSegment:
    return DrainSegmentFactory(municipality=town.municipality, geom=_line(*xs, y=y), **attributes)


def _reaches(*segments) -> list[tuple[str, int | None]]:
    found = {s.pk: (s.reaches, s.reaches_plant_id) for s in DrainSegment.objects.all()}
    return [found[s.pk] for s in segments]


def test_each_segment_ends_where_the_network_downstream_ends(town):
    """A -> B -> plant; C -> pond; a tributary E ends on the middle of B; D ends in nothing.
    Retiring B leaves A open; restoring it joins A again."""
    x = SPLIT + 0.01
    plant = TreatmentPlantFactory(municipality=town.municipality)
    pond = WaterBodyFactory(municipality=town.municipality, geom=square(x + 0.01, Y + 0.01, 30))
    a = _segment(town, x, x + 0.001)
    b = _segment(town, x + 0.001, x + 0.002, outfall_plant=plant)
    # A tributary from the north, ending on the middle of B.
    e = DrainSegmentFactory(
        municipality=town.municipality,
        geom=LineString((x + 0.0015, Y + 0.001), (x + 0.0015, Y), srid=4326),
    )
    c = _segment(
        town, x, x + 0.001, y=Y + 0.005, network_type="open_drain", outfall_water_body=pond
    )
    d = _segment(town, x, x + 0.001, y=Y + 0.01, network_type="open_drain")
    assert _reaches(a, b, e, c, d) == [
        ("plant", plant.pk),
        ("plant", plant.pk),
        ("plant", plant.pk),
        ("water_body", None),
        ("open", None),
    ]
    spatial_services.record_retire(record=b)
    assert _reaches(a, e) == [("open", None), ("open", None)]
    spatial_services.record_restore(record=DrainSegment.all_objects.get(pk=b.pk))
    assert _reaches(a) == [("plant", plant.pk)]


def test_a_loop_in_the_network_ends_and_a_split_prefers_the_plant(town):
    x = SPLIT + 0.01
    a = _segment(town, x, x + 0.001)
    b = _segment(town, x + 0.001, x + 0.0005, x)  # flows back to A's start: a loop
    assert _reaches(a, b) == [("open", None), ("open", None)]


def test_a_sewered_containment_is_treated_when_its_connection_reaches_a_plant(gis_client, town):
    x = SPLIT + 0.01
    plant = TreatmentPlantFactory(municipality=town.municipality)
    sewer = _segment(town, x, x + 0.002)
    building = BuildingFactory(municipality=town.municipality, geom=square(x, Y + 0.0005))
    ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        containment_type="none",
        outlet="sewer",
        geom=building.geom.centroid,
    )

    def rung():
        return Containment.objects.annotate(rung=facility_rung_annotation()).get().rung

    assert rung() == "basic"  # no connection on record: the national setting (not treated)
    response = gis_client.post(
        CONNECTIONS,
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [x, Y]},
            "properties": {
                "building": building.pk,
                "segment": sewer.pk,
                "connected_on": "2019-05-01",
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["code"].startswith("SC")
    assert response.json()["properties"]["treated"] is False
    assert rung() == "basic"  # connected to a network that ends in nothing
    url = f"{DRAINS}{sewer.pk}/"
    changed = gis_client.patch(
        url,
        {"type": "Feature", "properties": {"outfall_plant": plant.pk}},
        format="json",
        **if_match(gis_client, url),
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["properties"]["reaches"] == "plant"
    assert rung() == "safely_managed"
    plant.is_active = False
    plant.save()
    assert rung() == "basic"  # the plant is out of operation


def test_bad_input_is_a_clear_400_and_writes_nothing(gis_client, town, other_town):
    x = SPLIT + 0.01
    elsewhere = TreatmentPlantFactory(municipality=other_town.municipality)
    drain = _segment(town, x, x + 0.001, network_type="open_drain")
    building = BuildingFactory(municipality=town.municipality, geom=square(x, Y + 0.0005))
    far = BuildingFactory(municipality=other_town.municipality)

    def segment(**properties):
        return {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[x, Y + 0.002], [x + 0.001, Y + 0.002]],
            },
            "properties": properties,
        }

    for feature in (
        segment(network_type="river"),
        segment(),
        segment(network_type="sewer", size_mm=10),
        segment(network_type="sewer", outfall_plant=elsewhere.pk),
        segment(network_type="sewer", reaches="plant"),
    ):
        response = gis_client.post(DRAINS, feature, format="json")
        assert response.status_code == 400, (feature, response.content)

    def connection(**properties):
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [x, Y]},
            "properties": properties,
        }

    for feature in (
        connection(building=building.pk, segment=drain.pk),  # a drain, not a sewer
        connection(building=far.pk, segment=drain.pk),
        connection(building=building.pk),
        connection(building=building.pk, segment=drain.pk, connected_on="2999-01-01"),
    ):
        response = gis_client.post(CONNECTIONS, feature, format="json")
        assert response.status_code == 400, (feature, response.content)
    assert DrainSegment.objects.count() == 1
    assert not SewerConnection.objects.exists()


def test_ogc_tiles_and_map_offer_the_registers_and_others_see_nothing(
    gis_client, gis_officer, town, outsider
):
    connection = SewerConnectionFactory(
        building=BuildingFactory(municipality=town.municipality), municipality=town.municipality
    )
    item = gis_client.get(f"/ogc/collections/drains/items/{connection.segment_id}?f=json")
    assert item.status_code == 200
    body = b"".join(item.streaming_content) if item.streaming else item.content
    assert json.loads(body)["properties"]["connections"] == 1
    browser = Client()
    browser.force_login(gis_officer)
    assert browser.get("/tiles/drains.json").json()["minzoom"] == 12
    page = browser.get(reverse("spatial:map"))
    layers = [layer["name"] for layer in page.context["map_config"]["layers"]]
    assert {"drains", "sewer-connections"} <= set(layers)
    stranger = client_for(outsider)
    assert stranger.get(f"{DRAINS}{connection.segment_id}/").status_code == 404
    assert stranger.get(f"{CONNECTIONS}{connection.pk}/").status_code == 404


def _post_file(client, url: str, features: list[dict], name="f.geojson", commit=True):
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return client.post(
        url,
        {"file": SimpleUploadedFile(name, content), "commit": "true" if commit else "false"},
        format="multipart",
    ).json()


def test_imports_name_the_outfall_the_building_and_the_sewer_by_their_keys(gis_client, town):
    x = SPLIT + 0.01
    pond = WaterBodyFactory(municipality=town.municipality, geom=square(x + 0.01, Y + 0.01, 30))
    drain = _segment(town, x, x + 0.001, y=Y + 0.003, network_type="open_drain")
    building = BuildingFactory(municipality=town.municipality, geom=square(x, Y + 0.0005))

    def line(**properties):
        coordinates = [[x, Y], [x + 0.002, Y]]
        return {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": coordinates},
            "properties": properties,
        }

    report = _post_file(
        gis_client,
        "/api/v1/imports/drains/",
        [line(network_type="sewer", outfall_water_body_code=pond.code, size_mm=300)],
    )
    assert report["created"] == 1, report
    sewer = DrainSegment.objects.get(network_type="sewer")
    assert (sewer.outfall_water_body_id, sewer.reaches) == (pond.pk, "water_body")

    def point(**properties):
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [x, Y]},
            "properties": properties,
        }

    refused = _post_file(
        gis_client,
        "/api/v1/imports/sewer-connections/",
        [
            point(building_bin=building.bin, segment_code=sewer.code),
            point(building_bin=building.bin, segment_code=drain.code),  # not a sewer
            point(building_bin="B-NONE", segment_code=sewer.code),
            point(building_bin=building.bin),
        ],
    )
    problems = {(p["row"], p["field"]) for p in refused["problems"]}
    assert problems == {(2, "segment_code"), (3, "building_bin"), (4, "segment_code")}
    created = _post_file(
        gis_client,
        "/api/v1/imports/sewer-connections/",
        [point(building_bin=building.bin, segment_code=sewer.code, connected_on="2020-02-02")],
    )
    assert created["created"] == 1, created
    assert SewerConnection.objects.get().building_id == building.pk


# ogr2ogr reads PostGIS over its own connection: the segments must be committed.
@pytest.mark.django_db(transaction=True)
def test_export_reads_back_in_gdal_and_reimports_unchanged(gis_client, town, tmp_path):
    x = SPLIT + 0.01
    pond = WaterBodyFactory(municipality=town.municipality, geom=square(x + 0.01, Y + 0.01, 30))
    _segment(town, x, x + 0.001, network_type="open_drain", outfall_water_body=pond)
    _segment(town, x, x + 0.001, y=Y + 0.002, material="concrete", condition="silted")
    frame, report = gpkg_round_trip(gis_client, "drains", tmp_path)
    assert sorted(frame["reaches"]) == ["open", "water_body"]
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2), report


def test_the_quality_check_lists_the_segments_that_end_in_nothing(town):
    from dashboards import quality

    x = SPLIT + 0.01
    plant = TreatmentPlantFactory(municipality=town.municipality)
    flows_on = _segment(town, x, x + 0.001)
    _segment(town, x + 0.001, x + 0.002, outfall_plant=plant)
    dangling = _segment(town, x, x + 0.001, y=Y + 0.01, network_type="open_drain")
    _, rows = quality.check_records(
        municipality=town.municipality,
        check=quality.CHECKS_BY_CODE["drain_ends_in_nothing"],
        wards=None,
        limit=100,
    )
    assert [row["id"] for row in rows] == [dangling.pk]
    assert flows_on.pk not in [row["id"] for row in rows]
