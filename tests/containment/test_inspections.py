import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from containment import services
from containment.models import ComplianceAssessment, Inspection
from core.roles import MembershipRole

from ..conftest import client_for
from ..factories import BuildingFactory, ContainmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def inspector(town):
    return client_for(
        MembershipFactory(municipality=town.municipality, role=MembershipRole.INSPECTOR).user
    )


@pytest.fixture
def containment(town):
    building = BuildingFactory(municipality=town.municipality)
    found = ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        outlet="soak_pit",
        construction_year=2025,
        users=4,
    )
    services.rule_set_ensure(municipality=town.municipality)
    return found


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_observed_facts_update_the_register_and_are_kept(inspector, containment):
    url = reverse("containment-api:containment-inspections", args=[containment.pk])
    response = post(
        inspector,
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "outcome": "non_compliant",
            "findings": {"outlet": {"outcome": "fail", "note": "pipe into the roadside drain"}},
            "notes": "Owner informed.",
            "observed": {"outlet": "open_drain"},
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["changes"] == {"outlet": ["soak_pit", "open_drain"]}
    containment.refresh_from_db()
    assert containment.outlet == "open_drain"
    assessment = ComplianceAssessment.objects.get(containment=containment)
    assert assessment.status == "non_compliant"
    listed = inspector.get(url).json()["results"]
    assert listed[0]["findings"]["outlet"]["note"] == "pipe into the roadside drain"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"visited_on": "2999-01-01"}, "visited_on"),
        ({"findings": {"colour": {"outcome": "fail"}}}, "findings"),
        ({"findings": {"outlet": {"outcome": "maybe"}}}, "findings"),
        ({"observed": {"code": "C999"}}, "code"),
        ({"observed": {"outlet": "river_of_no_return"}}, "outlet"),
        ({"observed": {"last_emptied_on": "2999-01-01"}}, "last_emptied_on"),
        ({"outcome": "splendid"}, "outcome"),
    ],
)
def test_bad_inspections_are_400_and_change_nothing(inspector, containment, body, field):
    url = reverse("containment-api:containment-inspections", args=[containment.pk])
    payload = {"visited_on": timezone.localdate().isoformat(), "outcome": "unknown", **body}
    response = post(inspector, url, payload)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Inspection.objects.exists()
    containment.refresh_from_db()
    assert containment.outlet == "soak_pit"


def test_only_inspectors_record(executive, containment):
    url = reverse("containment-api:containment-inspections", args=[containment.pk])
    response = post(
        client_for(executive),
        url,
        {"visited_on": timezone.localdate().isoformat(), "outcome": "unknown"},
    )
    assert response.status_code == 403


def test_photos_are_checked_and_stored(inspector, containment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("containment-api:containment-inspections", args=[containment.pk])
    inspection = post(
        inspector, url, {"visited_on": timezone.localdate().isoformat(), "outcome": "unknown"}
    ).json()
    assert "id" in inspection, inspection
    photos = reverse("containment-api:inspection-photos", args=[inspection["id"]])
    good = inspector.post(photos, {"image": SimpleUploadedFile("tank.png", PNG, "image/png")})
    assert good.status_code == 201, good.content
    assert list(tmp_path.rglob("tank*.png"))
    bad = inspector.post(photos, {"image": SimpleUploadedFile("x.png", b"<script>", "image/png")})
    assert bad.status_code == 400
    assert "JPEG or PNG" in bad.json()["errors"]["image"][0]


def test_photos_are_served_to_readers_of_the_containment_only(
    inspector, containment, town, settings, tmp_path
):
    """Photos were served from /media/ to anyone who guessed the path; now only through a
    view that checks the reader, with a URL that names no file."""
    from django.test import Client

    from core.roles import MembershipRole

    settings.MEDIA_ROOT = tmp_path
    url = reverse("containment-api:containment-inspections", args=[containment.pk])
    inspection = post(
        inspector, url, {"visited_on": timezone.localdate().isoformat(), "outcome": "unknown"}
    ).json()
    photos = reverse("containment-api:inspection-photos", args=[inspection["id"]])
    stored = inspector.post(photos, {"image": SimpleUploadedFile("tank.png", PNG, "image/png")})
    photo_url = stored.json()["url"]
    assert "/media/" not in photo_url
    listed = inspector.get(url).json()["results"][0]["photos"]
    assert listed == [photo_url]
    served = inspector.get(photo_url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PNG
    assert served["Cache-Control"] == "private, no-store"

    path = next(tmp_path.rglob("tank*.png")).relative_to(tmp_path).as_posix()
    anonymous = Client()
    assert anonymous.get(f"/media/{path}").status_code == 404
    assert anonymous.get(photo_url).status_code == 401
    other_ward = MembershipFactory(municipality=town.municipality, role=MembershipRole.INSPECTOR)
    other_ward.wards.add(town.east)
    assert client_for(other_ward.user).get(photo_url).status_code == 404

    settings.IMIS = {**settings.IMIS, "PRIVATE_FILES_ACCEL": "/private-files/"}
    accelerated = inspector.get(photo_url)
    assert accelerated["X-Accel-Redirect"] == f"/private-files/{path}"
    assert accelerated.content == b""
