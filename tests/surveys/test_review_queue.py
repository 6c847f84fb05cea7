"""The supervisor's review queue (issue 24): filters, order and paging of the submissions,
and one submission beside what the register holds now."""

import json
import uuid

import pytest
from django.urls import reverse

from core.roles import MembershipRole
from surveys import services
from surveys.models import Submission

from ..conftest import client_for
from ..factories import BuildingFactory, MembershipFactory, UserFactory, square
from .test_submissions import SUBMIT, decide, item, post, survey  # noqa: F401

pytestmark = pytest.mark.django_db
QUEUE = reverse("surveys-api:submission-list")


def ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.content
    return [row["id"] for row in answer.json()["results"]]


@pytest.fixture
def queue(survey, town):  # noqa: F811
    """Three submissions of the west ward: two by the survey's enumerator (one flagged for
    a rough GPS fix, on another day), one by a second enumerator."""
    second = UserFactory()
    MembershipFactory(user=second, municipality=town.municipality, role=MembershipRole.ENUMERATOR)
    services.assignment_create(campaign=survey["campaign"], enumerator=second, ward=town.west)
    other = BuildingFactory(municipality=town.municipality, geom=square(90.812, 22.931, 12))
    made = [
        post(survey["field"], SUBMIT, item(survey)).json()["id"],
        post(
            survey["field"],
            SUBMIT,
            item(survey, accuracy=80.0, device_time="2026-07-16T09:00:00+06:00"),
        ).json()["id"],
    ]
    centre = other.geom.point_on_surface
    body = item(survey, lon=centre.x, lat=centre.y, client_uuid=str(uuid.uuid4()))
    made.append(post(client_for(second), SUBMIT, body).json()["id"])
    return made, second


def test_the_queue_filters_by_ward_enumerator_flag_day_and_version(survey, town, queue):  # noqa: F811
    made, second = queue
    west = survey["west"]
    assert set(ids(west.get(QUEUE, {"status": "pending", "ward": town.west.pk}))) == set(made)
    assert ids(west.get(QUEUE, {"enumerator": second.username})) == [made[2]]
    assert ids(west.get(QUEUE, {"flag": "poor_accuracy"})) == [made[1]]
    assert made[1] not in ids(west.get(QUEUE, {"flag": "none"}))
    assert ids(west.get(QUEUE, {"day": "2026-07-16"})) == [made[1]]
    assert set(ids(west.get(QUEUE, {"version": "building-v1"}))) == set(made)
    assert ids(west.get(QUEUE, {"version": "building-v9"})) == []
    # The east ward's supervisor sees none of them.
    assert ids(survey["east"].get(QUEUE, {"status": "pending"})) == []


def test_the_queue_sorts_and_pages(survey, queue):  # noqa: F811
    made, _second = queue
    west = survey["west"]
    by_device = ids(west.get(QUEUE, {"sort": "-device_time"}))
    assert by_device[0] == made[1]
    oldest = ids(west.get(QUEUE, {"sort": "received_at", "limit": 1}))
    assert oldest == [made[0]]
    second_page = ids(west.get(QUEUE, {"sort": "received_at", "limit": 1, "offset": 1}))
    assert second_page == [made[1]]
    by_enumerator = west.get(QUEUE, {"sort": "enumerator"}).json()["results"]
    names = [row["enumerator"] for row in by_enumerator]
    assert names == sorted(names)


@pytest.mark.parametrize(
    "params",
    [
        {"flag": "wobbly"},
        {"day": "yesterday"},
        {"sort": "bin"},
        {"ward": "x"},
        {"status": "maybe"},
        {"campaign": str(2**64)},
        {"colour": "red"},
    ],
)
def test_a_bad_filter_is_a_400_naming_it(survey, params):  # noqa: F811
    answer = survey["west"].get(QUEUE, params)
    assert answer.status_code == 400
    assert set(params) & set(answer.json()["errors"])


def test_a_submission_beside_the_register_shows_what_approval_would_change(survey):  # noqa: F811
    building = survey["building"]
    building.floor_count = 3
    building.functional_use = "commercial"
    building.save()
    pk = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    review = survey["west"].get(reverse("surveys-api:submission-review", args=[pk]))
    assert review.status_code == 200
    body = review.json()
    rows = {row["question"]: row for row in body["answers"]}
    # The answers say 3 floors, residential: the floors are confirmed, the use would change.
    assert rows["floor_count"]["changes"] is False
    assert rows["functional_use"] == {
        "question": "functional_use",
        "label": "What is the building used for?",
        "answer": "residential",
        "current": "commercial",
        "answer_label": "Residential",
        "current_label": "Commercial",
        "kept": True,
        "changes": True,
    }
    assert body["building"]["bin"] == building.bin
    assert body["building"]["footprint"]["type"] == "Polygon"
    assert body["photos"] == []
    # Approving applies exactly that.
    assert decide(survey["west"], pk, "approve").status_code == 200
    building.refresh_from_db()
    assert building.functional_use == "residential"
    assert Submission.objects.get(pk=pk).status == "approved"
    # The east ward's supervisor may not look.
    east = survey["east"].get(reverse("surveys-api:submission-review", args=[pk]))
    assert east.status_code in (403, 404)
    assert json.loads(review.content)["flags"] == []


def test_approve_clean_approves_each_clean_one_of_the_filter_and_nothing_else(survey, queue):  # noqa: F811
    made, second = queue
    url = reverse("surveys-api:approve-clean")
    body = {"campaign": survey["campaign"].pk, "enumerator": survey["enumerator"].username}
    answer = survey["west"].post(url, json.dumps(body), content_type="application/json")
    assert answer.status_code == 200, answer.content
    # The survey enumerator's clean one only: the flagged one and the other's stay pending.
    assert answer.json() == {"approved": [made[0]], "refused": []}
    statuses = dict(Submission.objects.filter(pk__in=made).values_list("pk", "status"))
    assert statuses == {made[0]: "approved", made[1]: "pending", made[2]: "pending"}
    # Each is recorded as a single approval is.
    assert Submission.objects.get(pk=made[0]).reviewer is not None
    # The east ward's supervisor approves nothing of the west; an enumerator may not ask.
    everything = {"campaign": survey["campaign"].pk}
    east = survey["east"].post(url, json.dumps(everything), content_type="application/json")
    assert east.json()["approved"] == []
    refused = client_for(second).post(url, json.dumps(everything), format="json")
    assert refused.status_code == 403
    bad = survey["west"].post(url, json.dumps({"campaign": "x"}), content_type="application/json")
    assert bad.status_code == 400
