"""Benchmark: full export of the buildings layer, GeoJSON and GeoPackage: the project's
paths against raw `COPY` and `ogr2ogr` from the same database, with time, size and peak
memory of each process.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/exports.py

Each side runs as its own process (measured with /usr/bin/time's maximum resident size) so
that memory figures are comparable. GeoJSON: the project's streamed response through
Django's test client (authenticated, every chunk consumed) against `COPY` of the very same
feature SQL to STDOUT and against `ogr2ogr -f GeoJSON`. GeoPackage: the project's writer
(which runs ogr2ogr on the layer's SQL) against ogr2ogr given that same SQL, and against
ogr2ogr on a narrower SELECT (six columns, no joins) for reference.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.towns import bench_code  # noqa: E402


def measure(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    elapsed = time.perf_counter() - start
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)[1])
    return elapsed, peak


# Each project path runs in its own process and prints its own time (Django's start-up is
# left out: the worker that writes exports is already running) and the bytes written.
SETUP = """
import os, sys, time, django
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()
from pathlib import Path
from spatial.models import Municipality
m = Municipality.objects.get(code={code!r})
"""
PROJECT_GPKG = (
    SETUP
    + """
from core import io
from core.features import LayerQuery
from spatial.layers import BUILDINGS
started = time.perf_counter()
path = io.write_vector(BUILDINGS, LayerQuery(municipality_ids=[m.pk], limit=10**9), "gpkg",
                       Path({out!r}))
print(time.perf_counter() - started, path.stat().st_size)
"""
)
PROJECT_GEOJSON = (
    SETUP
    + """
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from core.roles import MembershipRole
from core.models import Membership
# A GIS officer of the bench town alone: a superuser would export every municipality.
user, _ = get_user_model().objects.get_or_create(username="bench-exports")
Membership.objects.get_or_create(user=user, municipality=m, role=MembershipRole.GIS_OFFICER)
client = Client(HTTP_HOST="localhost")
client.force_login(user)
# A running worker: its views imported as config/wsgi.py does, and a request served before.
import resource
from django.urls import get_resolver
get_resolver().url_patterns
warm = client.get("/api/v1/exports/wards/", {{"export": "geojson"}})
b"".join(warm.streaming_content)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
response = client.get("/api/v1/exports/buildings/", {{"export": "geojson"}})
assert response.status_code == 200, response.status_code
size = sum(len(chunk) for chunk in response.streaming_content)
elapsed = time.perf_counter() - started
print("growth", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
print(elapsed, size)
"""
)
SQL = (
    SETUP
    + """
from core import io
from core.features import LayerQuery
from spatial.layers import BUILDINGS
query = LayerQuery(municipality_ids=[m.pk], limit=10**9)
where, params = query.where(BUILDINGS)
from django.db import connection
features = connection.ops.compose_sql(
    f"SELECT {{BUILDINGS.feature_sql()}} FROM {{BUILDINGS.table}} t {{BUILDINGS.joins}}"
    f" WHERE {{where}} ORDER BY t.id", params)
print(io.vector_sql(BUILDINGS, query))
print(features)
"""
)
RAW_COPY = """
import sys, time, psycopg
sql = sys.stdin.read()
with psycopg.connect({url!r}, options="-c jit=off") as conn, conn.cursor() as cursor:
    started = time.perf_counter()
    size = 0
    with cursor.copy(f"COPY ({{sql}}) TO STDOUT") as copy:
        for block in copy:
            size += len(block)
    print(time.perf_counter() - started, size)
"""


# KB the project's GeoJSON export added to its worker's peak, run by run.
GROWTH: list[int] = []


def run_python(code: str, env: dict[str, str], stdin: str = "") -> tuple[float, int, int]:
    """(seconds as the script measured them, bytes, peak RSS in KB) of one process."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        input=stdin,
    )
    seconds, size = result.stdout.split()[-2:]
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)[1])
    growth = re.search(r"^growth (\d+)$", result.stdout, re.M)
    if growth:  # what the export itself added to a running worker
        GROWTH.append(int(growth[1]))
    return float(seconds), int(size), peak


def median_of(runs: list[tuple]) -> tuple:
    runs = sorted(runs)
    return runs[len(runs) // 2]


def main() -> None:
    buildings = int(os.environ.get("BENCH_BUILDINGS", "150000"))
    repeats = int(os.environ.get("BENCH_EXPORT_REPEATS", "3"))
    code = bench_code(buildings)
    env = dict(os.environ)
    url = env["DATABASE_URL"].replace("postgis://", "postgres://")
    from urllib.parse import urlparse

    parts = urlparse(url)
    pg = (
        f"PG:host={parts.hostname} port={parts.port or 5432} dbname={parts.path[1:]} "
        f"user={parts.username}" + (f" password={parts.password}" if parts.password else "")
    )
    sql_out = subprocess.run(
        [sys.executable, "-c", SQL.format(root=str(ROOT), code=code)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    ).stdout.strip().split("\n")  # fmt: skip
    vector_sql, feature_sql = sql_out[-2], sql_out[-1]
    narrow_sql = (
        "SELECT b.id, b.bin, b.holding_number, b.structure_type, b.functional_use, "
        "b.floor_count, b.geom FROM spatial_building b JOIN spatial_municipality m "
        f"ON m.id = b.municipality_id WHERE m.code = '{code}'"
    )
    rows = {}
    with tempfile.TemporaryDirectory() as folder:

        def ogr(fmt: str, sql: str, name: str) -> tuple[float, int, int]:
            target = Path(folder) / name
            seconds, peak = measure(
                ["ogr2ogr", "-f", fmt, str(target), pg, "-sql", sql, "-nln", "buildings"], env
            )
            size = target.stat().st_size
            target.unlink()
            return seconds, size, peak

        def project_gpkg() -> tuple[float, int, int]:
            out = Path(folder) / "project"
            out.mkdir(exist_ok=True)
            result = run_python(PROJECT_GPKG.format(root=str(ROOT), code=code, out=str(out)), env)
            shutil.rmtree(out)
            return result

        plans = {
            "GeoJSON: raw COPY of the features": lambda: run_python(
                RAW_COPY.format(url=url), env, feature_sql
            ),
            "GeoJSON: project /api/v1/exports/ (streamed)": lambda: run_python(
                PROJECT_GEOJSON.format(root=str(ROOT), code=code), env
            ),
            "GeoJSON: ogr2ogr, same columns": lambda: ogr("GeoJSON", vector_sql, "o.geojson"),
            "GeoPackage: ogr2ogr, same columns": lambda: ogr("GPKG", vector_sql, "same.gpkg"),
            "GeoPackage: project (ogr2ogr under it)": project_gpkg,
            "GeoPackage: ogr2ogr, 6 columns, no joins": lambda: ogr("GPKG", narrow_sql, "n.gpkg"),
        }
        for name, plan in plans.items():
            rows[name] = median_of([plan() for _ in range(repeats)])

    print(
        f"full export of {buildings} buildings, median of {repeats} runs, each in its own process"
    )
    print(f"{'path':46}{'seconds':>9}{'MB out':>8}{'peak MB':>9}{'ratio':>7}")
    base = {}
    for name, (seconds, size, peak) in rows.items():
        group = name.split(":")[0]
        base.setdefault(group, seconds)
        print(
            f"{name:46}{seconds:>9.2f}{size / 2**20:>8.0f}{peak / 1024:>9.0f}"
            f"{seconds / base[group]:>7.2f}"
        )
    print("ratio: to the first row of the same format (raw COPY; ogr2ogr with the same SQL)")
    if GROWTH:
        print(
            "the GeoJSON export's own memory (peak growth of a warm worker):"
            f" {max(GROWTH) / 1024:.0f} MB at most; the worker itself, views imported,"
            " is most of its peak"
        )


if __name__ == "__main__":
    main()
