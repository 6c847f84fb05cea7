"""Writing a matched feed from the temporary table `feed_rows` (holdings.matching) in one
statement per register: a row already there is updated only when the feed says something
new, so a re-run of the same file changes nothing and says so. Rows that matched no
holding go to the reconciliation queue, once per identity."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from .choices import Feed


@dataclass(frozen=True)
class Write:
    table: str
    constraint: str
    key: tuple[tuple[str, str], ...]  # (column, SQL type) the constraint is on
    values: tuple[tuple[str, str], ...]  # (column, SQL type) written and compared

    def sql(self) -> str:
        def source(column: str, kind: str) -> str:
            if column == "holding_id":
                return "holding_id"
            if column == "municipality_id":
                return "%(municipality)s"
            return f"(record->>'{column}')::{kind}"

        columns = (*self.key, *self.values)
        names = ", ".join(c for c, _ in columns)
        sources = ", ".join(source(c, k) for c, k in columns)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c, _ in self.values)
        mine = ", ".join(f"w.{c}" for c, _ in self.values)
        theirs = ", ".join(f"EXCLUDED.{c}" for c, _ in self.values)
        return f"""
            WITH written AS (
                INSERT INTO {self.table} AS w ({names}, last_import_id, updated_at)
                SELECT {sources}, %(import)s, now()
                  FROM feed_rows WHERE holding_id IS NOT NULL
                ON CONFLICT ON CONSTRAINT {self.constraint} DO UPDATE
                   SET {updates}, last_import_id = EXCLUDED.last_import_id, updated_at = now()
                 WHERE ({mine}) IS DISTINCT FROM ({theirs})
                RETURNING (xmax = 0) AS created
            )
            SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
              FROM written
        """


WRITES = {
    Feed.TAX: Write(
        "holdings_taxstatus",
        "tax_year_once",
        (("holding_id", ""), ("fiscal_year", "text")),
        (
            ("assessed", "numeric"),
            ("paid", "numeric"),
            ("arrears", "numeric"),
            ("last_payment_on", "date"),
        ),
    ),
    Feed.WATER: Write(
        "holdings_wateraccount",
        "water_account_once",
        (("municipality_id", ""), ("account_number", "text")),
        (
            ("holding_id", ""),
            ("connection", "text"),
            ("billing", "text"),
            ("arrears", "numeric"),
            ("last_payment_on", "date"),
        ),
    ),
    Feed.WASTE: Write(
        "holdings_wastefee",
        "waste_fee_year_once",
        (("holding_id", ""), ("fiscal_year", "text")),
        (
            ("status", "text"),
            ("due", "numeric"),
            ("paid", "numeric"),
            ("last_payment_on", "date"),
        ),
    ),
    Feed.TRADE_LICENCE: Write(
        "holdings_tradelicence",
        "trade_licence_once",
        (("municipality_id", ""), ("licence_number", "text")),
        (
            ("holding_id", ""),
            ("business_name", "text"),
            ("business_type", "text"),
            ("valid_from", "date"),
            ("valid_until", "date"),
        ),
    ),
}


def write(spec, municipality_id: int, import_id: int) -> tuple[int, int]:
    """Write the matched rows of `feed_rows`; (created, updated)."""
    with connection.cursor() as cursor:
        cursor.execute(
            WRITES[spec.feed].sql(), {"municipality": municipality_id, "import": import_id}
        )
        created, updated = cursor.fetchone()
    return created, updated


QUEUE = """
WITH queued AS (
    INSERT INTO holdings_queuedrow AS q (
        municipality_id, feed, identity, holding_number, ward_number, record, outcome,
        candidates, line, last_import_id, state, created_at, updated_at)
    SELECT %(municipality)s, %(feed)s, identity, holding_number, ward_number, record, outcome,
           candidates, line, %(import)s, 'open', now(), now()
      FROM feed_rows WHERE holding_id IS NULL
    ON CONFLICT ON CONSTRAINT queued_row_once DO UPDATE
       SET holding_number = EXCLUDED.holding_number, ward_number = EXCLUDED.ward_number,
           record = EXCLUDED.record, outcome = EXCLUDED.outcome,
           candidates = EXCLUDED.candidates, line = EXCLUDED.line,
           last_import_id = EXCLUDED.last_import_id, updated_at = now()
    RETURNING 1
)
SELECT count(*) FROM queued
"""

CLOSE = """
UPDATE holdings_queuedrow q
   SET state = 'resolved', resolved_holding_id = f.holding_id, resolved_at = now(),
       updated_at = now()
  FROM feed_rows f
 WHERE q.municipality_id = %(municipality)s AND q.feed = %(feed)s AND q.state = 'open'
   AND q.identity = f.identity AND f.holding_id IS NOT NULL
"""


def queue(feed: str, municipality_id: int, import_id: int) -> int:
    """Queue (or refresh on the queue) the rows that matched no holding, or several."""
    with connection.cursor() as cursor:
        cursor.execute(QUEUE, {"municipality": municipality_id, "feed": feed, "import": import_id})
        return cursor.fetchone()[0]


def close_matched(feed: str, municipality_id: int) -> None:
    """Rows waiting on the queue that now match (their holding was added since) are
    resolved by the import."""
    with connection.cursor() as cursor:
        cursor.execute(CLOSE, {"municipality": municipality_id, "feed": feed})
