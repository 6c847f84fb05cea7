"""Containment imports: each point tied to its building by BIN or holding number, a dry run
with every problem per row, an all-or-nothing commit, and re-uploads that change nothing."""

import json

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile

from containment.models import ComplianceAssessment, Containment, ContainmentBuilding
from containment.services import rule_set_create
from core.roles import MembershipRole
from tests.conftest import client_for
from tests.factories import BuildingFactory, MembershipFactory, square

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/containments/"


@pytest.fixture
def officer(town):
    return MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user


@pytest.fixture
def houses(town):
    return [
        BuildingFactory(
            municipality=town.municipality,
            holding_number=f"01-{n:04d}",
            geom=square(90.81 + n * 0.001, 22.93),
        )
        for n in range(3)
    ]


def _point_near(building, east_m=3.0):
    centre = building.geom.centroid
    return shapely.Point(centre.x + east_m / 102_000, centre.y)


def _file(*rows) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": shapely.geometry.mapping(g), "properties": p}
                for g, p in rows
            ],
        }
    ).encode()


def _post(user, content: bytes, **data):
    upload = SimpleUploadedFile("containments.geojson", content)
    response = client_for(user).post(URL, {"file": upload, **data}, format="multipart")
    assert response.status_code == 200, response.content
    return response.json()


def _good(houses):
    return _file(
        (
            _point_near(houses[0]),
            {
                "holding_number": "01-0000",
                "containment_type": "septic_tank",
                "outlet": "soak_pit",
                "length_m": 2,
                "width_m": 1.5,
                "depth_m": 1.5,
                "construction_year": 2015,
                "last_emptied_on": "2024-03-01",
            },
        ),
        (
            _point_near(houses[1]),
            {
                "building_bin": houses[1].bin,
                "containment_type": "unlined_pit",
                "outlet": "open_drain",
                "shared_facility": "yes",
            },
        ),
    )


def test_dry_run_then_commit_then_the_same_file_again(officer, houses, town):
    rule_set_create(municipality=town.municipality)
    report = _post(officer, _good(houses))
    assert report["problems"] == []
    assert (report["created"], report["problem_count"], report["committed"]) == (2, 0, False)
    assert not Containment.objects.exists()

    report = _post(officer, _good(houses), commit="true")
    assert report["committed"] is True
    links = dict(
        ContainmentBuilding.objects.filter(is_responsible=True).values_list(
            "building__holding_number", "containment__containment_type"
        )
    )
    assert links == {"01-0000": "septic_tank", "01-0001": "unlined_pit"}
    tank = Containment.objects.get(containment_type="septic_tank")
    assert tank.ever_emptied is True  # implied by the emptying date
    assert tank.code  # numbered by the database
    assert float(tank.effective_volume_m3) == pytest.approx(4.5)
    assert ComplianceAssessment.objects.filter(containment=tank).exists()

    again = _post(officer, _good(houses), commit="true")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert Containment.objects.count() == 2

    by_code = _file(
        (
            _point_near(houses[0]),
            {
                "code": tank.code,
                "holding_number": "01-0000",
                "containment_type": "septic_tank",
                "outlet": "sewer",
            },
        )
    )
    changed = _post(officer, by_code, commit="true")
    assert (changed["created"], changed["updated"]) == (0, 1)
    tank.refresh_from_db()
    assert tank.outlet == "sewer"


def test_every_problem_is_reported_and_nothing_is_written(officer, houses):
    far = shapely.Point(houses[2].geom.centroid.x + 0.002, houses[2].geom.centroid.y)
    content = _file(
        (_point_near(houses[0]), {"holding_number": "99-9999", "containment_type": "septic_tank"}),
        (far, {"holding_number": "01-0002", "containment_type": "septic_tank"}),
        (_point_near(houses[1]), {"holding_number": "01-0001", "containment_type": "bucket"}),
        (
            _point_near(houses[1]),
            {
                "holding_number": "01-0001",
                "containment_type": "septic_tank",
                "ever_emptied": "no",
                "last_emptied_on": "2024-01-01",
            },
        ),
        (
            _point_near(houses[1]),
            {
                "holding_number": "01-0001",
                "containment_type": "septic_tank",
                "last_emptied_on": "2999-01-01",
                "length_m": "-2",
            },
        ),
        (_point_near(houses[1]), {"containment_type": "septic_tank"}),
        (
            shapely.Point(91.9, 23.9),
            {"holding_number": "01-0001", "containment_type": "septic_tank"},
        ),
    )
    report = _post(officer, content, commit="true")
    assert report["committed"] is False
    problems = {(p["row"], p["field"]) for p in report["problems"]}
    assert problems >= {
        (1, "holding_number"),
        (2, "geometry"),
        (3, "containment_type"),
        (4, "ever_emptied"),
        (5, "last_emptied_on"),
        (5, "length_m"),
        (6, "building_bin"),
        (7, "geometry"),
    }
    far_message = next(p["message"] for p in report["problems"] if p["row"] == 2)
    assert houses[2].bin in far_message
    assert not Containment.objects.exists()


def test_an_enumerator_may_not_import(town, houses):
    from tests.factories import UserFactory

    enumerator = UserFactory()
    MembershipFactory(
        user=enumerator, municipality=town.municipality, role=MembershipRole.ENUMERATOR
    )
    upload = SimpleUploadedFile("c.geojson", _good(houses))
    response = client_for(enumerator).post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 403
    assert not Containment.objects.exists()
