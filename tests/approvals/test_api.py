"""The approval API as a municipality's systems meet it: an application taken in with
its footprint as GeoJSON, a step refused to the wrong role with the reason, a failing
design reported with each rule's outcome, and the building entered once built."""

import json

import pytest

from approvals.choices import Document, Stage
from containment.models import Containment
from spatial.models import Building
from tests.conftest import client_for
from tests.factories import SOUTH, WEST, square

pytestmark = pytest.mark.django_db
API = "/api/v1/approvals/"


def _body(town, **changes) -> dict:
    return {
        "municipality": town.municipality.code,
        "applicant_name": "Rina Das",
        "plot": "Mouza Sadar, dag 12",
        "floors": 4,
        "functional_use": "residential",
        "occupants": 16,
        "footprint": json.loads(square(WEST + 0.006, SOUTH + 0.006, 14).json),
        "containment_type": "septic_tank",
        "volume_m3": "5.00",
        "outlet": "soak_pit",
        "well_distance_m": "20",
        **changes,
    }


def test_an_application_from_intake_to_the_register(town, officer, inspector, mayor):
    taken = client_for(officer).post(API, _body(town), format="json")
    assert taken.status_code == 201, taken.content
    body = taken.json()
    assert (body["stage"], body["ward"]) == (Stage.RECEIVED, 1)
    url = f"{API}{body['id']}/"
    for kind in Document.values:
        answer = client_for(officer).post(f"{url}documents/", {"kind": kind})
        assert answer.status_code == 200, answer.content
    refused = client_for(inspector).post(f"{url}advance/", {}, format="json")
    assert refused.status_code == 403
    for user in (officer, officer, officer, inspector, mayor):
        answer = client_for(user).post(f"{url}advance/", {"note": "ok"}, format="json")
        assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["stage"] == Stage.APPROVED
    assert body["design_status"] == "compliant"
    assert [s["stage"] for s in body["stages"]][-1] == Stage.APPROVED
    assert not Building.objects.exists()
    built = client_for(inspector).post(f"{url}built/", {"as_approved": True}, format="json")
    assert built.status_code == 200, built.content
    assert built.json()["building"] == Building.objects.get().bin
    assert built.json()["containment"] == Containment.objects.get().code


def test_a_failing_design_is_reported_rule_by_rule(town, officer):
    taken = client_for(officer).post(API, _body(town, volume_m3="1.50"), format="json")
    url = f"{API}{taken.json()['id']}/"
    for kind in Document.values:
        client_for(officer).post(f"{url}documents/", {"kind": kind})
    for _ in range(3):
        answer = client_for(officer).post(f"{url}advance/", {}, format="json")
    body = answer.json()
    assert (body["stage"], body["design_status"]) == (Stage.PLAN_REVIEWED, "non_compliant")
    assert body["design_outcomes"]["volume"]["outcome"] == "fail"
    amended = client_for(officer).post(f"{url}design/", {"volume_m3": "6"}, format="json")
    assert amended.status_code == 200
    again = client_for(officer).post(f"{url}advance/", {}, format="json").json()
    assert again["stage"] == Stage.DESIGN_CHECKED


def test_bad_input_is_a_clear_400_and_nothing_is_kept(town, officer):
    line = {"type": "LineString", "coordinates": [[90.81, 22.93], [90.82, 22.94]]}
    for body in (
        _body(town, footprint=line),
        _body(town, outlet="the river"),
        _body(town, footprint=json.loads(square(WEST - 1, SOUTH, 10).json)),
        _body(town, floors=0),
    ):
        answer = client_for(officer).post(API, body, format="json")
        assert answer.status_code == 400, (body, answer.content)
    assert not client_for(officer).get(API).json()["results"]


def test_a_rejection_needs_reasons_and_keeps_them(town, officer):
    taken = client_for(officer).post(API, _body(town), format="json").json()
    url = f"{API}{taken['id']}/reject/"
    assert client_for(officer).post(url, {"reasons": ""}, format="json").status_code == 400
    done = client_for(officer).post(url, {"reasons": "Khas land."}, format="json").json()
    assert (done["stage"], done["decision_reasons"]) == (Stage.REJECTED, "Khas land.")
