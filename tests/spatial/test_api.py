import json
import re

import pytest
from django.urls import reverse

from spatial.models import Building

from ..conftest import client_for, if_match
from ..factories import SPLIT, BuildingFactory, RoadFactory, square

pytestmark = pytest.mark.django_db

BUILDINGS = reverse("spatial-api:building-list")


def read(response) -> dict:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(body)


def feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def polygon(lon=90.81, lat=22.93, d=0.0001) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
        ],
    }


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


# ------------------------------------------------------------------ reading
def test_list_is_an_rfc7946_feature_collection(gis_client, town):
    building = BuildingFactory(municipality=town.municipality, geom=square(90.8123456789, 22.93))
    response = gis_client.get(BUILDINGS)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = read(response)
    assert body["type"] == "FeatureCollection"
    assert "crs" not in body
    assert body["numberMatched"] == body["numberReturned"] == 1
    item = body["features"][0]
    assert item["id"] == building.pk
    assert item["properties"]["bin"] == building.bin
    assert item["properties"]["ward_number"] == 1
    lon, lat = item["geometry"]["coordinates"][0][0]
    assert (lon, lat) == (pytest.approx(90.8123457, abs=1e-9), pytest.approx(22.93, abs=1e-9))
    assert all(len(str(value).split(".")[-1]) <= 7 for value in (lon, lat))


def test_bbox_filter_keeps_only_intersecting_features(gis_client, town):
    inside = BuildingFactory(municipality=town.municipality, geom=square(90.81, 22.93))
    BuildingFactory(municipality=town.municipality, geom=square(90.85, 22.96))
    body = read(gis_client.get(BUILDINGS, {"bbox": "90.805,22.925,90.815,22.935"}))
    assert [f["id"] for f in body["features"]] == [inside.pk]


def test_ward_filter(gis_client, town):
    BuildingFactory(municipality=town.municipality, geom=square(SPLIT - 0.01, 22.93))
    east = BuildingFactory(municipality=town.municipality, geom=square(SPLIT + 0.01, 22.93))
    body = read(gis_client.get(BUILDINGS, {"ward": town.east.pk}))
    assert [f["id"] for f in body["features"]] == [east.pk]


def test_paging_with_next_links(gis_client, town):
    ids = [BuildingFactory(municipality=town.municipality).pk for _ in range(5)]
    first = read(gis_client.get(BUILDINGS, {"limit": 2}))
    assert first["numberMatched"] == 5
    assert first["numberReturned"] == 2
    next_link = next(link for link in first["links"] if link["rel"] == "next")
    assert next_link["type"] == "application/geo+json"
    second = read(gis_client.get(next_link["href"]))
    last = read(gis_client.get(BUILDINGS, {"limit": 2, "offset": 4}))
    seen = [f["id"] for page in (first, second, last) for f in page["features"]]
    assert seen == ids
    assert not any(link["rel"] == "next" for link in last["links"])


def test_list_query_count_does_not_grow_with_features(gis_client, town, django_assert_num_queries):
    for _ in range(3):
        BuildingFactory(municipality=town.municipality)
    # membership scope, count, features; the feature cursor runs in its own transaction,
    # which inside the test's transaction is a savepoint and its release.
    with django_assert_num_queries(5):
        small = read(gis_client.get(BUILDINGS))
    for _ in range(30):
        BuildingFactory(municipality=town.municipality)
    with django_assert_num_queries(5):
        large = read(gis_client.get(BUILDINGS))
    assert (small["numberReturned"], large["numberReturned"]) == (3, 33)


def test_wards_and_roads_lists(gis_client, town):
    RoadFactory(municipality=town.municipality)
    wards = read(gis_client.get(reverse("spatial-api:ward-list")))
    roads = read(gis_client.get(reverse("spatial-api:road-list"), {"ward": town.west.pk}))
    assert sorted(f["properties"]["number"] for f in wards["features"]) == [1, 2]
    assert wards["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert roads["numberReturned"] == 1
    assert roads["features"][0]["properties"]["length_m"] > 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        # (West above east is a box across the antimeridian, as in the OGC API: valid.)
        ({"bbox": "90.8,23.0,90.9,22.9"}, "bbox"),
        ({"bbox": "nan,22.9,90.9,23.0"}, "bbox"),
        ({"bbox": "90.8,22.9,inf,23.0"}, "bbox"),
        ({"bbox": "90.8,22.9,90.9"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "90.8,-95,90.9,23"}, "bbox"),
        ({"ward": "abc"}, "ward"),
        ({"ward": "999999"}, "ward"),
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"municipality": "nowhere"}, "municipality"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_query_parameters_get_400_naming_the_field(gis_client, town, params, field):
    response = gis_client.get(BUILDINGS, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_ward_of_another_municipality_is_unknown(gis_client, town, other_town):
    response = gis_client.get(BUILDINGS, {"ward": other_town.west.pk})
    assert response.status_code == 400
    assert "Unknown ward" in response.json()["errors"]["ward"][0]


def test_list_is_scoped_to_the_users_municipalities(gis_client, town, other_town):
    mine = BuildingFactory(municipality=town.municipality)
    BuildingFactory(municipality=other_town.municipality, geom=square(91.01, 22.93))
    body = read(gis_client.get(BUILDINGS))
    assert [f["id"] for f in body["features"]] == [mine.pk]


def test_detail_of_another_municipality_is_404(gis_client, other_town):
    theirs = BuildingFactory(municipality=other_town.municipality, geom=square(91.01, 22.93))
    url = reverse("spatial-api:building-detail", args=[theirs.pk])
    assert gis_client.get(url).status_code == 404
    assert gis_client.delete(url).status_code == 404
    assert Building.objects.filter(pk=theirs.pk).exists()


def test_anonymous_gets_nothing(client, town):
    BuildingFactory(municipality=town.municipality)
    assert client.get(BUILDINGS).status_code in (401, 403)


# ------------------------------------------------------------------ writing
def test_gis_officer_creates_a_building(gis_client, town):
    response = post(
        gis_client,
        BUILDINGS,
        feature(polygon(), holding_number="01-0042", floor_count=3, functional_use="residential"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "Feature"
    assert re.fullmatch(r"B\d{6}", body["properties"]["bin"])
    assert body["properties"]["ward"] == town.west.pk
    assert body["properties"]["municipality"] == town.municipality.code
    assert body["properties"]["footprint_area_m2"] > 100


def test_patch_updates_attributes_and_geometry(gis_client, town):
    building = BuildingFactory(municipality=town.municipality)
    url = reverse("spatial-api:building-detail", args=[building.pk])
    response = gis_client.patch(
        url,
        json.dumps(
            {"type": "Feature", "geometry": polygon(SPLIT + 0.01), "properties": {"floor_count": 5}}
        ),
        content_type="application/json",
        **if_match(gis_client, url),
    )
    assert response.status_code == 200, response.content
    building.refresh_from_db()
    assert building.floor_count == 5
    assert building.ward == town.east


def test_delete(gis_client, town):
    building = BuildingFactory(municipality=town.municipality)
    url = reverse("spatial-api:building-detail", args=[building.pk])
    response = gis_client.delete(url, **if_match(gis_client, url))
    assert response.status_code == 204
    assert not Building.objects.filter(pk=building.pk).exists()


def test_executive_may_read_but_not_write(executive, town):
    client = client_for(executive)
    building = BuildingFactory(municipality=town.municipality)
    assert client.get(reverse("spatial-api:building-detail", args=[building.pk])).status_code == 200
    assert post(client, BUILDINGS, feature(polygon())).status_code == 403
    response = client.delete(reverse("spatial-api:building-detail", args=[building.pk]))
    assert response.status_code == 403
    assert Building.objects.count() == 1


BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[90.81, 22.93], [90.82, 22.94], [90.82, 22.93], [90.81, 22.94], [90.81, 22.93]]
    ],
}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (feature(BOWTIE), "geometry", "Self-intersection"),
        (feature({"type": "Point", "coordinates": [90.81, 22.93]}), "geometry", "type Polygon"),
        (
            feature(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[90.81, 22.93, 1], [90.82, 22.93, 1], [90.82, 22.94, 1], [90.81, 22.93, 1]]
                    ],
                }
            ),
            "geometry",
            "3D",
        ),
        (
            feature(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[22.93, 90.81], [22.93, 90.82], [22.94, 90.82], [22.93, 90.81]]
                    ],
                }
            ),
            "geometry",
            "swapped",
        ),
        (feature(polygon(91.5, 22.93)), "geometry", "outside"),
        (
            feature(
                {
                    "type": "Polygon",
                    "coordinates": [[["x", 22.93], [90.82, 22.93], [90.82, 22.94], ["x", 22.93]]],
                }
            ),
            "geometry",
            "numbers",
        ),
        (feature(polygon(), floor_count="many"), "floor_count", "integer"),
        (feature(polygon(), floor_count=-2), "floor_count", "greater than"),
        (feature(polygon(), functional_use="castle"), "functional_use", "valid choice"),
        (feature(polygon(), bin="B999999"), "bin", "Unknown"),
        (feature(polygon(), ward=1), "ward", "Unknown"),
        (feature(polygon(), municipality="nowhere"), "municipality", "does not exist"),
        ({"type": "Feature", "properties": {}}, "geometry", "required"),
        ({"type": "FeatureCollection", "features": []}, "type", "one GeoJSON Feature"),
        ([1, 2, 3], "non_field_errors", "Invalid data"),
    ],
)
def test_bad_writes_get_400_naming_the_field_and_write_nothing(
    gis_client, town, body, field, words
):
    response = post(gis_client, BUILDINGS, body)
    assert response.status_code == 400, response.content
    payload = response.json()
    assert field in payload["errors"], payload
    assert words in json.dumps(payload["errors"][field]), payload
    assert payload["detail"]
    assert not Building.objects.exists()


def test_malformed_json_is_a_400(gis_client, town):
    response = gis_client.post(BUILDINGS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_nan_in_json_is_refused(gis_client, town):
    body = json.dumps(feature(polygon())).replace("[90.81, ", "[NaN, ", 1)
    assert "NaN" in body
    response = gis_client.post(BUILDINGS, body, content_type="application/json")
    assert response.status_code == 400
    assert not Building.objects.exists()


def test_huge_payload_is_refused_with_413(gis_client, town, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = feature(polygon(), use_subcategory="x" * 20_000)
    response = post(gis_client, BUILDINGS, body)
    assert response.status_code == 413
    assert not Building.objects.exists()


def test_municipality_cannot_be_changed_by_update(gis_client, town, other_town):
    building = BuildingFactory(municipality=town.municipality)
    url = reverse("spatial-api:building-detail", args=[building.pk])
    response = gis_client.patch(
        url,
        json.dumps(
            {"type": "Feature", "properties": {"municipality": other_town.municipality.code}}
        ),
        content_type="application/json",
        **if_match(gis_client, url),
    )
    assert response.status_code == 400
    building.refresh_from_db()
    assert building.municipality == town.municipality


def test_ward_create_with_overlap_is_refused(gis_client, town):
    west, south, east, north = town.municipality.boundary.extent
    body = feature(
        {
            "type": "Polygon",
            "coordinates": [
                [[west, south], [east, south], [east, north], [west, north], [west, south]]
            ],
        },
        number=3,
    )
    response = post(gis_client, reverse("spatial-api:ward-list"), body)
    assert response.status_code == 400
    assert "overlaps" in response.json()["errors"]["geometry"][0]


def test_road_create(gis_client, town):
    body = feature(
        {"type": "LineString", "coordinates": [[90.81, 22.93], [90.82, 22.93]]},
        hierarchy="feeder",
        surface="brick_paved",
        right_of_way_m="8",
        carriageway_width_m="4",
    )
    response = post(gis_client, reverse("spatial-api:road-list"), body)
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["length_m"] == pytest.approx(1025, rel=0.01)


def test_openapi_schema_describes_the_layers(gis_client):
    response = gis_client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in ("/api/v1/buildings/", "/api/v1/wards/{id}/", "/api/v1/roads/"):
        assert path in paths
    parameters = {p["name"] for p in paths["/api/v1/buildings/"]["get"]["parameters"]}
    assert {"bbox", "ward", "limit", "offset"} <= parameters


def test_token_authentication_for_field_apps(gis_officer, town, client):
    BuildingFactory(municipality=town.municipality)
    response = client.post(
        reverse("api-token"), {"username": gis_officer.username, "password": "pw"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    listed = client.get(BUILDINGS, HTTP_AUTHORIZATION=f"Token {token}")
    assert listed.status_code == 200
    assert read(listed)["numberReturned"] == 1


def test_low_income_communities_are_listed_read_only(gis_client, town):
    from spatial.models import LowIncomeCommunity

    from ..factories import box

    LowIncomeCommunity.objects.create(
        municipality=town.municipality,
        name="Bagbari Bosti",
        household_count=40,
        geom=box(90.81, 22.93, 90.812, 22.932),
    )
    url = reverse("spatial-api:low-income-community-list")
    body = read(gis_client.get(url, {"ward": town.west.pk}))
    assert [f["properties"]["name"] for f in body["features"]] == ["Bagbari Bosti"]
    assert body["features"][0]["properties"]["area_m2"] > 40_000
    assert post(gis_client, url, feature(polygon())).status_code == 405


def test_api_docs_are_public_and_served_from_own_static_files(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn." not in page
    assert client.get(reverse("api-schema")).status_code == 200


def test_patch_without_geometry_changes_attributes_only(gis_client, town):
    building = BuildingFactory(municipality=town.municipality)
    before = building.geom.wkt
    url = reverse("spatial-api:building-detail", args=[building.pk])
    response = gis_client.patch(
        url,
        json.dumps({"type": "Feature", "properties": {"floor_count": 4}}),
        content_type="application/json",
        **if_match(gis_client, url),
    )
    assert response.status_code == 200, response.content
    building.refresh_from_db()
    assert (building.floor_count, building.geom.wkt) == (4, before)


# ------------------------------------------------------------------ lost updates
def test_reads_carry_an_etag_and_writes_must_send_it(gis_client, town):
    building = BuildingFactory(municipality=town.municipality, floor_count=2)
    url = reverse("spatial-api:building-detail", args=[building.pk])
    first = gis_client.get(url)["ETag"]
    assert first == gis_client.get(url)["ETag"]  # stable while nothing changes

    body = json.dumps({"type": "Feature", "properties": {"floor_count": 3}})
    missing = gis_client.patch(url, body, content_type="application/json")
    assert missing.status_code == 428
    assert "If-Match" in missing.json()["detail"]

    saved = gis_client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=first)
    assert saved.status_code == 200
    assert saved["ETag"] != first

    # A second editor still holding the first read loses, and is told why.
    stale_body = json.dumps({"type": "Feature", "properties": {"floor_count": 9}})
    stale = gis_client.patch(url, stale_body, content_type="application/json", HTTP_IF_MATCH=first)
    assert stale.status_code == 412
    assert "changed by someone else" in stale.json()["detail"]
    assert gis_client.delete(url, HTTP_IF_MATCH=first).status_code == 412
    building.refresh_from_db()
    assert building.floor_count == 3


@pytest.mark.django_db(transaction=True)
def test_two_editors_at_once_exactly_one_wins(town, gis_officer):
    """Two threads send the same ETag at the same moment: the row lock makes one of them
    see the other's change, so one gets 200 and the other 412."""
    import threading

    building = BuildingFactory(municipality=town.municipality, floor_count=2)
    url = reverse("spatial-api:building-detail", args=[building.pk])
    tag = client_for(gis_officer).get(url)["ETag"]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def edit(floors: int) -> None:
        from django.db import connection

        client = client_for(gis_officer)
        body = json.dumps({"type": "Feature", "properties": {"floor_count": floors}})
        barrier.wait()
        response = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=tag)
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=edit, args=(n,)) for n in (4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412]
    building.refresh_from_db()
    assert building.floor_count in (4, 5)


def test_history_of_a_building_records_every_write_path(gis_client, gis_officer, town):
    """The API edit (with its author), a bulk SQL update and an import all appear in the
    building's history; a delete is recorded too."""
    from spatial.models import Building

    building = BuildingFactory(municipality=town.municipality, floor_count=2)
    url = reverse("spatial-api:building-detail", args=[building.pk])
    body = json.dumps({"type": "Feature", "properties": {"floor_count": 3}})
    gis_client.patch(url, body, content_type="application/json", **if_match(gis_client, url))
    Building.objects.filter(pk=building.pk).update(household_count=4)  # bypasses the API
    history = gis_client.get(url).json()["properties"]["history"]
    assert [event["event"] for event in history] == ["update", "update", "insert"]
    assert history[0]["changes"]["household_count"] == [1, 4]
    assert history[1]["changes"]["floor_count"] == [2, 3]
    assert history[1]["user"] == gis_officer.username
    gis_client.delete(url, **if_match(gis_client, url))
    events = Building.pgh_event_models["delete"].objects.filter(pgh_obj_id=building.pk)
    deletes = events.filter(pgh_label="delete")
    assert deletes.count() == 1


def test_a_referenced_building_is_retired_not_deleted(gis_client, town):
    """Deleting a building that a containment serves keeps it (with its history and links)
    but takes it out of every list, layer and export; an unreferenced one is deleted."""
    from containment.models import ContainmentBuilding
    from core.history import record_history
    from spatial.models import Building

    from ..factories import ContainmentFactory

    served = BuildingFactory(municipality=town.municipality, geom=square(90.81, 22.93))
    lonely = BuildingFactory(municipality=town.municipality, geom=square(90.812, 22.93))
    ContainmentFactory(municipality=town.municipality, buildings=[served])
    for building in (served, lonely):
        url = reverse("spatial-api:building-detail", args=[building.pk])
        assert gis_client.delete(url, **if_match(gis_client, url)).status_code == 204

    assert not Building.all_objects.filter(pk=lonely.pk).exists()
    kept = Building.all_objects.get(pk=served.pk)
    assert kept.retired_at is not None
    assert ContainmentBuilding.objects.filter(building_id=served.pk).exists()
    assert record_history(kept)[0]["changes"]["retired_at"][0] is None

    assert not Building.objects.filter(pk=served.pk).exists()
    assert (
        gis_client.get(reverse("spatial-api:building-detail", args=[served.pk])).status_code == 404
    )
    listed = json.loads(
        b"".join(gis_client.get(reverse("spatial-api:building-list")).streaming_content)
    )
    assert listed["numberMatched"] == 0
    ogc = json.loads(b"".join(gis_client.get("/ogc/collections/buildings/items").streaming_content))
    assert ogc["numberMatched"] == 0
    wards = json.loads(b"".join(gis_client.get(reverse("spatial-api:ward-list")).streaming_content))
    assert sum(f["properties"]["building_count"] for f in wards["features"]) == 0
    csv_lines = (
        b"".join(gis_client.get("/api/v1/exports/buildings/", {"export": "csv"}).streaming_content)
        .decode("utf-8-sig")
        .strip()
        .splitlines()
    )
    assert len(csv_lines) == 1  # the header only


def test_a_buildings_page_lists_its_households_and_the_toilets_they_use(gis_client, town):
    from tests.factories import ContainmentFactory, HouseholdFactory

    building = BuildingFactory(municipality=town.municipality, household_count=2)
    toilet = ContainmentFactory(municipality=town.municipality, buildings=[building])
    HouseholdFactory(building=building, number=2, members_go="open", people_male=3)
    HouseholdFactory(
        building=building, number=1, facility=toilet, toilet_shared=True, sharing_households=2
    )
    url = reverse("spatial-api:building-detail", args=[building.pk])
    households = gis_client.get(url).json()["properties"]["households"]
    assert [(h["number"], h["toilet"], h["members_go"]) for h in households] == [
        (1, toilet.code, ""),
        (2, None, "open"),
    ]
    assert (households[0]["toilet_shared"], households[0]["sharing_households"]) == (True, 2)


def test_a_write_that_changes_only_the_update_time_records_no_history(town):
    """A save() of an unchanged record (only updated_at moves) is not a change anyone made;
    a change of any other column, and a geometry moved by a millimetre, are."""
    from django.contrib.gis.db.models.functions import Translate
    from django.db.models.functions import Now

    from containment.models import Containment
    from spatial.models import Building

    from ..factories import ContainmentFactory

    building = BuildingFactory(municipality=town.municipality, floor_count=2)
    containment = ContainmentFactory(municipality=town.municipality, buildings=[building])
    events = Building.pgh_event_models["update"].objects.filter(pgh_obj_id=building.pk)
    building.save()
    Building.objects.filter(pk=building.pk).update(updated_at=Now())
    Containment.objects.filter(pk=containment.pk).update(updated_at=Now())
    assert not events.filter(pgh_label="update").exists()
    assert (
        not Containment.pgh_event_models["update"]
        .objects.filter(pgh_obj_id=containment.pk, pgh_label="update")
        .exists()
    )

    Building.objects.filter(pk=building.pk).update(floor_count=3, updated_at=Now())
    assert events.filter(pgh_label="update").count() == 1
    Building.objects.filter(pk=building.pk).update(geom=Translate("geom", 1e-8, 0))
    assert events.filter(pgh_label="update").count() == 2


def test_a_building_retires_with_a_reason_and_the_admin_restores_it(gis_client, town, client):
    """Buildings retire as every register with soft delete does (Retirable): DELETE takes
    ?reason=, kept with the record and in its history; the admin lists retired buildings
    and its restore action brings one back on every surface."""
    from django.contrib.auth import get_user_model

    from containment.models import ContainmentBuilding
    from core.history import record_history
    from spatial.models import Building

    from ..factories import ContainmentFactory

    served = BuildingFactory(municipality=town.municipality, geom=square(90.81, 22.93))
    ContainmentFactory(municipality=town.municipality, buildings=[served])
    url = reverse("spatial-api:building-detail", args=[served.pk])
    too_long = gis_client.delete(f"{url}?reason={'x' * 201}", **if_match(gis_client, url))
    assert too_long.status_code == 400
    assert Building.objects.filter(pk=served.pk).exists()
    reason = "demolished for the road widening"
    answer = gis_client.delete(f"{url}?reason={reason}", **if_match(gis_client, url))
    assert answer.status_code == 204
    kept = Building.all_objects.get(pk=served.pk)
    assert (kept.retired_reason, kept.retired_at is not None) == (reason, True)
    assert record_history(kept)[0]["changes"]["retired_reason"] == ["", reason]
    assert ContainmentBuilding.objects.filter(building_id=served.pk).exists()

    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    changelist = reverse("admin:spatial_building_changelist")
    listed = client.get(changelist, {"retired_at__isempty": "0"}).content.decode()
    assert kept.bin in listed
    client.post(changelist, {"action": "restore", "_selected_action": [served.pk]})
    kept.refresh_from_db()
    assert (kept.retired_at, kept.retired_reason) == (None, "")
    assert gis_client.get(url).status_code == 200
