"""Does PostgreSQL's JIT help this application's statements? Each statement runs with
jit = on and jit = off on the same connection, alternating, and the medians are printed.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/jit.py

Statements: the densest ward's buildings as a GeoJSON FeatureCollection, the densest z14
buildings tile (ST_AsMVT), and the dashboards' ward figures (one statement for all wards).
The application's setting (IMIS_DB_JIT) follows what this measures: see
docs/decisions/0007-jit-off.md.
"""

from __future__ import annotations

import math
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

from bench.towns import bench_code  # noqa: E402
from containment.classification import classification_params  # noqa: E402
from core import registry  # noqa: E402
from core.features import LayerQuery  # noqa: E402
from core.tiles import tile_layer, tile_sql  # noqa: E402
from dashboards import figures_sql  # noqa: E402
from dashboards import selectors as dashboard_selectors  # noqa: E402
from spatial.layers import BUILDINGS  # noqa: E402
from spatial.models import Municipality  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))


def _statements(municipality) -> dict[str, tuple[str, object]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ward_id FROM spatial_building WHERE municipality_id = %s "
            "GROUP BY ward_id ORDER BY count(*) DESC LIMIT 1",
            [municipality.pk],
        )
        ward_id = cursor.fetchone()[0]
        cursor.execute(
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Collect(ST_Centroid(geom))) c"
            " FROM spatial_building WHERE municipality_id = %s) s",
            [municipality.pk],
        )
        lon, lat = cursor.fetchone()
    query = LayerQuery(municipality_ids=[municipality.pk], ward_id=ward_id, limit=100_000)
    where, params = query.where(BUILDINGS)
    ward_geojson = (
        'SELECT \'{"type":"FeatureCollection","features":[\' || '
        "coalesce(string_agg(f, ',' ORDER BY id), '') || ']}' FROM ("
        f"SELECT t.id, {BUILDINGS.feature_sql()} AS f FROM {BUILDINGS.table} t {BUILDINGS.joins}"
        f" WHERE {where}) s"
    )
    z = 14
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    tile = tile_sql(tile_layer(registry.get("buildings")), z, scoped=False)
    tile_params = {
        "z": z, "x": x, "y": y, "name": "buildings",
        "margin": 40_075_016.68 / 2**z * 64 / 4096, "municipalities": [],
    }  # fmt: skip
    period = dashboard_selectors.Period(2026)
    figures_params = {
        **classification_params(),
        "municipality": municipality.pk,
        "start": period.start,
        "end": period.end,
        "end_of_day": period.end_of_day,
    }
    return {
        "ward GeoJSON": (ward_geojson, params),
        "z14 tile": (tile, tile_params),
        "ward figures": (figures_sql.ward_figures_sql(), figures_params),
    }


def main() -> None:
    buildings = int(os.environ.get("BENCH_BUILDINGS", "150000"))
    municipality = Municipality.objects.filter(code=bench_code(buildings)).first()
    if municipality is None:
        sys.exit(f"run bench/run.py first: it generates {bench_code(buildings)}")
    print(f"JIT on and off, {buildings} buildings, {REPEATS} repetitions each (median ms)")
    print(f"{'statement':<16}{'jit on':>9}{'jit off':>9}{'off/on':>8}")
    with connection.cursor() as cursor:
        for name, (sql, params) in _statements(municipality).items():
            samples = {"on": [], "off": []}
            for setting in ("on", "off"):  # warm-up both
                cursor.execute(f"SET jit = {setting}")
                cursor.execute(sql, params)
                cursor.fetchall()
            for _ in range(REPEATS):
                for setting in ("on", "off"):
                    cursor.execute(f"SET jit = {setting}")
                    start = time.perf_counter()
                    cursor.execute(sql, params)
                    cursor.fetchall()
                    samples[setting].append((time.perf_counter() - start) * 1000)
            on, off = statistics.median(samples["on"]), statistics.median(samples["off"])
            print(f"{name:<16}{on:>9.1f}{off:>9.1f}{off / on:>8.2f}")
        cursor.execute("RESET jit")


if __name__ == "__main__":
    main()
