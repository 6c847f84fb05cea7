"""Waterborne disease case counts (issue 28, item 7): reads scoped like every register; a
health facility's monthly table (sent by its system as JSON, or uploaded as the CSV/XLSX it
exports) checked in a dry run and recorded all or nothing; a count withdrawn with its
history kept. Counts only: no person is ever on record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core import sheets
from core.local import latin_digits
from core.roles import REGISTER_EDITOR_ROLES
from core.scope import user_scope

from .choices import WaterborneDisease
from .models import DiseaseCaseCount, Municipality, Ward
from .selectors import User

MAX_ROWS = 5000
MAX_BYTES = 5 * 2**20
# A table's columns, in the order the template and the export write them.
COLUMNS = ("ward", "month", "disease", "cases", "source")


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


def _disease(text: str) -> str | None:
    """A disease as its code or its label in English or Bangla, case aside."""
    wanted = text.strip().casefold()
    for code, label in WaterborneDisease.choices:
        if wanted in (code, str(label).casefold()):
            return code
    return None


def _file_value(column: str, text: str) -> Any:
    """One cell of an uploaded table as the service takes it; ValueError when it is not."""
    text = latin_digits(text.strip())
    if column in ("ward", "cases"):
        number = float(text.replace(",", ""))
        if not number.is_integer() or number < 0:
            raise ValueError(text)
        return int(number)
    if column == "month":
        return dt.date.fromisoformat(f"{text[:7]}-01")
    if column == "disease":
        code = _disease(text)
        if code is None:
            raise ValueError(text)
        return code
    return text


def rows_from_file(content: bytes, filename: str) -> list[dict[str, Any]]:
    """A health facility's table as uploaded (CSV or XLSX with the COLUMNS as headers, in
    any order; Bangla digits, a disease by its code or label): the rows the service takes.
    Every cell that cannot be read is reported at once, by its line in the file."""
    return rows_from_records(read_table(content, filename))


def read_table(content: bytes, filename: str) -> list[dict[str, str]]:
    """An uploaded CSV or XLSX table's rows as text, by its own column names."""
    return sheets.read_sheet(content, filename, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)


def rows_from_records(records: list[dict[str, str]]) -> list[dict[str, Any]]:
    """A table's rows as text (read from a file, or kept on a page between its check and
    its recording) as the service takes them; see rows_from_file."""
    if not records:
        raise ValidationError({"file": [_("The file holds no rows.")]})
    names = {name.strip().casefold(): name for name in records[0]}
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ValidationError(
            {"file": [_("The file lacks the columns: %(c)s.") % {"c": ", ".join(missing)}]}
        )
    rows, problems = [], {}
    for line, record in enumerate(records, start=2):
        row = {}
        for column in COLUMNS:
            try:
                row[column] = _file_value(column, record.get(names[column]) or "")
            except ValueError:
                problems[f"{line}.{column}"] = [
                    _("“%(value)s” is not a valid %(column)s.")
                    % {"value": record.get(names[column]) or "", "column": column}
                ]
        rows.append(row)
    if problems:
        raise ValidationError(problems)
    return rows


def disease_counts_record(
    *,
    user: User,
    municipality: Municipality,
    rows: list[dict[str, Any]],
    dry_run: bool = False,
    first_line: int = 1,
) -> dict[str, int]:
    """Record a health facility's table: each row (ward number, month, disease, cases,
    source) becomes that ward's, month's, disease's and source's count, replacing one
    recorded before. All or nothing: a row the user may not write, or that is wrong, refuses
    the whole table with every row's problem (rows numbered from `first_line`: 2 for a
    file, under its header). A dry run checks and counts, and writes nothing."""
    with transaction.atomic():
        done = _record(user, municipality, rows, first_line)
        transaction.set_rollback(dry_run)
    return done


def _record(
    user: User, municipality: Municipality, rows: list[dict[str, Any]], first_line: int
) -> dict[str, int]:
    if len(rows) > MAX_ROWS:
        raise ValidationError({"counts": [_("At most %(n)s rows at once.") % {"n": MAX_ROWS}]})
    scope = user_scope(user, REGISTER_EDITOR_ROLES)
    if not scope.touches(municipality.pk):
        raise PermissionDenied(_("You may not record figures for %(m)s.") % {"m": municipality})
    wards = {w.number: w for w in Ward.objects.filter(municipality=municipality)}
    problems: dict[str, list[str]] = {}
    records = []
    for index, row in enumerate(rows, start=first_line):
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


@transaction.atomic
def disease_count_withdraw(*, user: User, count_id: int) -> None:
    """Withdraw a count recorded in error (its history keeps what it said); the user must
    be able to record that ward's counts."""
    count = (
        user_scope(user, REGISTER_EDITOR_ROLES)
        .filter(DiseaseCaseCount.objects.select_for_update())
        .filter(pk=count_id)
        .first()
    )
    if count is None:
        if disease_counts(user=user).filter(pk=count_id).exists():
            raise PermissionDenied(_("You may not withdraw this count."))
        raise DiseaseCaseCount.DoesNotExist
    count.delete()
