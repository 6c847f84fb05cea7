"""The town's names set in the browser (issue 35): the GIS officer reads a sample of the
town's roads file, says the column ধরন is the hierarchy, then which code each of its
words is; the roads then import as the file is."""

import re

import geopandas
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import ImportMapping
from core.roles import MembershipRole
from spatial.models import Road
from tests.conftest import client_for
from tests.factories import SOUTH, WEST, MembershipFactory

pytestmark = pytest.mark.django_db


def _roads_file() -> bytes:
    lines = [
        shapely.LineString([(WEST + 0.001, SOUTH + 0.001), (WEST + 0.003, SOUTH + 0.001)]),
        shapely.LineString([(WEST + 0.001, SOUTH + 0.002), (WEST + 0.003, SOUTH + 0.002)]),
    ]
    frame = geopandas.GeoDataFrame(
        {"code": ["R-1", "R-2"], "ধরন": ["প্রধান", "গলি"]}, geometry=lines, crs=4326
    )
    return frame.to_json().encode()


def test_the_officer_names_the_columns_then_the_words(town):
    officer = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    client = Client()
    client.force_login(officer.user)
    url = f"/office/municipalities/{town.municipality.code}/names/roads/"
    read = client.post(
        url, {"step": "read", "file": SimpleUploadedFile("r.geojson", _roads_file())}
    )
    page = read.content.decode()
    assert read.status_code == 200
    assert "ধরন" in page
    assert 'id="names-columns"' in page
    labels = dict((label, name) for name, label in re.findall(r'for="id_(c\d+)">([^<]+)<', page))
    assert {"code", "ধরন"} <= set(labels)  # and the features' id
    fields = {labels["code"]: "code", labels["ধরন"]: "hierarchy", "step": "columns"}
    assert client.post(url, fields).status_code == 302
    page = client.get(url).content.decode()
    assert "hierarchy: প্রধান" in page
    assert "hierarchy: গলি" in page
    asked = dict((label, name) for name, label in re.findall(r'for="id_(w\d+)">([^<]+)<', page))
    words = client.post(
        url,
        {"step": "words", asked["hierarchy: গলি"]: "other",
         asked["hierarchy: প্রধান"]: "strategic_urban"},
    )  # fmt: skip
    assert words.status_code == 302
    mapping = ImportMapping.objects.get(municipality=town.municipality, layer="roads")
    assert mapping.columns == {"ধরন": "hierarchy"}
    assert mapping.values == {"hierarchy": {"গলি": "other", "প্রধান": "strategic_urban"}}
    report = (
        client_for(officer.user)
        .post(
            "/api/v1/imports/roads/",
            {"file": SimpleUploadedFile("r.geojson", _roads_file()), "commit": "true"},
            format="multipart",
        )
        .json()
    )
    assert report["committed"] is True, report
    assert Road.objects.get(code="R-1").hierarchy == "strategic_urban"


def test_a_ward_limited_officer_and_an_unreadable_file_are_refused(town):
    limited = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    limited.wards.set([town.west])
    client = Client()
    client.force_login(limited.user)
    url = f"/office/municipalities/{town.municipality.code}/names/roads/"
    assert client.get(url).status_code == 403
    officer = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    client.force_login(officer.user)
    bad = client.post(url, {"step": "read", "file": SimpleUploadedFile("x.zip", b"PK\x03\x04x")})
    assert bad.status_code == 400
    assert (
        client.get(f"/office/municipalities/{town.municipality.code}/names/nothing/").status_code
        == 404
    )
