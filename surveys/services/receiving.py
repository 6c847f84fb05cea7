"""Receiving field submissions: idempotent by the client's UUID, matched to a building,
flagged; one by one or in batches."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as RestValidationError

from core.serializers import reused
from spatial.geometry import check_within_municipality
from spatial.models import Ward

from ..choices import CampaignStatus, Flag, MatchKind, SubmissionStatus
from ..models import Assignment, Submission, SurveyCampaign
from ..questionnaire import QUESTIONNAIRES
from .matching import match_points
from .storing import submissions_insert


class SubmissionConflict(Exception):
    """The client UUID was used before with a different payload."""

    def __init__(self, submission: Submission):
        super().__init__(str(submission.client_uuid))
        self.submission = submission


# ---------------------------------------------------------------- receiving
@dataclass(frozen=True)
class Received:
    submission: Submission
    created: bool


def payload_digest(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


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


def _payload(
    campaign, device_time, point, gps_accuracy_m, answers, corrects, footprint=None
) -> dict[str, Any]:
    """What the UUID stands for: a resend must carry the same."""
    payload = {
        "campaign": campaign.pk,
        "device_time": device_time.isoformat(),
        "point": [round(point.x, 7), round(point.y, 7)],
        "gps_accuracy_m": gps_accuracy_m,
        "answers": answers,
        "corrects": corrects.pk if corrects else None,
    }
    if footprint is not None:
        payload["footprint"] = [[round(x, 7), round(y, 7)] for x, y in footprint.coords[0]]
    return payload


def _check_footprint(footprint, municipality_id: int) -> None:
    """A drawn footprint: a valid polygon inside the municipality."""
    if footprint is None:
        return
    if not footprint.valid:
        raise ValidationError(
            {
                "footprint": [
                    _("The footprint crosses itself: %(reason)s")
                    % {"reason": footprint.valid_reason}
                ]
            }
        )
    check_within_municipality(footprint, municipality_id, field="footprint")


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
        questionnaire = reused(QUESTIONNAIRES[campaign.questionnaire_version])
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
    footprint: Polygon | None = None,
) -> Received:
    """Store one field submission, or acknowledge a resend. Raises SubmissionConflict when
    the UUID was used with another payload, PermissionDenied when the enumerator has no
    assignment in the campaign, ValidationError for anything else wrong (field named)."""
    digest = payload_digest(
        _payload(campaign, device_time, point, gps_accuracy_m, answers, corrects, footprint)
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
    _check_footprint(footprint, campaign.municipality_id)
    if corrects is not None and (
        corrects.status != SubmissionStatus.RETURNED
        or corrects.enumerator_id != enumerator.pk
        or corrects.campaign_id != campaign.pk
    ):
        raise ValidationError(
            {"corrects": [_("Only a submission returned to you can be corrected.")]}
        )

    # The match says whether the municipality covers the point; only a point it does not
    # cover needs the boundary's own check (the margin, the refusal's wording), as in a batch.
    covered, building_id, kind, distance, ward_id = match_points(
        [(point, campaign.municipality_id)]
    )[0]
    if not covered:
        check_within_municipality(point, campaign.municipality_id)
    if footprint is not None:
        # The enumerator says the building is not on the map: no match to another one.
        building_id, kind, distance = None, MatchKind.NEW, None
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
                footprint=footprint,
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
    footprint: Polygon | None = None


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
            _payload(
                i.campaign, i.device_time, i.point, i.gps_accuracy_m, i.answers, None, i.footprint
            )
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
            _check_footprint(item.footprint, item.campaign.municipality_id)
        except (ValidationError, PermissionDenied) as refused:
            outcomes[k] = refused
            continue
        first_of_uuid[item.client_uuid] = k
        candidates.append(k)

    # Boundaries and matching for every candidate point in one statement.
    matched: dict[int, tuple] = {}
    if candidates:
        points = [(items[k].point, items[k].campaign.municipality_id) for k in candidates]
        matched = dict(zip(candidates, match_points(points), strict=True))
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
        if item.footprint is not None:
            building_id, kind, distance = None, MatchKind.NEW, None
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
                footprint=item.footprint,
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
            created = submissions_insert(rows, timezone.now())
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
