"""Where a desludging vehicle can stand, and which buildings its hose cannot reach (issue
30, tools 2 and 5), computed in PostGIS over the road register.

A road is usable by a vehicle when its carriageway is at least as wide as the vehicle and
its surface is paved, brick or gravel (an earthen lane only when asked: loaded vacutugs
sink into them in the rains). The vehicle is the narrowest in service in the municipality's
fleet (any vehicle that fits reaches the building), unless a width is asked for; where the
fleet records no width, IMIS["VEHICLE_WIDTH_M"] stands in and the answer says so. A
building is hard to reach when its nearest usable road lies farther than the municipality's
hose length from its footprint, the hose laid on the ground (metres on the spheroid) and
round the other buildings standing across the straight line (AROUND_SQL: by the shorter way
round each one's convex hull). The town's list (hard_to_reach) and one building's check
(nearest_usable_road) judge alike."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from core.scope import user_scope
from spatial.models import Building, Municipality

from .models import Vehicle

# A building within a centimetre of the hose's reach is reached (coordinates round).
REACH_TOLERANCE_M = 0.01
# The nearest usable road is the metric nearest of this many nearest by the index (which
# orders by degrees, stretched a few per cent east-west at these latitudes).
CANDIDATES = 4
PAVED = ("metalled", "brick_paved", "gravelled")
# Within this of the hose length, a planar distance (EPSG:3106, scale within 0.04%) is
# checked on the spheroid.
PLANE_BAND_M = 0.5


@dataclass(frozen=True)
class Assumed:
    """The vehicle an analysis assumes, and where its width comes from."""

    width_m: float
    source: str  # "fleet", "asked" or "assumed"
    hose_length_m: float
    earthen: bool

    def definition(self) -> str:
        surfaces = _("any surface") if self.earthen else _("paved, brick or gravel")
        return _(
            "A building is hard to reach when no road with a carriageway of at least "
            "%(width)s m (%(surfaces)s) lies within %(hose)s m of hose of its footprint, "
            "laid on the ground round the buildings in between."
        ) % {"width": self.width_m, "surfaces": surfaces, "hose": self.hose_length_m}


def vehicle_for(
    municipality: Municipality,
    *,
    width_m: float | None = None,
    hose_length_m: float | None = None,
    earthen: bool = False,
) -> Assumed:
    """The vehicle and hose an analysis of `municipality` assumes (see the module)."""
    if width_m is not None:
        width, source = float(width_m), "asked"
    else:
        narrowest = Vehicle.objects.filter(
            provider__municipality=municipality, is_active=True, width_m__isnull=False
        ).aggregate(narrowest=Min("width_m"))["narrowest"]
        if narrowest is not None:
            width, source = float(narrowest), "fleet"
        else:
            width, source = float(settings.IMIS["VEHICLE_WIDTH_M"]), "assumed"
    hose = float(hose_length_m if hose_length_m is not None else municipality.hose_length_m)
    return Assumed(width, source, hose, earthen)


def usable_sql(vehicle: Assumed) -> tuple[str, dict[str, Any]]:
    """The condition on road `r` that the vehicle can use it, and its parameters."""
    surfaces = "" if vehicle.earthen else " AND r.surface = ANY(%(paved)s)"
    return (
        f"r.carriageway_width_m >= %(width)s{surfaces}",
        {"width": Decimal(str(vehicle.width_m)), "paved": list(PAVED)},
    )


def _nearest_sql(usable: str) -> str:
    """LATERAL: the usable road nearest building `b`, in metres."""
    return f"""
        LEFT JOIN LATERAL (
            SELECT k.id, k.code, k.name, k.surface, k.carriageway_width_m,
                   ST_Distance(k.geom::geography, b.geom::geography) AS distance_m
              FROM (SELECT r.* FROM spatial_road r
                     WHERE r.municipality_id = b.municipality_id AND {usable}
                     ORDER BY r.geom <-> b.geom LIMIT {CANDIDATES}) k
             ORDER BY distance_m, k.id LIMIT 1) near ON TRUE"""


# The hose laid on the ground from a building to its nearest usable road: the straight line
# between them (EPSG:3106 metres), and around each other building that stands across it
# (through its interior, not touching it), by the shorter way round that building's convex
# hull instead of through it. One building in the way at a time (buildings whose hulls
# overlap each add their own way round): an estimate of the hose needed, never less than the
# straight line. {lines} gives each line's building `id`, municipality `m`, the `line` in
# the plane and `lonlat`, the line in degrees: the buildings in the way are found through the
# register's own index, crossed in degrees (the same as in the plane over a few tens of
# metres), and only those crossed are transformed. Each step is its own subquery (OFFSET 0)
# so that PostgreSQL computes every hull and chord once, not once for each use.
AROUND_SQL = """
    SELECT x.id, sum(least(x.arc_m, x.ring_m - x.arc_m) - x.chord_m) AS m, count(*) AS n
      FROM (SELECT c.id, ST_Length(c.chord) AS chord_m, ST_Length(c.ring) AS ring_m,
                   abs(ST_LineLocatePoint(c.ring, ST_StartPoint(c.chord))
                       - ST_LineLocatePoint(c.ring, ST_EndPoint(c.chord)))
                   * ST_Length(c.ring) AS arc_m
              FROM (SELECT h.id, ST_ExteriorRing(h.hull) AS ring,
                           ST_Intersection(h.line, h.hull) AS chord
                      FROM (SELECT o.id, o.line, ST_ConvexHull(ST_Transform(o.geom, 3106)) AS hull
                              FROM (SELECT l.id, l.line, o.geom
                                      FROM {lines} l
                                      -- "+ 0": as in REACHED_SQL, the index alone.
                                      JOIN spatial_building o
                                        ON o.geom && l.lonlat AND o.id <> l.id
                                       AND o.municipality_id + 0 = l.m AND o.retired_at IS NULL
                                       AND ST_Intersects(o.geom, l.lonlat)
                                    OFFSET 0) o
                            OFFSET 0) h
                    OFFSET 0) c
             -- A line merely touching a wall, or a centimetre into a corner, is no obstacle.
             WHERE GeometryType(c.chord) = 'LINESTRING' AND ST_Length(c.chord) > 0.01) x
     GROUP BY x.id"""

GROUND_SQL = f"""
    WITH lines AS MATERIALIZED (
        SELECT b.id, b.municipality_id AS m, k.line, ST_Transform(k.line, 4326) AS lonlat
          FROM spatial_building b, spatial_road r,
               LATERAL (SELECT ST_ShortestLine(ST_Transform(b.geom, 3106),
                                               ST_Transform(r.geom, 3106)) AS line) k
         WHERE b.id = %(building)s AND r.id = %(road)s),
    around AS ({AROUND_SQL.format(lines="lines")})
    SELECT coalesce((SELECT m FROM around), 0), coalesce((SELECT n FROM around), 0)"""


def nearest_usable_road(*, building: Building, vehicle: Assumed) -> dict[str, Any]:
    """The usable road nearest `building` and whether the hose reaches it (tool 5): in a
    straight line (metres on the ground), and laid around the buildings in between."""
    usable, params = usable_sql(vehicle)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT near.id, near.code, near.name, near.surface, near.carriageway_width_m,
                       near.distance_m
                  FROM spatial_building b {_nearest_sql(usable)}
                 WHERE b.id = %(building)s""",
            params | {"building": building.pk},
        )
        row = cursor.fetchone()
        detour, in_the_way = 0.0, 0
        if row[0] is not None:
            cursor.execute(GROUND_SQL, {"building": building.pk, "road": row[0]})
            detour, in_the_way = cursor.fetchone()
    road = None
    if row[0] is not None:
        road = dict(
            zip(["id", "code", "name", "surface", "carriageway_width_m"], row[:5], strict=True)
        )
    distance = row[5]
    hose = distance + detour if distance is not None else None
    return {
        "road": road,
        "distance_m": round(distance, 2) if distance is not None else None,
        "hose_m": round(hose, 2) if hose is not None else None,
        "buildings_in_the_way": in_the_way,
        "reachable": hose is not None and hose <= vehicle.hose_length_m + REACH_TOLERANCE_M,
    }


# The usable roads cut into their straight segments, in metres (EPSG:3106, Bangladesh
# Transverse Mercator) with a spatial index: a building's nearest is then an index probe
# and a distance to one short segment, not to a whole road of hundreds of vertices.
SEGMENTS_SQL = """
    CREATE TEMP TABLE access_segments ON COMMIT DROP AS
    SELECT r.id, r.code, s.geom AS lonlat, ST_Transform(s.geom, 3106) AS plane
      FROM spatial_road r CROSS JOIN LATERAL ST_DumpSegments(r.geom) s
     WHERE r.municipality_id = %(m)s AND {usable}"""

# The buildings surely within reach, found from the roads' side through the buildings' own
# spatial index: within `deg` degrees of a usable segment, where `deg` is the hose length
# less the band divided by the most metres a degree spans in any direction (a meridian's
# degree, never over M_PER_DEGREE_MAX), so degrees never overstate the reach. The rest (about
# a third of a town) take the nearest-segment probe below, which also gives the list its
# distances.
M_PER_DEGREE_MAX = 111_700
# A building within the hose less this of a usable road, in a straight line, is reached
# whatever stands in between: going round a building in the way adds less. (At tier M,
# 13 of 35,033 buildings 10-25 m from a road needed more, round very large buildings.)
DETOUR_BAND_M = 15.0
REACHED_SQL = """
    CREATE TEMP TABLE access_reached ON COMMIT DROP AS
    SELECT DISTINCT b.id
      FROM access_segments s
      JOIN spatial_building b ON ST_DWithin(b.geom, s.lonlat, %(deg)s)
     -- "+ 0": the segment's few buildings are found by the spatial index alone; ANDed with
     -- the municipality's whole bitmap (every building of the town) each probe costs 10x.
     WHERE b.municipality_id + 0 = %(m)s AND b.retired_at IS NULL"""

# Every building not surely within reach: its nearest usable segment (an index probe in the
# plane, which also gives the list its road and distance), and for those within the hose in a
# straight line but farther than the hose less DETOUR_BAND_M (nearer ones are reached, as in
# REACHED_SQL, by the metre here rather than the degree), the hose laid round the buildings in
# the way.
JUDGED_SQL = """
    WITH standing AS (
        SELECT b.id, b.bin, b.ward_id, b.geom
          FROM spatial_building b
         WHERE b.municipality_id = %(m)s AND b.retired_at IS NULL
           AND (%(wards)s::bigint[] IS NULL OR b.ward_id = ANY(%(wards)s::bigint[]))
           AND (%(ward)s::bigint IS NULL OR b.ward_id = %(ward)s::bigint)),
    unreached AS MATERIALIZED (
        SELECT b.*, ST_Transform(b.geom, 3106) AS own
          FROM standing b
         WHERE NOT EXISTS (SELECT 1 FROM access_reached r WHERE r.id = b.id)),
    judged AS (
        SELECT b.id, b.bin, b.ward_id, near.code AS road, b.geom, b.own, near.plane,
               -- On the plane the distance is within a few centimetres of the ground's
               -- (the projection's scale): near the hose length, the ground decides.
               CASE WHEN abs(near.plane_m - %(hose)s) < %(band)s
                    THEN ST_Distance(near.lonlat::geography, b.geom::geography)
                    ELSE near.plane_m END AS distance_m
          FROM unreached b
          LEFT JOIN LATERAL (
              SELECT s.code, s.lonlat, s.plane, s.plane <-> b.own AS plane_m
                FROM access_segments s
               ORDER BY s.plane <-> b.own LIMIT 1) near ON TRUE),
    lines AS MATERIALIZED (
        SELECT k.id, %(m)s AS m, k.line, ST_Transform(k.line, 4326) AS lonlat
          FROM (SELECT j.id, ST_ShortestLine(j.own, j.plane) AS line
                  FROM judged j
                 WHERE j.distance_m <= %(hose)s AND j.distance_m > %(surely)s
                OFFSET 0) k),
    around AS ({around}),
    laid AS (
        SELECT j.*, j.distance_m + coalesce(a.m, 0) AS hose_m
          FROM judged j LEFT JOIN around a ON a.id = j.id),
    hard AS (
        -- Only the buildings listed need a point.
        SELECT j.*, ST_PointOnSurface(j.geom) AS point
          FROM laid j WHERE j.distance_m IS NULL OR j.hose_m > %(hose)s),
    listed AS (
        SELECT h.ward_id, count(*) AS hard,
               json_agg(json_build_object(
                   'bin', h.bin, 'road', h.road,
                   'distance_m', round(h.distance_m::numeric, 1),
                   'hose_m', round(h.hose_m::numeric, 1),
                   'lon', round(ST_X(h.point)::numeric, 7),
                   'lat', round(ST_Y(h.point)::numeric, 7))
                 ORDER BY h.distance_m DESC NULLS FIRST, h.bin) AS found
          FROM hard h GROUP BY h.ward_id),
    totals AS (SELECT ward_id, count(*) AS total FROM standing GROUP BY ward_id)
    SELECT w.number, t.total, coalesce(l.hard, 0), coalesce(l.found, '[]')
      FROM totals t
      LEFT JOIN listed l ON l.ward_id IS NOT DISTINCT FROM t.ward_id
      LEFT JOIN spatial_ward w ON w.id = t.ward_id
     ORDER BY w.number NULLS LAST"""


def hard_to_reach(
    *, user, municipality: Municipality, vehicle: Assumed, ward_id: int | None = None
) -> dict[str, Any]:
    """Per ward, the standing buildings the user may read and how many are hard to reach,
    and those buildings (their BIN, ward, point, nearest usable road and its distance, or
    none when the municipality has no usable road), farthest first (tool 2). Three
    steps: the usable roads' segments into an indexed temporary table, the buildings
    surely within reach from the segments' side, then one judgement of every other
    building."""
    usable, params = usable_sql(vehicle)
    scope = user_scope(user)
    wards = None if scope.whole(municipality.pk) else scope.limited_ward_ids
    params |= {
        "m": municipality.pk,
        "hose": vehicle.hose_length_m + REACH_TOLERANCE_M,
        "band": PLANE_BAND_M,
        "deg": (vehicle.hose_length_m + REACH_TOLERANCE_M - PLANE_BAND_M - DETOUR_BAND_M)
        / M_PER_DEGREE_MAX,
        "surely": vehicle.hose_length_m + REACH_TOLERANCE_M - DETOUR_BAND_M,
        "wards": wards,
        "ward": ward_id,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for name in ("access_segments", "access_reached"):
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
        cursor.execute(SEGMENTS_SQL.format(usable=usable), params)
        cursor.execute(
            "CREATE INDEX ON access_segments USING gist (plane); ANALYZE access_segments"
        )
        cursor.execute(REACHED_SQL, params)
        cursor.execute("CREATE UNIQUE INDEX ON access_reached (id); ANALYZE access_reached")
        cursor.execute(JUDGED_SQL.format(around=AROUND_SQL.format(lines="lines")), params)
        rows = cursor.fetchall()
    by_ward, buildings = [], []
    for number, total, hard, found in rows:
        by_ward.append({"ward": number, "buildings": total, "hard_to_reach": hard})
        buildings += [item | {"ward": number} for item in _decoded(found)]
    return {
        "definition": vehicle.definition(),
        "municipality": municipality.code,
        "hose_length_m": vehicle.hose_length_m,
        "vehicle_width_m": vehicle.width_m,
        "vehicle_width_source": vehicle.source,
        "earthen_roads": vehicle.earthen,
        "by_ward": by_ward,
        "buildings": buildings,
    }


def _decoded(found: Any) -> list[dict[str, Any]]:
    items = json.loads(found) if isinstance(found, str) else found
    for item in items:
        for key in ("distance_m", "hose_m", "lon", "lat"):
            if item[key] is not None:
                item[key] = float(item[key])
    return items
