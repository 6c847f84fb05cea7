import json

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from containment import services
from containment.models import ComplianceRuleSet, Containment
from core.roles import MembershipRole
from spatial.models import WaterPoint

from ..conftest import client_for, if_match
from ..factories import BuildingFactory, ContainmentFactory, MembershipFactory, m_per_deg_lon

pytestmark = pytest.mark.django_db

LIST = reverse("containment-api:containment-list")


def read(response) -> dict:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(body)


def point_beside(building, metres=5.0) -> dict:
    centre = building.geom.centroid
    return {"type": "Point", "coordinates": [centre.x + metres / m_per_deg_lon(centre.y), centre.y]}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def assessed(town):
    building = BuildingFactory(municipality=town.municipality)
    drain = ContainmentFactory(
        municipality=town.municipality, buildings=[building], outlet="open_drain", users=4
    )
    pit = ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        containment_type="twin_pit",
        outlet="no_outlet",
        toilet_type="pit_with_slab",
        construction_year=2025,
        users=4,
    )
    # A tube well 60 m east: the ward has well data, and it is far enough from both.
    centre = pit.geom
    WaterPoint.objects.create(
        municipality=town.municipality,
        point_type="tube_well",
        geom=Point(centre.x + 60 / m_per_deg_lon(centre.y), centre.y, srid=4326),
    )
    services.rule_set_ensure(municipality=town.municipality)
    return building, drain, pit


def test_layer_carries_classes_and_compliance(gis_client, assessed):
    _building, drain, pit = assessed
    body = read(gis_client.get(LIST))
    by_code = {f["properties"]["code"]: f["properties"] for f in body["features"]}
    assert by_code[drain.code]["sfd_class"] == "not_contained"
    # Never emptied: JMP counts it safely managed in situ whatever its outlet.
    assert by_code[drain.code]["jmp_rung"] == "safely_managed"
    assert by_code[drain.code]["emptying_stage"] == "not_emptied"
    assert by_code[drain.code]["compliance_status"] == "non_compliant"
    assert "outlet" in by_code[drain.code]["failed_rules"]
    assert by_code[pit.code]["compliance_status"] == "compliant"
    assert by_code[pit.code]["rule_set_version"] == 1
    assert by_code[pit.code]["building_bin"] == _building.bin


def test_status_and_sfd_filters(gis_client, assessed):
    _building, drain, pit = assessed
    failing = read(gis_client.get(LIST, {"status": "non_compliant"}))
    assert [f["properties"]["code"] for f in failing["features"]] == [drain.code]
    assert failing["numberMatched"] == 1
    contained = read(gis_client.get(LIST, {"sfd_class": "contained"}))
    assert [f["properties"]["code"] for f in contained["features"]] == [pit.code]
    assert gis_client.get(LIST, {"status": "great"}).status_code == 400


def test_list_query_count_is_constant(gis_client, town, assessed, django_assert_num_queries):
    with django_assert_num_queries(5):  # scope, count, savepoint, features, release
        read(gis_client.get(LIST))
    building = assessed[0]
    for _ in range(10):
        ContainmentFactory(municipality=town.municipality, buildings=[building])
    with django_assert_num_queries(5):
        assert read(gis_client.get(LIST))["numberReturned"] == 12


def test_detail_explains_each_rule_in_words(gis_client, assessed):
    drain = assessed[1]
    body = gis_client.get(reverse("containment-api:containment-detail", args=[drain.pk])).json()
    rules = body["properties"]["compliance"]["rules"]
    assert rules["outlet"]["reason"] == "Effluent goes to a forbidden outlet: Open or storm drain."
    assert body["properties"]["buildings"][0]["is_responsible"] is True


def test_gis_officer_registers_a_containment(gis_client, town):
    building = BuildingFactory(municipality=town.municipality)
    services.rule_set_ensure(municipality=town.municipality)
    response = post(
        gis_client,
        LIST,
        {
            "type": "Feature",
            "geometry": point_beside(building),
            "properties": {
                "buildings": [building.pk],
                "containment_type": "septic_tank",
                "outlet": "open_drain",
                "length_m": "2.0",
                "width_m": "1.2",
                "depth_m": "1.5",
            },
        },
    )
    assert response.status_code == 201, response.content
    properties = response.json()["properties"]
    assert properties["code"] == "C000001"
    assert properties["sfd_class"] == "not_contained"
    assert float(properties["effective_volume_m3"]) == pytest.approx(3.6)
    assert properties["compliance"]["status"] == "non_compliant"


@pytest.mark.parametrize(
    ("properties", "field"),
    [
        ({"containment_type": "septic_tank"}, "buildings"),
        ({"buildings": [999999], "containment_type": "septic_tank"}, "buildings"),
        ({"containment_type": "palace"}, "containment_type"),
        ({"containment_type": "septic_tank", "last_emptied_on": "2999-01-01"}, "last_emptied_on"),
        ({"containment_type": "septic_tank", "code": "C999"}, "code"),
    ],
)
def test_bad_containments_get_400_and_nothing_is_written(gis_client, town, properties, field):
    building = BuildingFactory(municipality=town.municipality)
    if field != "buildings":
        properties = {"buildings": [building.pk], **properties}
    response = post(
        gis_client,
        LIST,
        {"type": "Feature", "geometry": point_beside(building), "properties": properties},
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Containment.objects.exists()


def test_point_far_from_its_building_is_400(gis_client, town):
    building = BuildingFactory(municipality=town.municipality)
    response = post(
        gis_client,
        LIST,
        {
            "type": "Feature",
            "geometry": point_beside(building, 400),
            "properties": {"buildings": [building.pk], "containment_type": "septic_tank"},
        },
    )
    assert response.status_code == 400
    assert building.bin in response.json()["errors"]["geometry"][0]


def test_only_a_municipal_admin_publishes_rules(town, gis_officer):
    admin = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN
    ).user
    url = reverse("containment-api:rule-set-list")
    body = {"municipality": town.municipality.code, "max_years_since_emptying": "2"}
    assert post(client_for(gis_officer), url, body).status_code == 403
    response = post(client_for(admin), url, body)
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1
    bad = post(client_for(admin), url, {**body, "min_well_distance_m": "-3"})
    assert bad.status_code == 400
    assert ComplianceRuleSet.objects.count() == 1


def test_ward_summary_in_one_query(gis_client, town, assessed, django_assert_max_num_queries):
    url = reverse("containment-api:compliance-by-ward")
    # The summary is one query; the others read the user's memberships and wards.
    with django_assert_max_num_queries(5):
        rows = gis_client.get(url).json()
    west = next(row for row in rows if row["number"] == 1)
    assert (west["containments"], west["compliant"], west["non_compliant"]) == (2, 1, 1)
    assert west["failed_rules"]["outlet"] == 1


def test_every_change_is_in_the_history_with_its_author(gis_client, gis_officer, town):
    building = BuildingFactory(municipality=town.municipality)
    created = post(
        gis_client,
        LIST,
        {
            "type": "Feature",
            "geometry": point_beside(building),
            "properties": {
                "buildings": [building.pk],
                "containment_type": "septic_tank",
                "outlet": "soak_pit",
            },
        },
    ).json()
    url = reverse("containment-api:containment-detail", args=[created["id"]])
    patched = gis_client.patch(
        url,
        json.dumps({"type": "Feature", "properties": {"outlet": "open_drain"}}),
        content_type="application/json",
        **if_match(gis_client, url),
    )
    assert patched.status_code == 200, patched.content
    # A change that bypasses the API (bulk SQL update) is recorded too.
    Containment.objects.filter(pk=created["id"]).update(users=7)
    history = gis_client.get(url).json()["properties"]["history"]
    assert [event["event"] for event in history] == ["update", "update", "insert"], history
    assert history[0]["changes"]["users"] == [None, 7]
    assert history[1]["changes"]["outlet"] == ["soak_pit", "open_drain"]
    assert history[1]["user"] == gis_officer.username
