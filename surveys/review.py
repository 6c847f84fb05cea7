"""What a supervisor reads before deciding (issue 24): the review queue filtered, sorted and
paged, and one submission beside what the register holds now, with what approval would
change. Reads only: selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from containment.models import Containment

from .form import QUESTIONS, definition
from .models import Submission
from .services.review import BUILDING_FIELDS, CONTAINMENT_FIELDS

# The queue's orders: a name, or the name with "-" for the other way.
SORTS = {
    "received_at": ("received_at", "id"),
    "device_time": ("device_time", "id"),
    "ward": ("ward__number", "received_at", "id"),
    "enumerator": ("enumerator__username", "received_at", "id"),
}


def submission_queue(
    queryset: QuerySet[Submission],
    *,
    status: str | None = None,
    campaign: int | None = None,
    ward: int | None = None,
    enumerator: str | None = None,
    flag: str | None = None,
    day=None,
    version: str | None = None,
    sort: str = "-received_at",
) -> QuerySet[Submission]:
    """`queryset` (the caller's scope: surveys.selectors.submission_list) filtered and in
    order. `day` is the device's date in the municipality's time zone."""
    if status:
        queryset = queryset.filter(status=status)
    if campaign is not None:
        queryset = queryset.filter(campaign_id=campaign)
    if ward is not None:
        queryset = queryset.filter(ward_id=ward)
    if enumerator:
        queryset = queryset.filter(enumerator__username=enumerator)
    if flag == "none":
        queryset = queryset.filter(flags=[])
    elif flag:
        queryset = queryset.filter(flags__contains=[flag])
    if day is not None:
        queryset = queryset.filter(device_time__date=day)
    if version:
        queryset = queryset.filter(campaign__questionnaire_version=version)
    descending = sort.startswith("-")
    fields = SORTS[sort.removeprefix("-")]
    return queryset.order_by(*(f"-{f}" if descending else f for f in fields))


def _responsible_containment(building) -> Containment | None:
    return (
        Containment.objects.filter(
            building_links__building=building,
            building_links__is_responsible=True,
            retired_at__isnull=True,
        )
        .order_by("id")
        .first()
    )


def _current(submission: Submission) -> dict[str, Any]:
    """The register's values for the submission's building, keyed as the questions."""
    building = submission.building
    if building is None:
        return {}
    current = {key: getattr(building, key) for key in BUILDING_FIELDS}
    containment = _responsible_containment(building)
    if containment is not None:
        current.update({key: getattr(containment, f) for key, f in CONTAINMENT_FIELDS.items()})
    return {key: ("" if value is None else value) for key, value in current.items()}


def _same(a: Any, b: Any) -> bool:
    """Whether an answer equals the register's value, whatever their types (a decimal and
    its text, a missing value and an empty one)."""
    if a in (None, "") and b in (None, ""):
        return True
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _labels(version: str) -> dict[str, dict[str, str]]:
    """Question -> value (as text) -> its words, for the coded questions of `version`."""
    return {
        q["name"]: {str(value): label for value, label in q["choices"]}
        for q in definition(version)["questions"]
        if q.get("choices")
    }


def _said(labels: dict[str, str], value: Any) -> Any:
    if value in (None, ""):
        return value
    return labels.get(str(value), value)


def submission_changes(submission: Submission) -> list[dict[str, Any]]:
    """Each answer beside the register's value now: what approval would change (`changes`
    true) and what it confirms. Answers the register does not keep (households, sharing)
    are listed as answers only."""
    current = _current(submission)
    labels = _labels(submission.campaign.questionnaire_version)
    rows = []
    for key, answer in submission.answers.items():
        if key == "households":
            continue
        kept = key in current
        words = labels.get(key, {})
        rows.append(
            {
                "question": key,
                "label": str(QUESTIONS.get(key, key)),
                "answer": answer,
                "current": current.get(key) if kept else None,
                # The same in words (code lists, yes and no).
                "answer_label": _said(words, answer),
                "current_label": _said(words, current.get(key)) if kept else None,
                "kept": kept,
                "changes": kept and not _same(answer, current.get(key)),
            }
        )
    return rows
