"""Benchmark: full-layer GeoPackage export of the buildings, the project's writer vs
`ogr2ogr -f GPKG` from the same database, time and peak memory of each process.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/exports.py

Each side runs as its own process (measured with /usr/bin/time's maximum resident size) so
that memory figures are comparable.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


PROJECT = """
import os, sys, django
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()
from pathlib import Path
from spatial import io
from spatial.layers import BUILDINGS, LayerQuery
from spatial.models import Municipality
m = Municipality.objects.get(code={code!r})
io.write_vector(BUILDINGS, LayerQuery(municipality_ids=[m.pk], limit=10**9), "gpkg", Path({out!r}))
"""


def main() -> None:
    buildings = int(os.environ.get("BENCH_BUILDINGS", "150000"))
    code = f"bench-{buildings}"
    env = dict(os.environ)
    url = env["DATABASE_URL"].replace("postgis://", "postgres://")
    from urllib.parse import urlparse

    parts = urlparse(url)
    pg = (
        f"PG:host={parts.hostname} port={parts.port or 5432} dbname={parts.path[1:]} "
        f"user={parts.username}" + (f" password={parts.password}" if parts.password else "")
    )
    with tempfile.TemporaryDirectory() as folder:
        code_text = PROJECT.format(root=str(ROOT), code=code, out=folder)
        project_time, project_peak = measure([sys.executable, "-c", code_text], env)
        sql = (
            "SELECT b.id, b.bin, b.holding_number, b.structure_type, b.functional_use, "
            "b.floor_count, b.geom FROM spatial_building b JOIN spatial_municipality m "
            f"ON m.id = b.municipality_id WHERE m.code = '{code}'"
        )
        ogr_time, ogr_peak = measure(
            ["ogr2ogr", "-f", "GPKG", f"{folder}/ogr.gpkg", pg, "-sql", sql, "-nln", "buildings"],
            env,
        )
    print(f"GeoPackage export of {buildings} buildings")
    print(f"{'path':<12}{'seconds':>9}{'peak MB':>9}")
    print(f"{'project':<12}{project_time:>9.1f}{project_peak / 1024:>9.0f}")
    print(f"{'ogr2ogr':<12}{ogr_time:>9.1f}{ogr_peak / 1024:>9.0f}")
    print(f"project / ogr2ogr: {project_time / ogr_time:.2f}x time")


if __name__ == "__main__":
    main()
