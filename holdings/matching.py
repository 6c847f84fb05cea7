"""Matching a feed's rows to the holding register in PostgreSQL (issue 31).

The rows are copied into a temporary table (`feed_rows`) with every reading of their
holding number (`feed_readings`, holdings.numbers.readings); one statement looks all
readings up in the register and in the aliases people made on the reconciliation queue,
keeps each row's best-ranked readings that found anything, and marks the row matched (one
holding), ambiguous (several) or unmatched (none, or only suggestions). The tables live
until the transaction ends."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection

from .numbers import SUGGESTION, Reading

ALIAS_RANK = -1  # a person's decision comes before any reading

CREATE = """
DROP TABLE IF EXISTS feed_rows, feed_readings;
CREATE TEMPORARY TABLE feed_rows (
    line integer PRIMARY KEY,
    identity text NOT NULL,
    holding_number text NOT NULL,
    ward_number smallint,
    sent_key text NOT NULL,
    record jsonb NOT NULL,
    outcome text NOT NULL DEFAULT 'unmatched',
    candidates bigint[] NOT NULL DEFAULT '{}',
    holding_id bigint
) ON COMMIT DROP;
CREATE TEMPORARY TABLE feed_readings (
    line integer NOT NULL,
    rank smallint NOT NULL,
    ward_id bigint,
    named_ward boolean NOT NULL,
    number_key text NOT NULL
) ON COMMIT DROP;
"""

MATCH = """
WITH found AS (
    SELECT r.line, r.rank, h.id AS holding_id
      FROM feed_readings r
      JOIN holdings_holding h
        ON h.municipality_id = %(municipality)s AND h.number_key = r.number_key
       AND h.retired_at IS NULL
     WHERE NOT r.named_ward OR h.ward_id = r.ward_id
    UNION ALL
    SELECT f.line, %(alias_rank)s, a.holding_id
      FROM feed_rows f
      JOIN holdings_holdingalias a
        ON a.municipality_id = %(municipality)s AND a.number_key = f.sent_key
       AND a.ward_number IS NOT DISTINCT FROM f.ward_number
      JOIN holdings_holding h ON h.id = a.holding_id AND h.retired_at IS NULL
), best AS (
    SELECT DISTINCT ON (line) line, rank FROM found ORDER BY line, rank
), chosen AS (
    SELECT f.line, b.rank, array_agg(DISTINCT f.holding_id) AS ids
      FROM found f JOIN best b ON b.line = f.line AND b.rank = f.rank
     GROUP BY f.line, b.rank
)
UPDATE feed_rows t
   SET candidates = c.ids,
       holding_id = CASE WHEN c.rank < %(suggestion)s AND cardinality(c.ids) = 1
                         THEN c.ids[1] END,
       outcome = CASE WHEN c.rank >= %(suggestion)s THEN 'unmatched'
                      WHEN cardinality(c.ids) = 1 THEN 'matched'
                      ELSE 'ambiguous' END
  FROM chosen c
 WHERE c.line = t.line
"""


def load(
    rows: Iterable[tuple[int, str, str, int | None, str, dict, list[Reading]]],
    ward_ids: dict[int, int],
) -> None:
    """Copy `rows` (line, identity, holding number, ward number, its key, the checked
    record as JSON-ready values, readings) into the temporary tables; `ward_ids` maps the
    municipality's ward numbers to their ids (a reading naming an unknown ward finds
    nothing)."""
    with connection.cursor() as cursor:
        cursor.execute(CREATE)
        readings = []
        with cursor.copy(
            "COPY feed_rows (line, identity, holding_number, ward_number, sent_key, record)"
            " FROM STDIN"
        ) as copy:
            for line, ident, number, ward, sent_key, record, found in rows:
                copy.write_row((line, ident, number, ward, sent_key, json.dumps(record)))
                for reading in found:
                    ward_id = ward_ids.get(reading.ward, -1) if reading.ward else None
                    readings.append(
                        (line, reading.rank, ward_id, reading.ward is not None, reading.key)
                    )
        with cursor.copy(
            "COPY feed_readings (line, rank, ward_id, named_ward, number_key) FROM STDIN"
        ) as copy:
            for reading in readings:
                copy.write_row(reading)
        cursor.execute("ANALYZE feed_rows; ANALYZE feed_readings")


def assign(holding_id: int) -> None:
    """Every row loaded is the holding's (a person decided so on the queue)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE feed_rows SET holding_id = %s, outcome = 'matched', candidates = '{}'",
            [holding_id],
        )


def match(municipality_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            MATCH,
            {
                "municipality": municipality_id,
                "alias_rank": ALIAS_RANK,
                "suggestion": SUGGESTION,
            },
        )


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome, count(*) FROM feed_rows GROUP BY outcome")
        return dict(cursor.fetchall())


def unresolved(limit: int) -> list[dict]:
    """The first `limit` rows not matched, each with its candidates' numbers and wards."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT f.line, f.holding_number, f.ward_number, f.outcome,
                   coalesce(json_agg(json_build_object(
                       'id', h.id, 'number', h.number, 'ward', w.number) ORDER BY h.id)
                       FILTER (WHERE h.id IS NOT NULL), '[]')
              FROM feed_rows f
              LEFT JOIN holdings_holding h ON h.id = ANY(f.candidates)
              LEFT JOIN spatial_ward w ON w.id = h.ward_id
             WHERE f.holding_id IS NULL
             GROUP BY f.line ORDER BY f.line LIMIT %s
            """,
            [limit],
        )
        return [
            {
                "line": line,
                "holding_number": number,
                "ward": ward,
                "outcome": outcome,
                "candidates": json.loads(found) if isinstance(found, str) else found,
            }
            for line, number, ward, outcome, found in cursor.fetchall()
        ]


def twice(identity_columns: tuple[str, ...], per_holding: bool) -> list[tuple[int, int]]:
    """Pairs of lines (first, later) that name the same record after matching: two
    numbers written differently for one holding and year."""
    key = ", ".join(f"record->>'{name}'" for name in identity_columns)
    if per_holding:
        key = f"holding_id, {key}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT min(line), max(line) FROM feed_rows WHERE holding_id IS NOT NULL
             GROUP BY {key} HAVING count(*) > 1 ORDER BY 1
            """
        )
        return cursor.fetchall()
