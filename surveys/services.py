"""Writes of the survey workflow: campaigns and assignments, receiving field submissions
(idempotent by client UUID, matched to a building, flagged), and review decisions (final and
race-safe; approval applies the answers to the registers in the same transaction)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as RestValidationError

from containment import services as containment_services
from containment.choices import HouseholdSource
from containment.models import Containment
from spatial import services as spatial_services
from spatial.choices import MembershipRole
from spatial.geometry import check_within_municipality
from spatial.models import Membership, Municipality, Ward
from spatial.uploads import check_photo

from .choices import CampaignStatus, Flag, MatchKind, SubmissionStatus
from .models import Assignment, Submission, SubmissionPhoto, SurveyCampaign
from .questionnaire import QUESTIONNAIRES


class SubmissionConflict(Exception):
    """The client UUID was used before with a different payload."""

    def __init__(self, submission: Submission):
        super().__init__(str(submission.client_uuid))
        self.submission = submission


# ---------------------------------------------------------------- campaigns
@transaction.atomic
def campaign_create(
    *,
    municipality: Municipality,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    wards: list[Ward],
    questionnaire_version: str,
    created_by: Any = None,
) -> SurveyCampaign:
    if questionnaire_version not in QUESTIONNAIRES:
        raise ValidationError({"questionnaire_version": [_("Unknown questionnaire version.")]})
    if not wards or any(w.municipality_id != municipality.pk for w in wards):
        raise ValidationError({"wards": [_("Choose wards of this municipality.")]})
    campaign = SurveyCampaign(
        municipality=municipality,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        questionnaire_version=questionnaire_version,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    campaign.full_clean(exclude=["municipality"])
    campaign.save()
    campaign.wards.set(wards)
    return campaign


@transaction.atomic
@transaction.atomic
def assignment_create(*, campaign: SurveyCampaign, enumerator: Any, ward: Ward) -> Assignment:
    """Assign an enumerator of the campaign's municipality to one of its wards. The
    assignment grants what it needs: a ward-limited enumerator membership is extended to
    the ward, so the enumerator reads the ward's buildings and the campaign. Raises
    ValidationError when the user holds no enumerator role there, or the ward is not the
    campaign's."""
    if not campaign.wards.filter(pk=ward.pk).exists():
        raise ValidationError({"ward": [_("The ward is not in this campaign.")]})
    membership = Membership.objects.filter(
        user=enumerator, municipality_id=campaign.municipality_id, role=MembershipRole.ENUMERATOR
    ).first()
    if membership is None:
        raise ValidationError(
            {
                "enumerator": [
                    _("%(user)s is not an enumerator of %(municipality)s.")
                    % {"user": enumerator.get_username(), "municipality": campaign.municipality}
                ]
            }
        )
    spatial_services.membership_cover_ward(membership=membership, ward=ward)
    assignment, _created = Assignment.objects.get_or_create(
        campaign=campaign, enumerator=enumerator, ward=ward
    )
    return assignment


# ---------------------------------------------------------------- receiving
@dataclass(frozen=True)
class Received:
    submission: Submission
    created: bool


def payload_digest(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


_MATCH_SQL = """
    WITH p AS (
        SELECT n, m, ST_SetSRID(ST_MakePoint(x, y), 4326) AS geom
          FROM unnest(%(x)s::float8[], %(y)s::float8[], %(m)s::bigint[])
               WITH ORDINALITY AS u(x, y, m, n))
    SELECT p.n,
      ST_Covers(mu.boundary, p.geom),
      (SELECT b.id FROM spatial_building b
        WHERE b.municipality_id = p.m AND b.retired_at IS NULL AND ST_Contains(b.geom, p.geom)
        ORDER BY b.id LIMIT 1),
      near.id, near.distance,
      (SELECT w.id FROM spatial_ward w
        WHERE w.municipality_id = p.m AND ST_Intersects(w.geom, p.geom)
        ORDER BY w.number LIMIT 1)
    FROM p JOIN spatial_municipality mu ON mu.id = p.m
    LEFT JOIN LATERAL (
      SELECT b.id, ST_Distance(b.geom::geography, p.geom::geography) AS distance
        FROM spatial_building b
       WHERE b.municipality_id = p.m AND b.retired_at IS NULL
         AND b.geom && ST_Expand(p.geom, %(deg)s)
       ORDER BY b.geom <-> p.geom LIMIT 1) near ON TRUE
    ORDER BY p.n
"""


def _match_points(
    points: list[tuple[Point, int]],
) -> list[tuple[bool, int | None, str, float | None, int | None]]:
    """For each (point, municipality id), in one statement: (inside the municipality's
    boundary, building id, match kind, distance in m, ward id). The building is the footprint
    containing the point, else the nearest footprint within the set distance."""
    radius = settings.IMIS.get("SURVEY_MATCH_DISTANCE_M", 25)
    with connection.cursor() as cursor:
        cursor.execute(
            _MATCH_SQL,
            {
                "x": [point.x for point, _municipality in points],
                "y": [point.y for point, _municipality in points],
                "m": [municipality_id for _point, municipality_id in points],
                "deg": radius / 100_000,
            },
        )
        rows = cursor.fetchall()
    matched = []
    for _n, covered, inside, nearest, distance, ward_id in rows:
        if inside:
            matched.append((covered, inside, MatchKind.INSIDE, 0.0, ward_id))
        elif nearest and distance is not None and distance <= radius:
            matched.append((covered, nearest, MatchKind.NEAREST, distance, ward_id))
        else:
            matched.append((covered, None, MatchKind.NEW, None, ward_id))
    return matched


def _flags(assigned, ward_id, accuracy, duplicate: bool) -> list[str]:
    flags = []
    if ward_id not in assigned:
        flags.append(Flag.OUTSIDE_ASSIGNED_WARDS)
    if accuracy > settings.IMIS.get("SURVEY_MAX_GPS_ACCURACY_M", 20):
        flags.append(Flag.POOR_ACCURACY)
    if duplicate:
        flags.append(Flag.DUPLICATE_BUILDING)
    return flags


def _surveyed_already(campaign, building_id, corrects) -> bool:
    if building_id is None:
        return False
    others = Submission.objects.filter(
        campaign=campaign,
        building_id=building_id,
        status__in=[SubmissionStatus.PENDING, SubmissionStatus.APPROVED],
    )
    if corrects is not None:
        others = others.exclude(pk=corrects.pk)
    return others.exists()


def _payload(campaign, device_time, point, gps_accuracy_m, answers, corrects) -> dict[str, Any]:
    """What the UUID stands for: a resend must carry the same."""
    return {
        "campaign": campaign.pk,
        "device_time": device_time.isoformat(),
        "point": [round(point.x, 7), round(point.y, 7)],
        "gps_accuracy_m": gps_accuracy_m,
        "answers": answers,
        "corrects": corrects.pk if corrects else None,
    }


def _check_campaign(campaign, assigned: set, ward) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError({"campaign": [_("The campaign is closed.")]})
    if not assigned:
        raise PermissionDenied(_("You are not assigned to this campaign."))
    if ward is not None and ward.pk not in assigned:
        raise PermissionDenied(
            _("You are not assigned to ward %(number)s in this campaign.") % {"number": ward.number}
        )


def _check_answers(campaign, gps_accuracy_m: float, answers: dict, questionnaire=None) -> None:
    """`questionnaire`: a serializer instance to reuse across a batch (built once)."""
    if not math.isfinite(gps_accuracy_m) or gps_accuracy_m < 0:
        raise ValidationError({"gps_accuracy_m": [_("GPS accuracy must be a positive number.")]})
    if questionnaire is None:
        questionnaire = QUESTIONNAIRES[campaign.questionnaire_version]()
    try:
        questionnaire.run_validation(answers)
    except RestValidationError as error:
        raise ValidationError(
            {
                f"answers.{question}": [str(m) for m in messages]
                for question, messages in error.detail.items()
            }
        ) from None


def _existing(client_uuid: uuid.UUID, digest: str, enumerator: Any) -> Received:
    existing = Submission.objects.get(client_uuid=client_uuid)
    if existing.payload_sha256 != digest or existing.enumerator_id != enumerator.pk:
        raise SubmissionConflict(existing)
    return Received(existing, created=False)


def submission_receive(
    *,
    enumerator: Any,
    campaign: SurveyCampaign,
    client_uuid: uuid.UUID,
    device_time: dt.datetime,
    point: Point,
    gps_accuracy_m: float,
    answers: dict[str, Any],
    corrects: Submission | None = None,
    ward: Ward | None = None,
) -> Received:
    """Store one field submission, or acknowledge a resend. Raises SubmissionConflict when
    the UUID was used with another payload, PermissionDenied when the enumerator has no
    assignment in the campaign, ValidationError for anything else wrong (field named)."""
    digest = payload_digest(
        _payload(campaign, device_time, point, gps_accuracy_m, answers, corrects)
    )
    if Submission.objects.filter(client_uuid=client_uuid).exists():
        return _existing(client_uuid, digest, enumerator)

    assigned = set(
        Assignment.objects.filter(campaign=campaign, enumerator=enumerator).values_list(
            "ward_id", flat=True
        )
    )
    _check_campaign(campaign, assigned, ward)
    _check_answers(campaign, gps_accuracy_m, answers)
    check_within_municipality(point, campaign.municipality_id)
    if corrects is not None and (
        corrects.status != SubmissionStatus.RETURNED
        or corrects.enumerator_id != enumerator.pk
        or corrects.campaign_id != campaign.pk
    ):
        raise ValidationError(
            {"corrects": [_("Only a submission returned to you can be corrected.")]}
        )

    _covered, building_id, kind, distance, ward_id = _match_points(
        [(point, campaign.municipality_id)]
    )[0]
    duplicate = _surveyed_already(campaign, building_id, corrects)
    flags = _flags(assigned, ward_id, gps_accuracy_m, duplicate)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                campaign=campaign,
                enumerator=enumerator,
                client_uuid=client_uuid,
                payload_sha256=digest,
                answers=answers,
                device_time=device_time,
                geom=point,
                gps_accuracy_m=gps_accuracy_m,
                ward_id=ward_id,
                building_id=building_id,
                match_kind=kind,
                match_distance_m=distance,
                flags=flags,
                corrects=corrects,
            )
            if corrects is not None:
                updated = Submission.objects.filter(
                    pk=corrects.pk, status=SubmissionStatus.RETURNED
                ).update(status=SubmissionStatus.SUPERSEDED)
                if not updated:
                    raise ValidationError(
                        {"corrects": [_("That submission was corrected already.")]}
                    )
    except IntegrityError:
        # The same UUID arrived at the same moment on another connection.
        return _existing(client_uuid, digest, enumerator)
    return Received(submission, created=True)


@dataclass
class BatchItem:
    """One checked item of a phone's queue, ready for `submissions_receive_batch`."""

    campaign: SurveyCampaign
    client_uuid: uuid.UUID
    device_time: dt.datetime
    point: Point
    gps_accuracy_m: float
    answers: dict[str, Any]
    ward: Ward | None = None


def submissions_receive_batch(
    *, enumerator: Any, items: list[BatchItem]
) -> list[Received | Exception]:
    """`submission_receive` for a phone's whole queue with a fixed number of queries
    (existing UUIDs, assignments, matching and boundaries, earlier surveys of the matched
    buildings, one INSERT) instead of about ten per item. Each item's outcome is what
    `submission_receive` would have answered for it, in order: Received, or the exception
    it would have raised (ValidationError, PermissionDenied, SubmissionConflict)."""
    outcomes: list[Received | Exception | None] = [None] * len(items)
    digests = [
        payload_digest(
            _payload(i.campaign, i.device_time, i.point, i.gps_accuracy_m, i.answers, None)
        )
        for i in items
    ]
    stored = {
        s.client_uuid: s
        for s in Submission.objects.filter(client_uuid__in={i.client_uuid for i in items})
    }
    assigned: dict[int, set] = {}
    for campaign_id, ward_id in Assignment.objects.filter(
        enumerator=enumerator, campaign__in={i.campaign.pk for i in items}
    ).values_list("campaign_id", "ward_id"):
        assigned.setdefault(campaign_id, set()).add(ward_id)
    questionnaires: dict[str, Any] = {}

    # Checks that need no geometry, in submission_receive's order.
    candidates: list[int] = []
    first_of_uuid: dict[uuid.UUID, int] = {}
    for k, item in enumerate(items):
        if item.client_uuid in stored or item.client_uuid in first_of_uuid:
            continue  # answered after the inserts, against what is stored then
        try:
            _check_campaign(item.campaign, assigned.get(item.campaign.pk, set()), item.ward)
            version = item.campaign.questionnaire_version
            if version not in questionnaires:
                questionnaires[version] = QUESTIONNAIRES[version]()
            _check_answers(
                item.campaign, item.gps_accuracy_m, item.answers, questionnaires[version]
            )
        except (ValidationError, PermissionDenied) as refused:
            outcomes[k] = refused
            continue
        first_of_uuid[item.client_uuid] = k
        candidates.append(k)

    # Boundaries and matching for every candidate point in one statement.
    matched: dict[int, tuple] = {}
    if candidates:
        points = [(items[k].point, items[k].campaign.municipality_id) for k in candidates]
        matched = dict(zip(candidates, _match_points(points), strict=True))
    accepted: list[int] = []
    for k in candidates:
        if not matched[k][0]:
            try:  # the margin and the refusal's wording are check_within_municipality's
                check_within_municipality(items[k].point, items[k].campaign.municipality_id)
            except ValidationError as refused:
                outcomes[k] = refused
                del first_of_uuid[items[k].client_uuid]
                continue
        matched[k] = matched[k][1:]
        accepted.append(k)

    # Buildings surveyed before in the campaign, then earlier in this queue.
    surveyed = set(
        Submission.objects.filter(
            campaign__in={items[k].campaign.pk for k in accepted},
            building_id__in={matched[k][0] for k in accepted if matched[k][0]},
            status__in=[SubmissionStatus.PENDING, SubmissionStatus.APPROVED],
        ).values_list("campaign_id", "building_id")
    )
    rows = []
    for k in accepted:
        item = items[k]
        building_id, kind, distance, ward_id = matched[k]
        key = (item.campaign.pk, building_id)
        duplicate = building_id is not None and key in surveyed
        surveyed.add(key)
        rows.append(
            Submission(
                campaign=item.campaign,
                enumerator=enumerator,
                client_uuid=item.client_uuid,
                payload_sha256=digests[k],
                answers=item.answers,
                device_time=item.device_time,
                geom=item.point,
                gps_accuracy_m=item.gps_accuracy_m,
                ward_id=ward_id,
                building_id=building_id,
                match_kind=kind,
                match_distance_m=distance,
                flags=_flags(
                    assigned.get(item.campaign.pk, set()), ward_id, item.gps_accuracy_m, duplicate
                ),
            )
        )
    try:
        with transaction.atomic():
            created = Submission.objects.bulk_create(rows)
    except IntegrityError:
        # Some UUID arrived at the same moment on another connection: one by one instead.
        for k in accepted:
            outcomes[k] = _received_alone(enumerator, items[k])
    else:
        for k, submission in zip(accepted, created, strict=True):
            outcomes[k] = Received(submission, created=True)
            stored[submission.client_uuid] = submission

    # Resends: of what was stored before, or of an item earlier in this queue.
    for k, item in enumerate(items):
        if outcomes[k] is not None:
            continue
        existing = stored.get(item.client_uuid)
        if existing is None:  # its first copy was refused: refuse it the same way
            outcomes[k] = outcomes[first_of_uuid.get(item.client_uuid, k)] or _received_alone(
                enumerator, item
            )
        elif existing.payload_sha256 != digests[k] or existing.enumerator_id != enumerator.pk:
            outcomes[k] = SubmissionConflict(existing)
        else:
            outcomes[k] = Received(existing, created=False)
    return outcomes


def _received_alone(enumerator: Any, item: BatchItem) -> Received | Exception:
    try:
        with transaction.atomic():
            return submission_receive(
                enumerator=enumerator,
                campaign=item.campaign,
                client_uuid=item.client_uuid,
                device_time=item.device_time,
                point=item.point,
                gps_accuracy_m=item.gps_accuracy_m,
                answers=item.answers,
                ward=item.ward,
            )
    except (ValidationError, PermissionDenied, SubmissionConflict) as refused:
        return refused


# ---------------------------------------------------------------- review
def _decide(submission: Submission, reviewer: Any, status: str, reason: str = "") -> Submission:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != SubmissionStatus.PENDING:
        raise ValidationError(
            {
                "status": [
                    _("This submission was already decided: %(status)s.")
                    % {"status": SubmissionStatus(locked.status).label}
                ]
            }
        )
    locked.status, locked.reviewer, locked.reviewed_at = status, reviewer, timezone.now()
    locked.review_reason = reason
    locked.save(update_fields=["status", "reviewer", "reviewed_at", "review_reason"])
    return locked


BUILDING_FIELDS = (
    "holding_number",
    "structure_type",
    "floor_count",
    "construction_year",
    "functional_use",
    "household_count",
    "population_male",
    "population_female",
    "population_other",
    "population_disabled",
    "water_source",
    "has_toilet",
    "toilet_count",
)
CONTAINMENT_FIELDS = {
    "containment_type": "containment_type",
    "outlet": "outlet",
    "toilet_type": "toilet_type",
    "toilet_shared": "shared_facility",
    "length_m": "length_m",
    "width_m": "width_m",
    "depth_m": "depth_m",
    "diameter_m": "diameter_m",
    "ever_emptied": "ever_emptied",
    "last_emptied_on": "last_emptied_on",
    "emptied_by": "emptied_by",
    "sludge_destination": "sludge_destination",
}


@transaction.atomic
def submission_approve(*, submission: Submission, reviewer: Any) -> Submission:
    """Approve and apply the answers to the building and its containment, all or nothing."""
    decided = _decide(submission, reviewer, SubmissionStatus.APPROVED)
    if decided.building is None:
        raise ValidationError(
            {"building": [_("No building matched this point: map the building first.")]}
        )
    parsed = QUESTIONNAIRES[decided.campaign.questionnaire_version](data=decided.answers)
    parsed.is_valid(raise_exception=True)
    answers = parsed.validated_data
    building_changes = {k: answers[k] for k in BUILDING_FIELDS if k in answers}
    if building_changes:
        spatial_services.building_update(building=decided.building, **building_changes)
    containment_changes = {
        field: answers[key] for key, field in CONTAINMENT_FIELDS.items() if key in answers
    }
    if containment_changes:
        existing = (
            Containment.objects.filter(
                building_links__building=decided.building, building_links__is_responsible=True
            )
            .order_by("id")
            .first()
        )
        if existing is not None:
            containment_services.containment_update(containment=existing, **containment_changes)
        elif "containment_type" in containment_changes:
            containment_services.containment_create(
                municipality=decided.campaign.municipality,
                geom=decided.geom,
                buildings=[decided.building],
                **containment_changes,
            )
    households = households_from_answers(answers, building=decided.building)
    if households is not None:
        containment_services.households_replace(
            building=decided.building, households=households, source=HouseholdSource.SURVEY
        )
    return decided


_HOUSEHOLD_KEYS = (
    "household_count", "population_male", "population_female", "population_other",
    "has_toilet", "toilet_type", "toilet_shared", "sharing_households", "members_go",
    "households",
)  # fmt: skip


def households_from_answers(answers: dict[str, Any], *, building: Any) -> list[dict] | None:
    """The households an approved answer implies (Household fields), or None when it says
    nothing about them. Each uses the building's own toilet (its responsible containment)
    unless it said otherwise; a building of no household (household_count 0) has none."""
    if not any(key in answers for key in _HOUSEHOLD_KEYS):
        return None
    if answers.get("household_count") == 0:
        return []
    toilet = (
        Containment.objects.filter(
            building_links__building=building, building_links__is_responsible=True
        )
        .order_by("id")
        .first()
    )
    has_toilet = answers.get("has_toilet") is not False

    def household(item: dict[str, Any], uses_toilet: bool) -> dict[str, Any]:
        facility = toilet if uses_toilet else None
        return {
            "people_male": item.get("people_male"),
            "people_female": item.get("people_female"),
            "people_other": item.get("people_other"),
            "facility": facility,
            "toilet_shared": item.get("toilet_shared") if facility else None,
            "sharing_households": item.get("sharing_households") if facility else None,
            "members_go": "" if facility else item.get("members_go", ""),
        }

    if answers.get("households"):
        return [
            household(item, has_toilet and item["uses_building_toilet"])
            for item in answers["households"]
        ]
    people = {
        f"people_{sex}": answers.get(f"population_{sex}") for sex in ("male", "female", "other")
    }
    return [household({**answers, **people}, has_toilet)]


@transaction.atomic
def submission_reject(*, submission: Submission, reviewer: Any, reason: str) -> Submission:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the submission is rejected.")]})
    return _decide(submission, reviewer, SubmissionStatus.REJECTED, reason.strip()[:300])


@transaction.atomic
def submission_return(*, submission: Submission, reviewer: Any, reason: str) -> Submission:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say what the enumerator should correct.")]})
    return _decide(submission, reviewer, SubmissionStatus.RETURNED, reason.strip()[:300])


@transaction.atomic
def submission_add_photo(
    *, submission: Submission, enumerator: Any, upload: UploadedFile
) -> SubmissionPhoto:
    """Photos come after the submission (phones send them when the network allows); only
    its enumerator adds them, and only while it waits for review."""
    if submission.enumerator_id != enumerator.pk:
        raise PermissionDenied(_("Only the enumerator adds photos to his submission."))
    if submission.status != SubmissionStatus.PENDING:
        raise ValidationError({"status": [_("The submission was decided already.")]})
    check_photo(upload)
    return SubmissionPhoto.objects.create(submission=submission, image=upload)
