"""Benchmark: the attribute table (issue 22): a sorted, filtered page of buildings, and a
bulk edit of a selection.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/attribute_table.py

Reads: GET /api/v1/buildings/?...&sort=&where=&limit=50 through Django's whole request stack,
in this process, as a GIS officer of the bench town (the answer streamed to its end); the raw
baseline is what a hand-written client of PostGIS would run for the same page: count(*) of
the matches, then the 50 rows with ST_AsGeoJSON, same filter and order.

Bulk edit: POST /api/v1/buildings/bulk-edit/ setting floor_count on N buildings of the densest
ward (versions read first, outside the timing), against one raw UPDATE ... WHERE id = ANY of
the same rows. Both fire the same database triggers (history, figure notes); the project's
path also checks scope and versions and runs the register's update service per record.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from bench.towns import bench_town, officer_client, percentile95  # noqa: E402
from spatial.models import Building  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "5")) * 2
BULK_SIZES = (100, 1000)


def _raw_page(where: str, params: list, order: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM spatial_building t WHERE {where}",
            params,
        )
        cursor.fetchone()
        cursor.execute(
            "SELECT t.id, ST_AsGeoJSON(t.geom, 7), t.bin, t.holding_number,"
            " t.functional_use, t.household_count, t.floor_count, t.footprint_area_m2"
            f" FROM spatial_building t WHERE {where} ORDER BY {order}, t.id LIMIT 50",
            params,
        )
        cursor.fetchall()


def _timed(call, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples[1:]


def _row(label: str, samples: list[float], raw: list[float]) -> None:
    median, raw_median = statistics.median(samples), statistics.median(raw)
    print(
        f"{label:46} {median:9.1f} {percentile95(samples):8.1f} {raw_median:9.1f}"
        f" {median / raw_median:7.2f}"
    )


def main() -> None:
    municipality = bench_town()
    client = officer_client(municipality)
    live = Building.objects.filter(municipality=municipality, retired_at__isnull=True)
    densest = live.values("ward").annotate(n=Count("id")).order_by("-n").first()
    ward, in_ward = densest["ward"], densest["n"]
    print(f"attribute table, {live.count()} buildings, densest ward {in_ward} ({REPEATS} runs)")
    print(f"{'case':46} {'median ms':>9} {'p95 ms':>8} {'raw ms':>9} {'x raw':>7}")

    def listed(query: str):
        def call():
            response = client.get(f"/api/v1/buildings/?{query}&limit=50")
            if response.status_code != 200:
                raise SystemExit(f"{query}: {response.status_code}")
            b"".join(response.streaming_content)

        return call

    live_sql = "t.municipality_id = %s AND t.retired_at IS NULL"
    cases = [
        (
            "densest ward, sorted by households",
            f"ward={ward}&sort=-household_count",
            (f"{live_sql} AND t.ward_id = %s", [municipality.pk, ward]),
            "t.household_count DESC NULLS LAST",
        ),
        (
            "densest ward, two filters, sorted",
            f"ward={ward}&where=functional_use:eq:residential&where=household_count:ge:3"
            "&sort=-footprint_area_m2",
            (
                f"{live_sql} AND t.ward_id = %s AND t.functional_use = 'residential'"
                " AND t.household_count >= 3",
                [municipality.pk, ward],
            ),
            "t.footprint_area_m2 DESC NULLS LAST",
        ),
        (
            "whole town, text filter, sorted",
            "where=holding_number:contains:12&sort=holding_number",
            (f"{live_sql} AND t.holding_number ILIKE '%%12%%'", [municipality.pk]),
            "t.holding_number ASC NULLS LAST",
        ),
    ]
    for label, query, (where, params), order in cases:
        raw = _timed(lambda w=where, p=params, o=order: _raw_page(w, p, o), REPEATS)
        _row(label, _timed(listed(query), REPEATS), raw)

    ids = list(live.filter(ward=ward).order_by("id").values_list("id", flat=True))
    for size in BULK_SIZES:
        chosen = ids[:size]
        project, raw = [], []
        for run in range(max(2, REPEATS // 2)):
            listing = client.get(
                f"/api/v1/buildings/?ids={','.join(map(str, chosen))}&limit={size}"
            )
            features = json.loads(b"".join(listing.streaming_content))["features"]
            records = [{"id": f["id"], "version": f["properties"]["version"]} for f in features]
            body = {"property": "floor_count", "value": 1 + run % 3, "records": records}
            started = time.perf_counter()
            response = client.post(
                "/api/v1/buildings/bulk-edit/", json.dumps(body), content_type="application/json"
            )
            project.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"bulk edit: {response.status_code} {response.content[:200]}")
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE spatial_building SET floor_count = %s, updated_at = now()"
                    " WHERE id = ANY(%s)",
                    [1 + (run + 1) % 3, chosen],
                )
            raw.append((time.perf_counter() - started) * 1000)
        _row(f"bulk edit of {len(chosen)} buildings", project, raw)


if __name__ == "__main__":
    main()
