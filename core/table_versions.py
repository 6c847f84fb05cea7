"""Versions of the tables the tile layers read, so that a tile's ETag is known without
rendering the tile: a revalidation (If-None-Match) costs one small query, and browsers and
QGIS may keep tiles for days.

A statement that changes rows of such a table notes it, once per transaction (a statement
trigger over its transition table: a statement that changed no row notes nothing); when the
transaction commits, a deferred trigger bumps the table's version (migration core 0002). So:
- the version row is locked only while a transaction commits: a long import blocks no
  editor, however long it runs;
- a reader's snapshot sees a table's rows and its version from the same commits, so a
  version never stands for rows the reader cannot see, whatever order transactions commit in;
- inside a transaction that has changed one of the tables (a test, a service composing a
  reply), the change is not counted yet: `versions` answers None and the caller falls back
  to a digest of what it rendered.

The triggers are installed after every migrate on every table a tile layer reads (found in
the layer's SQL), so a register added later is versioned without a migration of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection

_EVENTS = {
    "insert": ("INSERT", "REFERENCING NEW TABLE AS changed_rows", "core_note_table_change"),
    "update": ("UPDATE", "REFERENCING NEW TABLE AS changed_rows", "core_note_table_change"),
    "delete": ("DELETE", "REFERENCING OLD TABLE AS changed_rows", "core_note_table_change"),
    "truncate": ("TRUNCATE", "", "core_note_table_truncate"),
}

_READS = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)

# SQL whose result depends on the day it runs (an emptying's stage, years since emptying).
_DATED = re.compile(r"\b(?:current_date|current_timestamp|localtimestamp|now\(\))", re.I)


def tables_read(sql: str, existing: Iterable[str]) -> tuple[str, ...]:
    """The tables of `existing` that `sql` reads (FROM or JOIN), sorted."""
    known = set(existing)
    return tuple(sorted({name for name in _READS.findall(sql) if name in known}))


def is_dated(sql: str) -> bool:
    return bool(_DATED.search(sql))


def install(tables: Iterable[str]) -> None:
    """Put the version triggers on `tables` (idempotent: CREATE OR REPLACE). Nothing while
    core's migration 0002 is not applied (a migrate back to before it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regproc('core_note_table_change') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return
        for table in sorted(set(tables)):
            for name, (event, referencing, function) in _EVENTS.items():
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER core_version_{name} AFTER {event} "
                    f'ON "{table}" {referencing} FOR EACH STATEMENT '
                    f"EXECUTE FUNCTION {function}()"
                )


def versions(tables: Iterable[str]) -> tuple[str, ...] | None:
    """Each table's version and today's date (for dated layers), as one tuple; None when
    this transaction has changed one of the tables and not committed yet."""
    names = sorted(set(tables))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT string_agg(table_name || '=' || version, ',' ORDER BY table_name)"
            "          FROM core_tableversion WHERE table_name = ANY(%(names)s)),"
            "       EXISTS (SELECT 1 FROM core_tablechange WHERE table_name = ANY(%(names)s)),"
            "       current_date::text",
            {"names": names},
        )
        found, pending, today = cursor.fetchone()
    if pending:
        return None
    return (found or "", today)
