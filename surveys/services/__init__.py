"""Writes of the survey workflow: campaigns and assignments (campaigns.py), receiving field
submissions (receiving.py) and review decisions (review.py)."""

from .campaigns import (
    assignment_create,
    assignment_delete,
    campaign_create,
    kobo_mapping_delete,
    kobo_mapping_save,
    ward_targets_set,
)
from .receiving import (
    BatchItem,
    Received,
    SubmissionConflict,
    payload_digest,
    submission_receive,
    submissions_receive_batch,
)
from .review import (
    BUILDING_FIELDS,
    CONTAINMENT_FIELDS,
    PhotoConflict,
    households_from_answers,
    submission_add_photo,
    submission_approve,
    submission_reject,
    submission_return,
)

__all__ = [
    "BUILDING_FIELDS",
    "CONTAINMENT_FIELDS",
    "BatchItem",
    "PhotoConflict",
    "Received",
    "SubmissionConflict",
    "assignment_create",
    "assignment_delete",
    "campaign_create",
    "households_from_answers",
    "kobo_mapping_delete",
    "kobo_mapping_save",
    "payload_digest",
    "submission_add_photo",
    "submission_approve",
    "submission_receive",
    "submission_reject",
    "submission_return",
    "submissions_receive_batch",
    "ward_targets_set",
]
