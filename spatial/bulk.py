"""Bulk edit (issue 22): one attribute set to one value on many records of a register, from
the attribute table's selection. The same rules as editing one record: the user must be
able to see and edit every record (its wards), each record's version must be the one the
user read (otherwise 412, and nothing is written), the register's own update service checks
and writes each record, so its history has one entry per record with the user's name. All
or nothing, in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.features import VERSION
from core.registry import Register

from . import selectors


class BulkRefused(Exception):
    """Records the edit may not touch: `kind` is "missing" (not found, or out of sight),
    "forbidden" (outside the user's wards) or "stale" (changed since it was read)."""

    def __init__(self, kind: str, ids: list[int]):
        super().__init__(kind)
        self.kind = kind
        self.ids = ids


def bulk_fields(register: Register) -> list[dict[str, Any]]:
    """The attributes a bulk edit may set: those an editor writes, except links to several
    records and what identifies one record alone (a BIN, a code)."""
    out = []
    for entry in register.form_fields():
        model_field = register._field(entry["name"])
        if entry["kind"] == "ids" or getattr(model_field, "unique", False):
            continue
        out.append(entry)
    return out


def _versions(register: Register, ids: list[int]) -> dict[int, int]:
    """The records' versions now, each row locked (in id order, so two bulk edits of
    overlapping selections wait for each other instead of deadlocking)."""
    layer = register.features()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, {VERSION} FROM {layer.table} t"  # noqa: S608
            " WHERE t.id = ANY(%s) ORDER BY t.id FOR UPDATE OF t",
            [ids],
        )
        return dict(cursor.fetchall())


@transaction.atomic
def bulk_edit(
    *, register: Register, user: Any, versions: dict[int, int], name: str, value: Any
) -> dict[int, int]:
    """Set `name` to `value` on the records `versions` names (id -> the version read).
    Returns id -> the new version. Raises BulkRefused or ValidationError (per record id),
    having written nothing."""
    ids = sorted(versions)
    # Lock first, then read each record once, as it is under the lock; a record out of the
    # user's sight is "missing" before its version is compared (a 412 would tell it exists).
    current = _versions(register, ids)
    records = {}
    for pk in ids:
        try:
            records[pk] = register.get(user=user, **{f"{register.id_kwarg}_id": pk})
        except ObjectDoesNotExist:
            continue
    missing = [pk for pk in ids if pk not in records]
    if missing:
        raise BulkRefused("missing", missing)
    forbidden = [pk for pk in ids if not selectors.can_edit_record(user=user, record=records[pk])]
    if forbidden:
        raise BulkRefused("forbidden", forbidden)
    stale = [pk for pk in ids if current.get(pk) != versions[pk]]
    if stale:
        raise BulkRefused("stale", stale)
    errors = {}
    # Every record is tried, so that the answer names all that refuse the value; any refusal
    # rolls the whole edit back (the transaction), so no savepoint per record is needed.
    for pk in ids:
        try:
            register.update(**{register.id_kwarg: records[pk]}, **{name: value})
        except ValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {}
            errors[str(pk)] = messages.get(name) or error.messages
    if errors:
        raise ValidationError(
            {
                name: [
                    _("%(count)s of the records do not take this value.") % {"count": len(errors)}
                ],
                "records": [f"{pk}: {' '.join(messages)}" for pk, messages in errors.items()],
            }
        )
    return _versions(register, ids)
