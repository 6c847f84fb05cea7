"""Benchmark: ward assignment of 100,000 imported containment points.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/wards.py

The project assigns each containment its ward in the database, on every write path: the
`containment_derive` row trigger (containment migration 0002) looks the point up among the
municipality's wards (GiST index on the ward boundaries) as the row is inserted, so an
import, the API and the admin all get the same answer. The raw lower bound is the set-based
way: insert the points without any trigger, then one `UPDATE ... FROM spatial_ward WHERE
ST_Intersects(...)`.

Both insert the same 100,000 points (the bench town's containments, copied 2 m to the east
with new codes) into the real table with its indexes, inside a transaction that is rolled
back. Only the trigger under test runs: history and dashboard triggers are disabled in both
(inside the transaction, so nothing outside sees it). Prints median and p95 of each and the
ratio, and checks that both give every point the same ward.
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

from django.db import connection, transaction  # noqa: E402

from bench.towns import bench_town, percentile95  # noqa: E402
from containment.models import Containment  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
POINTS = int(os.environ.get("BENCH_POINTS", "100000"))

# Every column but the identity, the code and the ward, which each path fills itself.
_COPIED = (
    "containment_type, outlet, toilet_type, shared_facility, users, length_m, width_m,"
    " depth_m, diameter_m, volume_m3, construction_year, location,"
    " ever_emptied, last_emptied_on, times_emptied, emptied_by, sludge_destination, created_at,"
    " updated_at, municipality_id"
)
_SOURCE = f"""
    SELECT {_COPIED}, 'W' || code AS code, ST_Translate(geom, 0.00002, 0) AS geom
      FROM containment_containment
     WHERE municipality_id = %(municipality)s AND code NOT LIKE 'W%%'
     ORDER BY id LIMIT %(points)s
"""
_INSERT = f"INSERT INTO containment_containment ({_COPIED}, code, geom) SELECT * FROM ({_SOURCE}) s"
_RAW_UPDATE = """
    UPDATE containment_containment c SET ward_id = w.id
      FROM spatial_ward w
     WHERE c.code LIKE 'W%%' AND c.municipality_id = %(municipality)s
       AND w.municipality_id = c.municipality_id AND ST_Intersects(w.geom, c.geom)
"""
_WARDS = (
    "SELECT count(*), count(ward_id), sum(ward_id) FROM containment_containment"
    " WHERE code LIKE 'W%%' AND municipality_id = %(municipality)s"
)


class _Rollback(Exception):
    pass


def _run(params: dict, *, project: bool, insert_only: bool = False) -> tuple[float, tuple]:
    """One import of the points, timed, its wards read, then rolled back."""
    outcome: dict = {}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("ALTER TABLE containment_containment DISABLE TRIGGER USER")
            if project and not insert_only:
                cursor.execute(
                    "ALTER TABLE containment_containment ENABLE TRIGGER containment_derive"
                )
            started = time.perf_counter()
            cursor.execute(_INSERT, params)
            if not project and not insert_only:
                cursor.execute(_RAW_UPDATE, params)
            outcome["ms"] = (time.perf_counter() - started) * 1000
            cursor.execute(_WARDS, params)
            outcome["wards"] = cursor.fetchone()
            raise _Rollback
    except _Rollback:
        pass
    return outcome["ms"], outcome["wards"]


def timed(params: dict, *, project: bool, insert_only: bool = False) -> tuple[float, float, tuple]:
    _run(params, project=project, insert_only=insert_only)  # warm-up
    samples, wards = [], ()
    for _ in range(REPEATS):
        ms, wards = _run(params, project=project, insert_only=insert_only)
        samples.append(ms)
    return statistics.median(samples), percentile95(samples), wards


def main() -> None:
    municipality = bench_town(assessed=True)
    available = Containment.objects.filter(municipality=municipality).count()
    params = {"municipality": municipality.pk, "points": POINTS}
    points = min(POINTS, available)

    project = timed(params, project=True)
    raw = timed(params, project=False)
    insert = timed(params, project=False, insert_only=True)
    print(f"ward assignment of {points} imported points ({REPEATS} repetitions)")
    print(f"{'path':44} {'median ms':>10} {'p95 ms':>9} {'x raw':>7}")
    print(f"{'raw: INSERT, then UPDATE ... FROM ST_Intersects':44} {raw[0]:10.1f} {raw[1]:9.1f}"
          f" {1:7.2f}")  # fmt: skip
    print(f"{'project: INSERT, ward by the row trigger':44} {project[0]:10.1f} {project[1]:9.1f}"
          f" {project[0] / raw[0]:7.2f}")  # fmt: skip
    print(f"{'the INSERT alone, no ward':44} {insert[0]:10.1f} {insert[1]:9.1f}"
          f" {insert[0] / raw[0]:7.2f}")  # fmt: skip
    print(
        f"ward assignment alone (each path less the INSERT): project"
        f" {project[0] - insert[0]:.0f} ms, raw UPDATE {raw[0] - insert[0]:.0f} ms"
    )
    same = "the same" if project[2] == raw[2] else f"DIFFERENT: {project[2]} vs {raw[2]}"
    print(f"wards given: {project[2][1]} of {project[2][0]} points; both paths {same}")


if __name__ == "__main__":
    main()
