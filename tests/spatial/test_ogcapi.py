"""OGC API - Features: documents, items, CRS (Part 2), errors, access; and real clients
(GDAL's OAPIF driver through ogrinfo) against a live server."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from containment import services as containment_services

from ..factories import BuildingFactory, ContainmentFactory, UserFactory, square
from ..surveys.test_submissions import survey  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
EPSG3106 = "http://www.opengis.net/def/crs/EPSG/0/3106"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"


def read(response) -> dict:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(body)


def test_landing_conformance_and_openapi(client):
    landing = client.get("/ogc/").json()
    rels = {link["rel"]: link for link in landing["links"]}
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert rels["data"]["href"].endswith("/ogc/collections")
    conformance = client.get("/ogc/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conformance
    openapi = client.get("/ogc/api")
    assert openapi["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert "/collections/{collectionId}/items" in openapi.json()["paths"]


def test_qgis_finds_the_page_size_where_it_looks(client, settings):
    """QGIS's OAPIF provider sizes its pages from components/parameters/limit of the API
    definition, min(max(1000, default), maximum), and asks for 100 a page when it finds
    nothing there (issue 27: 1,500 requests for 150,000 buildings)."""
    document = client.get("/ogc/api").json()
    schema = document["components"]["parameters"]["limit"]["schema"]
    assert schema["default"] == settings.IMIS["DEFAULT_PAGE_SIZE"]
    assert schema["maximum"] == settings.IMIS["MAX_PAGE_SIZE"]
    qgis_page = min(max(1000, schema["default"]), schema["maximum"])
    assert qgis_page >= 1000
    items = document["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/limit"} in items
    for parameter in items:  # every reference resolves
        if "$ref" in parameter:
            name = parameter["$ref"].removeprefix("#/components/parameters/")
            assert name in document["components"]["parameters"]


def test_anonymous_sees_public_collections_only(client, town):
    ids = [c["id"] for c in client.get("/ogc/collections").json()["collections"]]
    assert ids == ["wards"]
    assert client.get("/ogc/collections/buildings/items").status_code == 401
    wards = read(client.get("/ogc/collections/wards/items"))
    assert wards["numberMatched"] == 2


def test_members_see_their_municipality(gis_client, town, other_town):
    BuildingFactory(municipality=town.municipality)
    BuildingFactory(municipality=other_town.municipality, geom=square(91.01, 22.93))
    collections = gis_client.get("/ogc/collections").json()["collections"]
    assert {c["id"] for c in collections} >= {"buildings", "roads", "containments"}
    buildings = next(c for c in collections if c["id"] == "buildings")
    assert EPSG3106 in buildings["crs"]
    body = read(gis_client.get("/ogc/collections/buildings/items"))
    assert body["numberMatched"] == 1


def test_paging_links_are_geojson(gis_client, town):
    buildings = [BuildingFactory(municipality=town.municipality) for _ in range(5)]
    body = read(gis_client.get("/ogc/collections/buildings/items", {"limit": 2}))
    assert (body["numberMatched"], body["numberReturned"]) == (5, 2)
    following = next(link for link in body["links"] if link["rel"] == "next")
    assert following["type"] == "application/geo+json"
    # Buildings page by id: the next page starts after the last one sent.
    assert f"after={buildings[1].pk}" in following["href"]


def test_crs_and_bbox_crs(gis_client, town):
    building = BuildingFactory(municipality=town.municipality, geom=square(90.81, 22.93))
    lon, lat = building.geom.coords[0][0]
    metric = gis_client.get("/ogc/collections/buildings/items", {"crs": EPSG3106})
    assert metric["Content-Crs"] == f"<{EPSG3106}>"
    x, y = read(metric)["features"][0]["geometry"]["coordinates"][0][0]
    # EPSG:3106 as registered: false easting 500 km at 90 E, false northing 0.
    assert 580_000 < x < 590_000
    assert 2_530_000 < y < 2_545_000
    latlon = read(gis_client.get("/ogc/collections/buildings/items", {"crs": EPSG4326}))
    assert latlon["features"][0]["geometry"]["coordinates"][0][0] == pytest.approx([lat, lon])
    box = f"{x - 50},{y - 50},{x + 50},{y + 50}"
    found = read(
        gis_client.get("/ogc/collections/buildings/items", {"bbox": box, "bbox-crs": EPSG3106})
    )
    assert found["numberMatched"] == 1
    elsewhere = f"{x + 5000},{y},{x + 5100},{y + 100}"
    assert (
        read(
            gis_client.get(
                "/ogc/collections/buildings/items", {"bbox": elsewhere, "bbox-crs": EPSG3106}
            )
        )["numberMatched"]
        == 0
    )


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"bbox": "nan,1,2,3"}, 400),
        ({"bbox": "1,2,3"}, 400),
        ({"bbox": "1,4,3,2"}, 400),  # south above north
        ({"bbox": "3,2,1,4"}, 200),  # west beyond east: across the antimeridian
        ({"bbox": "-200,0,10,10"}, 400),
        ({"crs": "EPSG:32646"}, 400),
        ({"limit": "0"}, 400),
        ({"limit": "abc"}, 400),
        ({"colour": "red"}, 400),
        ({"bbox": "-180,-90,180,90"}, 200),  # the whole earth is a valid (if broad) question
    ],
)
def test_bad_parameters_get_ogc_errors(client, town, params, status):
    response = client.get("/ogc/collections/wards/items", params)
    assert response.status_code == status
    if status == 400:
        assert response.json()["code"] == "InvalidParameterValue"
        assert "ErrorDetail" not in response.json()["description"]


def test_unknown_collection_and_feature(client, gis_client, town):
    assert client.get("/ogc/collections/nothing").status_code == 404
    assert gis_client.get("/ogc/collections/buildings/items/999999").status_code == 404
    building = BuildingFactory(municipality=town.municipality)
    item = read(gis_client.get(f"/ogc/collections/buildings/items/{building.pk}"))
    assert item["properties"]["bin"] == building.bin


def test_containment_collection_filters_by_status(gis_client, town):
    building = BuildingFactory(municipality=town.municipality)
    ContainmentFactory(municipality=town.municipality, buildings=[building], outlet="open_drain")
    containment_services.rule_set_ensure(municipality=town.municipality)
    body = read(gis_client.get("/ogc/collections/containments/items", {"status": "non_compliant"}))
    assert body["numberMatched"] == 1
    assert body["features"][0]["properties"]["sfd_class"] == "not_contained"


@pytest.mark.django_db(transaction=True)
def test_gdal_oapif_driver_reads_the_collections(live_server, town):
    user = UserFactory()
    from core.roles import MembershipRole

    from ..factories import MembershipFactory

    MembershipFactory(user=user, municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    for _k in range(7):
        BuildingFactory(municipality=town.municipality)
    env = {
        **os.environ,
        "GDAL_HTTP_AUTH": "BASIC",
        "GDAL_HTTP_USERPWD": f"{user.username}:pw",
        "CPL_DEBUG": "OFF",
    }
    listing = subprocess.run(
        ["ogrinfo", "-ro", "-so", f"OAPIF:{live_server.url}/ogc"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    ).stdout
    assert "buildings" in listing
    assert "containments" in listing
    summary = subprocess.run(
        ["ogrinfo", "-ro", "-so", f"OAPIF:{live_server.url}/ogc", "buildings"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    ).stdout
    assert "Feature Count: 7" in summary
    features = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-q", f"OAPIF:{live_server.url}/ogc", "buildings"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    ).stdout
    assert features.count("OGRFeature(buildings)") == 7
    assert "B000001" in features


@pytest.mark.django_db(transaction=True)
def test_owslib_reads_collections_and_items(live_server, town):
    from owslib.ogcapi.features import Features
    from owslib.util import Authentication

    from core.roles import MembershipRole

    from ..factories import MembershipFactory

    user = UserFactory()
    MembershipFactory(user=user, municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    for _k in range(3):
        BuildingFactory(municipality=town.municipality)
    service = Features(
        f"{live_server.url}/ogc", auth=Authentication(username=user.username, password="pw")
    )
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in (service.conformance()["conformsTo"])
    )
    ids = {collection["id"] for collection in service.collections()["collections"]}
    assert {"wards", "buildings", "containments"} <= ids
    items = service.collection_items("buildings", limit=2)
    assert items["numberMatched"] == 3
    assert len(items["features"]) == 2
    wards = service.collection_items("wards", bbox=[90.79, 22.91, 90.87, 22.98])
    assert wards["numberMatched"] == 2


QGIS_CLIENT = Path(__file__).resolve().parent.parent / "clients" / "qgis_load_collection.py"


def qgis_load(url: str, collection: str, *credentials: str) -> dict:
    """QGIS itself (Debian's python3-qgis under /usr/bin/python3) loading a collection."""
    result = subprocess.run(
        ["/usr/bin/python3", str(QGIS_CLIENT), url, collection, *credentials],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_qgis_loads_the_collections_with_counts_and_positions(live_server, town, other_town):
    from core.roles import MembershipRole
    from spatial.models import Building, Ward

    from ..factories import MembershipFactory

    user = UserFactory()
    MembershipFactory(user=user, municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    for k in range(12):
        BuildingFactory(municipality=town.municipality, geom=square(90.805 + k * 0.004, 22.93))
    BuildingFactory(municipality=other_town.municipality)
    url = f"{live_server.url}/ogc/"

    wards = qgis_load(url.rstrip("/"), "wards")  # public: no login; typed without the slash
    assert wards["valid"]
    assert wards["crs"] == "EPSG:4326"
    assert wards["feature_count"] == wards["features_read"] == Ward.objects.count()

    buildings = qgis_load(url, "buildings", user.username, "pw")
    assert buildings["valid"]
    assert buildings["feature_count"] == buildings["features_read"] == 12
    assert {"bin", "holding_number", "ward_number"} <= set(buildings["fields"])
    expected = sorted(
        [round(b.geom.centroid.x, 6), round(b.geom.centroid.y, 6)]
        for b in Building.objects.filter(municipality=town.municipality)
    )
    for seen, stored in zip(buildings["centroids"], expected, strict=True):
        assert seen == pytest.approx(stored, abs=1e-6)

    refused = qgis_load(url, "buildings")  # no login: QGIS gets no features
    assert refused["features_read"] == 0


@pytest.mark.django_db(transaction=True)
def test_qgis_pages_a_whole_layer_by_keyset(live_server, town):
    """QGIS 3.22 loading 2,100 buildings: it reads the page size from the API definition
    (1,000, not its fallback of 100) and follows the `next` links, which continue after the
    last id sent, so it makes 3 requests and no request skips rows with an offset."""
    from django.core.signals import request_started

    from core.roles import MembershipRole
    from spatial.models import Building

    from ..factories import MembershipFactory

    user = UserFactory()
    MembershipFactory(user=user, municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    Building.objects.bulk_create(
        BuildingFactory.build(municipality=town.municipality, geom=square(*_spot(k)))
        for k in range(2100)
    )
    asked: list[str] = []

    def heard(sender, environ, **kwargs):
        if environ["PATH_INFO"].endswith("/collections/buildings/items"):
            asked.append(environ.get("QUERY_STRING", ""))

    request_started.connect(heard)
    try:
        buildings = qgis_load(f"{live_server.url}/ogc/", "buildings", user.username, "pw")
    finally:
        request_started.disconnect(heard)
    assert buildings["features_read"] == 2100
    pages = [q for q in asked if "limit=1000" in q]
    assert len(pages) == 3, asked
    assert sum("after=" in q for q in pages) == 2, asked
    assert not any("offset=" in q for q in asked), asked


def _spot(k: int) -> tuple[float, float]:
    """2,100 places 0.0005 degrees apart in the town's west ward."""
    return 90.801 + (k % 50) * 0.0005, 22.921 + (k // 50) * 0.0005


def test_treatment_plants_coverage_and_sanitation_collections(gis_client, town, other_town):
    """The layers other issues added are collections too, filtered by municipality."""
    from django.contrib.gis.geos import Point

    from containment.models import TreatmentPlant
    from surveys.models import SurveyCampaign

    TreatmentPlant.objects.create(
        municipality=town.municipality,
        name="Bagbari FSTP",
        plant_type="fstp",
        capacity_m3_per_day=20,
        geom=Point(90.81, 22.93, srid=4326),
    )
    TreatmentPlant.objects.create(
        municipality=other_town.municipality,
        name="Elsewhere",
        plant_type="fstp",
        capacity_m3_per_day=5,
        geom=Point(90.81, 22.93 + 1, srid=4326),
    )
    plants = read(gis_client.get("/ogc/collections/treatment-plants/items"))
    assert [f["properties"]["name"] for f in plants["features"]] == ["Bagbari FSTP"]
    in_west = read(gis_client.get(f"/ogc/collections/treatment-plants/items?ward={town.west.pk}"))
    in_east = read(gis_client.get(f"/ogc/collections/treatment-plants/items?ward={town.east.pk}"))
    assert (in_west["numberMatched"], in_east["numberMatched"]) == (1, 0)

    ids = {c["id"] for c in read(gis_client.get("/ogc/collections"))["collections"]}
    assert {"treatment-plants", "survey-coverage", "building-sanitation"} <= ids
    for name in ("building-sanitation",):
        assert gis_client.get(f"/ogc/collections/{name}/items").status_code == 200
    assert not SurveyCampaign.objects.exists()
    assert read(gis_client.get("/ogc/collections/survey-coverage/items"))["features"] == []


@pytest.mark.django_db
def test_survey_coverage_collection_matches_the_campaign_figures(survey, gis_client):  # noqa: F811
    from surveys import selectors as survey_selectors
    from surveys import services as survey_services
    from surveys.models import Submission

    from ..surveys.test_submissions import SUBMIT, item, post

    created = post(survey["field"], SUBMIT, item(survey))
    assert created.status_code == 201, created.content
    survey_services.submission_approve(
        submission=Submission.objects.get(pk=created.json()["id"]), reviewer=None
    )
    post(survey["field"], SUBMIT, item(survey))  # a second visit, left pending
    campaign = survey["campaign"]
    layer = read(gis_client.get(f"/ogc/collections/survey-coverage/items?campaign={campaign.pk}"))
    by_ward = {f["properties"]["ward"]: f["properties"] for f in layer["features"]}
    for row in survey_selectors.campaign_coverage(campaign=campaign):
        seen = by_ward[row["ward"]]
        assert (seen["buildings"], seen["surveyed"], seen["pending"]) == (
            row["buildings"],
            row["surveyed"],
            row["pending"],
        )
        assert seen["coverage"] == row["coverage"]
    assert sum(f["properties"]["surveyed"] for f in layer["features"]) == 1
    nothing = read(gis_client.get("/ogc/collections/survey-coverage/items?campaign=999999"))
    assert nothing["numberMatched"] == 0
