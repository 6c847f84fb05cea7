"""Water points as the compliance rule and the arsenic map need them (issue 28, item 1):
who owns a well, the household's own well linked to its building, the latest arsenic test
with its status derived against the national standard, and the well-distance rule measured
to wells entered through the register itself."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from containment import services as containment_services
from containment.models import ComplianceAssessment
from spatial.models import WaterPoint
from tests.factories import (
    SPLIT,
    BuildingFactory,
    ContainmentFactory,
    square,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/water-points/"


def _feature(lon: float, lat: float, **properties) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def _properties(gis_client, pk: int) -> dict:
    return gis_client.get(f"{LIST}{pk}/").json()["properties"]


def test_arsenic_status_is_derived_from_the_latest_test(gis_client, town):
    tested = dt.date(2025, 3, 1).isoformat()
    statuses = {}
    for label, arsenic in (("high", "120"), ("low", "8.5"), ("at the standard", "50")):
        response = gis_client.post(
            LIST,
            _feature(
                SPLIT + 0.01,
                22.94,
                point_type="tube_well",
                ownership="community",
                arsenic_ug_l=arsenic,
                arsenic_tested_on=tested,
            ),
            format="json",
        )
        assert response.status_code == 201, response.content
        statuses[label] = response.json()["properties"]["arsenic_status"]
    untested = gis_client.post(
        LIST, _feature(SPLIT + 0.01, 22.95, point_type="tube_well"), format="json"
    )
    assert statuses == {"high": "unsafe", "low": "safe", "at the standard": "safe"}
    properties = untested.json()["properties"]
    assert (properties["arsenic_status"], properties["arsenic_ug_l"]) == ("not_tested", None)


@pytest.mark.parametrize(
    ("properties", "field"),
    [
        ({"arsenic_ug_l": "40"}, "arsenic_tested_on"),
        ({"arsenic_tested_on": "2025-01-01"}, "arsenic_ug_l"),
        ({"arsenic_ug_l": "-3", "arsenic_tested_on": "2025-01-01"}, "arsenic_ug_l"),
        ({"arsenic_ug_l": "20", "arsenic_tested_on": "2999-01-01"}, "arsenic_tested_on"),
        ({"ownership": "the king"}, "ownership"),
    ],
)
def test_a_test_without_its_date_or_a_wrong_value_is_refused(gis_client, town, properties, field):
    response = gis_client.post(
        LIST, _feature(SPLIT + 0.01, 22.94, point_type="tube_well", **properties), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json())
    assert not WaterPoint.objects.exists()


def test_a_households_own_well_is_linked_to_its_building(gis_client, town, other_town):
    house = BuildingFactory(municipality=town.municipality, geom=square(90.8102, 22.9301))
    response = gis_client.post(
        LIST,
        _feature(90.8104, 22.9300, point_type="tube_well", ownership="private", building=house.pk),
        format="json",
    )
    assert response.status_code == 201, response.content
    properties = response.json()["properties"]
    assert (properties["building"], properties["building_bin"]) == (house.pk, house.bin)
    assert list(house.own_water_points.all()) == [WaterPoint.objects.get()]

    elsewhere = BuildingFactory(municipality=other_town.municipality)
    refused = gis_client.post(
        LIST,
        _feature(90.8104, 22.9300, point_type="tube_well", building=elsewhere.pk),
        format="json",
    )
    assert refused.status_code == 400, refused.content
    assert "building" in refused.json()["errors"]


@pytest.mark.parametrize(("metres", "outcome"), [(29, "fail"), (31, "pass")])
def test_the_well_rule_measures_to_wells_entered_in_the_register(gis_client, town, metres, outcome):
    """The rule's minimum set to 30 m: a pit 29 m from a well entered through the API
    fails, one 31 m away passes."""
    building = BuildingFactory(
        municipality=town.municipality,
        geom=square(90.8102, 22.9301),
        water_source="municipal_supply",
    )
    containment = ContainmentFactory(
        municipality=town.municipality, buildings=[building], containment_type="unlined_pit"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Project(%s::geography, %s, radians(90))"
            "::geometry AS p) s",
            [containment.geom.ewkt, metres],
        )
        lon, lat = cursor.fetchone()
    created = gis_client.post(LIST, _feature(lon, lat, point_type="tube_well"), format="json")
    assert created.status_code == 201, created.content
    containment_services.rule_set_create(
        municipality=town.municipality, min_well_distance_m=Decimal("30")
    )
    assessment = ComplianceAssessment.objects.get(containment=containment)
    assert assessment.outcomes["well"]["outcome"] == outcome
    assert assessment.well_distance_m == pytest.approx(metres, abs=0.01)


def test_the_import_reads_ownership_and_the_arsenic_test(gis_client, town):
    features = [
        _feature(
            SPLIT - 0.01,
            22.94,
            point_type="tube_well",
            ownership="private",
            arsenic_ug_l=75,
            arsenic_tested_on="2024-11-30",
        ),
        _feature(SPLIT - 0.012, 22.94, point_type="deep_tube_well", ownership="public"),
    ]
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    response = gis_client.post(
        "/api/v1/imports/water-points/",
        {"file": SimpleUploadedFile("wells.geojson", content), "commit": "true"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2, response.json()
    tested = WaterPoint.objects.get(point_type="tube_well")
    assert (tested.ownership, tested.arsenic_ug_l, tested.arsenic_tested_on) == (
        "private",
        Decimal("75.0"),
        dt.date(2024, 11, 30),
    )
    assert WaterPoint.objects.get(point_type="deep_tube_well").arsenic_ug_l is None


def _import(gis_client, features: list[dict], commit: bool):
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return gis_client.post(
        "/api/v1/imports/water-points/",
        {
            "file": SimpleUploadedFile("wells.geojson", content),
            "commit": "true" if commit else "false",
        },
        format="multipart",
    )


def test_the_import_links_a_households_well_by_the_buildings_bin(gis_client, town, other_town):
    """A GIS officer types the BIN the field sheet gives, never a database id; a BIN of
    another municipality, or of none, is a problem of its row and nothing is written."""
    house = BuildingFactory(municipality=town.municipality)
    # BINs are numbered within a municipality: the other town's next one is not used here.
    elsewhere = [BuildingFactory(municipality=other_town.municipality) for _ in range(2)][-1]
    assert not town.municipality.buildings.filter(bin=elsewhere.bin).exists()
    well = _feature(SPLIT - 0.01, 22.94, point_type="tube_well", building_bin=house.bin)
    refused = _import(
        gis_client,
        [
            well,
            _feature(SPLIT - 0.011, 22.94, point_type="tube_well", building_bin=elsewhere.bin),
            _feature(SPLIT - 0.012, 22.94, point_type="tube_well", building_bin="B-NONE"),
        ],
        commit=True,
    )
    assert refused.status_code == 200, refused.content
    problems = {(p["row"], p["field"]) for p in refused.json()["problems"]}
    assert problems == {(2, "building_bin"), (3, "building_bin")}
    assert not WaterPoint.objects.exists()

    assert _import(gis_client, [well], commit=True).json()["created"] == 1
    linked = WaterPoint.objects.get()
    assert linked.building_id == house.pk
    # The export names the building by its BIN, and re-imports as nothing to do.
    assert _properties(gis_client, linked.pk)["building_bin"] == house.bin
    again = dict(well, properties={**well["properties"], "code": linked.code})
    assert _import(gis_client, [again], commit=False).json()["unchanged"] == 1
    # A blank BIN unlinks the well.
    unlinked = dict(again, properties={**again["properties"], "building_bin": ""})
    report = _import(gis_client, [unlinked], commit=True).json()
    assert report["updated"] == 1, report
    assert report["changes"][0]["fields"] == ["building_bin"]
    linked.refresh_from_db()
    assert linked.building_id is None
