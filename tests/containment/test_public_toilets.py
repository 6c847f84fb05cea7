"""Public and community toilets (issue 28, item 5), declared once
(containment/toilet_layers.py): the block's facilities and condition, its status derived
from the containment its waste goes to, the households that depend on it, the JMP's
"limited" rung for them, every surface of a register, and CWIS SF-3 and SF-4."""

from __future__ import annotations

import json

import pytest
from django.contrib.gis.geos import MultiPolygon, Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from containment.models import PublicToilet
from dashboards import reports, selectors
from tests.conftest import client_for, gpkg_round_trip, if_match
from tests.factories import (
    SPLIT,
    BuildingFactory,
    ContainmentFactory,
    HouseholdFactory,
    PublicToiletFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/public-toilets/"
IMPORT = "/api/v1/imports/public-toilets/"


def _feature(lon: float = SPLIT + 0.01, lat: float = 22.94, **properties) -> dict:
    properties.setdefault("toilet_kind", "public")
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def _collection(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def _contained(town, **attributes):
    """A septic tank to a soak pit with a flush toilet: improved and contained."""
    return ContainmentFactory(
        municipality=town.municipality, geom=Point(SPLIT + 0.0101, 22.94, srid=4326), **attributes
    )


@pytest.mark.parametrize(
    ("containment", "condition", "status"),
    [
        ({}, "good", "safe"),
        ({}, "not_functional", "not_functional"),
        ({"outlet": "open_drain"}, "fair", "unsafe"),
        ({"containment_type": "pit", "toilet_type": "pit_without_slab"}, "good", "unsafe"),
        (None, "good", "unknown"),
    ],
)
def test_a_toilet_blocks_status_follows_its_containment(
    gis_client, town, containment, condition, status
):
    linked = None if containment is None else _contained(town, **containment)
    response = gis_client.post(
        LIST,
        _feature(
            name="Bus stand toilet",
            operator="Paurashava",
            opens_at="06:00",
            closes_at="22:00",
            separate_for_women=True,
            accessible=False,
            fee_bdt="5",
            seats=8,
            condition=condition,
            containment=None if linked is None else linked.pk,
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    properties = response.json()["properties"]
    assert properties["code"].startswith("PT")
    assert (properties["ward"], properties["opens_at"], properties["seats"]) == (
        town.east.pk,
        "06:00",
        8,
    )
    assert properties["status"] == status
    if linked is not None:
        assert properties["containment_code"] == linked.code


def test_bad_input_is_a_clear_400_and_writes_nothing(gis_client, town, other_town):
    elsewhere = ContainmentFactory(
        municipality=other_town.municipality, geom=Point(SPLIT + 0.21, 22.94, srid=4326)
    )
    for feature in (
        _feature(toilet_kind="palace"),
        _feature(toilet_kind=""),
        _feature(opens_at="06:00"),  # hours need both ends
        _feature(opens_at="25:00", closes_at="22:00"),
        _feature(fee_bdt="-2"),
        _feature(seats=0),
        _feature(condition="sparkling"),
        _feature(containment=elsewhere.pk),
        _feature(smell="bad"),
        _feature(95.0, 10.0),
    ):
        response = gis_client.post(LIST, feature, format="json")
        assert response.status_code == 400, (feature, response.content)
    assert not PublicToilet.objects.exists()


def test_edit_needs_if_match_and_delete_retires(gis_client, town):
    toilet = PublicToiletFactory(municipality=town.municipality)
    url = f"{LIST}{toilet.pk}/"
    assert gis_client.patch(url, {"properties": {"seats": 4}}, format="json").status_code == 428
    changed = gis_client.patch(
        url,
        {"type": "Feature", "properties": {"condition": "not_functional"}},
        format="json",
        **if_match(gis_client, url),
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["properties"]["status"] == "not_functional"
    assert gis_client.delete(url, **if_match(gis_client, url)).status_code == 204
    assert gis_client.get(url).status_code == 404
    assert PublicToilet.all_objects.get(pk=toilet.pk).retired_at is not None


def test_list_and_detail_agree_and_others_see_nothing(gis_client, client, town, outsider):
    toilet = PublicToiletFactory(municipality=town.municipality)
    listed = _collection(gis_client.get(LIST))["features"]
    assert [f["id"] for f in listed] == [toilet.pk]
    detail = gis_client.get(f"{LIST}{toilet.pk}/").json()
    detail["properties"].pop("history")
    assert detail == listed[0]
    assert client.get(LIST).status_code in (401, 403)
    stranger = client_for(outsider)
    assert _collection(stranger.get(LIST))["numberMatched"] == 0
    assert stranger.get(f"{LIST}{toilet.pk}/").status_code == 404
    assert stranger.post(LIST, _feature(), format="json").status_code == 403


def test_ogc_tiles_and_map_offer_the_register(gis_client, gis_officer, town):
    toilet = PublicToiletFactory(municipality=town.municipality, containment=_contained(town))
    item = gis_client.get(f"/ogc/collections/public-toilets/items/{toilet.pk}?f=json")
    assert item.status_code == 200
    body = b"".join(item.streaming_content) if item.streaming else item.content
    assert json.loads(body)["properties"]["status"] == "safe"
    browser = Client()
    browser.force_login(gis_officer)
    assert browser.get("/tiles/public-toilets.json").json()["minzoom"] == 12
    page = browser.get(reverse("spatial:map"))
    assert "public-toilets" in [layer["name"] for layer in page.context["map_config"]["layers"]]


def test_households_that_go_there_depend_on_it_and_stand_on_the_limited_rung(town):
    """A household without a toilet of its own whose members go to a community toilet is
    on the "limited" rung when that toilet is improved, "unimproved" when it is not, and
    unknown while its record names none; its excreta's fate is the toilet's containment's."""
    improved = PublicToiletFactory(municipality=town.municipality, containment=_contained(town))
    hanging = PublicToiletFactory(
        municipality=town.municipality,
        containment=_contained(town, containment_type="none", toilet_type="hanging", outlet=""),
    )
    building = BuildingFactory(municipality=town.municipality, household_count=3)
    for toilet in (improved, hanging, None):
        HouseholdFactory(building=building, members_go="public_toilet", public_toilet=toilet)
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdFactory(building=building, members_go="open", public_toilet=improved)
    total = selectors.total_figures(
        selectors.ward_figures_computed(municipality=town.municipality, year=2026)
    )
    assert (total["households_limited"], total["people_limited"]) == (1, 4)
    assert total["households_unimproved"] == 1
    assert PublicToilet.objects.get(pk=improved.pk).households.count() == 1


def test_sf3_and_sf4_count_the_safe_blocks_and_the_people_who_depend_on_them(town):
    safe = PublicToiletFactory(
        municipality=town.municipality, toilet_kind="public", containment=_contained(town)
    )
    PublicToiletFactory(municipality=town.municipality, toilet_kind="public")  # unknown
    PublicToiletFactory(
        municipality=town.municipality,
        toilet_kind="public",
        condition="not_functional",
        containment=_contained(town),
    )
    community = PublicToiletFactory(
        municipality=town.municipality,
        toilet_kind="community",
        containment=_contained(town, outlet="open_drain"),
    )
    building = BuildingFactory(municipality=town.municipality, household_count=3)
    HouseholdFactory(building=building, members_go="public_toilet", public_toilet=safe)
    HouseholdFactory(building=building, members_go="public_toilet", public_toilet=community)
    HouseholdFactory(building=building, members_go="public_toilet", people_female=4)
    report = reports.indicator_report(municipality=town.municipality, year=2026)
    cwis = {item["code"]: item for item in report["cwis"]}
    assert (cwis["SF-4"]["numerator"], cwis["SF-4"]["denominator"]) == (1, 3)
    assert (cwis["SF-3"]["numerator"], cwis["SF-3"]["denominator"]) == (4, 14)
    assert cwis["SF-3"]["value"] == round(4 / 14, 4)
    assert "functional" in cwis["SF-3"]["rule"]
    assert "functional" in cwis["SF-4"]["rule"]


def test_the_import_names_the_containment_by_its_code(gis_client, town):
    tank = _contained(town)
    refused = gis_client.post(
        IMPORT,
        {
            "file": SimpleUploadedFile(
                "t.geojson",
                json.dumps(
                    {
                        "type": "FeatureCollection",
                        "features": [
                            _feature(
                                containment_code=tank.code, opens_at="07:00", closes_at="21:00"
                            ),
                            _feature(containment_code="C-NONE"),
                            _feature(seats=0),
                            _feature(opens_at="7 o'clock"),
                        ],
                    }
                ).encode(),
            ),
            "commit": "true",
        },
        format="multipart",
    ).json()
    problems = {(p["row"], p["field"]) for p in refused["problems"]}
    assert problems == {(2, "containment_code"), (3, "seats"), (4, "opens_at")}
    assert not PublicToilet.objects.exists()


# ogr2ogr reads PostGIS over its own connection: the toilets must be committed.
@pytest.mark.django_db(transaction=True)
def test_export_reads_back_in_gdal_and_reimports_unchanged(gis_client, town, tmp_path):
    tank = _contained(town)
    PublicToiletFactory(
        municipality=town.municipality,
        containment=tank,
        opens_at="06:30",
        closes_at="21:00",
        fee_bdt=5,
        separate_for_women=True,
    )
    PublicToiletFactory(municipality=town.municipality, geom=Point(SPLIT + 0.01, 22.95, srid=4326))
    frame, report = gpkg_round_trip(gis_client, "public-toilets", tmp_path)
    assert sorted(frame["status"]) == ["safe", "unknown"]
    assert sorted(frame["containment_code"].fillna("")) == ["", tank.code]
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2), report


def test_a_household_is_taken_to_use_its_communitys_block_else_the_nearest_in_reach(town):
    from containment.toilet_figures import PUBLIC_TOILET_REACH_M, public_toilet_for
    from spatial.models import LowIncomeCommunity
    from tests.factories import square

    building = BuildingFactory(municipality=town.municipality, geom=square(SPLIT + 0.01, 22.94))
    centre = building.geom.centroid
    beyond = PUBLIC_TOILET_REACH_M / 100_000 * 1.2  # degrees, beyond reach

    def block(offset: float, **attributes):
        place = Point(centre.x + offset, centre.y, srid=4326)
        return PublicToiletFactory(municipality=town.municipality, geom=place, **attributes)

    block(beyond)
    assert public_toilet_for(building=building) is None
    near = block(0.001)
    assert public_toilet_for(building=building) == near
    retired = block(0.0005)
    retired.retired_at = retired.created_at
    retired.save()
    assert public_toilet_for(building=building) == near
    lic = LowIncomeCommunity.objects.create(
        municipality=town.municipality, name="Char Bosti", geom=MultiPolygon(building.geom)
    )
    building.low_income_community = lic
    building.save()
    own = block(0.004, low_income_community=lic)
    assert public_toilet_for(building=building) == own


def test_a_days_users_are_counted_corrected_not_doubled_and_shown_on_the_block(
    gis_client, town, outsider
):
    import datetime as dt

    from django.utils import timezone

    toilet = PublicToiletFactory(municipality=town.municipality)
    url = f"{LIST}{toilet.pk}/counts/"
    today = timezone.localdate()
    first = gis_client.post(
        url, {"counted_on": today.isoformat(), "women": 30, "men": 50, "rating": "3.5"}, "json"
    )
    assert first.status_code == 201, first.content
    again = gis_client.post(url, {"counted_on": today.isoformat(), "women": 40, "men": 60}, "json")
    assert again.status_code == 200, again.content
    earlier = (today - dt.timedelta(days=10)).isoformat()
    assert (
        gis_client.post(url, {"counted_on": earlier, "women": 20, "men": 80}, "json").status_code
        == 201
    )
    listed = gis_client.get(url).json()["results"]
    assert [(c["counted_on"], c["women"], c["men"]) for c in listed] == [
        (today.isoformat(), 40, 60),
        (earlier, 20, 80),
    ]
    properties = gis_client.get(f"{LIST}{toilet.pk}/").json()["properties"]
    assert (properties["users_per_day"], properties["women_share"]) == (100, 0.3)
    for bad in (
        {"counted_on": (today + dt.timedelta(days=1)).isoformat(), "women": 1, "men": 1},
        {"counted_on": earlier, "women": -1, "men": 1},
        {"counted_on": earlier, "women": 1, "men": 1, "rating": 6},
        {"counted_on": earlier, "women": 1, "men": 1, "mood": "happy"},
    ):
        assert gis_client.post(url, bad, "json").status_code == 400, bad
    assert client_for(outsider).get(url).status_code == 404
