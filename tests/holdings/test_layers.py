"""Holdings on the map: footprints the database keeps, the layers read through the OGC
API by the roles that read personal data only, and trade licences at premises with the
state of their tanks."""

import json

import pytest

from core.roles import MembershipRole
from holdings import services
from holdings.models import Holding, HoldingSettings
from spatial import services as spatial_services
from tests.conftest import client_for
from tests.factories import BuildingFactory, MembershipFactory, square

from .conftest import NUMBERS, failing_tank, imported

pytestmark = pytest.mark.django_db
OGC = "/ogc/collections/"


def _items(client, name, **params):
    response = client.get(f"{OGC}{name}/items", {"limit": 100, **params})
    assert response.status_code == 200, response.content[:300]
    return json.loads(b"".join(response.streaming_content))


def test_a_holding_s_footprint_follows_its_buildings(town, gis_officer):
    first = BuildingFactory(municipality=town.municipality)
    second = BuildingFactory(municipality=town.municipality)
    holding = services.holding_create(
        municipality=town.municipality, ward=town.west, number="5", buildings=[first, second]
    )
    holding.refresh_from_db()
    assert holding.geom.equals(first.geom.union(second.geom))
    moved = square(first.geom.centroid.x + 0.0001, first.geom.centroid.y, 12)
    spatial_services.building_update(building=first, geom=moved)
    holding.refresh_from_db()
    assert holding.geom.contains(moved.centroid)
    spatial_services.building_delete(building=second, reason="Demolished")
    holding.refresh_from_db()
    assert holding.geom.area == pytest.approx(moved.area, rel=1e-6)
    services.holding_update(holding=holding, buildings=[])
    holding.refresh_from_db()
    assert holding.geom is None


def test_the_holdings_layer_carries_the_tax_state(town, holdings, gis_officer, gis_client):
    imported(town, gis_officer, "tax", "tax.csv")
    features = _items(gis_client, "holdings")["features"]
    by_number = {(f["properties"]["ward_number"], f["properties"]["number"]): f for f in features}
    assert len(by_number) == sum(len(n) for n in NUMBERS.values())
    assert by_number[1, "12/A"]["properties"]["arrears_status"] == "in_arrears"
    assert by_number[1, "30"]["properties"]["arrears_status"] == "paid_up"
    assert by_number[2, "46"]["properties"]["arrears_status"] == "no_record"
    assert by_number[1, "12/A"]["geometry"]["type"] == "MultiPolygon"
    arrears = _items(gis_client, "holdings-in-arrears")["features"]
    assert {f["properties"]["number"] for f in arrears} == {"12/A", "12"}
    assert "owner" not in json.dumps(features)


def test_roles_that_do_not_read_personal_data_do_not_see_the_layers(town, holdings):
    enumerator = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).user
    client = client_for(enumerator)
    listed = client.get("/ogc/collections").json()["collections"]
    assert "holdings" not in {c["id"] for c in listed}
    assert "buildings" in {c["id"] for c in listed}
    assert client.get(f"{OGC}holdings/items").status_code == 404
    assert client.get("/api/v1/exports/holdings/").status_code == 404


def test_trade_licences_show_their_premises_tanks(town, holdings, gis_officer, gis_client):
    hotel_holding = holdings[1, "12/A"]
    failing_tank(town, hotel_holding)
    imported(town, gis_officer, "trade_licence", "trade_licences.csv")
    features = _items(gis_client, "trade-licences")["features"]
    by_number = {f["properties"]["licence_number"]: f["properties"] for f in features}
    hotel = by_number["TL-2025-0001"]
    assert hotel["food_business"] is True
    assert hotel["tank_status"] == "non_compliant"
    assert by_number["TL-2025-0002"]["tank_status"] == "unknown"
    assert by_number["TL-2025-0003"]["licence_status"] == "expired"
    failing = _items(gis_client, "trade-licences", tank_status="non_compliant")["features"]
    assert [f["properties"]["licence_number"] for f in failing] == ["TL-2025-0001"]
    # The municipality's renewal condition: a licence due at premises overdue for emptying.
    assert hotel["emptying_overdue"] is True  # never emptied, built 2018
    assert hotel["renewal_held"] is False  # the condition is off
    HoldingSettings.objects.create(municipality=town.municipality, renewal_needs_emptying=True)
    held = _items(gis_client, "trade-licences", renewal_held="true")["features"]
    assert [f["properties"]["licence_number"] for f in held] == ["TL-2025-0001"]
    holding = Holding.objects.get(pk=hotel_holding.pk)
    point = features[0]["geometry"]["coordinates"]
    assert holding.geom.extent[0] - 0.001 < point[0] < holding.geom.extent[2] + 0.001


def test_holdings_in_arrears_with_failing_tanks_are_one_filter_away(
    town, holdings, gis_officer, gis_client
):
    failing_tank(town, holdings[1, "12/A"])
    failing_tank(town, holdings[1, "30"])
    imported(town, gis_officer, "tax", "tax.csv")
    both = _items(gis_client, "holdings", arrears_status="in_arrears", tank_status="non_compliant")[
        "features"
    ]
    assert [f["properties"]["number"] for f in both] == ["12/A"]  # 30 is paid up
    assert gis_client.get(f"{OGC}holdings/items", {"tank_status": "broken"}).status_code == 400
