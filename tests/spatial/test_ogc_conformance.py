"""OGC API - Features, the abstract test suites as pytest: Part 1 (OGC 17-069r4, Annex A:
core, GeoJSON, OpenAPI 3.0) and Part 2 (OGC 18-058, Annex A: CRS). Each test is named by
the abstract test it implements (/conf/core/root-success -> test_core_root_success); the
Java conformance suite (TEAM Engine) cannot run here, so these do what it does, on the
collections this server offers. Tests that do not apply say why in their docstring.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import drf_spectacular
import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from core.roles import MembershipRole
from spatial.models import Building
from tests.factories import BuildingFactory, MembershipFactory, square

pytestmark = pytest.mark.django_db
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG3106 = "http://www.opengis.net/def/crs/EPSG/0/3106"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


def body(response) -> dict:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(raw)


@pytest.fixture
def api(town):
    """A GIS officer's client, and buildings changed on known days (for `datetime`)."""
    user = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user
    for k in range(7):
        building = BuildingFactory(
            municipality=town.municipality, geom=square(90.805 + k * 0.004, 22.93 + k * 0.001)
        )
        # Noon in the municipality's time zone (Asia/Dhaka, UTC+6).
        day = dt.datetime(2020 + k % 3, 3, 1 + k, 12, tzinfo=timezone.get_current_timezone())
        Building.objects.filter(pk=building.pk).update(updated_at=day)
    client = Client()
    client.force_login(user)
    return client


def collections(api) -> list[dict]:
    return api.get("/ogc/collections").json()["collections"]


def items(api, name="buildings", **params) -> dict:
    response = api.get(f"/ogc/collections/{name}/items", params)
    assert response.status_code == 200, response.content[:300]
    return body(response)


# ---------------------------------------------------------------- Part 1: core
def test_core_http(api):
    """/conf/core/http: the server speaks HTTP 1.1 (and answers HEAD like GET)."""
    assert api.get("/ogc/").status_code == 200
    assert api.head("/ogc/collections").status_code == 200


def test_core_root_op(client):
    """/conf/core/root-op: GET on the landing page answers 200."""
    assert client.get("/ogc/").status_code == 200


def test_core_root_success(client):
    """/conf/core/root-success: the landing page links the API definition (service-desc or
    service-doc), the conformance declaration and the collections (data)."""
    links = client.get("/ogc/").json()["links"]
    rels = {link["rel"] for link in links}
    assert {"conformance", "data"} <= rels
    assert rels & {"service-desc", "service-doc"}
    assert all(link["href"].startswith("http") for link in links)


def test_core_api_definition_op(client):
    """/conf/core/api-definition-op: the service-desc link answers 200."""
    href = next(
        link for link in client.get("/ogc/").json()["links"] if link["rel"] == "service-desc"
    )
    assert client.get(href["href"].split("testserver")[-1]).status_code == 200


def test_core_api_definition_success(client):
    """/conf/core/api-definition-success: the definition is returned in the media type the
    link names."""
    response = client.get("/ogc/api")
    assert response["Content-Type"] == OPENAPI
    assert response.json()["openapi"].startswith("3.0")


def test_core_conformance_op(client):
    """/conf/core/conformance-op: GET /conformance answers 200."""
    assert client.get("/ogc/conformance").status_code == 200


def test_core_conformance_success(client):
    """/conf/core/conformance-success: conformsTo lists core, and every class we claim."""
    classes = client.get("/ogc/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes


def test_core_crs84(api):
    """/conf/core/crs84: without `crs`, geometries are CRS84 longitude, latitude."""
    response = api.get("/ogc/collections/buildings/items")
    assert response["Content-Crs"] == f"<{CRS84}>"
    lon, lat = body(response)["features"][0]["geometry"]["coordinates"][0][0]
    assert 88 < lon < 93 and 20 < lat < 27  # noqa: PT018 (a range)


def test_core_fc_md_op(api):
    """/conf/core/fc-md-op: GET /collections answers 200."""
    assert api.get("/ogc/collections").status_code == 200


def test_core_fc_md_success(api):
    """/conf/core/fc-md-success: links (self) and a collections array."""
    document = api.get("/ogc/collections").json()
    assert any(link["rel"] == "self" for link in document["links"])
    assert isinstance(document["collections"], list) and document["collections"]  # noqa: PT018


def test_core_fc_md_links(api):
    """/conf/core/fc-md-links: the document's links carry rel, type and href."""
    for link in api.get("/ogc/collections").json()["links"]:
        assert {"rel", "type", "href"} <= set(link)


def test_core_fc_md_items(api):
    """/conf/core/fc-md-items: every collection has an id and an itemType of feature."""
    for collection in collections(api):
        assert re.fullmatch(r"[a-z][a-z0-9-]*", collection["id"])
        assert collection["itemType"] == "feature"


def test_core_fc_md_items_links(api):
    """/conf/core/fc-md-items-links: each collection links its items (GeoJSON)."""
    for collection in collections(api):
        found = [link for link in collection["links"] if link["rel"] == "items"]
        assert found, collection["id"]
        assert found[0]["type"] == GEOJSON
        assert found[0]["href"].endswith(f"/collections/{collection['id']}/items")


def test_core_fc_md_extent(api):
    """/conf/core/fc-md-extent: a spatial extent is one or more CRS84 bboxes, min before
    max, inside the CRS's range."""
    for collection in collections(api):
        spatial = collection["extent"]["spatial"]
        assert spatial["crs"] == CRS84
        for west, south, east, north in spatial["bbox"]:
            assert -180 <= west <= east <= 180
            assert -90 <= south <= north <= 90


def test_core_sfc_md_op(api):
    """/conf/core/sfc-md-op: GET /collections/{id} answers 200 for every collection."""
    for collection in collections(api):
        assert api.get(f"/ogc/collections/{collection['id']}").status_code == 200


def test_core_sfc_md_success(api):
    """/conf/core/sfc-md-success: the collection alone is what the list says of it."""
    for collection in collections(api):
        assert api.get(f"/ogc/collections/{collection['id']}").json() == collection


def test_core_fc_op(api):
    """/conf/core/fc-op: GET items answers 200 for every collection."""
    for collection in collections(api):
        response = api.get(f"/ogc/collections/{collection['id']}/items")
        assert response.status_code == 200, collection["id"]


def _items_parameter(client, name: str) -> dict:
    """The items operation's parameter `name`, its reference to components resolved as an
    OpenAPI client resolves it."""
    document = client.get("/ogc/api").json()
    operation = document["paths"]["/collections/{collectionId}/items"]
    resolved = [
        document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
        for p in operation["get"]["parameters"]
    ]
    return next(p for p in resolved if p["name"] == name)


def test_core_fc_limit_definition(client):
    """/conf/core/fc-limit-definition: limit is an integer query parameter, minimum 1, with
    a maximum and a default."""
    limit = _items_parameter(client, "limit")
    schema = limit["schema"]
    assert (limit["in"], schema["type"], schema["minimum"]) == ("query", "integer", 1)
    assert schema["minimum"] <= schema["default"] <= schema["maximum"]


def test_core_fc_limit_response_1(api):
    """/conf/core/fc-limit-response-1: no more features than the limit."""
    page = items(api, limit=3)
    assert len(page["features"]) == page["numberReturned"] == 3


def test_core_fc_limit_response_2(api, settings):
    """/conf/core/fc-limit-response-2: a limit above the maximum is served at the maximum
    (the standard's permission), not refused."""
    settings.IMIS = {**settings.IMIS, "MAX_PAGE_SIZE": 4}
    page = items(api, limit=50)
    assert page["numberReturned"] == 4
    assert "limit=4" in next(link for link in page["links"] if link["rel"] == "next")["href"]


def test_core_fc_bbox_definition(client):
    """/conf/core/fc-bbox-definition: bbox is a form-style, unexploded array of 4 or 6
    numbers."""
    bbox = _items_parameter(client, "bbox")
    assert (bbox["in"], bbox["style"], bbox["explode"]) == ("query", "form", False)
    assert bbox["schema"]["type"] == "array"
    assert bbox["schema"]["items"]["type"] == "number"
    sizes = {(option["minItems"], option["maxItems"]) for option in bbox["schema"]["oneOf"]}
    assert sizes == {(4, 4), (6, 6)}


def test_core_fc_bbox_response(api):
    """/conf/core/fc-bbox-response: only features intersecting the bbox; a six-number
    bbox's heights are ignored; one crossing the antimeridian wraps."""
    inside = items(api, bbox="90.804,22.925,90.812,22.935")
    assert inside["numberMatched"] == 2
    assert items(api, bbox="90.804,22.925,-100,90.812,22.935,100")["numberMatched"] == 2
    # From 170 E across 180 to 91 W: the town (90.8 E) lies outside it.
    assert items(api, bbox="170,22,-91,23")["numberMatched"] == 0
    assert items(api, bbox="90,22,-170,23")["numberMatched"] == 7  # 90 E east to 170 W


def test_core_fc_time_definition(client):
    """/conf/core/fc-time-definition: datetime is a form-style string query parameter."""
    when = _items_parameter(client, "datetime")
    assert (when["in"], when["schema"]["type"], when["style"]) == ("query", "string", "form")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020", 3),  # a year: every change in it
        ("2021-03", 2),
        ("2022-03-03", 1),
        ("2022-03-03T12:00:00Z", 0),  # an instant, 18:00 in Dhaka: nothing changed then
        ("2022-03-03T06:00:00Z", 1),  # noon in Dhaka, as stored
        ("2021-01-01T00:00:00Z/..", 4),
        ("../2020-12-31T23:59:59Z", 3),
        ("2020-03-01/2021-03-03", 4),
    ],
)
def test_core_fc_time_response(api, value, expected):
    """/conf/core/fc-time-response: only features whose time (the record's last change)
    meets the instant or interval; open ends with ".."."""
    assert items(api, datetime=value)["numberMatched"] == expected


def test_core_fc_time_response_without_time(api, town):
    """/conf/core/fc-time-response: collections without a time (low-income communities)
    answer every feature whatever `datetime` says, as the standard permits."""
    assert (
        items(api, "low-income-communities", datetime="1999")["numberMatched"]
        == items(api, "low-income-communities")["numberMatched"]
    )


def test_core_fc_response(api):
    """/conf/core/fc-response: a GeoJSON FeatureCollection with a features array and links."""
    response = api.get("/ogc/collections/buildings/items")
    assert response["Content-Type"] == GEOJSON
    page = body(response)
    assert page["type"] == "FeatureCollection"
    assert isinstance(page["features"], list)
    assert isinstance(page["links"], list)


def test_core_fc_links(api):
    """/conf/core/fc-links: a self link, and a next link while features remain, each with
    type."""
    page = items(api, limit=5)
    rels = {link["rel"]: link for link in page["links"]}
    assert rels["self"]["type"] == rels["next"]["type"] == GEOJSON
    last = items(api, limit=5, offset=5)
    assert "next" not in {link["rel"] for link in last["links"]}


def test_core_fc_timestamp(api):
    """/conf/core/fc-timeStamp: optional; when present it is an RFC 3339 date-time. This
    server leaves it out (the page is computed as it streams)."""
    page = items(api)
    if "timeStamp" in page:
        assert dt.datetime.fromisoformat(page["timeStamp"].replace("Z", "+00:00"))


def test_core_fc_numbermatched(api):
    """/conf/core/fc-numberMatched: the number of features matching the selection,
    whatever the page (an offset page; a keyset continuation page leaves the optional
    member out, tests/spatial/test_keyset_paging.py)."""
    assert items(api, limit=2)["numberMatched"] == 7
    assert items(api, limit=2, bbox="90.804,22.925,90.812,22.935")["numberMatched"] == 2


def test_core_fc_numberreturned(api):
    """/conf/core/fc-numberReturned: the features on the page."""
    page = items(api, limit=5, offset=4)
    assert page["numberReturned"] == len(page["features"]) == 3


def test_core_f_op(api):
    """/conf/core/f-op: GET a feature answers 200."""
    fid = items(api, limit=1)["features"][0]["id"]
    assert api.get(f"/ogc/collections/buildings/items/{fid}").status_code == 200


def test_core_f_success(api):
    """/conf/core/f-success: a GeoJSON Feature with that id."""
    fid = items(api, limit=1)["features"][0]["id"]
    response = api.get(f"/ogc/collections/buildings/items/{fid}")
    feature = body(response)
    assert response["Content-Type"] == GEOJSON
    assert (feature["type"], feature["id"]) == ("Feature", fid)


def test_core_f_links(api):
    """/conf/core/f-links: the feature links itself and its collection."""
    fid = items(api, limit=1)["features"][0]["id"]
    links = body(api.get(f"/ogc/collections/buildings/items/{fid}"))["links"]
    rels = {link["rel"]: link["href"] for link in links}
    assert rels["self"].endswith(f"/collections/buildings/items/{fid}")
    assert rels["collection"].endswith("/collections/buildings")


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "-1"},
        {"limit": "many"},
        {"offset": "-3"},
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"datetime": "yesterday"},
        {"datetime": "2020-13"},
        {"datetime": "../.."},
        {"datetime": "2021-01-01/2020-01-01"},
        {"datetime": "2020-01-01T10:00:00"},  # a date-time needs its offset
        {"crs": "EPSG:4326"},
    ],
)
def test_core_query_param_invalid(api, params):
    """/conf/core/query-param-invalid: an invalid value of a known parameter is a 400 with
    an OGC exception body."""
    response = api.get("/ogc/collections/buildings/items", params)
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameterValue"


def test_core_query_param_unknown(api):
    """/conf/core/query-param-unknown: an unknown parameter is a 400."""
    response = api.get("/ogc/collections/buildings/items", {"colour": "red"})
    assert response.status_code == 400
    assert "colour" in response.json()["description"]


# ---------------------------------------------------------------- Part 1: GeoJSON
def test_geojson_definition(api):
    """/conf/geojson/definition: items and features are offered as application/geo+json
    (the items links say so)."""
    for collection in collections(api):
        types = {link["type"] for link in collection["links"] if link["rel"] == "items"}
        assert types == {GEOJSON}


def test_geojson_content(api):
    """/conf/geojson/content: RFC 7946: every feature has type, geometry, properties, and
    an id; coordinates are [lon, lat]."""
    for feature in items(api)["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Polygon"
        assert isinstance(feature["properties"], dict)
        assert "id" in feature
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1]


# ---------------------------------------------------------------- Part 1: OpenAPI 3.0
def test_oas30_oas_definition_1(client):
    """/conf/oas30/oas-definition-1: the service-desc link is of the OpenAPI 3.0 type."""
    links = client.get("/ogc/").json()["links"]
    assert next(link for link in links if link["rel"] == "service-desc")["type"] == OPENAPI


def test_oas30_oas_definition_2(client):
    """/conf/oas30/oas-definition-2: the document validates against the OpenAPI 3.0 JSON
    schema (the copy drf-spectacular ships)."""
    schema_path = Path(drf_spectacular.__file__).parent / "validation" / "openapi_3_0_schema.json"
    schema = json.loads(schema_path.read_text())
    jsonschema.validate(client.get("/ogc/api").json(), schema)


def test_oas30_oas_impl(api):
    """/conf/oas30/oas-impl: every path of the definition is implemented (answers 200 for
    an existing collection and feature)."""
    paths = api.get("/ogc/api").json()["paths"]
    fid = items(api, limit=1)["features"][0]["id"]
    for template in paths:
        path = template.replace("{collectionId}", "buildings").replace("{featureId}", str(fid))
        assert api.get(f"/ogc{path}").status_code == 200, template


# ---------------------------------------------------------------- Part 2: CRS
def test_crs_crs_uri(api):
    """/conf/crs/crs-uri: CRSs are named by OGC URIs."""
    for collection in collections(api):
        for uri in collection["crs"]:
            assert uri.startswith("http://www.opengis.net/def/crs/")


def test_crs_fc_md_crs_list(api):
    """/conf/crs/fc-md-crs-list: each collection lists the CRSs it can be read in, CRS84
    among them."""
    for collection in collections(api):
        assert {CRS84, EPSG4326, EPSG3106} <= set(collection["crs"])


def test_crs_fc_md_storagecrs(api):
    """/conf/crs/fc-md-storageCrs and -valid-value: the storage CRS is one of the listed."""
    for collection in collections(api):
        assert collection["storageCrs"] in collection["crs"]


def test_crs_fc_bbox_crs_definition(client):
    """/conf/crs/fc-bbox-crs-definition: bbox-crs is a string query parameter."""
    parameter = _items_parameter(client, "bbox-crs")
    assert (parameter["in"], parameter["schema"]["type"]) == ("query", "string")


def test_crs_fc_bbox_crs_valid_value(api):
    """/conf/crs/fc-bbox-crs-valid-value: a bbox-crs the collection does not list is a 400."""
    response = api.get(
        "/ogc/collections/buildings/items",
        {"bbox": "1,2,3,4", "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/32646"},
    )
    assert response.status_code == 400


def test_crs_fc_bbox_crs_action(api):
    """/conf/crs/fc-bbox-crs-action: a bbox in EPSG:4326 is latitude first, in EPSG:3106 in
    metres; both select what the same CRS84 bbox does."""
    expected = items(api, bbox="90.804,22.925,90.812,22.935")["numberMatched"]
    assert (
        items(api, bbox="22.925,90.804,22.935,90.812", **{"bbox-crs": EPSG4326})["numberMatched"]
        == expected
    )
    metric = items(api, crs=EPSG3106, limit=1)["features"][0]["geometry"]["coordinates"][0][0]
    x, y = metric
    near = items(api, bbox=f"{x - 20},{y - 20},{x + 20},{y + 20}", **{"bbox-crs": EPSG3106})
    assert near["numberMatched"] == 1


def test_crs_fc_crs_definition(client):
    """/conf/crs/fc-crs-definition: crs is a string query parameter."""
    parameter = _items_parameter(client, "crs")
    assert (parameter["in"], parameter["schema"]["type"]) == ("query", "string")


def test_crs_fc_crs_valid_value(api):
    """/conf/crs/fc-crs-valid-value: a crs the collection does not list is a 400, on items
    and on a feature."""
    bad = {"crs": "http://www.opengis.net/def/crs/EPSG/0/32646"}
    assert api.get("/ogc/collections/buildings/items", bad).status_code == 400
    fid = items(api, limit=1)["features"][0]["id"]
    assert api.get(f"/ogc/collections/buildings/items/{fid}", bad).status_code == 400


def test_crs_crs_action(api):
    """/conf/crs/crs-action: coordinates come in the requested CRS (EPSG:4326 latitude
    first; EPSG:3106 in metres)."""
    lon, lat = items(api, limit=1)["features"][0]["geometry"]["coordinates"][0][0]
    flipped = items(api, limit=1, crs=EPSG4326)["features"][0]["geometry"]["coordinates"][0][0]
    assert flipped == pytest.approx([lat, lon])
    x, y = items(api, limit=1, crs=EPSG3106)["features"][0]["geometry"]["coordinates"][0][0]
    assert 500_000 < x < 700_000 and 2_400_000 < y < 2_700_000  # noqa: PT018 (a range)


def test_crs_ogc_crs_header(api):
    """/conf/crs/ogc-crs-header and -value: Content-Crs names the CRS of the geometries,
    on items and on a feature, in angle brackets."""
    fid = items(api, limit=1)["features"][0]["id"]
    for crs in (CRS84, EPSG4326, EPSG3106):
        assert api.get("/ogc/collections/buildings/items", {"crs": crs})["Content-Crs"] == (
            f"<{crs}>"
        )
        response = api.get(f"/ogc/collections/buildings/items/{fid}", {"crs": crs})
        assert response["Content-Crs"] == f"<{crs}>"


def test_crs_geojson(api):
    """/conf/crs/geojson: a GeoJSON response in another CRS than CRS84 says which in its
    Content-Crs header (RFC 7946 has no member for it)."""
    response = api.get("/ogc/collections/buildings/items", {"crs": EPSG3106})
    assert response["Content-Type"] == GEOJSON
    assert response["Content-Crs"] == f"<{EPSG3106}>"
    assert "crs" not in body(response)
