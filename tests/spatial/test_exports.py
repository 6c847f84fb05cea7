"""Exports read back with GDAL (pyogrio) and spreadsheet/CSV readers."""

import csv
import io
import tempfile
import time
import zipfile
from pathlib import Path

import pyogrio
import pytest
import shapely
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.io import shapefile_field_names
from spatial.models import Building

from ..factories import BuildingFactory, square

# ogr2ogr reads the data over its own connection, so it must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def download(client, name, **params):
    response = client.get(reverse("spatial-api:export", args=[name]), params)
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    if response.streaming:
        return response, b"".join(response.streaming_content)
    return response, response.content


@pytest.fixture
def bangla_wards(town):
    town.west.name_bn = "ওয়ার্ড ১ (পশ্চিম)"
    town.west.save()
    return town


def test_geopackage_reads_back(gis_client, bangla_wards, tmp_path):
    response, content = download(gis_client, "wards")
    assert response["Content-Disposition"].endswith('wards.gpkg"')
    path = tmp_path / "wards.gpkg"
    path.write_bytes(content)
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == 2
    assert set(frame["name_bn"]) >= {"ওয়ার্ড ১ (পশ্চিম)"}
    assert frame.crs.to_epsg() == 4326
    west = frame[frame["number"] == 1].geometry.iloc[0]
    assert west.equals_exact(shapely.from_wkt(bangla_wards.west.geom.wkt), 1e-7)


def test_shapefile_zip_keeps_bangla_and_maps_long_names(gis_client, bangla_wards, tmp_path):
    _, content = download(gis_client, "wards", export="shp")
    path = tmp_path / "wards.zip"
    path.write_bytes(content)
    with zipfile.ZipFile(path) as bundle:
        names = set(bundle.namelist())
        assert {"wards.shp", "wards.dbf", "wards.shx", "wards.prj", "wards.cpg"} <= names
        assert bundle.read("wards.cpg").strip().upper() in {b"UTF-8", b"UTF8"}
        fields = bundle.read("FIELDS.txt").decode()
    assert "bldng_cnt\tbuilding_count" in fields
    frame = pyogrio.read_dataframe(f"/vsizip/{path}")
    assert "ওয়ার্ড ১ (পশ্চিম)" in set(frame["name_bn"])
    assert max(len(column) for column in frame.columns) <= 10


def test_csv_and_xlsx_carry_wkt(gis_client, town):
    building = BuildingFactory(municipality=town.municipality)
    _, content = download(gis_client, "buildings", export="csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row["bin"] for row in rows] == [building.bin]
    assert shapely.from_wkt(rows[0]["wkt"]).equals_exact(shapely.from_wkt(building.geom.wkt), 1e-7)
    _, content = download(gis_client, "buildings", export="xlsx")
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    values = list(sheet.values)
    assert values[0][0] == "id"
    assert values[1][values[0].index("bin")] == building.bin


def test_geojson_export_and_ward_filter(gis_client, town, other_town):
    BuildingFactory(municipality=town.municipality, geom=square(90.81, 22.93))
    BuildingFactory(municipality=town.municipality, geom=square(90.85, 22.93))
    BuildingFactory(municipality=other_town.municipality, geom=square(91.01, 22.93))
    _, content = download(gis_client, "buildings", export="geojson", ward=town.west.pk)
    frame = pyogrio.read_dataframe(io.BytesIO(content))
    assert len(frame) == 1
    _, content = download(gis_client, "buildings", export="gpkg")
    path = Path(tempfile.mkdtemp()) / "b.gpkg"
    path.write_bytes(content)
    assert len(pyogrio.read_dataframe(path)) == 2  # the other municipality stays out


def test_temporary_files_are_removed(gis_client, town):
    BuildingFactory(municipality=town.municipality)
    before = set(Path(tempfile.gettempdir()).glob("imis-export-*"))
    response = gis_client.get(reverse("spatial-api:export", args=["buildings"]), {"export": "gpkg"})
    b"".join(response.streaming_content)
    response.close()
    assert set(Path(tempfile.gettempdir()).glob("imis-export-*")) == before


@pytest.mark.parametrize(
    ("name", "params", "status"),
    [
        ("castles", {}, 404),
        ("buildings", {"export": "dwg"}, 400),
        ("buildings", {"bbox": "1,2"}, 400),
        ("buildings", {"ward": 999999}, 400),
    ],
)
def test_bad_export_requests(gis_client, town, name, params, status):
    response = gis_client.get(reverse("spatial-api:export", args=[name]), params)
    assert response.status_code == status


def test_anonymous_cannot_export(client, town):
    response = client.get(reverse("spatial-api:export", args=["buildings"]))
    assert response.status_code in (401, 403)


def test_shapefile_field_names_are_short_unique_and_stable():
    mapping = shapefile_field_names(
        ["holding_number", "household_count", "household_size", "bin", "footprint_area_m2"]
    )
    assert mapping["bin"] == "bin"
    assert all(len(short) <= 10 for short in mapping.values())
    assert len(set(mapping.values())) == len(mapping)
    assert mapping == shapefile_field_names(list(mapping))


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "csv"])
def test_exports_larger_than_one_chunk(gis_client, town, tmp_path, monkeypatch, fmt):
    import core.io

    monkeypatch.setattr(core.io, "CHUNK", 3)
    made = [BuildingFactory(municipality=town.municipality) for _ in range(8)]
    _, content = download(gis_client, "buildings", export=fmt)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        assert sorted(int(r["id"]) for r in rows) == sorted(b.pk for b in made)
        return
    path = tmp_path / ("b.gpkg" if fmt == "gpkg" else "b.zip")
    path.write_bytes(content)
    frame = pyogrio.read_dataframe(path if fmt == "gpkg" else f"/vsizip/{path}")
    assert sorted(frame["id"]) == sorted(b.pk for b in made)


def test_geojson_stream_keeps_awkward_text_across_chunks(gis_client, town, monkeypatch):
    """Every character of a holding number comes back as it was stored, in every chunk."""
    import json

    import core.copying
    import core.features

    monkeypatch.setattr(core.features, "FETCH_CHUNK", 5)
    monkeypatch.setattr(core.copying, "COPY_CHUNK_BYTES", 2000)
    awkward = ['back\\slash "quoted"', "line\nbreak\ttab", "বাংলা \\\\ two", "\\n literal"]
    made = [
        BuildingFactory(municipality=town.municipality, holding_number=f"{text} {k}")
        for k, text in enumerate(awkward * 3)
    ]
    with CaptureQueriesContext(connection) as queries:
        _, content = download(gis_client, "buildings", export="geojson")
    # The features came by COPY on a connection of their own, in several chunks.
    assert not [q for q in queries.captured_queries if "DECLARE" in q["sql"]]
    collection = json.loads(content)
    assert collection["numberReturned"] == len(made) == len(collection["features"])
    got = {f["id"]: f["properties"]["holding_number"] for f in collection["features"]}
    assert got == {b.pk: b.holding_number for b in made}
    assert len(pyogrio.read_dataframe(io.BytesIO(content))) == len(made)


# Connections whose last statement was a COPY of features (the export's own connection).
COPYING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND pid <> pg_backend_pid() AND query LIKE 'COPY (%%'"
)


def _copying() -> int:
    with connection.cursor() as cursor:
        cursor.execute(COPYING)
        return cursor.fetchone()[0]


def test_an_export_left_unread_frees_its_connection(town, monkeypatch):
    """A download stopped half way (the client went away): closing the stream cancels the
    COPY and its connection, and this thread's own connection goes on answering."""
    import json

    from core.features import LayerQuery, stream_feature_collection
    from spatial.layers import BUILDINGS

    for _ in range(30):
        BuildingFactory(municipality=town.municipality)
    query = LayerQuery(municipality_ids=[town.municipality.pk], limit=10**9)
    import core.copying

    monkeypatch.setattr(core.copying, "COPY_CHUNK_BYTES", 1500)
    stream = stream_feature_collection(BUILDINGS, query, number_matched=30, links=[], copy=True)
    first = next(stream) + next(stream)
    assert first.startswith(b'{"type": "FeatureCollection"')
    assert _copying() == 1
    stream.close()
    deadline = time.monotonic() + 10  # a closed connection's server process ends soon after
    while _copying() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _copying() == 0
    whole = b"".join(
        stream_feature_collection(BUILDINGS, query, number_matched=30, links=[], copy=True)
    )
    assert json.loads(whole)["numberReturned"] == 30


@pytest.mark.parametrize("url", ["/ogc/collections/buildings/items", "/api/v1/buildings/"])
def test_a_first_page_holding_all_that_match_is_copied_alike(gis_client, town, monkeypatch, url):
    """A ward's buildings, all on the first page: the same collection by COPY as through the
    cursor, links and all."""
    import json

    import core.copying

    for _ in range(12):
        BuildingFactory(municipality=town.municipality, ward=town.west)
    BuildingFactory(municipality=town.municipality, ward=town.east)
    params = {"ward": town.west.pk, "limit": 50}

    def read(at_least: int) -> tuple[dict, list]:
        monkeypatch.setattr(core.copying, "COPY_AT_LEAST", at_least)
        with CaptureQueriesContext(connection) as queries:
            response = gis_client.get(url, params)
            body = json.loads(b"".join(response.streaming_content))
        return body, [q["sql"] for q in queries.captured_queries if "DECLARE" in q["sql"]]

    copied, cursors = read(1)
    assert cursors == []
    through_cursor, cursors = read(10**9)
    assert len(cursors) == 1
    assert copied == through_cursor
    in_ward = Building.objects.filter(ward=town.west, retired_at=None).count()
    assert copied["numberReturned"] == copied["numberMatched"] == in_ward >= 12
    assert [link["rel"] for link in copied["links"]] == ["self"]


def test_a_copied_page_stops_at_its_limit(town):
    """Should more match than the page holds (written since they were counted), the copied
    page stops at its limit and its end names the last feature sent."""
    import json

    from core.features import LayerQuery, stream_feature_collection
    from spatial.layers import BUILDINGS

    made = [BuildingFactory(municipality=town.municipality) for _ in range(8)]
    query = LayerQuery(municipality_ids=[town.municipality.pk], limit=5)
    ends = []
    body = json.loads(
        b"".join(
            stream_feature_collection(
                BUILDINGS,
                query,
                number_matched=8,
                links=lambda end: ends.append(end) or [],
                copy=True,
            )
        )
    )
    ids = sorted(b.pk for b in made)
    assert [f["id"] for f in body["features"]] == ids[:5]
    assert body["numberReturned"] == 5
    assert ends[0].more is True
    assert ends[0].last_id == ids[4]
