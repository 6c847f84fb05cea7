"""Benchmark: the sewer network of a whole tier-M town (issue 28).

    BENCH_BUILDINGS=150000 .venv/bin/python bench/sewer_network.py

In one transaction, rolled back at the end so the bench town stays as generated: a sewer is
laid under every road and every building is connected to its nearest sewer (up to 200 m);
every containment is taken to discharge into the sewer, and the sewers nearest the town's
centre discharge into a treatment plant. Then, each three times:

- sewer classification: whether the sewage of every containment is treated, through its
  buildings' connections and the network's outfall, with the project's own SQL
  (containment.classification.sewer_treated_sql, a correlated lookup per containment, the
  way the figures and the map layers read it), against a set-based raw join of the same
  tables (hash joins, one GROUP BY) on the same data;
- the network's ends: following every segment downstream to its outfall
  (containment_network_reach, run by the database after every write to the segments);
- the drains layer as vector tiles: every z14 tile of the town, with the project's tile SQL
  (core.tiles.render_tile), against a raw ST_AsMVT of the same segments and attributes.
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

from bench.towns import bench_town, best_of  # noqa: E402
from containment.classification import classification_params, sewer_treated_sql  # noqa: E402
from containment.models import TreatmentPlant  # noqa: E402
from core import registry  # noqa: E402
from core.tiles import render_tile, tile_layer  # noqa: E402

ZOOM = 14
MARGIN = 40_075_016.68 / 2**ZOOM * 64 / 4096  # the tile buffer, as core.tiles draws it


class Rollback(Exception):
    pass


def _lay_network(cursor, m: int, plant: int) -> None:
    cursor.execute(
        """
        INSERT INTO containment_drainsegment
               (municipality_id, code, network_type, size_mm, material, condition, geom,
                reaches)
        SELECT r.municipality_id, '', 'sewer', 300, 'concrete', 'good',
               ST_Translate(r.geom, 0, -0.00002), ''
          FROM spatial_road r
         WHERE r.municipality_id = %s AND GeometryType(r.geom) = 'LINESTRING'
        """,
        [m],
    )
    cursor.execute(
        """
        UPDATE containment_drainsegment s SET outfall_plant_id = %s, outfall_water_body_id = NULL
          FROM (SELECT s2.id FROM containment_drainsegment s2
                  JOIN spatial_municipality mu ON mu.id = s2.municipality_id
                 WHERE s2.municipality_id = %s AND s2.network_type = 'sewer'
                 ORDER BY s2.geom <-> ST_PointOnSurface(mu.boundary) LIMIT 25) near
         WHERE s.id = near.id
        """,
        [plant, m],
    )
    # Fresh rows in this transaction: without statistics the planner sorts every sewer by
    # distance for each building instead of walking the spatial index.
    cursor.execute("ANALYZE containment_drainsegment")
    # Set up without the per-row triggers (the code and ward a connection gets, its first
    # history entry): they are not what is measured, and laid one by one they took minutes.
    cursor.execute("ALTER TABLE containment_sewerconnection DISABLE TRIGGER USER")
    cursor.execute(
        """
        INSERT INTO containment_sewerconnection
               (municipality_id, code, building_id, segment_id, connected_on, geom)
        SELECT b.municipality_id, 'BENCH' || b.id, b.id, s.id, DATE '2015-01-01',
               ST_ClosestPoint(s.geom, ST_PointOnSurface(b.geom))
          FROM spatial_building b
          CROSS JOIN LATERAL (
              SELECT s.id, s.geom FROM containment_drainsegment s
               WHERE s.municipality_id = b.municipality_id AND s.network_type = 'sewer'
                 AND s.retired_at IS NULL
               ORDER BY s.geom <-> b.geom LIMIT 1) s
         WHERE b.municipality_id = %s AND b.retired_at IS NULL
           AND ST_DWithin(s.geom::geography, b.geom::geography, 200)
        """,
        [m],
    )
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys' checks, now
    cursor.execute("ALTER TABLE containment_sewerconnection ENABLE TRIGGER USER")
    cursor.execute(
        "UPDATE containment_containment SET outlet = 'sewer' WHERE municipality_id = %s", [m]
    )
    cursor.execute(
        "ANALYZE containment_drainsegment; ANALYZE containment_sewerconnection;"
        " ANALYZE containment_containment"
    )


def main() -> None:
    municipality = bench_town()
    m = municipality.pk
    params = {**classification_params(municipality), "m": m}
    project_sql = f"""
        SELECT count(*), count(*) FILTER (WHERE x.treated)
          FROM (SELECT {sewer_treated_sql("c")} AS treated
                  FROM containment_containment c
                 WHERE c.municipality_id = %(m)s AND c.retired_at IS NULL) x"""
    raw_sql = """
        SELECT count(*), count(*) FILTER (WHERE coalesce(t.treated, %(sewer_treated)s))
          FROM containment_containment c
          LEFT JOIN (
              SELECT l.containment_id,
                     bool_or(s.reaches = 'plant' AND p.is_active
                             AND (p.closed_on IS NULL OR p.closed_on > current_date))
                       AS treated
                FROM containment_containmentbuilding l
                JOIN containment_sewerconnection sc
                  ON sc.building_id = l.building_id AND sc.retired_at IS NULL
                JOIN containment_drainsegment s
                  ON s.id = sc.segment_id AND s.retired_at IS NULL
                LEFT JOIN containment_treatmentplant p ON p.id = s.reaches_plant_id
               GROUP BY l.containment_id) t ON t.containment_id = c.id
         WHERE c.municipality_id = %(m)s AND c.retired_at IS NULL AND c.outlet = 'sewer'"""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            plant = TreatmentPlant.objects.create(
                municipality=municipality,
                name="Bench WWTP",
                plant_type="wwtp",
                capacity_m3_per_day=5000,
                geom=municipality.boundary.point_on_surface,
            )
            start = time.perf_counter()
            _lay_network(cursor, m, plant.pk)
            laid = time.perf_counter() - start
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE reaches = 'plant')"
                " FROM containment_drainsegment WHERE municipality_id = %s",
                [m],
            )
            segments, reaching = cursor.fetchone()
            cursor.execute(
                "SELECT count(*) FROM containment_sewerconnection WHERE municipality_id = %s",
                [m],
            )
            (connections,) = cursor.fetchone()

            def run(sql):
                def go():
                    cursor.execute(sql, params)
                    return cursor.fetchone()

                return go

            project, project_counts = best_of(run(project_sql))
            raw, raw_counts = best_of(run(raw_sql))
            if project_counts != raw_counts:
                raise SystemExit(f"the two disagree: {project_counts} and {raw_counts}")
            reach, _ = best_of(run("SELECT containment_network_reach(%(m)s)"))

            layer = tile_layer(registry.get("drains"))
            cursor.execute(
                """
                SELECT DISTINCT floor((ST_X(p) + 180) / 360 * 2 ^ %(z)s)::int,
                       floor((1 - ln(tan(radians(ST_Y(p))) + 1 / cos(radians(ST_Y(p)))) / pi())
                             / 2 * 2 ^ %(z)s)::int
                  FROM (SELECT (ST_DumpPoints(geom)).geom AS p
                          FROM containment_drainsegment WHERE municipality_id = %(m)s) d
                """,
                {"z": ZOOM, "m": m},
            )
            tiles = cursor.fetchall()
            raw_tile_sql = """
                WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS tile)
                SELECT ST_AsMVT(f.*, 'drains', 4096, 'geom', 'id') FROM (
                    SELECT t.id, ST_AsMVTGeom(ST_Transform(t.geom, 3857), bounds.tile,
                                              4096, 64, true) AS geom,
                           t.code, t.network_type AS type, t.reaches
                      FROM containment_drainsegment t, bounds
                     WHERE t.geom && ST_Transform(ST_Expand(bounds.tile, %(margin)s), 4326)
                       AND t.municipality_id = %(m)s AND t.retired_at IS NULL) f
                 WHERE f.geom IS NOT NULL"""
            project_tiles, raw_tiles = [], []
            for _ in range(3):
                for x, y in tiles:
                    start = time.perf_counter()
                    render_tile(layer, ZOOM, x, y, municipality_ids=[m])
                    project_tiles.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    cursor.execute(
                        raw_tile_sql, {"z": ZOOM, "x": x, "y": y, "m": m, "margin": MARGIN}
                    )
                    cursor.fetchone()
                    raw_tiles.append(time.perf_counter() - start)
            raise Rollback
    except Rollback:
        pass

    def p95(values):
        return sorted(values)[round(0.95 * (len(values) - 1))]

    print(
        f"bench town: {segments} sewer and drain segments ({reaching} reaching the plant), "
        f"{connections} connections, laid in {laid:.1f} s"
    )
    print(
        f"sewer classification of {project_counts[0]} containments ({project_counts[1]} "
        f"treated): project {project:.2f} s, raw set-based join {raw:.2f} s, "
        f"ratio {project / raw:.2f}x"
    )
    print(f"network ends of {segments} segments (containment_network_reach): {reach:.2f} s")
    print(
        f"drains tiles z{ZOOM}: {len(tiles)} tiles; project median "
        f"{statistics.median(project_tiles) * 1000:.1f} ms, p95 {p95(project_tiles) * 1000:.1f} ms;"
        f" raw median {statistics.median(raw_tiles) * 1000:.1f} ms, p95 "
        f"{p95(raw_tiles) * 1000:.1f} ms; ratio of medians "
        f"{statistics.median(project_tiles) / statistics.median(raw_tiles):.2f}x"
    )


if __name__ == "__main__":
    main()
