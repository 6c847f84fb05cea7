"""Writes of the help desk's calls (issue 25): a later call about a containment that
already waits changes the open request rather than making a second one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import RequestStatus as S
from .desludging import OPEN, _fail
from .models import EmptyingRequest

# What a later call about the same containment may change on its open request.
CALLER_FIELDS = (
    "applicant_name",
    "applicant_phone",
    "owner_name",
    "owner_phone",
    "proposed_date",
    "is_emergency",
    "access_notes",
)


@transaction.atomic
def request_update(*, request: EmptyingRequest, **changes: Any) -> EmptyingRequest:
    """A second call about a containment that already waits: the open request takes the
    caller's new details (who called, the number to ring, the date wanted, how to reach the
    tank) instead of a second request being made. Only while the request is open; each
    change is kept in the request's history. Raises ValidationError otherwise."""
    unknown = sorted(set(changes) - set(CALLER_FIELDS))
    if unknown:
        raise _fail(unknown[0], _("This cannot be changed by a call."))
    locked = EmptyingRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in OPEN:
        raise _fail(
            "status",
            _("A request that is %(current)s is no longer open.")
            % {"current": S(locked.status).label},
        )
    proposed = changes.get("proposed_date")
    if proposed is not None and proposed < timezone.localdate():
        raise _fail("proposed_date", _("The proposed date lies in the past."))
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean(
        exclude=["municipality", "containment", "provider"], validate_constraints=False
    )
    locked.save(update_fields=list(changes))
    return locked
