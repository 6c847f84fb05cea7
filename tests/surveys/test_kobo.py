"""KoboToolbox/ODK import of the fixture export: same matching, flags and duplicate rules
as a phone's submissions, and a report per row."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.roles import MembershipRole
from surveys import kobo, services
from surveys.models import KoboAccount, Submission

from ..conftest import client_for
from ..factories import MembershipFactory, UserFactory, town_campaign
from .conftest import export_buildings

pytestmark = pytest.mark.django_db
EXPORT = Path(__file__).resolve().parents[2] / "fixtures" / "kobo" / "building_survey_export.csv"


@pytest.fixture
def campaign(town):
    enumerator = UserFactory(username="field1")
    campaign = town_campaign(town, name="Kobo survey")
    MembershipFactory(
        user=enumerator, municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).wards.add(town.west)
    services.assignment_create(campaign=campaign, enumerator=enumerator, ward=town.west)
    export_buildings(town)
    return campaign


def run(campaign):
    records = kobo.read_records(EXPORT.read_bytes(), EXPORT.name)
    enumerators = kobo.enumerators_for(
        municipality=campaign.municipality, usernames=kobo.kobo_usernames(records)
    )
    return kobo.import_records(campaign=campaign, records=records, enumerators=enumerators)


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
    response = client_for(supervisor).post(url, {"file": upload, "commit": "true"})
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["imported"] == 7
    # field1 is also an enumerator's user name here, so no mapping was needed.
    assert response.json()["enumerators"] == {"field1": "field1"}


def upload_export(client, campaign, **fields):
    upload = SimpleUploadedFile("export.csv", EXPORT.read_bytes(), "text/csv")
    url = reverse("surveys-api:kobo-import", args=[campaign.pk])
    return client.post(url, {"file": upload, **fields})


def test_an_unmapped_kobo_user_is_reported_not_imported_as_someone_else(kobo_town):
    campaign, supervisor = kobo_town
    response = upload_export(supervisor, campaign, commit="true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enumerators"] == {"field1": None}
    assert body["counts"] == {"unmapped": 12, "invalid": 1}  # the row with no UUID
    unmapped = next(row for row in body["rows"] if row["outcome"] == "unmapped")
    assert "field1" in unmapped["detail"]["username"][0]
    assert Submission.objects.count() == 0


def test_a_dry_run_with_the_mapping_reports_every_row_and_keeps_nothing(kobo_town):
    campaign, supervisor = kobo_town
    mapping = json.dumps({"field1": "rahim"})
    dry = upload_export(supervisor, campaign, enumerators=mapping)
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert body["committed"] is False
    assert body["enumerators"] == {"field1": "rahim"}
    outcomes = [row["outcome"] for row in body["rows"]]
    assert outcomes.count("importable") == 7
    assert outcomes[6] == "duplicate"  # row 8 resends row 2, even in a dry run
    assert outcomes[-1] == "conflict"
    assert Submission.objects.count() == 0
    assert KoboAccount.objects.count() == 0  # a dry run remembers nothing

    done = upload_export(supervisor, campaign, enumerators=mapping, commit="true")
    assert done.json()["counts"]["imported"] == 7
    # The same rows the dry run promised, now with their submissions, by rahim.
    assert [r["outcome"] for r in done.json()["rows"]] == [
        o.replace("importable", "imported") for o in outcomes
    ]
    assert set(Submission.objects.values_list("enumerator__username", flat=True)) == {"rahim"}
    # The mapping is remembered: the next export of field1 needs none.
    again = upload_export(supervisor, campaign, commit="true")
    assert again.json()["enumerators"] == {"field1": "rahim"}
    assert again.json()["counts"]["duplicate"] == 8
    assert Submission.objects.count() == 7


@pytest.mark.parametrize(
    ("mapping", "words"),
    [
        ({"field1": "gis"}, "not an enumerator"),  # a user, but no enumerator
        ({"field1": "nobody"}, "not an enumerator"),
        (["field1", "rahim"], "JSON object"),
        ({"field1": ""}, "JSON object"),
    ],
)
def test_a_bad_mapping_is_a_400_and_imports_nothing(kobo_town, mapping, words):
    campaign, supervisor = kobo_town
    response = upload_export(supervisor, campaign, enumerators=json.dumps(mapping), commit="true")
    assert response.status_code == 400
    assert words in str(response.json()["errors"]["enumerators"])
    assert Submission.objects.count() == 0
    assert KoboAccount.objects.count() == 0


def test_malformed_mapping_json_is_a_400(kobo_town):
    campaign, supervisor = kobo_town
    response = upload_export(supervisor, campaign, enumerators="{field1: rahim")
    assert response.status_code == 400
    assert "enumerators" in response.json()["errors"]


def test_an_enumerator_not_assigned_to_the_campaign_is_named(kobo_town, town):
    campaign, supervisor = kobo_town
    MembershipFactory(
        municipality=town.municipality,
        role=MembershipRole.ENUMERATOR,
        user=UserFactory(username="karim"),
    )
    response = upload_export(supervisor, campaign, enumerators=json.dumps({"field1": "karim"}))
    invalid = [row for row in response.json()["rows"] if row["outcome"] == "invalid"]
    assert any("karim" in str(row["detail"]) and "field1" in str(row["detail"]) for row in invalid)
    assert response.json()["counts"].get("importable", 0) == 0


def test_the_command_maps_and_dry_runs(kobo_town):
    from io import StringIO

    from django.core.management import call_command

    campaign, _supervisor = kobo_town
    out = StringIO()
    call_command(
        "import_kobo", campaign.pk, str(EXPORT), "--map", "field1=rahim", "--dry-run", stdout=out
    )
    assert "7 importable" in out.getvalue()
    assert Submission.objects.count() == 0
    call_command("import_kobo", campaign.pk, str(EXPORT), "--map", "field1=rahim", stdout=out)
    assert Submission.objects.count() == 7
    assert KoboAccount.objects.get().enumerator.username == "rahim"


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


FORM = EXPORT.parent / "building_survey.xlsx"


def _sheets(path) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def test_the_fixture_form_is_the_one_the_code_writes(tmp_path):
    from surveys import xlsform

    xlsform.write(tmp_path / "form.xlsx")
    assert _sheets(FORM) == _sheets(tmp_path / "form.xlsx")


def test_every_answer_the_form_offers_is_a_valid_questionnaire_answer():
    """Issue 17: every JMP and SFD outcome can be captured in the field and read back."""
    from surveys.questionnaire import AnswersV1

    choices: dict[str, list[str]] = {}
    for list_name, name, *_labels in _sheets(FORM)["choices"][1:]:
        choices.setdefault(list_name, []).append(name)
    # The MICS6 WS11 codes that decide a JMP or SFD class, WS13 destinations and the
    # answers of a household without a toilet.
    assert {"flush_dont_know", "flush_drain", "flush_elsewhere", "pit_no_slab"} <= set(
        choices["facility"]
    )
    assert {"buried_on_site", "treatment_plant", "dont_know"} <= set(choices["sludge_to"])
    assert {"no_outlet", "open_ground", "dont_know"} <= set(choices["outlet"])
    assert set(choices["members_go"]) == {"other_household", "public_toilet", "open", "dont_know"}
    records = [{"toilet": "yes", "facility": facility} for facility in choices["facility"]]
    records += [
        {"toilet": "yes", "facility": "flush_septic", "outlet": outlet}
        for outlet in choices["outlet"]
    ]
    records += [
        {"toilet": "yes", "facility": "pit_slab", "ever_emptied": "yes", "sludge_to": where}
        for where in choices["sludge_to"]
    ]
    records += [{"toilet": "no", "members_go": where} for where in choices["members_go"]]
    records.append({"toilet": "yes", "facility": "flush_septic", "shared": "yes",
                    "sharing_hh": "3"})  # fmt: skip
    for record in records:
        answers = kobo.to_answers(record)
        parsed = AnswersV1(data=answers)
        assert parsed.is_valid(), (record, parsed.errors)
