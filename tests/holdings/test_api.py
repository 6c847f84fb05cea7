"""The holdings API as its users meet it: masked personal data, the unmasking logged,
exports without ID numbers for those who may not see them, property changes with their
history, and the feeds and queue over HTTP."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.roles import MembershipRole
from holdings import privacy, services
from holdings.models import Holding, Owner, Ownership, PersonalDataAccess, QueuedRow, TaxStatus
from tests.conftest import client_for
from tests.factories import BuildingFactory, MembershipFactory

from .conftest import FEEDS

pytestmark = pytest.mark.django_db
API = "/api/v1/holdings/"


@pytest.fixture
def admin(town):
    return MembershipFactory(
        municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN
    ).user


@pytest.fixture
def owned(town, holdings):
    holding = holdings[1, "12/A"]
    services.owners_set(
        holding=holding,
        owners=[
            {"name": "Rahima Begum", "national_id": "১৯৯০১২৩৪৫৬৭৮৯", "phone": "+8801712345678"},
            {"name": "Karim Uddin", "share_percent": "40"},
        ],
    )
    return holding


def test_owners_are_read_masked(gis_client, owned):
    body = gis_client.get(f"{API}{owned.pk}/").json()
    rahima = next(o for o in body["owners"] if o["name"] == "Rahima Begum")
    assert rahima["national_id"] == "•" * 9 + "6789"
    assert rahima["phone"] == "•" * 8 + "678"
    assert "1990123456789" not in str(body)
    assert "01712345678" not in str(body)


def test_unmasking_is_for_the_admin_and_logged(town, gis_client, admin, owned):
    ownership = Ownership.objects.get(holding=owned, owner__name="Rahima Begum")
    url = f"{API}ownerships/{ownership.pk}/personal-data/"
    assert gis_client.get(url).status_code == 403
    assert not PersonalDataAccess.objects.exists()
    response = client_for(admin).get(url, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response.json() == {"national_id": "1990123456789", "phone": "01712345678"}
    assert response["Cache-Control"] == "no-store"
    (seen,) = PersonalDataAccess.objects.all()
    assert (seen.user, seen.owner.name, seen.kind) == (admin, "Rahima Begum", "view")
    assert (seen.fields, seen.client_address) == ("national_id,phone", "10.1.2.3")
    log = client_for(admin).get(f"{API}personal-data-log/").json()["results"]
    assert [(e["user"], e["owner"]) for e in log] == [(admin.username, "Rahima Begum")]
    assert gis_client.get(f"{API}personal-data-log/").status_code == 403


def _export(client, town):
    response = client.get(f"{API}export/", {"municipality": town.municipality.code})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_names_owners_and_leaves_ids_out_unless_the_role_may_see_them(
    town, gis_client, admin, owned
):
    rows = _export(gis_client, town)
    row = next(r for r in rows if r["holding_number"] == "12/A")
    assert row["owners"] == "Rahima Begum; Karim Uddin"
    assert "national_ids" not in row
    assert "phones" not in row
    assert not PersonalDataAccess.objects.exists()
    rows = _export(client_for(admin), town)
    row = next(r for r in rows if r["holding_number"] == "12/A")
    assert row["national_ids"].startswith("1990123456789")
    (logged,) = PersonalDataAccess.objects.all()
    assert (logged.kind, logged.records) == ("export", len(rows))


def test_enumerators_do_not_read_holdings(town, owned):
    enumerator = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).user
    assert client_for(enumerator).get(API).status_code == 403
    assert client_for(enumerator).get(f"{API}{owned.pk}/").status_code == 404


def test_registering_a_holding_checks_its_number_and_ward(town, gis_client):
    building = BuildingFactory(municipality=town.municipality)
    building.refresh_from_db()
    made = gis_client.post(
        API,
        {
            "ward": 1,
            "number": "০০৫৫/খ",
            "buildings": [building.bin],
            "owners": [{"name": "Nasrin Akter", "phone": "01812-345678"}],
            "annual_valuation": "36000",
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["buildings"] == [building.bin]
    assert Holding.objects.get(pk=made.json()["id"]).number_key == "55/খ"
    again = gis_client.post(API, {"ward": 1, "number": "55-খ"}, format="json")
    assert again.status_code == 400
    assert "number" in again.json()["errors"]
    nonsense = gis_client.post(API, {"ward": 1, "number": "12345678"}, format="json")
    assert nonsense.status_code == 400
    assert gis_client.post(API, {"ward": 9, "number": "56"}, format="json").status_code == 400
    found = gis_client.get(API, {"municipality": town.municipality.code, "number": "55 kha"})
    assert found.json()["count"] == 0
    found = gis_client.get(API, {"municipality": town.municipality.code, "number": "৫৫/খ"})
    assert found.json()["count"] == 1


def test_a_transfer_keeps_the_former_owners_with_its_evidence(gis_client, gis_officer, owned):
    response = gis_client.post(
        f"{API}{owned.pk}/transfer/",
        {
            "happened_on": "2026-11-02",
            "evidence_reference": "Deed 4512/2026",
            "owners": [{"name": "Shapla Khatun", "national_id": "1234567890"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [o["name"] for o in body["owners"]] == ["Shapla Khatun"]
    assert {o["name"] for o in body["former_owners"]} == {"Rahima Begum", "Karim Uddin"}
    assert {o["until"] for o in body["former_owners"]} == {"2026-11-02"}
    ended = Ownership.objects.filter(holding=owned, until__isnull=False).first()
    assert ended.ended_by.evidence_reference == "Deed 4512/2026"
    assert ended.ended_by.recorded_by == gis_officer
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    late = gis_client.post(
        f"{API}{owned.pk}/transfer/",
        {"happened_on": future, "owners": [{"name": "X"}]},
        format="json",
    )
    assert late.status_code == 400


def test_a_split_retires_the_holding_and_carries_its_owners(town, gis_client, owned):
    building = owned.buildings.get()
    response = gis_client.post(
        f"{API}{owned.pk}/split/",
        {
            "happened_on": "2026-10-01",
            "parts": [
                {"number": "12/A/1", "buildings": [building.bin]},
                {"number": "12/A/2", "buildings": [building.bin]},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["after"] == ["12/A/1", "12/A/2"]
    owned = Holding.all_objects.get(pk=owned.pk)
    assert owned.retired_at is not None
    for number in ("12/A/1", "12/A/2"):
        part = Holding.objects.get(number=number)
        names = {o.owner.name for o in part.ownerships.filter(until__isnull=True)}
        assert names == {"Rahima Begum", "Karim Uddin"}
        assert list(part.buildings.all()) == [building]
    assert gis_client.get(f"{API}{owned.pk}/").status_code == 404


def test_a_merge_makes_one_holding_on_all_buildings(town, gis_client, holdings):
    first, second = holdings[1, "30"], holdings[1, "31"]
    response = gis_client.post(
        f"{API}merge/",
        {"holdings": [first.pk, second.pk], "number": "30/31", "happened_on": "2026-09-09"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    merged = Holding.objects.get(number="30/31")
    assert set(merged.buildings.all()) == set(first.buildings.all()) | set(second.buildings.all())
    assert not Holding.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_a_feed_file_over_http_dry_run_then_commit_then_the_queue(town, gis_client, holdings):
    def upload(dry_run):
        content = (FEEDS / "tax.csv").read_bytes()
        return gis_client.post(
            f"{API}feeds/file/",
            {
                "feed": "tax",
                "dry_run": dry_run,
                "file": SimpleUploadedFile("tax.csv", content, "text/csv"),
            },
            format="multipart",
        )

    dry = upload(True).json()
    assert (dry["matched"], dry["committed"]) == (6, False)
    assert not TaxStatus.objects.exists()
    done = upload(False).json()
    assert (done["created"], done["queued"], done["committed"]) == (6, 2, True)
    queue = gis_client.get(f"{API}queue/").json()["results"]
    assert {r["holding_number"] for r in queue} == {"0012", "999"}
    ambiguous = next(r for r in queue if r["holding_number"] == "0012")
    resolved = gis_client.post(
        f"{API}queue/{ambiguous['id']}/resolve/",
        {"holding": holdings[1, "12"].pk},
        format="json",
    )
    assert resolved.status_code == 200
    assert resolved.json()["state"] == "resolved"
    other = next(r for r in queue if r["holding_number"] == "999")
    refused = gis_client.post(f"{API}queue/{other['id']}/dismiss/", {}, format="json")
    assert refused.status_code == 400
    dismissed = gis_client.post(
        f"{API}queue/{other['id']}/dismiss/", {"reason": "Demolished in 2024"}, format="json"
    )
    assert dismissed.json()["reason"] == "Demolished in 2024"
    assert gis_client.get(f"{API}queue/").json()["count"] == 0
    imports = gis_client.get(f"{API}feeds/imports/").json()["results"]
    assert [(i["feed"], i["rows"], i["created"]) for i in imports] == [("tax", 8, 6)]


def test_a_pushed_feed_with_a_bad_row_writes_nothing(town, gis_client, holdings):
    response = gis_client.post(
        f"{API}feeds/",
        {
            "feed": "water",
            "rows": [
                {"holding_number": "30", "ward": "1", "account_number": "W-1", "connection":
                 "connected", "arrears": "0"},
                {"holding_number": "45", "ward": "2", "account_number": "W-2", "connection":
                 "piped", "arrears": "0"},
            ],
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert body["committed"] is False
    assert body["problems"][0]["line"] == 2
    assert body["problems"][0]["column"] == "connection"
    assert not QueuedRow.objects.exists()


def test_a_ward_limited_editor_may_not_import_the_municipality_s_feeds(town, holdings):
    membership = MembershipFactory(municipality=town.municipality)
    membership.wards.add(town.east)
    limited = membership.user
    response = client_for(limited).post(
        f"{API}feeds/", {"feed": "tax", "rows": [{"holding": "1"}]}, format="json"
    )
    assert response.status_code == 403


def test_retention_erases_former_owners_ids_and_phones(town, gis_officer, owned):
    services.ownership_transfer(
        user=gis_officer,
        holding=owned,
        owners=[{"name": "Shapla Khatun", "phone": "01911000111"}],
        happened_on=dt.date(2019, 1, 1),
    )
    assert privacy.erase_expired(today=dt.date(2023, 12, 31)) == 0
    assert privacy.erase_expired(today=dt.date(2024, 1, 2)) == 1
    rahima = Owner.objects.get(name="Rahima Begum")
    assert (rahima.national_id, rahima.phone) == ("", "")
    assert rahima.personal_data_erased_at is not None
    assert Owner.objects.get(name="Shapla Khatun").phone == "01911000111"


def test_the_deed_behind_a_transfer_is_kept_privately(town, gis_client, gis_officer, owned):
    change = services.ownership_transfer(
        user=gis_officer,
        holding=owned,
        owners=[{"name": "Shapla Khatun"}],
        happened_on=dt.date(2026, 5, 4),
        evidence_reference="Deed 77/2026",
    )
    url = f"{API}changes/{change.pk}/evidence/"
    assert gis_client.get(url).status_code == 404  # nothing attached yet
    refused = gis_client.post(
        url, {"evidence": SimpleUploadedFile("deed.txt", b"not a scan")}, format="multipart"
    )
    assert refused.status_code == 400
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
    done = gis_client.post(
        url, {"evidence": SimpleUploadedFile("deed.pdf", pdf)}, format="multipart"
    )
    assert done.status_code == 200
    assert done.json()["has_evidence"] is True
    read = gis_client.get(url)
    assert read.status_code == 200
    assert b"".join(read.streaming_content) == pdf
    assert read["Cache-Control"] == "private, no-store"
    enumerator = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).user
    assert client_for(enumerator).get(url).status_code == 404


def test_a_push_over_the_request_limit_is_a_clear_413_writing_nothing(
    town, holdings, gis_client, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4000
    rows = [
        {"holding_number": "12", "ward": "1", "fiscal_year": "2025-26", "assessed": "9"}
        for _ in range(100)
    ]
    body = {"municipality": town.municipality.code, "feed": "tax", "rows": rows}
    answer = gis_client.post(f"{API}feeds/", body, format="json")
    assert answer.status_code == 413
    assert "/api/v1/holdings/feeds/file/" in answer.json()["detail"]
    assert not TaxStatus.objects.exists()
    assert not QueuedRow.objects.exists()
