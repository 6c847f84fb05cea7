"""The inspector's worklist and visits sent from a phone (issue 25): failing containments
first, then those unknown, the least recently visited first, in the inspector's wards
only; a visit and its photos named by the phone are kept once however often they are sent."""

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from containment import compliance, inspections, services
from containment.models import ComplianceAssessment, Inspection, InspectionPhoto
from core.roles import MembershipRole

from ..conftest import client_for
from ..factories import BuildingFactory, ContainmentFactory, MembershipFactory
from .conftest import PNG, page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def worklist_town(town):
    def tank(**facts):
        building = BuildingFactory(municipality=town.municipality)
        return ContainmentFactory(municipality=town.municipality, buildings=[building], **facts)

    failing = tank(outlet="open_drain", construction_year=2020, users=4)
    visited_failing = tank(outlet="open_drain", construction_year=2020, users=4)
    unknown = tank(outlet="", users=4)
    fine = tank(outlet="soak_pit", construction_year=2025, users=4)
    rule_set = services.rule_set_ensure(municipality=town.municipality)
    compliance.assess(rule_set=rule_set)
    # The statuses the worklist reads, set plainly (compliance has its own tests).
    for found, status, failed in (
        (failing, "non_compliant", ["outlet"]),
        (visited_failing, "non_compliant", ["outlet"]),
        (unknown, "unknown", []),
        (fine, "compliant", []),
    ):
        ComplianceAssessment.objects.filter(containment=found, rule_set=rule_set).update(
            status=status, failed_rules=failed
        )
    inspector = MembershipFactory(municipality=town.municipality, role=MembershipRole.INSPECTOR)
    inspections.inspection_record(
        containment=visited_failing, inspector=inspector.user,
        visited_on=timezone.localdate(), outcome="non_compliant",
    )  # fmt: skip
    return {"failing": failing, "visited": visited_failing, "unknown": unknown, "fine": fine,
            "inspector": inspector.user}  # fmt: skip


def test_the_worklist_puts_failing_and_unvisited_first(town, worklist_town):
    w = worklist_town
    page = page_client(w["inspector"]).get(reverse("containment:inspect"))
    assert page.status_code == 200
    codes = [p["code"] for p in page.context["config"]["points"]]
    assert w["fine"].code not in codes
    assert codes.index(w["failing"].code) < codes.index(w["visited"].code)
    assert codes.index(w["visited"].code) < codes.index(w["unknown"].code)
    first = page.context["config"]["points"][0]
    assert first["status"] == "non_compliant"
    assert "Outlet" in first["failed"]
    # An inspector of the other ward sees none of them; an enumerator has no such page.
    east = MembershipFactory(municipality=town.municipality, role=MembershipRole.INSPECTOR)
    east.wards.add(town.east)
    assert (
        page_client(east.user).get(reverse("containment:inspect")).context["config"]["points"] == []
    )
    enumerator = MembershipFactory(municipality=town.municipality, role=MembershipRole.ENUMERATOR)
    assert page_client(enumerator.user).get(reverse("containment:inspect")).status_code == 403


def test_a_visit_sent_twice_is_kept_once(worklist_town):
    w = worklist_town
    client = client_for(w["inspector"])
    url = reverse("containment-api:containment-inspections", args=[w["failing"].pk])
    name = str(uuid.uuid4())
    body = {"client_uuid": name, "visited_on": timezone.localdate().isoformat(),
            "outcome": "non_compliant", "observed": {"outlet": "soak_pit"}}  # fmt: skip
    first = client.post(url, json.dumps(body), content_type="application/json")
    again = client.post(url, json.dumps(body), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Inspection.objects.filter(client_uuid=name).count() == 1
    # The same name for another containment is refused.
    other = reverse("containment-api:containment-inspections", args=[w["unknown"].pk])
    clash = client.post(other, json.dumps(body), content_type="application/json")
    assert clash.status_code == 400
    photos = reverse("containment-api:inspection-photos", args=[first.json()["id"]])
    photo_name = str(uuid.uuid4())
    for _round in range(2):
        sent = client.post(
            photos,
            {"image": SimpleUploadedFile("p.png", PNG, "image/png"), "client_uuid": photo_name},
            format="multipart",
        )
        assert sent.status_code == 201, sent.content
    assert InspectionPhoto.objects.filter(client_uuid=photo_name).count() == 1
    bad = client.post(
        photos,
        {"image": SimpleUploadedFile("p.png", PNG, "image/png"), "client_uuid": "x"},
        format="multipart",
    )
    assert bad.status_code == 400
