"""The holdings pages as their users meet them: a feed checked then imported from the
revenue desk, a queued row resolved and one dismissed, a holding's page with its owners
masked and shown whole to the admin (logged)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.roles import MembershipRole
from holdings import services
from holdings.models import Holding, PersonalDataAccess, QueuedRow, TaxStatus
from tests.factories import MembershipFactory

from .conftest import FEEDS

pytestmark = pytest.mark.django_db


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client, action):
    content = (FEEDS / "tax.csv").read_bytes()
    return client.post(
        reverse("holdings:office"),
        {"feed": "tax", "action": action, "file": SimpleUploadedFile("tax.csv", content)},
    )


def test_a_feed_is_checked_then_imported_from_the_revenue_desk(town, holdings, gis_officer):
    client = _session(gis_officer)
    page = client.get(reverse("holdings:office"))
    assert page.status_code == 200
    assert b'id="holding-settings"' not in page.content  # the admin's, not the officer's
    checked = _upload(client, "check")
    assert checked.status_code == 200
    assert b"Checked: nothing written yet" in checked.content
    assert b'id="feed-matched">6<' in checked.content
    assert not TaxStatus.objects.exists()
    done = _upload(client, "import")
    assert b"Imported" in done.content
    assert TaxStatus.objects.count() == 6
    assert b"2 rows wait on the reconciliation queue" in done.content


def test_the_queue_resolves_by_candidate_and_dismisses_with_a_reason(town, holdings, gis_officer):
    client = _session(gis_officer)
    _upload(client, "import")
    ambiguous = QueuedRow.objects.get(holding_number="0012")
    page = client.get(reverse("holdings:queue"))
    assert f'id="queued-{ambiguous.pk}"'.encode() in page.content
    resolved = client.post(
        reverse("holdings:queue"),
        {"action": "resolve", "row": ambiguous.pk, "holding": holdings[1, "12"].pk},
    )
    assert resolved.status_code == 302
    assert TaxStatus.objects.filter(holding=holdings[1, "12"]).exists()
    other = QueuedRow.objects.get(holding_number="999")
    refused = client.post(reverse("holdings:queue"), {"action": "dismiss", "row": other.pk})
    assert refused.status_code == 400
    by_number = client.post(
        reverse("holdings:queue"),
        {"action": "resolve", "row": other.pk, "number": "12", "ward": ""},
    )
    assert by_number.status_code == 400  # two wards have a 12: say which
    assert b"Name one holding" in by_number.content
    client.post(
        reverse("holdings:queue"),
        {"action": "dismiss", "row": other.pk, "reason": "A test row of the tax office"},
    )
    other.refresh_from_db()
    assert other.state == "dismissed"


def test_a_holding_page_masks_owners_and_shows_them_to_the_admin_logged(
    town, holdings, gis_officer
):
    holding = holdings[1, "12/A"]
    (ownership,) = services.owners_set(
        holding=holding, owners=[{"name": "Rahima Begum", "national_id": "1990123456789"}]
    )
    url = reverse("holdings:holding", args=[holding.pk])
    page = _session(gis_officer).get(url)
    assert page.status_code == 200
    assert b"1990123456789" not in page.content
    assert "•••••••••6789".encode() in page.content
    assert _session(gis_officer).post(url, {"ownership": ownership.pk}).status_code == 403
    admin = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN
    ).user
    shown = _session(admin).post(url, {"ownership": ownership.pk})
    assert b"1990123456789" in shown.content
    assert shown["Cache-Control"] == "no-store"
    assert PersonalDataAccess.objects.get().user == admin
    admin_page = _session(admin).get(reverse("holdings:office"))
    assert b'id="holding-settings"' in admin_page.content


def test_a_building_page_lists_its_holdings(town, holdings, gis_officer):
    building = holdings[1, "12/A"].buildings.get()
    building.refresh_from_db()
    page = _session(gis_officer).get(f"/buildings/{building.bin}/")
    assert page.status_code == 200
    assert reverse("holdings:holding", args=[holdings[1, "12/A"].pk]).encode() in page.content


def test_a_transfer_is_recorded_from_the_holding_s_page_with_its_deed(town, holdings, gis_officer):
    holding = holdings[1, "30"]
    services.owners_set(holding=holding, owners=[{"name": "Abul Kalam"}])
    url = reverse("holdings:holding", args=[holding.pk])
    client = _session(gis_officer)
    refused = client.post(url, {"action": "transfer", "name": "X", "happened_on": "2099-01-01"})
    assert refused.status_code == 400  # a date in the future
    done = client.post(
        url,
        {
            "action": "transfer",
            "happened_on": "2026-10-10",
            "evidence_reference": "Mutation 55/2026",
            "evidence": SimpleUploadedFile("deed.pdf", b"%PDF-1.4\n%%EOF\n"),
            "name": "Salma Akter",
            "phone": "01911-000111",
            "co_owner": "Rafiqul Islam",
        },
    )
    assert done.status_code == 302
    current = {o.owner.name for o in holding.ownerships.filter(until__isnull=True)}
    assert current == {"Salma Akter", "Rafiqul Islam"}
    change = holding.changes_in.get()
    assert change.evidence_reference == "Mutation 55/2026"
    assert change.evidence.name.endswith(".pdf")
    page = client.get(url)
    assert b"Abul Kalam" in page.content  # a former owner, kept
    assert reverse("holdings-api:change-evidence", args=[change.pk]).encode() in page.content
    executive = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    assert b'id="holding-transfer"' not in _session(executive.user).get(url).content


def test_a_new_holding_is_offered_on_a_building_page_to_its_editors_only(
    town, holdings, gis_officer, executive
):
    building = holdings[1, "12/A"].buildings.get()
    building.refresh_from_db()
    offer = f"{reverse('holdings:new')}?bin={building.bin}".encode()
    assert offer in _session(gis_officer).get(f"/buildings/{building.bin}/").content
    assert offer not in _session(executive).get(f"/buildings/{building.bin}/").content
    assert _session(executive).get(offer.decode()).status_code == 403


def test_a_ward_editor_registers_holdings_in_their_wards_only(town, holdings):
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    membership.wards.add(town.east)
    client = _session(membership.user)
    url = f"{reverse('holdings:new')}?municipality={town.municipality.code}"
    form = client.get(url).context["form"]
    assert list(form.fields["ward"].queryset) == [town.east]
    refused = client.post(url, {"ward": town.west.pk, "number": "99"})
    assert refused.status_code == 400
    assert "ward" in refused.context["form"].errors
    made = client.post(url, {"ward": town.east.pk, "number": "99", "name": "Selina Akter"})
    assert made.status_code == 302
    holding = Holding.objects.get(number_key="99")
    assert holding.ward == town.east
    assert holding.ownerships.get().owner.name == "Selina Akter"
    again = client.post(url, {"ward": town.east.pk, "number": "০৯৯"})
    assert again.status_code == 400
    assert "already" in str(again.context["form"].errors["number"])


def test_a_merge_names_holdings_of_the_same_ward(town, holdings, gis_officer):
    client = _session(gis_officer)
    url = reverse("holdings:merge", args=[holdings[1, "30"].pk])
    refused = client.post(url, {"others": "45", "number": "30", "happened_on": "2026-11-01"})
    assert refused.status_code == 400  # 45 is a holding of ward 2
    assert "45" in str(refused.context["form"].errors["others"])
    done = client.post(url, {"others": "31", "number": "30", "happened_on": "2026-11-01"})
    assert done.status_code == 302
    merged = Holding.objects.get(number_key="30", retired_at=None)
    assert merged.pk not in (holdings[1, "30"].pk, holdings[1, "31"].pk)
    assert merged.buildings.count() == 2
