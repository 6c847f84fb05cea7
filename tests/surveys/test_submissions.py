"""Field submissions: idempotency, batch sync, matching, flags, bad input, review, coverage."""

import datetime as dt
import json
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from containment.models import Containment
from core.roles import MembershipRole
from surveys import selectors, services
from surveys.models import Submission

from ..conftest import client_for
from ..factories import (
    SPLIT,
    BuildingFactory,
    MembershipFactory,
    UserFactory,
    m_per_deg_lon,
    square,
    town_campaign,
)

SUBMIT = reverse("surveys-api:submission-list")
BATCH = reverse("surveys-api:submission-batch")


@pytest.fixture
def survey(town):
    enumerator = UserFactory()
    supervisor_west = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
    )
    supervisor_west.wards.add(town.west)
    supervisor_east = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
    )
    supervisor_east.wards.add(town.east)
    campaign = town_campaign(town, name="July household survey")
    MembershipFactory(
        user=enumerator, municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).wards.add(town.west)
    services.assignment_create(campaign=campaign, enumerator=enumerator, ward=town.west)
    building = BuildingFactory(municipality=town.municipality, geom=square(90.81, 22.93, 12))
    return {
        "campaign": campaign,
        "enumerator": enumerator,
        "building": building,
        "west": client_for(supervisor_west.user),
        "east": client_for(supervisor_east.user),
        "field": client_for(enumerator),
    }


def item(survey, *, lon=None, lat=None, accuracy=5.0, answers=None, **extra):
    centre = survey["building"].geom.centroid
    body = {
        "client_uuid": str(uuid.uuid4()),
        "campaign": survey["campaign"].pk,
        "device_time": "2026-07-15T10:30:00+06:00",
        "geometry": {"type": "Point", "coordinates": [lon or centre.x, lat or centre.y]},
        "gps_accuracy_m": accuracy,
        "answers": answers
        if answers is not None
        else {
            "floor_count": 3,
            "functional_use": "residential",
            "household_count": 2,
            "population_male": 4,
            "population_female": 5,
            "has_toilet": True,
            "toilet_type": "flush",
            "containment_type": "septic_tank",
            "outlet": "open_drain",
            "ever_emptied": False,
        },
    }
    body.update(extra)
    return body


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


# ------------------------------------------------------------------ idempotency
@pytest.mark.django_db
def test_resending_the_same_payload_is_acknowledged_once(survey):
    body = item(survey)
    first = post(survey["field"], SUBMIT, body)
    again = post(survey["field"], SUBMIT, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_same_uuid_with_another_payload_is_a_conflict(survey):
    body = item(survey)
    post(survey["field"], SUBMIT, body)
    changed = {**body, "gps_accuracy_m": 9.0}
    response = post(survey["field"], SUBMIT, changed)
    assert response.status_code == 409
    assert response.json()["errors"]["client_uuid"] == [body["client_uuid"]]
    assert Submission.objects.get().gps_accuracy_m == 5.0


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_from_two_threads_store_one_row(survey):
    body = item(survey)
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def send():
        try:
            barrier.wait(timeout=10)
            statuses.append(post(client_for(survey["enumerator"]), SUBMIT, body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 201]
    assert Submission.objects.filter(client_uuid=body["client_uuid"]).count() == 1


# ------------------------------------------------------------------ batch
@pytest.mark.django_db
def test_batch_answers_each_item_and_keeps_the_good_ones(survey):
    good = item(survey)
    resend = dict(good)
    conflict = {**good, "gps_accuracy_m": 50.0}
    bad_answer = item(survey, answers={"floor_count": -3})
    in_the_sea = item(survey, lon=91.6, lat=22.2)
    no_uuid = item(survey)
    del no_uuid["client_uuid"]
    response = post(
        survey["field"],
        BATCH,
        {"submissions": [good, resend, conflict, bad_answer, in_the_sea, no_uuid]},
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 200, 409, 400, 400, 400]
    assert "answers" in json.dumps(results[3]["errors"])
    assert "outside" in json.dumps(results[4]["errors"])
    assert "client_uuid" in results[5]["errors"]
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_batch_out_of_order_and_repeated_loses_nothing(survey):
    items = [item(survey) for _ in range(4)]
    post(survey["field"], BATCH, {"submissions": [items[2], items[0]]})
    post(survey["field"], BATCH, {"submissions": list(reversed(items))})
    assert Submission.objects.count() == 4


def _queue(survey, town):
    """A phone's queue with every outcome: stored, flagged, resent, conflicting, refused."""
    centre = survey["building"].geom.centroid
    per_m = 1 / m_per_deg_lon(centre.y)
    east = town.east.geom.point_on_surface
    closed = services.campaign_create(
        municipality=town.municipality,
        name="Closed",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 2, 1),
        wards=[town.west],
        questionnaire_version="building-v1",
    )
    closed.status = "closed"
    closed.save()
    first = item(survey)
    queue = [
        first,
        item(survey, lon=centre.x + 16 * per_m),  # nearest building: a duplicate of `first`
        item(survey, lon=centre.x + 200 * per_m),  # no building near: new
        item(survey, accuracy=45.0),  # poor accuracy, duplicate
        item(survey, lon=east.x, lat=east.y),  # outside the enumerator's wards
        dict(first),  # resent in the same queue
        {**first, "gps_accuracy_m": 7.0},  # same UUID, other payload
        item(survey, answers={"floor_count": -3}),
        item(survey, lon=91.6, lat=22.2),  # in the sea
        item(survey, lon=centre.y, lat=centre.x),  # axes swapped
        item(survey, campaign=closed.pk),
        item(survey, campaign=10**8),
        item(survey, ward=town.east.pk),  # a ward he is not assigned to
        item(survey, geometry={"type": "Point", "coordinates": [1, 2, 3, 4]}),
    ]
    refused_then_valid = item(survey, answers={"floor_count": -3})
    queue += [refused_then_valid, {**refused_then_valid, "answers": {"floor_count": 2}}]
    # A building not on the map, drawn by the enumerator.
    x, y, size = centre.x + 300 * per_m, centre.y, 0.0001
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    queue.append(
        item(
            survey,
            lon=x + size / 2,
            lat=y + size / 2,
            footprint={"type": "Polygon", "coordinates": [ring]},
        )
    )
    return queue


# Everything a submission stores from what was sent and matched (geometries compared
# exactly, coordinate by coordinate).
STORED = (
    "client_uuid",
    "building_id",
    "ward_id",
    "match_kind",
    "flags",
    "payload_sha256",
    "answers",
    "device_time",
    "gps_accuracy_m",
    "match_distance_m",
    "status",
    "enumerator_id",
    "campaign_id",
    "review_reason",
    "geom",
    "footprint",
)


def _stored():
    return list(Submission.objects.order_by("id").values_list(*STORED))


def _comparable(result):
    body = dict(result.get("submission") or {})
    for key in ("id", "received_at"):
        body.pop(key, None)
    errors = {k: v for k, v in result.items() if k not in ("submission", "id")}
    return errors, body


@pytest.mark.django_db
def test_a_batch_answers_exactly_as_one_by_one(survey, town):
    from django.db import transaction

    queue = _queue(survey, town)

    class Undo(Exception):
        pass

    one_by_one, stored_alone = [], []

    def send_one_by_one_then_undo():
        with transaction.atomic():
            for body in queue:
                response = post(survey["field"], SUBMIT, body)
                data = response.json()
                result = {"client_uuid": body.get("client_uuid"), "status": response.status_code}
                if response.status_code < 300:
                    result["submission"] = data
                else:
                    result.update(data)
                one_by_one.append(result)
            stored_alone.extend(_stored())
            raise Undo

    with pytest.raises(Undo):
        send_one_by_one_then_undo()
    response = post(survey["field"], BATCH, {"submissions": queue})
    assert response.status_code == 200
    batched = response.json()["results"]
    statuses = [r["status"] for r in batched]
    assert statuses == [
        201,
        201,
        201,
        201,
        201,
        200,
        409,
        400,
        400,
        400,
        400,
        400,
        403,
        400,
        400,
        201,
        201,
    ]
    assert [_comparable(r) for r in batched] == [
        _comparable({**r, "client_uuid": r["client_uuid"] or ""}) for r in one_by_one
    ]
    stored_batch = _stored()
    assert stored_batch == stored_alone
    assert stored_batch[1][4] == ["duplicate_building"]
    assert "poor_accuracy" in stored_batch[3][4]
    assert "outside_assigned_wards" in stored_batch[4][4]


@pytest.mark.django_db
def test_a_batch_takes_a_fixed_number_of_queries(survey, django_assert_max_num_queries):
    def batch_of(n):
        return {"submissions": [item(survey, accuracy=5.0 + k) for k in range(n)]}

    small, large = batch_of(2), batch_of(40)
    with django_assert_max_num_queries(20) as few:
        post(survey["field"], BATCH, small)
    with django_assert_max_num_queries(20) as many:
        post(survey["field"], BATCH, large)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Submission.objects.count() == 42


# ------------------------------------------------------------------ matching and flags
@pytest.mark.django_db
def test_matching_inside_nearest_and_new(survey):
    building = survey["building"]
    centre = building.geom.centroid
    per_m = 1 / m_per_deg_lon(centre.y)
    inside = services.submission_receive(
        enumerator=survey["enumerator"],
        campaign=survey["campaign"],
        client_uuid=uuid.uuid4(),
        device_time=timezone.now(),
        point=centre,
        gps_accuracy_m=3,
        answers={},
    ).submission
    from django.contrib.gis.geos import Point

    near = services.submission_receive(
        enumerator=survey["enumerator"],
        campaign=survey["campaign"],
        client_uuid=uuid.uuid4(),
        device_time=timezone.now(),
        point=Point(centre.x + 16 * per_m, centre.y, srid=4326),
        gps_accuracy_m=3,
        answers={},
    ).submission
    far = services.submission_receive(
        enumerator=survey["enumerator"],
        campaign=survey["campaign"],
        client_uuid=uuid.uuid4(),
        device_time=timezone.now(),
        point=Point(centre.x + 200 * per_m, centre.y, srid=4326),
        gps_accuracy_m=3,
        answers={},
    ).submission
    assert (inside.match_kind, inside.building_id) == ("inside", building.pk)
    assert (near.match_kind, near.building_id) == ("nearest", building.pk)
    assert near.match_distance_m == pytest.approx(10, abs=1)  # 16 m from centre, 6 m half-width
    assert (far.match_kind, far.building_id) == ("new", None)


@pytest.mark.django_db
def test_flags(survey, town):
    first = post(survey["field"], SUBMIT, item(survey)).json()
    assert first["flags"] == []
    twice = post(survey["field"], SUBMIT, item(survey, accuracy=45.0)).json()
    assert set(twice["flags"]) == {"duplicate_building", "poor_accuracy"}
    east = post(survey["field"], SUBMIT, item(survey, lon=SPLIT + 0.01, lat=22.95)).json()
    assert east["flags"] == ["outside_assigned_wards"]
    assert east["ward"] == town.east.pk


# ------------------------------------------------------------------ bad input
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"client_uuid": "not-a-uuid"}, 400, "client_uuid"),
        ({"campaign": 999999}, 400, "campaign"),
        ({"answers": {"floor_count": 0}}, 400, "answers.floor_count"),
        ({"answers": {"has_toilet": False, "toilet_type": "flush"}}, 400, "answers.has_toilet"),
        ({"answers": {"favourite_colour": "blue"}}, 400, "answers.favourite_colour"),
        ({"geometry": {"type": "Point", "coordinates": [91.9, 21.5]}}, 400, "geometry"),
        ({"gps_accuracy_m": -1}, 400, "gps_accuracy_m"),
    ],
)
def test_bad_submissions_name_the_field_and_store_nothing(survey, change, code, field):
    response = post(survey["field"], SUBMIT, {**item(survey), **change})
    assert response.status_code == code, response.content
    assert field in response.json()["errors"]
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_closed_campaign_and_unassigned_enumerator(survey, town):
    stranger = client_for(UserFactory())
    assert post(stranger, SUBMIT, item(survey)).status_code == 403
    survey["campaign"].status = "closed"
    survey["campaign"].save()
    response = post(survey["field"], SUBMIT, item(survey))
    assert response.status_code == 400
    assert "closed" in response.json()["errors"]["campaign"][0]
    assert not Submission.objects.exists()


# ------------------------------------------------------------------ review
def decide(client, submission_id, name, reason=""):
    url = reverse(f"surveys-api:{name}", args=[submission_id])
    return post(client, url, {"reason": reason} if reason else {})


@pytest.mark.django_db
def test_approval_applies_answers_to_building_and_containment(survey):
    pk = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    response = decide(survey["west"], pk, "approve")
    assert response.status_code == 200, response.content
    building = survey["building"]
    building.refresh_from_db()
    assert (building.floor_count, building.population) == (3, 9)
    containment = Containment.objects.get(building_links__building=building)
    assert (containment.containment_type, containment.outlet) == ("septic_tank", "open_drain")
    again = decide(survey["west"], pk, "approve")
    assert again.status_code == 400
    assert "already decided" in again.json()["errors"]["status"][0]


@pytest.mark.django_db
def test_supervisors_see_and_decide_their_wards_only(survey):
    pk = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    assert survey["east"].get(SUBMIT).json()["results"] == []
    assert decide(survey["east"], pk, "approve").status_code == 404
    assert [s["id"] for s in survey["west"].get(SUBMIT).json()["results"]] == [pk]
    assert decide(survey["field"], pk, "approve").status_code == 403  # not his own


@pytest.mark.django_db
def test_return_and_correct(survey):
    body = item(survey)
    pk = post(survey["field"], SUBMIT, body).json()["id"]
    assert decide(survey["west"], pk, "return").status_code == 400  # reason needed
    returned = decide(survey["west"], pk, "return", "Population looks wrong")
    assert returned.json()["status"] == "returned"
    mine = survey["field"].get(SUBMIT, {"status": "returned"}).json()["results"]
    assert mine[0]["review_reason"] == "Population looks wrong"
    corrected = post(survey["field"], SUBMIT, item(survey, corrects=pk))
    assert corrected.status_code == 201, corrected.content
    assert "duplicate_building" not in corrected.json()["flags"]
    assert Submission.objects.get(pk=pk).status == "superseded"
    twice = post(survey["field"], SUBMIT, item(survey, corrects=pk))
    assert twice.status_code == 400


@pytest.mark.django_db
def test_rejection_needs_a_reason(survey):
    pk = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    assert decide(survey["west"], pk, "reject").status_code == 400
    assert decide(survey["west"], pk, "reject", "Wrong house").json()["status"] == "rejected"


# ------------------------------------------------------------------ coverage
@pytest.mark.django_db
def test_coverage_on_a_hand_checked_set(survey, town, django_assert_max_num_queries):
    others = [BuildingFactory(municipality=town.municipality) for _ in range(3)]  # west
    BuildingFactory(municipality=town.municipality, geom=square(SPLIT + 0.01, 22.95))  # east
    approved = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    decide(survey["west"], approved, "approve")
    centre = others[0].geom.centroid
    pending = post(survey["field"], SUBMIT, item(survey, lon=centre.x, lat=centre.y)).json()
    centre = others[1].geom.centroid
    rejected = post(survey["field"], SUBMIT, item(survey, lon=centre.x, lat=centre.y)).json()
    decide(survey["west"], rejected["id"], "reject", "blurred")
    with django_assert_max_num_queries(1):
        rows = selectors.campaign_coverage(campaign=survey["campaign"])
    west, east = rows
    assert (west["buildings"], west["surveyed"], west["pending"], west["rejected"]) == (4, 1, 1, 1)
    assert west["coverage"] == 0.25
    assert (east["buildings"], east["surveyed"], east["coverage"]) == (1, 0, 0.0)
    assert pending["status"] == "pending"


@pytest.mark.django_db
def test_building_status_layer(survey, town):
    pk = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    other = BuildingFactory(municipality=town.municipality, geom=square(90.8102, 22.9302, 8))
    url = reverse("surveys-api:campaign-buildings", args=[survey["campaign"].pk])
    body = survey["west"].get(url, {"bbox": "90.805,22.925,90.815,22.935"}).json()
    statuses = {f["id"]: f["properties"]["status"] for f in body["features"]}
    assert statuses == {survey["building"].pk: "pending", other.pk: "not_visited"}
    decide(survey["west"], pk, "approve")
    body = survey["west"].get(url, {"bbox": "90.805,22.925,90.815,22.935"}).json()
    assert {f["properties"]["status"] for f in body["features"]} == {"surveyed", "not_visited"}
    assert survey["west"].get(url, {"bbox": "1,2,3"}).status_code == 400


@pytest.mark.django_db
def test_naming_a_ward_not_assigned_is_refused(survey, town):
    response = post(survey["field"], SUBMIT, item(survey, ward=town.east.pk))
    assert response.status_code == 403
    assert "ward 2" in response.json()["detail"]
    assert post(survey["field"], SUBMIT, item(survey, ward=town.west.pk)).status_code == 201


@pytest.mark.django_db
def test_progress_per_enumerator_and_day(survey, django_assert_max_num_queries):
    first = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    post(survey["field"], SUBMIT, item(survey, device_time="2026-07-16T09:00:00+06:00"))
    decide(survey["west"], first, "approve")
    with django_assert_max_num_queries(1):
        progress = selectors.campaign_progress(campaign=survey["campaign"])
    assert progress["enumerators"] == [
        {
            "enumerator": survey["enumerator"].username,
            "surveyed": 1,
            "pending": 1,
            "returned": 0,
            "rejected": 0,
            "submissions": 2,
        }
    ]
    assert [(str(d["day"]), d["submissions"]) for d in progress["days"]] == [
        ("2026-07-15", 1),
        ("2026-07-16", 1),
    ]


@pytest.mark.django_db
def test_photos_follow_the_submission(survey, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pk = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    url = reverse("surveys-api:photos", args=[pk])
    jpeg = SimpleUploadedFile("house.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg")
    stored = survey["field"].post(url, {"image": jpeg})
    assert stored.status_code == 201
    # Served to who reads the submission (its enumerator, the ward's supervisor), else 404.
    photo = stored.json()["url"]
    assert survey["field"].get(photo).status_code == 200
    assert survey["west"].get(photo).status_code == 200
    assert survey["east"].get(photo).status_code == 404
    fake = SimpleUploadedFile("house.jpg", b"MZ\x90\x00", "image/jpeg")
    assert survey["field"].post(url, {"image": fake}).status_code == 400
    other = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, "image/png")
    assert survey["west"].post(url, {"image": other}).status_code == 403
    decide(survey["west"], pk, "approve")
    late = SimpleUploadedFile("y.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, "image/png")
    assert survey["field"].post(url, {"image": late}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_deciding_one_submission_at_once_exactly_one_wins(survey, town):
    """Supervisor A approves while a second supervisor of the same ward rejects, at the
    same moment: the row lock lets one decide; the other is told it was decided already."""
    second = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
    )
    second.wards.add(town.west)
    pk = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    clients = {"approve": survey["west"], "reject": client_for(second.user)}
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def act(action: str) -> None:
        barrier.wait()
        statuses[action] = decide(clients[action], pk, action, reason="duplicate").status_code
        connection.close()

    threads = [threading.Thread(target=act, args=(a,)) for a in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [200, 400], statuses
    decided = Submission.objects.get(pk=pk)
    winner = next(action for action, code in statuses.items() if code == 200)
    assert decided.status == {"approve": "approved", "reject": "rejected"}[winner]


@pytest.mark.django_db
def test_a_photo_named_by_the_phone_is_kept_once_and_may_arrive_after_the_decision(
    survey, settings, tmp_path
):
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile

    from surveys.models import SubmissionPhoto

    settings.MEDIA_ROOT = tmp_path

    def jpeg():
        return SimpleUploadedFile("house.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg")

    pk = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    url = reverse("surveys-api:photos", args=[pk])
    name = str(uuid.uuid4())
    first = survey["field"].post(url, {"image": jpeg(), "client_uuid": name})
    assert first.status_code == 201
    # The answer was lost; the phone sends it again: the same photo, not a second one.
    again = survey["field"].post(url, {"image": jpeg(), "client_uuid": name})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert SubmissionPhoto.objects.filter(submission_id=pk).count() == 1
    decide(survey["west"], pk, "approve")
    # Taken with the submission, sent after the approval: kept; a resend still harmless.
    late = str(uuid.uuid4())
    assert survey["field"].post(url, {"image": jpeg(), "client_uuid": late}).status_code == 201
    assert survey["field"].post(url, {"image": jpeg(), "client_uuid": late}).status_code == 200
    assert SubmissionPhoto.objects.filter(submission_id=pk).count() == 2
    # The same name on another submission is a conflict; a name that is no UUID a 400.
    other = post(survey["field"], SUBMIT, item(survey)).json()["id"]
    elsewhere = reverse("surveys-api:photos", args=[other])
    assert (
        survey["field"].post(elsewhere, {"image": jpeg(), "client_uuid": name}).status_code == 409
    )
    assert survey["field"].post(elsewhere, {"image": jpeg(), "client_uuid": "x"}).status_code == 400
