"""KoboToolbox/ODK import of the fixture export: same matching, flags and duplicate rules
as a phone's submissions, and a report per row."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spatial.choices import MembershipRole
from surveys import kobo, services
from surveys.models import Submission

from ..conftest import client_for
from ..factories import BuildingFactory, MembershipFactory, UserFactory, square

pytestmark = pytest.mark.django_db
EXPORT = Path(__file__).resolve().parents[2] / "fixtures" / "kobo" / "building_survey_export.csv"


@pytest.fixture
def campaign(town):
    enumerator = UserFactory(username="field1")
    campaign = services.campaign_create(
        municipality=town.municipality,
        name="Kobo survey",
        starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2026, 9, 30),
        wards=[town.west, town.east],
        questionnaire_version="building-v1",
    )
    MembershipFactory(
        user=enumerator, municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).wards.add(town.west)
    services.assignment_create(campaign=campaign, enumerator=enumerator, ward=town.west)
    for k in range(6):  # the buildings the export's points fall in
        BuildingFactory(municipality=town.municipality, geom=square(90.81 + k * 0.0005, 22.93))
    return campaign


def run(campaign):
    records = kobo.read_records(EXPORT.read_bytes(), EXPORT.name)
    return kobo.import_records(campaign=campaign, records=records, default_enumerator=None)


def test_fixture_export_report(campaign):
    report = run(campaign)
    outcomes = [(row["row"], row["outcome"]) for row in report.rows]
    assert outcomes == [
        (2, "imported"),
        (3, "imported"),
        (4, "imported"),
        (5, "imported"),
        (6, "imported"),
        (7, "imported"),
        (8, "duplicate"),
        (9, "invalid"),
        (10, "invalid"),
        (11, "invalid"),
        (12, "invalid"),
        (13, "imported"),
        (14, "conflict"),
    ]
    by_row = {row["row"]: row for row in report.rows}
    assert "uuid" in by_row[9]["detail"]
    assert "outside" in str(by_row[10]["detail"])
    assert "answers.floor_count" in by_row[11]["detail"]
    assert "facility" in by_row[12]["detail"]
    assert by_row[13]["flags"] == ["outside_assigned_wards"]
    assert Submission.objects.count() == 7
    first = Submission.objects.get(pk=by_row[2]["submission"])
    assert first.match_kind == "inside"
    assert first.answers["containment_type"] == "septic_tank"
    assert first.answers["outlet"] == "open_drain"
    assert first.enumerator.username == "field1"


def test_reimporting_the_same_export_creates_nothing(campaign):
    run(campaign)
    again = run(campaign)
    assert again.counts.get("imported", 0) == 0
    assert again.counts["duplicate"] == 8  # the seven rows and the resend among them
    assert Submission.objects.count() == 7


def test_supervisor_imports_through_the_api(campaign, town):
    supervisor = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
    ).user
    url = reverse("surveys-api:kobo-import", args=[campaign.pk])
    upload = SimpleUploadedFile("export.csv", EXPORT.read_bytes(), "text/csv")
    response = client_for(supervisor).post(url, {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["imported"] == 7


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"\xff\xfe\x00garbage", "x.csv", "UTF-8"),
        (b"a,b,c\n1,2,3\n", "x.csv", "Kobo/ODK"),
        (b"{not json", "x.json", "JSON"),
        (b'{"results": 5}', "x.json", "list"),
    ],
)
def test_malformed_files_are_refused(content, name, words):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc_info:
        kobo.read_records(content, name)
    assert words in str(exc_info.value)


def test_json_export_is_read_like_the_csv():
    import csv
    import io
    import json

    rows = list(csv.DictReader(io.StringIO(EXPORT.read_text()), delimiter=";"))
    records = kobo.read_records(json.dumps({"results": rows}).encode(), "export.json")
    assert len(records) == len(rows)
    assert records[0]["floors"] == "2"
    assert records[0]["instanceID"].startswith("uuid:")
