"""The round trip a GIS officer makes: export a layer, (edit it in a GIS,) import the file
back. An unchanged export re-imports as nothing to do, in every importable layer and format;
an edit re-imports as exactly that edit; read-only and unknown columns are reported, never
written (issue: the population tripled, the system refused its own export, and every
re-import "updated" most rows)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import geopandas
import pyogrio
import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile

from containment.models import Containment
from core.roles import MembershipRole
from spatial.models import Building, Road, Ward
from tests.conftest import client_for
from tests.factories import (
    SOUTH,
    SPLIT,
    WEST,
    BuildingFactory,
    ContainmentFactory,
    MembershipFactory,
    RoadFactory,
)

# GeoPackage and Shapefile exports are written by ogr2ogr on its own connection: the data
# must be committed for it to see them.
pytestmark = pytest.mark.django_db(transaction=True)
FORMATS = ["geojson", "gpkg", "shp", "csv"]
LAYERS = ["buildings", "wards", "roads", "containments"]


def _odd_square(lon: float, lat: float) -> Polygon:
    """A footprint with coordinates of many decimals, as surveyed ones are."""
    d = 0.000123456789
    ring = [(lon, lat), (lon + d, lat + 0.0000001234), (lon + d, lat + d), (lon, lat + d)]
    return Polygon([*ring, ring[0]], srid=4326)


@pytest.fixture
def register(town):
    main = BuildingFactory(
        municipality=town.municipality,
        geom=_odd_square(WEST + 0.00312345678, SOUTH + 0.00412345678),
        holding_number="01-0043",
        population_male=3,
        population_female=4,
        population_other=1,
        construction_year=2004,
        water_source="tube_well",
        has_toilet=True,
    )
    # An auxiliary building of the same holding.
    kitchen = BuildingFactory(
        municipality=town.municipality,
        geom=_odd_square(WEST + 0.00352345678, SOUTH + 0.00412345678),
        holding_number="01-0043",
        population_male=None,
        population_female=None,
        population_other=None,
        has_toilet=False,
    )
    east = BuildingFactory(
        municipality=town.municipality, geom=_odd_square(SPLIT + 0.0051234567, SOUTH + 0.005)
    )
    RoadFactory(
        municipality=town.municipality,
        geom=LineString(
            (WEST + 0.0021234567, SOUTH + 0.0201234567),
            (SPLIT + 0.0101234567, SOUTH + 0.0209876543),
            srid=4326,
        ),
        right_of_way_m=Decimal("8.5"),
        carriageway_width_m=Decimal("4.25"),
    )
    centre = main.geom.centroid
    tank = ContainmentFactory(
        municipality=town.municipality,
        buildings=[main],
        geom=Point(centre.x + 0.0001234567, centre.y - 0.0000123456, srid=4326),
    )
    Containment.objects.filter(pk=tank.pk).update(
        users=9, volume_m3=Decimal("3.20"), location="outside", times_emptied=2, ever_emptied=True
    )
    officer = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.GIS_OFFICER
    ).user
    return {"officer": officer, "main": main, "kitchen": kitchen, "east": east}


def export(user, layer: str, fmt: str, **params) -> tuple[bytes, str]:
    response = client_for(user).get(f"/api/v1/exports/{layer}/", {"export": fmt, **params})
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body, {"shp": "zip"}.get(fmt, fmt)


def import_file(user, layer: str, content: bytes, extension: str, **data) -> dict:
    upload = SimpleUploadedFile(f"{layer}.{extension}", content)
    response = client_for(user).post(
        f"/api/v1/imports/{layer}/", {"file": upload, **data}, format="multipart"
    )
    assert response.status_code == 200, response.content[:500]
    return response.json()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layer", LAYERS)
def test_an_unchanged_export_reimports_as_nothing_to_do(register, layer, fmt):
    officer = register["officer"]
    content, extension = export(officer, layer, fmt)
    report = import_file(officer, layer, content, extension, commit="true")
    assert report["problems"] == []
    assert report["notices"] == []  # every column is known, no read-only column differs
    assert (report["created"], report["updated"]) == (0, 0), report["changes"]
    assert report["unchanged"] == report["rows"] > 0


def _edit_geojson(content: bytes, edit) -> bytes:
    collection = json.loads(content)
    for feature in collection["features"]:
        edit(feature)
    return json.dumps(collection).encode()


def test_population_round_trips_part_by_part(register):
    """The export's population (a sum, read-only) never lands in its parts."""
    officer, main = register["officer"], register["main"]
    content, _extension = export(officer, "buildings", "geojson")

    def edit(feature):
        if feature["properties"]["bin"] == main.bin:
            feature["properties"]["population_female"] = 6
            feature["properties"]["population"] = 99  # read-only: reported, ignored

    report = import_file(officer, "buildings", _edit_geojson(content, edit), "geojson",
                         commit="true")  # fmt: skip
    assert report["problems"] == []
    assert report["changes"] == [{"row": 1, "key": main.bin, "fields": ["population_female"]}]
    assert [(n["row"], n["field"]) for n in report["notices"]] == [(1, "population")]
    main.refresh_from_db()
    assert (main.population_male, main.population_female, main.population_other) == (3, 6, 1)


def test_a_blank_cell_clears_and_a_missing_column_leaves_alone(register):
    officer, main = register["officer"], register["main"]
    content, _extension = export(officer, "buildings", "geojson")

    def edit(feature):
        if feature["properties"]["bin"] == main.bin:
            feature["properties"]["construction_year"] = None
            feature["properties"]["holding_number"] = ""
        del feature["properties"]["floor_count"]

    report = import_file(officer, "buildings", _edit_geojson(content, edit), "geojson",
                         commit="true")  # fmt: skip
    assert report["updated"] == 1
    main.refresh_from_db()
    assert (main.construction_year, main.holding_number, main.floor_count) == (None, "", 2)


def test_unknown_columns_and_bins_are_reported(register):
    officer = register["officer"]
    content, _extension = export(officer, "buildings", "geojson")

    def edit(feature):
        feature["properties"]["colour"] = "red"

    report = import_file(officer, "buildings", _edit_geojson(content, edit), "geojson")
    assert [(n["row"], n["field"]) for n in report["notices"]] == [(0, "colour")]
    assert report["updated"] == 0

    def rename(feature):
        if feature["properties"]["holding_number"] != "01-0043":
            feature["properties"]["bin"] = "NOPE-1"

    report = import_file(officer, "buildings", _edit_geojson(content, rename), "geojson",
                         commit="true")  # fmt: skip
    assert report["committed"] is False
    assert [p["field"] for p in report["problems"]] == ["bin"]
    assert "NOPE-1" in report["problems"][0]["message"]


def test_a_moved_vertex_is_one_geometry_change_and_the_rest_keep_their_coordinates(register):
    officer, east = register["officer"], register["east"]
    before = {b.pk: b.geom.wkb.hex() for b in Building.objects.all()}
    content, _extension = export(officer, "buildings", "geojson")

    def edit(feature):
        if feature["properties"]["bin"] == east.bin:
            ring = feature["geometry"]["coordinates"][0]
            ring[2] = [ring[2][0] + 0.00002, ring[2][1]]

    report = import_file(officer, "buildings", _edit_geojson(content, edit), "geojson",
                         commit="true")  # fmt: skip
    assert report["changes"] == [{"row": 3, "key": east.bin, "fields": ["geometry"]}]
    after = {b.pk: b.geom.wkb.hex() for b in Building.objects.all()}
    assert after[east.pk] != before[east.pk]
    assert {k: v for k, v in after.items() if k != east.pk} == {
        k: v for k, v in before.items() if k != east.pk
    }


def test_a_shapefile_saved_anew_by_a_gis_maps_gdal_names(register, tmp_path):
    """QGIS's "Save as" writes a Shapefile with GDAL's own short names (population_male ->
    populati_1): the import maps them by the export's column order, not by prefix."""
    officer, main = register["officer"], register["main"]
    content, _extension = export(officer, "buildings", "gpkg")
    (tmp_path / "in.gpkg").write_bytes(content)
    frame = pyogrio.read_dataframe(tmp_path / "in.gpkg")
    frame.loc[frame["bin"] == main.bin, "population_other"] = 2
    out = tmp_path / "shp"
    out.mkdir()
    frame.to_file(out / "buildings.shp", engine="pyogrio")
    written = list(pyogrio.read_info(out / "buildings.shp")["fields"])
    assert "populati_3" in written  # what GDAL made of population_other
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for part in out.iterdir():
            bundle.write(part, part.name)
    report = import_file(officer, "buildings", buffer.getvalue(), "zip", commit="true")
    assert report["problems"] == []
    assert report["changes"] == [{"row": 1, "key": main.bin, "fields": ["population_other"]}]
    main.refresh_from_db()
    assert (main.population_male, main.population_female, main.population_other) == (3, 4, 2)


def test_a_reprojected_export_reimports_unchanged(register, tmp_path):
    """A GeoPackage re-saved in EPSG:3106 (metres) comes back as the same shapes."""
    officer = register["officer"]
    for layer in ("buildings", "roads", "wards"):
        content, _extension = export(officer, layer, "gpkg")
        (tmp_path / f"{layer}.gpkg").write_bytes(content)
        frame = geopandas.read_file(tmp_path / f"{layer}.gpkg").to_crs(3106)
        frame.to_file(tmp_path / f"{layer}-3106.gpkg", engine="pyogrio")
        report = import_file(officer, layer, (tmp_path / f"{layer}-3106.gpkg").read_bytes(), "gpkg")
        assert report["source_crs"].endswith("3106")
        assert report["problems"] == []
        assert (report["created"], report["updated"]) == (0, 0), (layer, report["changes"])


def test_a_road_wider_than_its_right_of_way_is_a_problem_not_an_error(register):
    officer = register["officer"]
    content, _extension = export(officer, "roads", "geojson")

    def edit(feature):
        feature["properties"]["carriageway_width_m"] = 12

    report = import_file(officer, "roads", _edit_geojson(content, edit), "geojson",
                         commit="true")  # fmt: skip
    assert report["committed"] is False
    assert [p["field"] for p in report["problems"]] == ["carriageway_width_m"]
    assert Road.objects.get().carriageway_width_m == Decimal("4.25")


def test_a_file_from_elsewhere_uploaded_twice_matches_by_shape(register):
    """Features without a BIN (a survey firm's file) are created once: the second upload
    finds each at its place."""
    officer = register["officer"]
    ring = [(SPLIT + 0.02, 22.95), (SPLIT + 0.0201, 22.95), (SPLIT + 0.0201, 22.9501)]
    feature = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        "properties": {"holding_number": "02-0100", "floor_count": 1},
    }
    content = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    first = import_file(officer, "buildings", content, "geojson", commit="true")
    assert first["created"] == 1
    again = import_file(officer, "buildings", content, "geojson", commit="true")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)
    assert Ward.objects.count() == 2
    assert Building.objects.filter(holding_number="02-0100").count() == 1


@pytest.mark.parametrize("fmt", ["geojson", "shp"])
def test_a_row_changed_in_the_register_since_the_export_is_a_conflict(register, fmt):
    """The export carries each row's version: an old file would undo someone's edit."""
    import datetime as dt

    from django.utils import timezone

    officer, main, east = register["officer"], register["main"], register["east"]
    content, extension = export(officer, "buildings", fmt)
    # Meanwhile a colleague changes the main building on the map.
    Building.objects.filter(pk=main.pk).update(
        floor_count=5, updated_at=timezone.now() + dt.timedelta(seconds=2)
    )
    report = import_file(officer, "buildings", content, extension, commit="true")
    assert report["committed"] is False
    assert [(p["row"], p["field"]) for p in report["problems"]] == [(1, "version")]
    assert "export it again" in report["problems"][0]["message"]
    main.refresh_from_db()
    assert main.floor_count == 5
    # A fresh export of it imports with the other rows untouched.
    fresh, extension = export(officer, "buildings", fmt)
    report = import_file(officer, "buildings", fresh, extension, commit="true")
    assert (report["problems"], report["updated"]) == ([], 0)
    assert east.bin in {b.bin for b in Building.objects.all()}


QGIS_EDIT = Path(__file__).resolve().parent.parent / "clients" / "qgis_edit_layer.py"
# One new value for every editable column of a building.
QGIS_VALUES = {
    "holding_number": "01-0099",
    "structure_type": "load_bearing",
    "floor_count": 4,
    "construction_year": 1999,
    "functional_use": "commercial",
    "household_count": 3,
    "population_male": 5,
    "population_female": 7,
    "population_other": 0,
    "water_source": "municipal_supply",
    "has_toilet": False,
}


def qgis_edit(path: Path, edits: list) -> dict:
    """QGIS itself (Debian's python3-qgis under /usr/bin/python3) editing a file."""
    probe = subprocess.run(
        ["/usr/bin/python3", "-c", "import qgis.core"],
        capture_output=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""},
        check=False,
    ) if Path("/usr/bin/python3").exists() else None  # fmt: skip
    if probe is None or probe.returncode != 0:
        pytest.skip("QGIS's Python (Debian's python3-qgis) is not installed; make test installs it")
    result = subprocess.run(
        ["/usr/bin/python3", str(QGIS_EDIT), str(path), json.dumps(edits)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:] + result.stdout[-500:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_an_edit_made_in_qgis_comes_back_as_exactly_that_edit(register, fmt, tmp_path):
    """Every editable column of one building changed in QGIS's attribute table, one vertex
    of another moved, saved: the import changes exactly those, each with its history."""
    from core.history import record_history
    from core.io import shapefile_field_names
    from spatial.layers import BUILDINGS

    officer, main, east = register["officer"], register["main"], register["east"]
    content, _extension = export(officer, "buildings", fmt)
    if fmt == "gpkg":
        path = tmp_path / "buildings.gpkg"
        path.write_bytes(content)
        names = {name: name for name in QGIS_VALUES}
    else:
        folder = tmp_path / "shp"
        with zipfile.ZipFile(io.BytesIO(content)) as bundle:
            bundle.extractall(folder)
        path = folder / "buildings.shp"
        names = shapefile_field_names(["id", *BUILDINGS.properties])
    values = dict(QGIS_VALUES)
    if fmt == "shp":
        values["has_toilet"] = 0  # a Shapefile keeps booleans as numbers
    qgis_edit(
        path,
        [
            {"where": [names["bin"] if fmt == "shp" else "bin", main.bin],
             "set": {names[k]: v for k, v in values.items()}},
            {"where": [names["bin"] if fmt == "shp" else "bin", east.bin],
             "move_vertex": [2, 0.00003, 0.00001]},
        ],
    )  # fmt: skip
    if fmt == "gpkg":
        edited, extension = path.read_bytes(), "gpkg"
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as bundle:
            for part in folder.iterdir():
                bundle.write(part, part.name)
        edited, extension = buffer.getvalue(), "zip"

    report = import_file(officer, "buildings", edited, extension, commit="true")
    assert (report["problems"], report["notices"]) == ([], [])
    changes = {change["key"]: sorted(change["fields"]) for change in report["changes"]}
    assert changes == {main.bin: sorted(QGIS_VALUES), east.bin: ["geometry"]}
    main.refresh_from_db()
    assert {name: getattr(main, name) for name in QGIS_VALUES} == QGIS_VALUES
    latest = record_history(main)[0]
    assert set(latest["changes"]) == set(QGIS_VALUES)
    assert set(record_history(east)[0]["changes"]) == {"geom"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layer", LAYERS)
def test_an_export_in_epsg_3106_reimports_as_nothing_to_do(register, layer, fmt):
    """Exported in Bangladesh Transverse Mercator (metres): GeoPackage, Shapefile and
    GeoJSON say so themselves; a CSV is imported with crs=EPSG:3106."""
    officer = register["officer"]
    content, extension = export(officer, layer, fmt, crs="EPSG:3106")
    extra = {"crs": "EPSG:3106"} if fmt == "csv" else {}
    report = import_file(officer, layer, content, extension, **extra)
    assert report["source_crs"].endswith("3106")
    assert (report["problems"], report["notices"]) == ([], [])
    assert (report["created"], report["updated"]) == (0, 0), report["changes"]


def test_a_metric_csv_without_its_crs_is_refused_clearly(register):
    officer = register["officer"]
    content, _extension = export(officer, "buildings", "csv", crs="EPSG:3106")
    upload = SimpleUploadedFile("buildings.csv", content)
    response = client_for(officer).post(
        "/api/v1/imports/buildings/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "EPSG:3106" in str(response.json())


def test_file_exports_describe_which_columns_round_trip(register, tmp_path):
    """The GeoPackage's schema table and the Shapefile's FIELDS.txt say of every column
    whether an import reads it back (editable) or leaves it to the register (read-only)."""
    import sqlite3

    officer = register["officer"]
    content, _extension = export(officer, "buildings", "gpkg")
    (tmp_path / "b.gpkg").write_bytes(content)
    with sqlite3.connect(tmp_path / "b.gpkg") as db:
        roles = dict(db.execute("SELECT column_name, description FROM gpkg_data_columns"))
    assert roles["population"] == roles["version"] == roles["id"] == "read-only"
    assert roles["population_male"] == roles["holding_number"] == "editable"
    assert len(pyogrio.read_dataframe(tmp_path / "b.gpkg")) == 3  # GDAL still reads it
    content, _extension = export(officer, "buildings", "shp")
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        lines = bundle.read("FIELDS.txt").decode().splitlines()
    listed = {line.split("\t")[1]: line.split("\t")[2] for line in lines}
    assert listed["footprint_area_m2"] == "read-only"
    assert listed["population_female"] == "editable"
