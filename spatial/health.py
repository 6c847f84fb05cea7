"""Waterborne disease case counts (issue 28, item 7): reads scoped like every register, and
the one write, a health facility's monthly table recorded all or nothing. Counts only: no
person is ever on record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.roles import REGISTER_EDITOR_ROLES
from core.scope import user_scope

from .models import DiseaseCaseCount, Municipality, Ward
from .selectors import User

MAX_ROWS = 5000


def disease_counts(
    *,
    user: User,
    municipality: Municipality | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[DiseaseCaseCount]:
    """The counts the user may read (by ward), newest month first."""
    found = user_scope(user).filter(DiseaseCaseCount.objects.select_related("ward", "municipality"))
    if municipality is not None:
        found = found.filter(municipality=municipality)
    if since is not None:
        found = found.filter(month__gte=since)
    if until is not None:
        found = found.filter(month__lte=until)
    return found.order_by("-month", "ward__number", "disease", "source", "id")


def may_record(user: User) -> bool:
    """Whether the user edits the registers anywhere (who may send a table at all)."""
    return not user_scope(user, REGISTER_EDITOR_ROLES).is_empty


@transaction.atomic
def disease_counts_record(
    *, user: User, municipality: Municipality, rows: list[dict[str, Any]]
) -> dict[str, int]:
    """Record a health facility's table: each row (ward number, month, disease, cases,
    source) becomes that ward's, month's, disease's and source's count, replacing one
    recorded before. All or nothing: a row the user may not write, or that is wrong, refuses
    the whole table with every row's problem."""
    if len(rows) > MAX_ROWS:
        raise ValidationError({"counts": [_("At most %(n)s rows at once.") % {"n": MAX_ROWS}]})
    scope = user_scope(user, REGISTER_EDITOR_ROLES)
    if not scope.touches(municipality.pk):
        raise PermissionDenied(_("You may not record figures for %(m)s.") % {"m": municipality})
    wards = {w.number: w for w in Ward.objects.filter(municipality=municipality)}
    problems: dict[str, list[str]] = {}
    records = []
    for index, row in enumerate(rows, start=1):
        ward = wards.get(row["ward"])
        if ward is None:
            problems[f"{index}.ward"] = [
                _("%(municipality)s has no ward %(number)s.")
                % {"municipality": municipality.name, "number": row["ward"]}
            ]
            continue
        if not scope.covers(municipality_id=municipality.pk, ward_id=ward.pk):
            raise PermissionDenied(_("Ward %(number)s is not yours.") % {"number": ward.number})
        record = DiseaseCaseCount(municipality=municipality, **(row | {"ward": ward}))
        try:
            record.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems[f"{index}.{field}"] = messages
            continue
        records.append(record)
    keys = [(r.ward_id, r.month, r.disease, r.source) for r in records]
    if len(set(keys)) < len(keys):
        problems["counts"] = [_("The same ward, month, disease and source appear twice.")]
    if problems:
        raise ValidationError(problems)
    created = updated = 0
    for record in records:
        _kept, new = DiseaseCaseCount.objects.update_or_create(
            ward=record.ward,
            month=record.month,
            disease=record.disease,
            source=record.source,
            defaults={"municipality": municipality, "cases": record.cases},
        )
        created += new
        updated += not new
    return {"created": created, "updated": updated}
