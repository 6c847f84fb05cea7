"""Imports: dry-run reports per row, all-or-nothing commits, re-uploads that change nothing,
and hostile files refused with a clear 400."""

import io
import json
import zipfile

import geopandas
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile

from core.roles import MembershipRole
from spatial.models import Building
from tests.conftest import client_for
from tests.factories import SPLIT, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(town):
    return MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user


def _square(lon, lat, d=0.0001):
    return shapely.box(lon, lat, lon + d, lat + d)


def _geojson(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _feature(geometry, **properties):
    return {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(geometry),
        "properties": properties,
    }


def _post(user, content: bytes, name: str, **data):
    upload = SimpleUploadedFile(name, content)
    return client_for(user).post(
        "/api/v1/imports/buildings/", {"file": upload, **data}, format="multipart"
    )


def _good_file():
    return _geojson(
        [
            _feature(
                _square(SPLIT - 0.01, 22.94), holding_number="01-0001", functional_use="residential"
            ),
            _feature(_square(SPLIT + 0.01, 22.94), holding_number="02-0001", floor_count=3),
        ]
    )


def test_dry_run_reports_and_writes_nothing(officer):
    response = _post(officer, _good_file(), "b.geojson")
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["rows"], report["created"], report["committed"]) == (2, 2, False)
    assert report["problems"] == []
    assert Building.objects.count() == 0


def test_commit_then_same_file_again_creates_no_duplicates(officer):
    first = _post(officer, _good_file(), "b.geojson", commit="true").json()
    assert (first["created"], first["committed"]) == (2, True)
    assert sorted(Building.objects.values_list("ward__number", flat=True)) == [1, 2]
    again = _post(officer, _good_file(), "b.geojson", commit="true").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert Building.objects.count() == 2


def test_every_problem_is_reported_per_row_and_nothing_is_written(officer):
    bowtie = shapely.Polygon([(90.81, 22.94), (90.811, 22.941), (90.811, 22.94), (90.81, 22.941)])
    content = _geojson(
        [
            _feature(_square(SPLIT - 0.01, 22.94), holding_number="01-0001"),
            _feature(bowtie, holding_number="01-0002"),
            _feature(_square(91.5, 22.94), holding_number="01-0003"),
            _feature(_square(SPLIT - 0.02, 22.94), holding_number="01-0001"),
            _feature(
                _square(SPLIT - 0.03, 22.94), holding_number="01-0005", functional_use="castle"
            ),
            _feature(shapely.Point(90.81, 22.94), holding_number="01-0006"),
        ]
    )
    report = _post(officer, content, "bad.geojson", commit="true").json()
    assert report["committed"] is False
    problems = {(p["row"], p["field"]): p["message"] for p in report["problems"]}
    assert "Self-intersection" in problems[(2, "geometry")]
    assert "outside" in problems[(3, "geometry")]
    # Auxiliary buildings share their main building's holding number: no problem.
    assert (4, "holding_number") not in problems
    assert "castle" in problems[(5, "functional_use")]
    assert "Point" in problems[(6, "geometry")]
    assert Building.objects.count() == 0


def test_the_registers_own_rules_are_row_problems_not_a_failed_import(officer):
    """A building with toilets counted must have a toilet (a check constraint): the row is
    named, nothing is written, and the rows that keep the rule import."""
    rows = [
        _feature(_square(SPLIT - 0.01, 22.94), has_toilet="no", toilet_count=2),
        _feature(_square(SPLIT + 0.01, 22.94), has_toilet="yes", toilet_count=2,
                 vacutug_accessible="no", population_disabled=1, use_subcategory="flat"),
    ]  # fmt: skip
    report = _post(officer, _geojson(rows), "b.geojson", commit="true").json()
    assert report["committed"] is False
    assert [(p["row"], p["field"]) for p in report["problems"]] == [(1, "toilet_count")]
    assert Building.objects.count() == 0
    report = _post(officer, _geojson(rows[1:]), "b.geojson", commit="true").json()
    assert report["committed"] is True, report
    building = Building.objects.get()
    assert (building.toilet_count, building.vacutug_accessible) == (2, False)
    assert (building.population_disabled, building.use_subcategory) == (1, "flat")


def test_shapefile_zip_with_bangla_and_gpkg_and_csv(officer, tmp_path):
    frame = geopandas.GeoDataFrame(
        {"holding_number": ["০১-০০০১"], "geometry": [_square(SPLIT - 0.01, 22.94)]}, crs=4326
    )
    frame.to_file(tmp_path / "b.shp", encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for part in tmp_path.glob("b.*"):
            bundle.write(part, part.name)
    shp = _post(officer, buffer.getvalue(), "b.zip", commit="true").json()
    assert shp["committed"] is True
    assert Building.objects.get().holding_number == "০১-০০০১"
    # The same footprint in EPSG:3106 through a GeoPackage is recognised as the same row.
    frame.to_crs(3106).to_file(tmp_path / "b.gpkg", layer="buildings")
    gpkg = _post(officer, (tmp_path / "b.gpkg").read_bytes(), "b.gpkg").json()
    assert gpkg["source_crs"].endswith("3106")
    assert gpkg["created"] == 0
    csv_text = f"holding_number,wkt\n01-0009,{_square(SPLIT + 0.01, 22.95).wkt}\n"
    assert _post(officer, csv_text.encode(), "b.csv").json()["created"] == 1


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in entries:
            bundle.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (_zip([("../../etc/evil.shp", b"x")]), "evil.zip", "outside the archive"),
        (_zip([("bomb.shp", b"\0" * 50_000_000)]), "bomb.zip", "zip bomb"),
        (_zip([("b.shp", b"x"), ("b.shx", b"x"), ("b.dbf", b"x")]), "noprj.zip", ".prj"),
        (b"PK\x03\x04 not really a zip", "broken.zip", "not a valid zip"),
        (b"\xff\xfe\x00garbage", "b.csv", "UTF-8"),
        (b'{"type": "FeatureCollection", "features": [', "b.geojson", "could not be read"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_400(officer, content, name, message, tmp_path):
    response = _post(officer, content, name)
    assert response.status_code == 400, response.content
    assert message in json.dumps(response.json()["errors"]["file"], ensure_ascii=False)
    assert not list(tmp_path.parent.glob("etc/evil.shp"))


def test_a_geopackage_with_several_layers_asks_which(officer, tmp_path):
    frame = geopandas.GeoDataFrame(
        {"holding_number": ["01-0001"], "geometry": [_square(SPLIT - 0.01, 22.94)]}, crs=4326
    )
    frame.to_file(tmp_path / "two.gpkg", layer="first")
    frame.to_file(tmp_path / "two.gpkg", layer="second")
    content = (tmp_path / "two.gpkg").read_bytes()
    response = _post(officer, content, "two.gpkg")
    assert response.status_code == 400
    assert "first, second" in response.json()["errors"]["file"][0]
    assert _post(officer, content, "two.gpkg", layer="second").json()["created"] == 1


def test_a_million_vertex_polygon_is_a_row_problem(officer):
    ring = shapely.Point(SPLIT - 0.01, 22.94).buffer(0.001, quad_segs=250_000)
    report = _post(officer, _geojson([_feature(ring, holding_number="x")]), "big.geojson").json()
    assert "vertices" in report["problems"][0]["message"]


def test_only_register_editors_may_import(town, other_town, officer):
    executive = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.EXECUTIVE
    ).user
    assert _post(executive, _good_file(), "b.geojson").status_code == 403
    outsider = MembershipFactory(
        municipality=other_town.municipality, role=MembershipRole.GIS_OFFICER
    ).user
    response = _post(outsider, _good_file(), "b.geojson", municipality=town.municipality.code)
    assert response.status_code == 400
    assert Building.objects.count() == 0
