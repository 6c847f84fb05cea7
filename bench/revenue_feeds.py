"""Benchmark: a tier-M holding tax feed imported with matching, and the arrears choropleth
(issue 31; targets: 150,000 rows in < 30 s, the choropleth < 150 ms from stored figures).

    BENCH_BUILDINGS=150000 .venv/bin/python bench/revenue_feeds.py
    BENCH_PARTS=push,register BENCH_BUILDINGS=150000 .venv/bin/python bench/revenue_feeds.py

On the bench town (its holdings come with the generator), a feed of BENCH_FEED_ROWS
(150,000) rows is written the way the town's tax system writes it: the ward before the
number (04-0123), Bangla digits in some rows, the ward in its own column in others. Then,
in one run:

- project: holdings.importing.import_feed, a dry run and then a commit (every cell
  checked, every reading of every number matched in PostgreSQL, the rows written, the
  unmatched queued); a second commit of the same feed (idempotent: nothing changes);
- raw: the lower bound, COPY of the same rows with their ward and key already worked out
  into a temporary table, one join to the holdings on (ward, key) and one INSERT ... ON
  CONFLICT, as a hand-written loader that trusts its input would do;
- push: the same rows pushed as JSON to /api/v1/holdings/feeds/ (dry run) in batches
  under the server's 5 MB request limit, through DRF in process: what a billing system
  calling the API costs beyond the file path;
- register: the town's holding register (every holding in service, its buildings' BINs
  and its owners, as the export writes them) loaded back by holdings.loading (a dry run,
  which writes and rolls back: nothing changes, so every holding reads "unchanged");
- choropleth: the ward map's revenue figures read from stored figures (the page's one
  query), beside computing them from the tables.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from bench.towns import bench_town, best_of  # noqa: E402
from dashboards import revenue  # noqa: E402
from fixtures.demo.holdings import written  # noqa: E402
from holdings import importing, loading, numbers  # noqa: E402

User = get_user_model()

ROWS = int(os.environ.get("BENCH_FEED_ROWS", "150000"))
# What to measure: feed (dry run, commit, re-run, raw), push, register, choropleth.
PARTS = os.environ.get("BENCH_PARTS", "feed,push,register,choropleth").split(",")
PUSH_BATCH = 40_000  # rows per JSON push: about 4.5 MB, under the 5 MB request limit
# The register as its export writes it (holdings in service, BINs, owners' names).
REGISTER = """
SELECT w.number::text AS ward, h.number AS holding_number,
       (SELECT string_agg(b.bin, ' ' ORDER BY b.bin) FROM holdings_holdingbuilding p
          JOIN spatial_building b ON b.id = p.building_id WHERE p.holding_id = h.id)
         AS buildings,
       (SELECT string_agg(o.name, '; ' ORDER BY s.id) FROM holdings_ownership s
          JOIN holdings_owner o ON o.id = s.owner_id
         WHERE s.holding_id = h.id AND s.until IS NULL) AS owners
  FROM holdings_holding h JOIN spatial_ward w ON w.id = h.ward_id
 WHERE h.municipality_id = %s AND h.retired_at IS NULL ORDER BY h.id
"""

RAW = """
CREATE TEMPORARY TABLE raw_feed (ward integer, number_key text, fiscal_year text,
    assessed numeric, paid numeric, arrears numeric) ON COMMIT DROP;
"""
RAW_WRITE = """
INSERT INTO holdings_taxstatus AS t (holding_id, fiscal_year, assessed, paid, arrears,
       last_payment_on, last_import_id, updated_at)
SELECT h.id, f.fiscal_year, f.assessed, f.paid, f.arrears, NULL, NULL, now()
  FROM raw_feed f
  JOIN spatial_ward w ON w.municipality_id = %(m)s AND w.number = f.ward
  JOIN holdings_holding h ON h.municipality_id = %(m)s AND h.ward_id = w.id
   AND h.number_key = f.number_key AND h.retired_at IS NULL
ON CONFLICT ON CONSTRAINT tax_year_once DO UPDATE
   SET assessed = EXCLUDED.assessed, paid = EXCLUDED.paid, arrears = EXCLUDED.arrears
"""


def feed(municipality) -> list[dict]:
    """ROWS rows of the next fiscal year for the town's holdings, as the tax system writes
    them (cycling through the holdings when the town has fewer)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w.number, h.number FROM holdings_holding h"
            " JOIN spatial_ward w ON w.id = h.ward_id"
            " WHERE h.municipality_id = %s AND h.retired_at IS NULL ORDER BY h.id",
            [municipality.pk],
        )
        holdings = cursor.fetchall()
    rng = np.random.default_rng(7)
    rows = []
    for i in range(min(ROWS, len(holdings))):
        ward, number = holdings[i]
        sent, ward_sent = written(rng, ward, number)
        assessed = int(rng.integers(300, 9000))
        paid = assessed if i % 3 else 0
        rows.append(
            {
                "holding_number": sent,
                "ward": ward_sent,
                "fiscal_year": "2026-27",
                "assessed": str(assessed),
                "paid": str(paid),
                "arrears": str(assessed - paid),
            }
        )
    return rows


def push(municipality, rows: list[dict], dry_s: float | None) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with transaction.atomic():
        user = User.objects.create_superuser("bench-push", password=None)
        client = APIClient()
        client.force_authenticate(user)
        started, sizes, matched = time.perf_counter(), [], 0
        for first in range(0, len(rows), PUSH_BATCH):
            body = json.dumps(
                {
                    "municipality": municipality.code,
                    "feed": "tax",
                    "rows": rows[first : first + PUSH_BATCH],
                    "dry_run": True,
                }
            )
            sizes.append(len(body))
            answer = client.generic("POST", "/api/v1/holdings/feeds/", body, "application/json")
            if answer.status_code != 200:
                raise SystemExit(f"push refused: {answer.status_code} {answer.content[:300]}")
            matched += answer.json()["matched"]
        push_s = time.perf_counter() - started
        transaction.set_rollback(True)
    print(
        f"project push (JSON) {push_s:6.2f} s  {len(sizes)} pushes of <= {PUSH_BATCH} rows"
        f" (largest {max(sizes) / 2**20:.1f} MB), matched {matched};"
        + (f" {push_s / dry_s:.2f}x the in-process dry run" if dry_s else "")
    )


def register(municipality) -> None:
    with connection.cursor() as cursor:
        cursor.execute(REGISTER, [municipality.pk])
        columns = [c.name for c in cursor.description]
        records = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    started = time.perf_counter()
    report = loading.load_register(
        user=None, municipality=municipality, records=records, commit=False
    )
    load_s = time.perf_counter() - started
    print(
        f"register load (dry) {load_s:6.2f} s  {report.holdings} holdings,"
        f" {report.unchanged} unchanged, problems {report.problem_count}"
    )


def main() -> None:
    municipality = bench_town()
    rows = feed(municipality)
    print(f"municipality {municipality.code}: a tax feed of {len(rows)} rows")
    dry_s = imports(municipality, rows) if "feed" in PARTS else None
    if "push" in PARTS:
        push(municipality, rows, dry_s)
    if "register" in PARTS:
        register(municipality)
    if "choropleth" in PARTS:
        choropleth(municipality)


def imports(municipality, rows: list[dict]) -> float:

    def run(commit: bool):
        started = time.perf_counter()
        report = importing.import_feed(
            user=None, municipality=municipality, feed="tax", records=rows, commit=commit
        )
        return time.perf_counter() - started, report

    # Every run is rolled back (the town stays as generated): an outer transaction.
    with transaction.atomic():
        dry_s, dry = run(False)
        commit_s, done = run(True)
        again_s, again = run(True)
        transaction.set_rollback(True)
    print(
        f"project dry run    {dry_s:6.2f} s  matched {dry.matched}, unmatched {dry.unmatched},"
        f" ambiguous {dry.ambiguous}, problems {dry.problem_count}"
    )
    print(f"project commit     {commit_s:6.2f} s  created {done.created}, queued {done.queued}")
    print(f"project re-run     {again_s:6.2f} s  unchanged {again.unchanged} (idempotent)")

    # The raw loader is given what the project works out: each row's ward and key.
    prepared = io.StringIO()
    for row in rows:
        found = numbers.readings(row["holding_number"], ward=row["ward"], ward_prefixed=True)
        best = next((r for r in found if r.ward is not None), found[0])
        prepared.write(
            f"{best.ward}\t{best.key}\t{row['fiscal_year']}\t{row['assessed']}\t"
            f"{row['paid']}\t{row['arrears']}\n"
        )

    def raw():
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(RAW)
            with cursor.copy("COPY raw_feed FROM STDIN") as copy:
                copy.write(prepared.getvalue())
            cursor.execute(RAW_WRITE, {"m": municipality.pk})
            written_rows = cursor.rowcount
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        return elapsed, written_rows

    raw_s, raw_rows = min(raw() for _ in range(3))
    print(f"raw COPY + join + upsert {raw_s:6.2f} s  wrote {raw_rows}")
    print(
        f"ratio commit {commit_s / raw_s:.1f}x raw; target < 30 s: "
        f"{'met' if commit_s < 30 else 'NOT met'}"
    )

    return dry_s


def choropleth(municipality) -> None:
    revenue.revenue_by_ward(municipality=municipality)  # stored now, if it was not

    def stored():
        return revenue.revenue_by_ward(municipality=municipality)

    def computed():
        return revenue.revenue_computed(municipality=municipality)

    stored_s, figures = best_of(stored, repeats=5)
    computed_s, _ = best_of(computed)
    print(
        f"arrears choropleth from stored figures {stored_s * 1000:.1f} ms"
        f" ({len(figures['wards'])} wards; computing them {computed_s * 1000:.0f} ms);"
        f" target < 150 ms: {'met' if stored_s < 0.15 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
