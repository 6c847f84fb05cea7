"""The attribute table's reads and bulk edit (issue 22), through the REST API: sort and
filter by any column, pick records by id or by a drawn area; set one attribute on many
records with the version each was read at, all or nothing, one history entry per record."""

import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from core.roles import MembershipRole
from spatial.models import Building

from ..conftest import client_for
from ..factories import BuildingFactory, MembershipFactory, square

pytestmark = pytest.mark.django_db

LIST = "/api/v1/buildings/"
BULK = "/api/v1/buildings/bulk-edit/"


def read(client, **params) -> dict:
    pairs = []
    for key, value in params.items():
        pairs += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    response = client.get(f"{LIST}?{urlencode(pairs)}")
    assert response.status_code == 200, response.content
    return json.loads(b"".join(response.streaming_content))


def ids(collection) -> list[int]:
    return [feature["id"] for feature in collection["features"]]


@pytest.fixture
def row(town):
    """Five buildings in the west ward, one in the east, with known attributes."""
    made = {}
    for n, (households, use, holding) in enumerate(
        [
            (3, "residential", "H-10"),
            (7, "commercial", "H-2"),
            (None, "residential", "X-1"),
            (1, "mixed", "h-100"),
            (7, "residential", ""),
        ]
    ):
        made[n] = BuildingFactory(
            municipality=town.municipality,
            geom=square(90.811 + n * 0.002, 22.93, 10),
            household_count=households,
            functional_use=use,
            holding_number=holding,
        )
    made["east"] = BuildingFactory(
        municipality=town.municipality,
        geom=square(90.85, 22.93, 10),
        household_count=2,
        functional_use="health",
    )
    return made


def test_sort_by_any_column_both_ways_with_empty_values_last(gis_client, row):
    up = read(gis_client, sort="household_count", ward=row[0].ward_id)
    counts = [f["properties"]["household_count"] for f in up["features"]]
    assert counts == [1, 3, 7, 7, None]
    down = read(gis_client, sort="-household_count", ward=row[0].ward_id)
    assert [f["properties"]["household_count"] for f in down["features"]] == [7, 7, 3, 1, None]
    # Ties keep the register's order, so pages never overlap.
    assert ids(up)[2:4] == sorted(ids(up)[2:4])


def test_filters_by_number_text_and_emptiness_all_holding(gis_client, row):
    assert set(ids(read(gis_client, where="household_count:ge:3"))) == {
        row[0].pk,
        row[1].pk,
        row[4].pk,
    }
    both = read(gis_client, where=["household_count:ge:3", "functional_use:eq:residential"])
    assert set(ids(both)) == {row[0].pk, row[4].pk}
    assert both["numberMatched"] == 2
    # Text contains, case aside; a Bangla digit means the Latin one.
    assert set(ids(read(gis_client, where="holding_number:contains:h-1"))) == {row[0].pk, row[3].pk}
    assert ids(read(gis_client, where="holding_number:starts:X-১")) == [row[2].pk]
    assert ids(read(gis_client, where="household_count:empty")) == [row[2].pk]
    # "Not residential" includes nothing left out for having no value.
    assert set(ids(read(gis_client, where="functional_use:ne:residential"))) == {
        row[1].pk,
        row[3].pk,
        row["east"].pk,
    }


def test_paging_links_keep_every_condition(gis_client, row):
    page = read(gis_client, where=["household_count:ge:1", "household_count:le:7"], limit=2)
    following = next(link["href"] for link in page["links"] if link["rel"] == "next")
    assert following.count("where=") == 2
    second = json.loads(b"".join(gis_client.get(following).streaming_content))
    assert not set(ids(page)) & set(ids(second))


def test_ids_and_a_drawn_area_pick_records(gis_client, row):
    assert set(ids(read(gis_client, ids=f"{row[1].pk},{row['east'].pk}"))) == {
        row[1].pk,
        row["east"].pk,
    }
    area = {
        "type": "Polygon",
        "coordinates": [[[90.849, 22.929], [90.852, 22.929], [90.852, 22.932], [90.849, 22.929]]],
    }
    assert ids(read(gis_client, area=json.dumps(area))) == [row["east"].pk]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"sort": "nothing"}, "sort"),
        ({"where": "household_count:lt:many"}, "where"),
        ({"where": "household_count:like:1"}, "where"),
        ({"where": "household_count:contains:1"}, "where"),
        ({"where": "nothing:eq:1"}, "where"),
        ({"where": "household_count:eq:1e999"}, "where"),
        ({"ids": "1,two"}, "ids"),
        ({"ids": str(2**64)}, "ids"),
        ({"area": '{"type": "Point", "coordinates": [90.8, 22.9]}'}, "area"),
    ],
)
def test_a_bad_sort_filter_or_pick_is_a_400_naming_it(gis_client, row, params, parameter):
    response = gis_client.get(f"{LIST}?{urlencode(params)}")
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def bulk(client, name, value, records):
    body = {"property": name, "value": value, "records": records}
    return client.post(BULK, json.dumps(body), content_type="application/json")


def as_read(client, *buildings) -> list[dict]:
    found = read(client, ids=",".join(str(b.pk) for b in buildings))
    return [{"id": f["id"], "version": f["properties"]["version"]} for f in found["features"]]


def updates(building) -> int:
    events = Building.pgh_event_models["update"].objects.filter(pgh_obj_id=building.pk)
    return events.filter(pgh_label="update").count()


def test_bulk_edit_sets_one_attribute_with_one_history_entry_per_record(
    gis_client, gis_officer, row
):
    chosen = [row[0], row[2], row[3]]
    before = {b.pk: updates(b) for b in chosen}
    response = bulk(gis_client, "functional_use", "educational", as_read(gis_client, *chosen))
    assert response.status_code == 200, response.content
    assert response.json()["updated"] == 3
    for building in chosen:
        building.refresh_from_db()
        assert building.functional_use == "educational"
        assert updates(building) == before[building.pk] + 1
        event = Building.pgh_event_models["update"].objects.filter(pgh_obj_id=building.pk)
        assert event.latest("pgh_id").pgh_context.metadata["user"] == gis_officer.pk
    row[1].refresh_from_db()
    assert row[1].functional_use == "commercial"
    # The new versions are what a next bulk edit sends.
    again = bulk(gis_client, "floor_count", 2, response.json()["records"])
    assert again.status_code == 200, again.content


def test_a_record_changed_since_it_was_read_stops_the_whole_edit(gis_client, row):
    records = as_read(gis_client, row[0], row[1])
    first = bulk(gis_client, "floor_count", 4, [records[0]])
    assert first.status_code == 200
    before = updates(row[1])
    stale = bulk(gis_client, "floor_count", 9, records)
    assert stale.status_code == 412
    assert str(row[0].pk) in stale.json()["detail"]
    row[1].refresh_from_db()
    assert row[1].floor_count != 9
    assert updates(row[1]) == before
    assert bulk(gis_client, "floor_count", 9, [{"id": row[1].pk}]).status_code == 428


def test_bulk_edit_keeps_to_the_editors_wards_and_what_a_write_accepts(town, gis_client, row):
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    membership.wards.set([town.west])
    west_officer = client_for(membership.user)
    mixed = as_read(gis_client, row[0], row["east"])
    # The east building is out of this officer's sight: nothing is written.
    refused = bulk(west_officer, "floor_count", 5, mixed)
    assert refused.status_code in (403, 404)
    row[0].refresh_from_db()
    assert row[0].floor_count != 5
    records = as_read(gis_client, row[0])
    assert bulk(gis_client, "functional_use", "castle", records).status_code == 400
    assert bulk(gis_client, "bin", "B-1", records).status_code == 400
    assert bulk(gis_client, "floor_count", 2, records * 2).status_code == 400
    many = [{"id": n, "version": 1} for n in range(1, 1002)]
    too_many = bulk(gis_client, "floor_count", 2, many)
    assert too_many.status_code == 400
    assert "records" in too_many.json()["errors"]
    executive = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    assert bulk(client_for(executive.user), "floor_count", 2, records).status_code == 403


def test_the_editor_offers_the_table_its_columns_and_bulk_fields(client, gis_officer, row):
    client.force_login(gis_officer)
    response = client.get(reverse("spatial:editor"))
    config = response.context["config"]
    buildings = next(r for r in config["registers"] if r["name"] == "buildings")
    kinds = {column["name"]: column["kind"] for column in buildings["columns"]}
    assert kinds["household_count"] == "number"
    assert kinds["holding_number"] == "text"
    assert "bin" not in {f["name"] for f in buildings["bulk"]}
    assert "functional_use" in {f["name"] for f in buildings["bulk"]}
    assert buildings["bulkUrl"] == BULK


def test_a_record_refusing_the_value_stops_the_edit_and_is_named(gis_client, row):
    # Three buildings made outbuildings of the first: the first cannot be its own.
    records = as_read(gis_client, row[0], row[1], row[2])
    refused = bulk(gis_client, "main_building", row[0].pk, records)
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert [line.split(":")[0] for line in errors["records"]] == [str(row[0].pk)]
    assert not Building.objects.filter(main_building=row[0]).exists()
