"""Review decisions, final and race-safe: approval applies the answers to the registers in
the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from containment import services as containment_services
from containment.choices import HouseholdSource
from containment.models import Containment
from containment.toilet_figures import public_toilet_for
from core.uploads import check_photo
from spatial import services as spatial_services

from ..choices import SubmissionStatus
from ..models import Submission, SubmissionPhoto
from ..questionnaire import QUESTIONNAIRES


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
    if decided.building is None and decided.footprint is not None:
        # A building the enumerator drew: it enters the register with the answers.
        decided.building = spatial_services.building_create(
            municipality=decided.campaign.municipality, geom=decided.footprint
        )
        decided.save(update_fields=["building"])
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
        members_go = "" if facility else item.get("members_go", "")
        return {
            "people_male": item.get("people_male"),
            "people_female": item.get("people_female"),
            "people_other": item.get("people_other"),
            "facility": facility,
            "toilet_shared": item.get("toilet_shared") if facility else None,
            "sharing_households": item.get("sharing_households") if facility else None,
            "members_go": members_go,
            # The toilet block its members go to (issue 28): its community's, else the
            # nearest (containment.toilet_figures.public_toilet_for).
            "public_toilet": (
                public_toilet_for(building=building) if members_go == "public_toilet" else None
            ),
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


class PhotoConflict(Exception):
    """The photo's client UUID names a photo of another submission."""


@transaction.atomic
def submission_add_photo(
    *, submission: Submission, enumerator: Any, upload: UploadedFile, client_uuid=None
) -> tuple[SubmissionPhoto, bool]:
    """Photos come after the submission (phones send them when the network allows); only
    its enumerator adds them. A photo named by the phone (`client_uuid`) is added once
    however often it is sent (the answer to a resend is the photo kept, and False), and is
    taken even after the submission was decided: it was taken with it, only sent later. A
    photo without one is taken only while the submission waits for review."""
    if submission.enumerator_id != enumerator.pk:
        raise PermissionDenied(_("Only the enumerator adds photos to his submission."))
    if client_uuid is not None:
        kept = SubmissionPhoto.objects.filter(client_uuid=client_uuid).first()
        if kept is not None:
            if kept.submission_id != submission.pk:
                raise PhotoConflict(str(client_uuid))
            return kept, False
    elif submission.status != SubmissionStatus.PENDING:
        raise ValidationError({"status": [_("The submission was decided already.")]})
    check_photo(upload)
    try:
        with transaction.atomic():
            photo = SubmissionPhoto.objects.create(
                submission=submission, image=upload, client_uuid=client_uuid
            )
    except IntegrityError:
        # The same photo sent twice at once: the other request kept it.
        kept = SubmissionPhoto.objects.get(client_uuid=client_uuid)
        if kept.submission_id != submission.pk:
            raise PhotoConflict(str(client_uuid)) from None
        return kept, False
    return photo, True
