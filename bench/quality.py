"""Benchmark: the data quality checks (issue 22) on the bench town.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/quality.py

In one run, on the same data:
- each check's statement as the project runs it (dashboards/quality.py), counted over the
  whole municipality, against the statement a GIS officer would write for it in PostGIS or
  QGIS's DB Manager (whole road lines and ward polygons against footprints, the overlap
  through ST_Intersects and ST_Touches), where the project's differs;
- the page GET /quality/ with the counts kept (one statement of kept counts and the
  lists), and counting every check of every ward again (the nightly snapshot, or the
  page's "Count again now").
"""

from __future__ import annotations

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

from bench.towns import bench_town, officer_client, percentile95  # noqa: E402
from dashboards import quality, services  # noqa: E402
from spatial.models import Building  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))

# The textbook statements (counts) for the checks where the project's statement differs.
TEXTBOOK = {
    "overlapping_footprints": """
        SELECT count(*) FROM spatial_building b
         WHERE b.municipality_id = %(municipality)s AND b.retired_at IS NULL
           AND EXISTS (SELECT 1 FROM spatial_building o
                        WHERE o.municipality_id = b.municipality_id AND o.id <> b.id
                          AND o.retired_at IS NULL AND ST_Intersects(o.geom, b.geom)
                          AND NOT ST_Touches(o.geom, b.geom)
                          AND ST_Area(ST_Intersection(o.geom, b.geom)::geography) > 0.5)""",
    "footprint_crosses_road": """
        SELECT count(*) FROM spatial_building b
         WHERE b.municipality_id = %(municipality)s AND b.retired_at IS NULL
           AND EXISTS (SELECT 1 FROM spatial_road r
                        WHERE r.municipality_id = b.municipality_id
                          AND ST_Intersects(r.geom, b.geom) AND NOT ST_Touches(r.geom, b.geom))""",
    "footprint_crosses_ward_boundary": """
        SELECT count(*) FROM spatial_building b
         WHERE b.municipality_id = %(municipality)s AND b.retired_at IS NULL
           AND EXISTS (SELECT 1 FROM spatial_ward w
                        WHERE w.municipality_id = b.municipality_id
                          AND ST_Overlaps(w.geom, b.geom))""",
}


def timed(fn, repeats: int = REPEATS) -> tuple[float, float, object]:
    result = fn()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile95(samples), result


def counted(sql: str, params: dict):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    return run


def main() -> None:
    municipality = bench_town()
    params = quality._params(municipality, None)
    count = Building.objects.filter(municipality=municipality).count()
    print(f"data quality, {count} buildings ({REPEATS} repetitions each)")
    print(f"{'check':34} {'records':>8} {'project ms':>11} {'textbook ms':>12} {'ratio':>6}")
    for check in quality.CHECKS:
        ours, _p95, found = timed(counted(f"SELECT count(*) FROM ({check.sql}) x", params))
        textbook = TEXTBOOK.get(check.code)
        if textbook is None:
            print(f"{check.code:34} {found:8} {ours:11.0f} {'(same)':>12}")
            continue
        theirs, _p95, expected = timed(counted(textbook, params), repeats=1)
        if expected != found:
            raise SystemExit(f"{check.code}: {found} records, the textbook statement {expected}")
        print(f"{check.code:34} {found:8} {ours:11.0f} {theirs:12.0f} {ours / theirs:6.2f}")

    client = officer_client(municipality)
    url = f"/quality/?municipality={municipality.code}"

    def page():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")

    def recount():
        services.quality_current(municipality=municipality, wards=None, recount=True)

    recount_ms, recount_p95, _ = timed(recount, repeats=max(REPEATS // 2, 1))
    page_ms, page_p95, _ = timed(page)
    print(f"{'path':34} {'median ms':>10} {'p95 ms':>9}")
    print(f"{'count every check of every ward':34} {recount_ms:10.0f} {recount_p95:9.0f}")
    print(f"{'GET /quality/, counts kept':34} {page_ms:10.1f} {page_p95:9.1f}")


if __name__ == "__main__":
    main()
