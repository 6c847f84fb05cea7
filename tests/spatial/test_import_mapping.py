"""A town's own names for a register's columns and codes (issue 35): wards from a zipped
Shapefile in the national projected CRS (EPSG:3106, BTM) with Bangla column names import
once the town has saved what the columns mean; roads with the town's words for the
hierarchy; a mapping that names no attribute or no code is refused; only an editor of the
whole town keeps it."""

import io
import zipfile

import geopandas
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile

from core.roles import MembershipRole
from spatial.models import Road, Ward
from tests.conftest import client_for, make_town
from tests.factories import EAST, NORTH, SOUTH, SPLIT, WEST, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(town):
    return MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user


def _zipped_shapefile(frame, folder) -> bytes:
    frame.to_file(folder / "w.shp", encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for part in folder.glob("w.*"):
            bundle.write(part, part.name)
    return buffer.getvalue()


def _import(user, layer, content, name, code, **data):
    upload = SimpleUploadedFile(name, content)
    return client_for(user).post(
        f"/api/v1/imports/{layer}/?municipality={code}",
        {"file": upload, "municipality": code, **data},
        format="multipart",
    )


def _wards_file(tmp_path) -> tuple[bytes, list]:
    shapes = [
        shapely.box(WEST, SOUTH, SPLIT, NORTH),
        shapely.box(SPLIT, SOUTH, EAST, NORTH),
    ]
    frame = geopandas.GeoDataFrame(
        {"নং": [1, 2], "নাম": ["উত্তর", "দক্ষিণ"], "geometry": shapes}, crs=4326
    ).to_crs(3106)
    return _zipped_shapefile(frame, tmp_path), shapes


def test_wards_in_btm_with_bangla_columns_import_once_the_town_names_them(town, officer, tmp_path):
    Ward.objects.filter(municipality=town.municipality).delete()
    content, shapes = _wards_file(tmp_path)
    code = town.municipality.code
    before = _import(officer, "wards", content, "w.zip", code).json()
    assert before["problems"]  # "number" is required: the file calls it নং
    url = f"/api/v1/imports/wards/mapping/?municipality={code}"
    saved = client_for(officer).put(
        url, {"columns": {"নং": "number", "নাম": "name_bn"}}, format="json"
    )
    assert saved.status_code == 200, saved.content
    assert "number" in saved.json()["attributes"]
    after = _import(officer, "wards", content, "w.zip", code, commit="true").json()
    assert after["committed"] is True, after
    assert after["source_crs"].endswith("3106")
    wards = list(Ward.objects.filter(municipality=town.municipality).order_by("number"))
    assert [(w.number, w.name_bn) for w in wards] == [(1, "উত্তর"), (2, "দক্ষিণ")]
    for ward, shape in zip(wards, shapes, strict=True):
        back = shapely.from_wkb(bytes(ward.geom.wkb))
        # The same corners, projected and back (within a centimetre).
        assert back.hausdorff_distance(shape) < 1e-7
    # Saved for the town: read back as it was put.
    assert client_for(officer).get(url).json()["columns"] == {"নং": "number", "নাম": "name_bn"}


def test_the_towns_words_for_a_code_list(town, officer):
    code = town.municipality.code
    url = f"/api/v1/imports/roads/mapping/?municipality={code}"
    good = {"columns": {"ধরন": "hierarchy"}, "values": {"hierarchy": {"প্রধান": "feeder"}}}
    assert client_for(officer).put(url, good, format="json").status_code == 200
    line = shapely.LineString([(WEST + 0.001, SOUTH + 0.001), (WEST + 0.003, SOUTH + 0.001)])
    content = (
        geopandas.GeoDataFrame({"code": ["R-1"], "ধরন": ["প্রধান"], "geometry": [line]}, crs=4326)
        .to_json()
        .encode()
    )
    report = _import(officer, "roads", content, "r.geojson", code, commit="true").json()
    assert report["committed"] is True, report
    assert Road.objects.get(code="R-1").hierarchy == "feeder"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"columns": {"x": "no_such_attribute"}}, "columns"),
        ({"values": {"hierarchy": {"প্রধান": "not_a_code"}}}, "values"),
        ({"values": {"no_such_attribute": {"a": "b"}}}, "values"),
    ],
)
def test_a_mapping_to_nothing_is_refused(town, officer, body, field):
    url = f"/api/v1/imports/roads/mapping/?municipality={town.municipality.code}"
    answer = client_for(officer).put(url, body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert client_for(officer).get(url).json()["columns"] == {}


def test_only_an_editor_of_the_whole_town_keeps_its_names(town):
    other = make_town(offset=0.5)
    url = f"/api/v1/imports/wards/mapping/?municipality={town.municipality.code}"
    body = {"columns": {"নং": "number"}}
    limited = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    limited.wards.set([town.west])
    stranger = MembershipFactory(municipality=other.municipality, role=MembershipRole.GIS_OFFICER)
    executive = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    assert client_for(limited.user).put(url, body, format="json").status_code == 403
    assert client_for(stranger.user).put(url, body, format="json").status_code == 400
    assert client_for(executive.user).put(url, body, format="json").status_code == 403
