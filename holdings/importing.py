"""Importing a revenue feed (issue 31): a file the municipality's system exported, or rows
it pushed, checked cell by cell, matched to holdings in PostgreSQL, and then, for a
commit, written all at once: matched rows to the feed's register, the others to the
reconciliation queue. A dry run does everything but keep it, and reports per row.

A row with a problem (a value that cannot be read, a holding number with no digits, the
same record twice) stops the import: nothing is written until the file is fixed. A row
that matches no holding, or several, is not a problem: it waits on the queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.imports.spec import MAX_REPORTED
from core.sheets import read_sheet

from . import feeds, loading, matching, numbers, writing
from .choices import Outcome
from .models import FeedImport, HoldingSettings

# The largest file a feed or the holding register is read from.
MAX_ROWS = 200_000
MAX_BYTES = 60 * 2**20


@dataclass
class FeedReport:
    feed: str
    rows: int = 0
    matched: int = 0
    unmatched: int = 0
    ambiguous: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    queued: int = 0
    committed: bool = False
    import_id: int | None = None
    problems: list[dict] = field(default_factory=list)
    problem_count: int = 0
    # Rows not matched, with the holdings they may mean (the first MAX_REPORTED).
    unresolved: list[dict] = field(default_factory=list)
    # Columns of the file the feed does not read.
    ignored_columns: list[str] = field(default_factory=list)

    def problem(self, line: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append({"line": line, "column": column, "message": str(message)})


def _json_ready(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _checked(spec: feeds.FeedSpec, records: list[dict], first_line: int, report, settings):
    """The rows ready for matching: (line, identity, number, ward, key, record, readings)."""
    header = list(dict.fromkeys(name for record in records[:1] for name in record))
    mapping, missing = spec.column_map(header)
    if missing:
        raise ValidationError(
            {
                "file": [
                    _("The feed lacks the columns %(columns)s.") % {"columns": ", ".join(missing)}
                ]
            }
        )
    report.ignored_columns = [name for name in header if name not in mapping]
    columns = {c.name: c for c in (*feeds.HOLDING_COLUMNS, *spec.columns)}
    rows, seen = [], {}
    for offset, record in enumerate(records):
        line = first_line + offset
        row: dict[str, Any] = {}
        for source, name in mapping.items():
            raw = record.get(source)
            if raw is None or str(raw).strip() == "":
                if columns[name].required:
                    report.problem(line, name, _("required"))
                row[name] = None
                continue
            try:
                row[name] = columns[name].convert(raw)
            except ValueError as exc:
                report.problem(line, name, str(exc))
        if len(row) < len(mapping) or any(
            row.get(c.name) is None for c in columns.values() if c.required
        ):
            continue
        ward = numbers.ward_number(row["ward"]) if row.get("ward") else None
        if row.get("ward") and ward is None:
            report.problem(line, "ward", _("not a ward number"))
            continue
        row["ward"] = ward
        found = numbers.readings(
            row["holding_number"], ward=ward, ward_prefixed=settings.ward_prefixed
        )
        if not found:
            report.problem(line, "holding_number", _("has no number in it"))
            continue
        row = spec.complete(row)
        ident = feeds.identity(spec, row)
        if ident in seen:
            again = _("the same record as line %(line)s") % {"line": seen[ident]}
            report.problem(line, "holding_number", again)
            continue
        seen[ident] = line
        record_out = {k: _json_ready(v) for k, v in row.items()}
        key = numbers.key(row["holding_number"])
        rows.append((line, ident, row["holding_number"], ward, key, record_out, found))
    return rows


def import_feed(
    *,
    user: Any,
    municipality: Any,
    feed: str,
    records: list[dict],
    commit: bool,
    file_name: str = "",
    first_line: int = 2,
    stage: Callable[[str], None] = lambda text: None,
) -> FeedReport:
    """Check, match and (with `commit` and no problem) write a feed's rows: all or
    nothing. `records` are the rows as {column: cell} (a file's header names, or the
    feed's own column names in a push); `first_line` is the line of the first row."""
    spec = feeds.SPECS[feed]
    report = FeedReport(feed=feed, rows=len(records))
    settings = HoldingSettings.objects.filter(municipality=municipality).first()
    settings = settings or HoldingSettings(municipality=municipality)
    stage(_("checking rows"))
    rows = _checked(spec, records, first_line, report, settings)
    if report.problem_count:
        return report
    ward_ids = dict(municipality.wards.values_list("number", "id"))
    stage(_("matching holding numbers"))
    with transaction.atomic():
        matching.load(rows, ward_ids)
        matching.match(municipality.pk)
        found = matching.counts()
        report.matched = found.get(Outcome.MATCHED, 0)
        report.unmatched = found.get(Outcome.UNMATCHED, 0)
        report.ambiguous = found.get(Outcome.AMBIGUOUS, 0)
        report.unresolved = matching.unresolved(MAX_REPORTED)
        for first, later in matching.twice(spec.identity, spec.per_holding):
            report.problem(
                later,
                "holding_number",
                _("names the same holding and record as line %(line)s") % {"line": first},
            )
        if not commit or report.problem_count:
            transaction.set_rollback(True)
            return report
        stage(_("writing to the register"))
        done = FeedImport.objects.create(
            municipality=municipality,
            feed=feed,
            file_name=file_name[:200],
            submitted_by=user,
            rows=report.rows,
            matched=report.matched,
            unmatched=report.unmatched,
            ambiguous=report.ambiguous,
        )
        written = writing.write(spec, municipality.pk, done.pk)
        report.created, report.updated = written
        report.unchanged = report.matched - report.created - report.updated
        report.queued = writing.queue(feed, municipality.pk, done.pk)
        writing.close_matched(feed, municipality.pk)
        FeedImport.objects.filter(pk=done.pk).update(
            created=report.created, updated=report.updated, unchanged=report.unchanged
        )
        report.committed = True
        report.import_id = done.pk
    return report


def sheet_rows(content: bytes, name: str) -> list[dict]:
    """The rows of a feed's (or the register's) CSV or XLSX file, within the limits."""
    return read_sheet(content, name, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)


def import_rows(*, feed: str, **run: Any):
    """A feed's rows imported (`import_feed`), or the holding register's when `feed` is
    loading.REGISTER (`load_register`): the desk, its jobs and the API call this."""
    if feed == loading.REGISTER:
        return loading.load_register(**run)
    return import_feed(feed=feed, **run)
