"""The reconciliation queue (issue 31): a feed's rows that matched no holding, or several,
wait here with what they said. A person ties one to a holding (its values are written as
the import would have written them, and the number as the feed writes it becomes an alias
the next import matches by) or dismisses it with a reason."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import feeds, matching, numbers, writing
from .choices import QueueState
from .models import Holding, HoldingAlias, QueuedRow


def _open(row: QueuedRow) -> QueuedRow:
    locked = QueuedRow.objects.select_for_update().get(pk=row.pk)
    if locked.state != QueueState.OPEN:
        raise ValidationError({"state": [_("This row was already dealt with.")]})
    return locked


@transaction.atomic
def resolve(*, user: Any, row: QueuedRow, holding: Holding) -> QueuedRow:
    """Write `row` to `holding` and remember how its feed writes the holding's number."""
    row = _open(row)
    if holding.municipality_id != row.municipality_id or holding.retired_at is not None:
        raise ValidationError({"holding": [_("Not a holding in service in this municipality.")]})
    spec = feeds.SPECS[row.feed]
    key = numbers.key(row.holding_number)
    matching.load(
        [(row.line, row.identity, row.holding_number, row.ward_number, key, row.record, [])],
        {},
    )
    matching.assign(holding.pk)
    writing.write(spec, row.municipality_id, row.last_import_id)
    HoldingAlias.objects.update_or_create(
        municipality_id=row.municipality_id,
        number_key=key,
        ward_number=row.ward_number,
        defaults={"holding": holding, "created_by": user},
    )
    row.state = QueueState.RESOLVED
    row.resolved_holding = holding
    row.resolved_by = user
    row.resolved_at = timezone.now()
    row.save(update_fields=["state", "resolved_holding", "resolved_by", "resolved_at"])
    return row


@transaction.atomic
def dismiss(*, user: Any, row: QueuedRow, reason: str) -> QueuedRow:
    """Leave the row unwritten (a holding that no longer exists, a test row): kept on the
    queue's record as dismissed, by whom and when."""
    row = _open(row)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the row is left unwritten.")]})
    row.state = QueueState.DISMISSED
    row.reason = reason.strip()[:200]
    row.resolved_by = user
    row.resolved_at = timezone.now()
    row.save(update_fields=["state", "reason", "resolved_by", "resolved_at"])
    return row
