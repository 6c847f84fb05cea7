"""Optimistic concurrency for record edits: a read returns an ETag (a digest of the record as
the API shows it), a write must send it back in If-Match. A write without one gets 428, a
write whose ETag no longer matches (someone saved in between) gets 412, so no edit is lost
silently. The record is locked (SELECT ... FOR UPDATE) while the ETag is compared and the
change written, so of two editors sending the same ETag exactly one wins."""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"

    def __init__(self):
        super().__init__(
            _(
                "Send the ETag you read in an If-Match header, so that no one's change is "
                "overwritten."
            )
        )


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    def __init__(self, what: str):
        super().__init__(
            _(
                "This %(what)s was changed by someone else after you read it. Reload it, "
                "then apply your change again."
            )
            % {"what": what}
        )


def etag_of(representation) -> str:
    body = JSONRenderer().render(representation)
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def check_if_match(header: str | None, current: str, what: str) -> None:
    """Raise 428 without an If-Match header, 412 when none of its tags is `current`."""
    if not header:
        raise PreconditionRequired()
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    if "*" not in tags and current not in tags:
        raise PreconditionFailed(what)
