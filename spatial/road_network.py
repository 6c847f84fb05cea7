"""The road register as a network pgRouting can route over (spatial.models.RoadNetwork and
RoadEdge), built in PostGIS and rebuilt when the roads change.

Roads are cut where they cross and where another road's end lies on them or within SNAP_M
(in EPSG:3106 metres), so a lane joining a road part-way along becomes a junction without
anyone splitting the road by hand; then each piece is cut into parts of at most PART_M
metres, so that a place on a long road is never more than PART_M / 2 from a vertex.
Vertices are the parts' ends, rounded to a centimetre. Two roads that pass one over the
other meet in the network too (the register has no levels; in a paurashava that is rare).
The network is rebuilt lazily: the first route after a road changes rebuilds it, under a
per-municipality lock."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from .models import Municipality, RoadNetwork

# The longest edge, in metres.
PART_M = 50
# A road's end this close to another road joins it there (digitising stops short or runs
# over by a little; metres).
SNAP_M = 0.5
_LOCK_NAMESPACE = 7402  # advisory-lock class of the network build

# The roads' ids and shapes: any road added, removed or redrawn, by any path (an edit, an
# import, SQL), changes it. Widths and surfaces are read at routing time, not stored.
SIGNATURE_SQL = """
    SELECT count(*) || ':' || md5(coalesce(
               string_agg(id::text || md5(ST_AsBinary(geom)), ',' ORDER BY id), ''))
      FROM spatial_road WHERE municipality_id = %(m)s"""

BUILD_SQL = """
    CREATE TEMP TABLE network_roads ON COMMIT DROP AS
    SELECT id, carriageway_width_m AS width, ST_Transform(geom, 3106) AS g
      FROM spatial_road WHERE municipality_id = %(m)s AND NOT ST_IsEmpty(geom);
    CREATE INDEX ON network_roads USING gist (g);
    ANALYZE network_roads;
    CREATE TEMP TABLE network_parts ON COMMIT DROP AS
    WITH cut AS (
        -- Where each road is cut: where another road crosses it, and where another road's
        -- end lies on it or within SNAP_M of it (a lane drawn to stop at the road).
        SELECT r.id AS road_id, r.g, b.blade
          FROM network_roads r
          LEFT JOIN LATERAL (
              SELECT ST_Collect(p.geom) AS blade FROM (
                  SELECT (ST_DumpPoints(ST_Intersection(r.g, o.g))).geom
                    FROM network_roads o WHERE o.id <> r.id AND ST_Intersects(r.g, o.g)
                  UNION ALL
                  SELECT v.e FROM network_roads o,
                         LATERAL (VALUES (ST_StartPoint(o.g)), (ST_EndPoint(o.g))) v(e)
                   WHERE o.id <> r.id AND ST_DWithin(o.g, r.g, %(snap)s)
                     AND ST_DWithin(v.e, r.g, %(snap)s)) p(geom)) b ON TRUE),
    pieces AS (
        -- Snapping first puts each cut point on the road as a vertex of its own, so the
        -- pieces end exactly where the other road does.
        SELECT c.road_id, d.geom AS g
          FROM cut c CROSS JOIN LATERAL ST_Dump(
              CASE WHEN c.blade IS NULL THEN c.g
                   ELSE ST_Split(ST_Snap(c.g, c.blade, %(snap)s), c.blade) END) d
         WHERE ST_Length(d.geom) > 0),
    counted AS (
        SELECT p.*, greatest(1, ceil(ST_Length(p.g) / %(part)s))::int AS parts FROM pieces p)
    SELECT p.road_id,
           ST_LineSubstring(p.g, i::float8 / p.parts, (i + 1)::float8 / p.parts) AS g
      FROM counted p CROSS JOIN LATERAL generate_series(0, p.parts - 1) i;
    CREATE TEMP TABLE network_ends ON COMMIT DROP AS
    SELECT k, row_number() OVER (ORDER BY k) AS id
      FROM (SELECT ST_AsText(ST_SnapToGrid(ST_StartPoint(g), 0.01)) AS k FROM network_parts
             UNION
            SELECT ST_AsText(ST_SnapToGrid(ST_EndPoint(g), 0.01)) FROM network_parts) e;
    CREATE INDEX ON network_ends (k);
    DELETE FROM spatial_roadedge WHERE municipality_id = %(m)s;
    INSERT INTO spatial_roadedge (municipality_id, road_id, source, target, length_m, geom)
    SELECT %(m)s, p.road_id, s.id, t.id, ST_Length(p.g), ST_Transform(p.g, 4326)
      FROM network_parts p
      JOIN network_ends s ON s.k = ST_AsText(ST_SnapToGrid(ST_StartPoint(p.g), 0.01))
      JOIN network_ends t ON t.k = ST_AsText(ST_SnapToGrid(ST_EndPoint(p.g), 0.01))
     WHERE s.id <> t.id;
    """


def signature(municipality: Municipality) -> str:
    with connection.cursor() as cursor:
        cursor.execute(SIGNATURE_SQL, {"m": municipality.pk})
        return cursor.fetchone()[0]


def pgrouting_installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgrouting')")
        return cursor.fetchone()[0]


@transaction.atomic
def ensure_network(municipality: Municipality) -> RoadNetwork:
    """The municipality's network, rebuilt first when its roads changed since it was built.
    One build at a time per municipality; a second caller waits and finds it built."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, municipality.pk])
    now = signature(municipality)
    network = RoadNetwork.objects.filter(municipality=municipality).first()
    if network is not None and network.signature == now:
        return network
    with connection.cursor() as cursor:
        for name in ("network_roads", "network_parts", "network_ends"):
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
        for statement in filter(str.strip, BUILD_SQL.split(";")):
            cursor.execute(statement, {"m": municipality.pk, "part": PART_M, "snap": SNAP_M})
        cursor.execute(
            "SELECT count(*), count(DISTINCT v) FROM spatial_roadedge e, "
            "LATERAL (VALUES (e.source), (e.target)) x(v) WHERE e.municipality_id = %s",
            [municipality.pk],
        )
        edges, vertices = cursor.fetchone()
    network, _ = RoadNetwork.objects.update_or_create(
        municipality=municipality,
        defaults={
            "signature": now,
            "built_at": timezone.now(),
            "edges": edges,
            "vertices": vertices,
        },
    )
    return network
