"""Loading the holding register from a file (holdings.loading): the municipality's
property register with Bangla headers and digits, this register's own export sent back
unchanged, owners that changed recorded as a transfer, and a file with a problem
writing nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.roles import MembershipRole
from core.sheets import read_sheet
from holdings import loading, services
from holdings.choices import ChangeKind
from holdings.models import Holding, HoldingChange, Owner, Ownership
from tests.conftest import client_for
from tests.factories import BuildingFactory, MembershipFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/holdings/"
BN = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def _rows(text: str) -> list[dict]:
    return read_sheet(text.encode(), "register.csv", max_rows=1000, max_bytes=2**20)


def _load(town, user, text: str, commit: bool = True):
    return loading.load_register(
        user=user, municipality=town.municipality, records=_rows(text), commit=commit
    )


@pytest.fixture
def buildings(town):
    return [BuildingFactory(municipality=town.municipality) for _ in range(3)]


def _property_register(buildings) -> str:
    """The municipality's own spreadsheet: Bangla headers, Bangla digits, a flat's two
    owners on two rows, a holding on two buildings."""
    a, b, c = (x.bin.translate(BN) for x in buildings)
    return (
        "হোল্ডিং নং,ওয়ার্ড,ঠিকানা,বার্ষিক মূল্যায়ন,ভবন,মালিকের নাম,এনআইডি,মোবাইল\n"
        f'০০৪৫,১,১২ কলেজ রোড,"১২,০০০",{a} {b},রহিমা বেগম,১৯৯০১২৩৪৫৬৭৮৯,০১৭১২৩৪৫৬৭৮\n'
        f"45,1,,,,করিম উদ্দিন,,\n"
        f"12/A,2,,৳ 800,{c},Selina Akter,,\n"
    )


def test_a_property_register_in_bangla_becomes_holdings_on_their_buildings(
    town, gis_officer, buildings
):
    text = _property_register(buildings)
    checked = _load(town, gis_officer, text, commit=False)
    assert (checked.problem_count, checked.committed) == (0, False)
    assert (checked.rows, checked.holdings, checked.created) == (3, 2, 2)
    assert not Holding.objects.exists()

    report = _load(town, gis_officer, text)
    assert (report.committed, report.created, report.updated) == (True, 2, 0)
    flat = Holding.objects.get(ward=town.west, number_key="45")
    assert flat.number == "০০৪৫"
    assert flat.address == "১২ কলেজ রোড"
    assert str(flat.annual_valuation) == "12000.00"
    assert {b.pk for b in flat.buildings.all()} == {buildings[0].pk, buildings[1].pk}
    flat.refresh_from_db()
    assert flat.geom.num_geom == 2  # the footprint, kept by PostgreSQL
    owners = {o.owner.name: o.owner for o in flat.ownerships.filter(until=None)}
    assert set(owners) == {"রহিমা বেগম", "করিম উদ্দিন"}
    assert owners["রহিমা বেগম"].national_id == "1990123456789"
    assert owners["রহিমা বেগম"].phone == "01712345678"
    shop = Holding.objects.get(ward=town.east, number_key="12/A")
    assert [b.pk for b in shop.buildings.all()] == [buildings[2].pk]

    again = _load(town, gis_officer, text)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Owner.objects.count() == 3
    assert not HoldingChange.objects.exists()


def test_the_registers_own_export_comes_back_unchanged(town, buildings):
    admin = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN
    ).user
    _load(town, admin, _property_register(buildings))
    client = client_for(admin)
    response = client.get(f"{API}export/", {"municipality": town.municipality.code})
    exported = b"".join(response.streaming_content)
    upload = SimpleUploadedFile("holdings.csv", exported, content_type="text/csv")
    answer = client.post(
        f"{API}register/",
        {"municipality": town.municipality.code, "file": upload},
        format="multipart",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["holdings"], body["created"], body["updated"], body["unchanged"]) == (2, 0, 0, 2)
    assert set(body["ignored_columns"]) == {"tax_year", "arrears"}


def test_new_owners_are_recorded_as_a_transfer_naming_the_file(town, gis_officer, buildings):
    holding = services.holding_create(
        municipality=town.municipality, ward=town.west, number="7", buildings=[buildings[0]]
    )
    services.owners_set(holding=holding, owners=[{"name": "Abdul Malek"}])
    text = "holding_number,ward,owners\n7,1,Nasima Khatun; Abdul Malek\n"
    report = loading.load_register(
        user=gis_officer,
        municipality=town.municipality,
        records=_rows(text),
        commit=True,
        file_name="assessment-2026.csv",
    )
    assert (report.updated, report.owners_changed) == (1, 1)
    (change,) = HoldingChange.objects.all()
    assert (change.kind, change.evidence_reference) == (ChangeKind.TRANSFER, "assessment-2026.csv")
    assert change.recorded_by == gis_officer
    ended = Ownership.objects.get(holding=holding, owner__name="Abdul Malek", until__isnull=False)
    assert ended.ended_by == change
    now = Ownership.objects.filter(holding=holding, until=None)
    assert {o.owner.name for o in now} == {"Nasima Khatun", "Abdul Malek"}
    assert all(o.started_by == change for o in now)


def test_a_file_with_a_problem_writes_nothing_and_says_where(town, gis_officer, buildings):
    text = (
        "holding_number,ward,buildings,national_ids,owners,land_use\n"
        f"7,1,{buildings[0].bin},,Abdul Malek,residential\n"
        "8,9,,,Someone,\n"
        "9,1,B-UNKNOWN,,Someone,\n"
        "10,1,,12345,Someone,\n"
        "7,1,,,,commercial\n"
        "11,1,,,,a castle\n"
        "no digits,1,,,,\n"
    )
    report = _load(town, gis_officer, text)
    assert not report.committed
    found = {(p["line"], p["column"]) for p in report.problems}
    assert found == {
        (3, "ward"),
        (4, "buildings"),
        (5, "national_ids"),
        (6, "land_use"),
        (7, "land_use"),
        (8, "holding_number"),
    }
    assert not Holding.objects.exists()
    assert not Owner.objects.exists()


def test_numbers_outside_the_municipalitys_format_are_refused(town, gis_officer):
    rules = services.holding_settings(town.municipality)
    rules.number_pattern, rules.number_example = r"\d{1,4}", "123"
    rules.save()
    report = _load(town, gis_officer, "holding_number,ward\n12/A,1\n0123,2\n")
    assert [(p["line"], p["column"]) for p in report.problems] == [(2, "holding_number")]
    assert "123" in report.problems[0]["message"]
    assert not Holding.objects.exists()


def test_the_ward_may_stand_before_the_number(town, gis_officer):
    rules = services.holding_settings(town.municipality)
    rules.ward_prefixed = True
    rules.save()
    report = _load(town, gis_officer, "holding_number\n02-0123\n")
    assert report.committed, report.problems
    holding = Holding.objects.get()
    assert (holding.ward, holding.number_key) == (town.east, "123")


def test_only_the_whole_municipalitys_editors_load_the_register(town, other_town):
    text = b"holding_number,ward\n7,1\n"
    enumerator = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).user
    scoped = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    scoped.wards.add(town.west)
    ward_editor = scoped.user
    stranger = MembershipFactory(
        municipality=other_town.municipality, role=MembershipRole.GIS_OFFICER
    ).user
    for user in (enumerator, ward_editor, stranger):
        upload = SimpleUploadedFile("h.csv", text, content_type="text/csv")
        answer = client_for(user).post(
            f"{API}register/",
            {"municipality": town.municipality.code, "file": upload},
            format="multipart",
        )
        # 400 for a stranger: a municipality not theirs is not one they may name
        assert answer.status_code in (400, 403, 404), (user, answer.status_code)
    assert not Holding.objects.exists()


def test_a_file_without_holding_numbers_is_a_clear_400(town, gis_client):
    upload = SimpleUploadedFile("h.csv", b"name,ward\nx,1\n", content_type="text/csv")
    answer = gis_client.post(
        f"{API}register/",
        {"municipality": town.municipality.code, "file": upload, "dry_run": "true"},
        format="multipart",
    )
    assert answer.status_code == 400
    assert "holding_number" in str(answer.json())


def test_the_export_carries_what_the_load_reads(town, gis_client, buildings, gis_officer):
    _load(town, gis_officer, _property_register(buildings))
    response = gis_client.get(f"{API}export/", {"municipality": town.municipality.code})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    names = {c.name for c in loading.COLUMNS}
    assert names - set(header) == {"national_ids", "phones"}  # not for this role
