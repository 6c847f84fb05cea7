"""Benchmark: the round trip's import check. An unchanged GeoPackage export of the bench
town's buildings is read and checked (a dry run: columns, geometry, boundary, keys, shape
comparison, read-only columns, versions) by the project, against a raw baseline doing the
same comparison in PostGIS: ogr2ogr loads the file into a scratch table, and one SQL
statement joins it to the register by BIN and counts rows whose attributes or shape
(Hausdorff distance within the same tolerance) differ.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/imports.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.towns import bench_town  # noqa: E402
from core import imports as importing  # noqa: E402
from core import io, registry  # noqa: E402
from core.features import LayerQuery  # noqa: E402
from core.imports import SHAPE_TOLERANCE  # noqa: E402
from spatial.layers import BUILDINGS  # noqa: E402

COMPARED = [n for n in registry.get("buildings").importer.fields if n != "bin"]
BASELINE = f"""
SELECT count(*) FILTER (WHERE b.id IS NULL) AS unknown,
       count(*) FILTER (WHERE b.id IS NOT NULL AND (
           {" OR ".join(f"f.{n}::text IS DISTINCT FROM b.{n}::text" for n in COMPARED)}
           OR ST_NPoints(f.geom) <> ST_NPoints(b.geom)
           OR ST_HausdorffDistance(f.geom, b.geom) > {SHAPE_TOLERANCE})) AS changed
  FROM bench_import_scratch f
  LEFT JOIN spatial_building b ON b.municipality_id = %s AND b.bin = f.bin
"""


def project(path: Path, municipality) -> tuple[float, dict]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        read = io.read_upload(path, folder=Path(folder))
    report = importing.import_layer(
        importing.ImportRequest.from_file(read, municipality=municipality, layer="buildings")
    )
    return time.perf_counter() - started, report


def baseline(path: Path, municipality, pg: str, env: dict) -> tuple[float, tuple]:
    started = time.perf_counter()
    subprocess.run(
        ["ogr2ogr", "-f", "PostgreSQL", pg, str(path), "-nln", "bench_import_scratch",
         "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=NONE", "-overwrite",
         "-nlt", "POLYGON", "--config", "PG_USE_COPY", "YES"],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(BASELINE, [municipality.pk])
        counts = cursor.fetchone()
        cursor.execute("DROP TABLE bench_import_scratch")
    return time.perf_counter() - started, counts


def main() -> None:
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    municipality = bench_town()
    db = connection.settings_dict
    pg = f"PG:dbname={db['NAME']} host={db['HOST']} port={db['PORT']} user={db['USER']}"
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    with tempfile.TemporaryDirectory() as folder:
        path = io.write_vector(
            BUILDINGS, LayerQuery(municipality_ids=[municipality.pk], limit=10**9), "gpkg",
            Path(folder),
        )  # fmt: skip
        ours, raw = [], []
        for _ in range(repeats):
            seconds, report = project(path, municipality)
            ours.append(seconds)
            seconds, counts = baseline(path, municipality, pg, env)
            raw.append(seconds)
    # Both sides must have found nothing to do, or they did not do the same job.
    if (report.created, report.updated, report.problem_count) != (0, 0, 0) or counts != (0, 0):
        sys.exit(f"not a no-op: project {report.changes[:3]} {report.problems[:3]}, raw {counts}")
    fast, slow = statistics.median(raw), statistics.median(ours)
    print(f"import check of an unchanged export: {report.rows} buildings, GeoPackage, "
          f"median of {repeats}")  # fmt: skip
    print(f"{'path':54}{'seconds':>9}{'ratio':>7}")
    print(f"{'raw: ogr2ogr into PostGIS + one SQL diff':54}{fast:9.2f}{1:7.1f}")
    print(f"{'project: read, check, compare (dry run)':54}{slow:9.2f}{slow / fast:7.1f}")


if __name__ == "__main__":
    main()
