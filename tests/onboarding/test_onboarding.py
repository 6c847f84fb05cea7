"""A town moves in (issue 35): the system administrator creates it from its official
boundary (a zipped Shapefile in BTM), refused with the reason when the file is wrong; its
checklist says what is loaded and what is missing, and follows the wards loaded from the
town's own Shapefile with Bangla columns."""

import io
import zipfile

import geopandas
import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from containment.selectors import active_rule_set
from core.roles import MembershipRole
from spatial.models import Building, LowIncomeCommunity, Municipality
from tests.conftest import client_for
from tests.factories import (
    EAST,
    NORTH,
    SOUTH,
    SPLIT,
    WEST,
    BuildingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BOUNDARY = shapely.box(WEST, SOUTH, EAST, NORTH)


def _zipped(frame, folder, stem="b") -> bytes:
    frame.to_file(folder / f"{stem}.shp", encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for part in folder.glob(f"{stem}.*"):
            bundle.write(part, part.name)
    return buffer.getvalue()


@pytest.fixture
def system_admin():
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def _create(client, content, name="boundary.zip", code="char-alex"):
    return client.post(
        "/office/municipalities/new/",
        {
            "code": code,
            "name": "Char Alexander",
            "name_bn": "চর আলেকজান্ডার",
            "boundary": SimpleUploadedFile(name, content),
        },
    )


def test_a_town_moves_in_from_its_boundary_and_wards_in_btm(system_admin, tmp_path):
    boundary = geopandas.GeoDataFrame({"নাম": ["পৌরসভা"]}, geometry=[BOUNDARY], crs=4326)
    answer = _create(system_admin, _zipped(boundary.to_crs(3106), tmp_path))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    town = Municipality.objects.get(code="char-alex")
    back = shapely.from_wkb(bytes(town.boundary.wkb))
    assert back.hausdorff_distance(BOUNDARY) < 1e-7
    assert active_rule_set(municipality=town) is not None
    page = system_admin.get(answer["Location"]).content.decode()
    assert 'data-done="no"' in page
    assert "0%" in page

    officer = MembershipFactory(municipality=town, role=MembershipRole.GIS_OFFICER).user
    client_for(officer).put(
        "/api/v1/imports/wards/mapping/?municipality=char-alex",
        {"columns": {"নং": "number"}},
        format="json",
    )
    wards = geopandas.GeoDataFrame(
        {"নং": [1, 2]},
        geometry=[shapely.box(WEST, SOUTH, SPLIT, NORTH), shapely.box(SPLIT, SOUTH, EAST, NORTH)],
        crs=4326,
    ).to_crs(3106)
    upload = SimpleUploadedFile("w.zip", _zipped(wards, tmp_path, "w"))
    report = (
        client_for(officer)
        .post(
            "/api/v1/imports/wards/",
            {"file": upload, "municipality": "char-alex", "commit": "true"},
            format="multipart",
        )
        .json()
    )
    assert report["committed"] is True, report
    page = system_admin.get("/office/municipalities/char-alex/").content.decode()
    assert "100.0% of the boundary" in page
    assert "নং → number" in page


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        (shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]), "not a valid polygon"),
        (shapely.box(10, 10, 10.1, 10.1), "outside Bangladesh"),
        (shapely.LineString([(WEST, SOUTH), (EAST, NORTH)]), "as polygons"),
    ],
)
def test_a_wrong_boundary_is_refused_with_its_reason(system_admin, tmp_path, shape, message):
    frame = geopandas.GeoDataFrame({"n": [1]}, geometry=[shape], crs=4326)
    answer = _create(system_admin, frame.to_json().encode(), "b.geojson")
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Municipality.objects.filter(code="char-alex").exists()


def test_a_code_is_taken_once(system_admin, town):
    frame = geopandas.GeoDataFrame({"n": [1]}, geometry=[BOUNDARY], crs=4326)
    answer = _create(system_admin, frame.to_json().encode(), "b.geojson", town.municipality.code)
    assert answer.status_code == 400
    assert "has this code already" in answer.content.decode()


def test_only_the_system_administrator_creates_and_admins_read_their_own(town, other_town):
    admin = MembershipFactory(municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN)
    client = Client()
    client.force_login(admin.user)
    assert client.get("/office/municipalities/new/").status_code == 403
    listed = client.get("/office/municipalities/").content.decode()
    assert town.municipality.code in listed
    assert other_town.municipality.code not in listed
    own = f"/office/municipalities/{town.municipality.code}/"
    assert client.get(own).status_code == 200
    assert client.get(f"/office/municipalities/{other_town.municipality.code}/").status_code == 404
    desk = MembershipFactory(municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK)
    client.force_login(desk.user)
    assert client.get("/office/municipalities/").status_code == 403


def test_low_income_communities_load_from_the_towns_file(town):
    officer = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    inside = shapely.box(WEST + 0.001, SOUTH + 0.001, WEST + 0.003, SOUTH + 0.003)
    building = BuildingFactory(
        municipality=town.municipality,
        geom=GEOSGeometry(
            shapely.box(WEST + 0.0015, SOUTH + 0.0015, WEST + 0.0016, SOUTH + 0.0016).wkt, srid=4326
        ),
    )
    frame = geopandas.GeoDataFrame(
        {"name": ["Chor Kalibari", ""], "population": [340, 5]},
        geometry=[inside, shapely.box(WEST + 0.01, SOUTH + 0.01, WEST + 0.011, SOUTH + 0.011)],
        crs=4326,
    )

    def post(rows, **data):
        content = rows.to_json().encode()
        return (
            client_for(officer.user)
            .post(
                "/api/v1/imports/low-income-communities/",
                {"file": SimpleUploadedFile("l.geojson", content), **data},
                format="multipart",
            )
            .json()
        )

    dry = post(frame)
    assert {p["row"] for p in dry["problems"]} == {2}  # the row without its name
    assert {p["field"] for p in dry["problems"]} == {"name"}
    assert not LowIncomeCommunity.objects.exists()
    assert post(frame.iloc[:1], commit="true")["committed"] is True
    lic = LowIncomeCommunity.objects.get(municipality=town.municipality)
    assert (lic.name, lic.population) == ("Chor Kalibari", 340)
    building.refresh_from_db()
    assert Building.objects.get(pk=building.pk).low_income_community == lic
