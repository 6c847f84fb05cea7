"""Kobo/ODK forms that are not the sample form, imported through a saved mapping (issue 24):
an ODK Central-style export whose column names, groups and codes all differ from the
sample's, as CSV and as XLSX; the mapping checked against the questionnaire, editable, and
scoped to the supervisor's municipality."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.roles import MembershipRole
from surveys.models import KoboAccount, KoboMapping, Submission

from ..conftest import client_for
from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "SubmissionDate",
    "bldg-holding",
    "bldg-material",
    "bldg-storeys",
    "wash-latrine",
    "wash-latrine_kind",
    "wash-pit",
    "wash-drain",
    "location-Latitude",
    "location-Longitude",
    "location-Accuracy",
    "SubmitterName",
    "KEY",
]


def other_form_rows() -> list[list[str]]:
    """Three rows of the other form: two that read, one whose material has no mapping yet."""
    rows = []
    for k, material in enumerate(["pakka", "pakka", "tin"]):
        rows.append(
            [
                f"2026-07-21T10:0{k}:00.000+06:00",
                f"07-{k:04d}",
                material,
                "২",  # the form let the enumerator type Bangla digits
                "haan",
                "sanitary",
                "septic",
                "nala",
                "22.930045",
                f"{90.81005 + k * 0.0005:.6f}",
                "5",
                "kushtia_enum1",
                f"uuid:11111111-2222-3333-4444-{k:012d}",
            ]
        )
    return rows


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "WASH census"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MAPPING = {
    "name": "Kushtia WASH census 2026",
    "questionnaire_version": "building-v1",
    "columns": {
        "instance": "KEY",
        "username": "SubmitterName",
        "end": "SubmissionDate",
        "latitude": "location-Latitude",
        "longitude": "location-Longitude",
        "accuracy": "location-Accuracy",
        "holding_number": "bldg-holding",
        "structure_type": "bldg-material",
        "floor_count": "bldg-storeys",
        "has_toilet": "wash-latrine",
        "toilet_type": "wash-latrine_kind",
        "containment_type": "wash-pit",
        "outlet": "wash-drain",
    },
    "codes": {
        "structure_type": {"pakka": "rcc_framed"},
        "has_toilet": {"haan": True, "naa": False},
        "toilet_type": {"sanitary": "flush"},
        "containment_type": {"septic": "septic_tank"},
        "outlet": {"nala": "open_drain"},
    },
}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def save_mapping(client, **changes):
    return client.post(
        reverse("surveys-api:kobo-mapping-list"), {**MAPPING, **changes}, format="json"
    )


def run_import(client, campaign, content, name, mapping, **fields):
    url = reverse("surveys-api:kobo-import", args=[campaign.pk])
    return client.post(url, {"file": upload(name, content), "mapping": mapping, **fields})


@pytest.mark.parametrize(("writer", "name"), [(as_csv, "census.csv"), (as_xlsx, "census.xlsx")])
def test_a_form_whose_names_and_codes_differ_imports_through_a_saved_mapping(
    kobo_town, writer, name
):
    campaign, client = kobo_town
    saved = save_mapping(client)
    assert saved.status_code == 201, saved.content
    mapping = saved.json()["id"]
    content = writer(other_form_rows())

    users = '{"kushtia_enum1": "rahim"}'
    dry = run_import(client, campaign, content, name, mapping, enumerators=users)
    assert dry.status_code == 200, dry.content
    assert dry.json()["counts"] == {"importable": 2, "invalid": 1}
    refused = next(row for row in dry.json()["rows"] if row["outcome"] == "invalid")
    assert refused["row"] == 4
    assert "structure_type" in str(refused["detail"])
    assert Submission.objects.count() == 0

    done = run_import(
        client, campaign, content, name, mapping,
        commit="true", enumerators=users,
    )  # fmt: skip
    assert done.json()["counts"] == {"imported": 2, "invalid": 1}
    first = Submission.objects.get(client_uuid="11111111-2222-3333-4444-000000000000")
    assert first.enumerator.username == "rahim"
    assert first.answers == {
        "holding_number": "07-0000",
        "structure_type": "rcc_framed",
        "floor_count": 2,
        "has_toilet": True,
        "toilet_type": "flush",
        "containment_type": "septic_tank",
        "outlet": "open_drain",
    }
    assert first.gps_accuracy_m == 5
    assert first.match_kind == "inside"
    assert KoboAccount.objects.get(username="kushtia_enum1").enumerator.username == "rahim"


def test_the_mapping_is_edited_and_the_next_import_reads_the_change(kobo_town):
    campaign, client = kobo_town
    mapping = save_mapping(client).json()
    content = as_csv(other_form_rows())
    users = '{"kushtia_enum1": "rahim"}'
    assert run_import(client, campaign, content, "c.csv", mapping["id"], enumerators=users).json()[
        "counts"
    ] == {"importable": 2, "invalid": 1}
    codes = {**MAPPING["codes"], "structure_type": {"pakka": "rcc_framed", "tin": "cgi_sheet"}}
    changed = client.put(
        reverse("surveys-api:kobo-mapping", args=[mapping["id"]]),
        {**MAPPING, "codes": codes},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    report = run_import(
        client, campaign, content, "c.csv", mapping["id"], enumerators=users, commit="true"
    ).json()
    assert report["counts"] == {"imported": 3}
    tin = Submission.objects.get(client_uuid="11111111-2222-3333-4444-000000000002")
    assert tin.answers["structure_type"] == "cgi_sheet"
    # The Kobo account is remembered: the next import needs no user mapping.
    again = run_import(client, campaign, content, "c.csv", mapping["id"]).json()
    assert again["enumerators"] == {"kushtia_enum1": "rahim"}
    assert again["counts"] == {"duplicate": 3}


def test_inspect_lists_columns_codes_users_and_a_first_guess(kobo_town):
    campaign, client = kobo_town
    url = reverse("surveys-api:kobo-inspect", args=[campaign.pk])
    response = client.post(url, {"file": upload("c.xlsx", as_xlsx(other_form_rows()))})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rows"] == 3
    columns = {column["name"]: column for column in body["columns"]}
    assert list(columns) == HEADER
    assert columns["bldg-material"]["values"] == [["pakka", 2], ["tin", 1]]
    # Kobo's own name for the instance column is recognised; the rest is the supervisor's.
    assert body["suggested"]["instance"] == "KEY"
    assert "structure_type" not in body["suggested"]
    assert "rahim" in body["enumerators"]
    assert "gis" not in body["enumerators"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"columns": {**MAPPING["columns"], "roof_colour": "x"}}, "roof_colour is not a question"),
        ({"columns": {k: v for k, v in MAPPING["columns"].items() if k != "instance"}}, "instance"),
        (
            {"columns": {k: v for k, v in MAPPING["columns"].items() if k != "latitude"}},
            "latitude and longitude",
        ),
        ({"codes": {"structure_type": {"pakka": "marble"}}}, "pakka map to no code"),
        ({"codes": {"floor_count": {"2": 3}}}, "floor_count has no code list"),
        ({"questionnaire_version": "building-v9"}, "Unknown questionnaire version"),
    ],
)
def test_a_mapping_that_does_not_fit_the_questionnaire_is_a_400(kobo_town, change, words):
    _campaign, client = kobo_town
    response = save_mapping(client, **change)
    assert response.status_code == 400
    assert words in str(response.json())
    assert not KoboMapping.objects.exists()


def test_two_mappings_of_one_name_are_refused(kobo_town):
    _campaign, client = kobo_town
    assert save_mapping(client).status_code == 201
    again = save_mapping(client, name=MAPPING["name"].upper())
    assert again.status_code == 400
    assert "exists already" in str(again.json())


def test_mappings_are_the_municipality_supervisors_own(kobo_town, town, other_town):
    _campaign, client = kobo_town
    mapping = save_mapping(client).json()
    other = client_for(
        MembershipFactory(
            municipality=other_town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
        ).user
    )
    url = reverse("surveys-api:kobo-mapping", args=[mapping["id"]])
    assert other.get(url).status_code == 404
    assert other.put(url, MAPPING, format="json").status_code == 404
    assert other.get(reverse("surveys-api:kobo-mapping-list")).json()["count"] == 0
    enumerator = client_for(
        MembershipFactory(municipality=town.municipality, role=MembershipRole.ENUMERATOR).user
    )
    assert save_mapping(enumerator, name="mine").status_code == 403
    assert enumerator.get(url).status_code == 404
    assert client.delete(url).status_code == 204
    assert not KoboMapping.objects.exists()


def test_a_mapping_of_another_questionnaire_version_is_refused(kobo_town):
    campaign, client = kobo_town
    mapping = KoboMapping.objects.create(
        municipality=campaign.municipality,
        name="old form",
        questionnaire_version="building-v0",
        columns=MAPPING["columns"],
    )
    response = run_import(client, campaign, as_csv(other_form_rows()), "c.csv", mapping.pk)
    assert response.status_code == 400
    assert "building-v0" in str(response.json())
    assert Submission.objects.count() == 0


def test_a_damaged_xlsx_is_a_400(kobo_town):
    campaign, client = kobo_town
    mapping = save_mapping(client).json()["id"]
    response = run_import(client, campaign, b"PK\x03\x04 not really a zip", "c.xlsx", mapping)
    assert response.status_code == 400
    assert "XLSX" in str(response.json())
