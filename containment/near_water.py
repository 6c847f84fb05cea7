"""Containments near water (issue 30, tool 3), computed in PostGIS: every standing
containment not on a sewer within a distance of a groundwater well (a tube, deep tube or
dug well of the water-point register), of a water body (a pond, a canal), or of a building
whose own water comes from a tube or dug well; and the wells and buildings so put at risk.

The distance is the compliance rule set's minimum distance from a well unless another is
asked, in metres on the ground (geography). The search goes from the water to the
containments, a few thousand index probes rather than one per containment."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.scope import user_scope
from spatial.choices import GROUNDWATER_WELL_TYPES, WaterSource
from spatial.models import Municipality

from . import selectors

MAX_DISTANCE_M = 500
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000
# A degree of longitude is at least 99.4 km anywhere in Bangladesh (26.7 N): a box of
# `metres / 99_000` degrees each way holds every point within `metres` (an index prefilter).
METRES_PER_DEGREE_AT_LEAST = 99_000
_WELLS = ", ".join(f"'{code}'" for code in sorted(GROUNDWATER_WELL_TYPES))
_OWN_WELLS = f"'{WaterSource.TUBE_WELL}', '{WaterSource.DUG_WELL}'"
# Containments that let their effluent into the ground.
INFILTRATING = ("unlined_pit", "lined_pit_open_bottom", "twin_pit")
_INFILTRATING = ", ".join(f"'{code}'" for code in INFILTRATING)

# Which containments count: standing, with a containment, not on a sewer, in the wards.
_CONTAINMENTS = """c.municipality_id = %(m)s AND c.retired_at IS NULL
       AND c.containment_type <> 'none' AND c.outlet IS DISTINCT FROM 'sewer'
       AND (%(wards)s::bigint[] IS NULL OR c.ward_id = ANY(%(wards)s::bigint[]))"""


def _pairs(kind: str, table: str, label: str, condition: str) -> str:
    return f"""
    SELECT c.id AS containment, '{kind}' AS kind, s.id AS source, {label} AS label,
           ST_Distance(s.geom::geography, c.geom::geography) AS distance_m
      FROM {table} s JOIN containment_containment c
        ON c.geom && ST_Expand(s.geom, %(degrees)s)
       AND ST_DWithin(s.geom::geography, c.geom::geography, %(distance)s)
     WHERE s.municipality_id = %(m)s AND s.retired_at IS NULL AND {condition}
       AND {_CONTAINMENTS}"""  # noqa: S608 (module SQL)


# Every (containment, water) pair within the distance, into a temporary table: as one
# statement the planner may run it in parallel (a CTE read twice could not be: 3.3 s
# instead of 1.7 s at tier M).
PAIRS_SQL = f"""
    CREATE TEMP TABLE near_water_pairs ON COMMIT DROP AS
    {_pairs("well", "spatial_waterpoint", "s.code", f"s.point_type IN ({_WELLS})")}
    UNION ALL
    {_pairs("water_body", "spatial_waterbody", "coalesce(nullif(s.name, ''), s.code)", "TRUE")}
    UNION ALL
    {_pairs("own_well", "spatial_building", "s.bin", f"s.water_source IN ({_OWN_WELLS})")}"""

# The summary: per ward, and the first %(limit)s of each list, nearest first.
SUMMARY_SQL = f"""
    WITH per_containment AS (
        SELECT n.containment,
               min(n.distance_m) FILTER (WHERE n.kind = 'well') AS well_m,
               min(n.distance_m) FILTER (WHERE n.kind = 'water_body') AS water_body_m,
               min(n.distance_m) FILTER (WHERE n.kind = 'own_well') AS own_well_m,
               min(n.distance_m) AS nearest_m
          FROM near_water_pairs n GROUP BY n.containment),
    sources AS (
        SELECT n.kind, n.source, n.label, count(*) AS containments,
               min(n.distance_m) AS nearest_m,
               row_number() OVER (PARTITION BY n.kind ORDER BY min(n.distance_m), n.source) AS k
          FROM near_water_pairs n GROUP BY n.kind, n.source, n.label)
    SELECT (SELECT coalesce(json_agg(json_build_object('ward', t.number, 'containments', t.n)
                                     ORDER BY t.number NULLS LAST), '[]')
              FROM (SELECT w.number, count(*) AS n FROM per_containment p
                      JOIN containment_containment c ON c.id = p.containment
                      LEFT JOIN spatial_ward w ON w.id = c.ward_id GROUP BY w.number) t),
           (SELECT coalesce(json_object_agg(t.kind, t.n), '{{}}')
              FROM (SELECT kind, count(*) AS n FROM sources GROUP BY kind) t),
           (SELECT coalesce(json_agg(json_build_object(
                'id', c.id, 'code', c.code, 'ward', w.number,
                'containment_type', c.containment_type,
                'infiltrates', c.containment_type IN ({_INFILTRATING}) OR c.outlet = 'soak_pit',
                'well_m', round(p.well_m::numeric, 1),
                'water_body_m', round(p.water_body_m::numeric, 1),
                'own_well_m', round(p.own_well_m::numeric, 1),
                'lon', round(ST_X(c.geom)::numeric, 7), 'lat', round(ST_Y(c.geom)::numeric, 7))
              ORDER BY p.nearest_m, c.id), '[]')
              FROM (SELECT * FROM per_containment
                     ORDER BY nearest_m, containment LIMIT %(limit)s) p
              JOIN containment_containment c ON c.id = p.containment
              LEFT JOIN spatial_ward w ON w.id = c.ward_id),
           (SELECT coalesce(json_agg(json_build_object(
                'kind', s.kind, 'id', s.source, 'label', s.label,
                'containments', s.containments, 'nearest_m', round(s.nearest_m::numeric, 1))
              ORDER BY s.kind, s.k), '[]')
              FROM sources s WHERE s.k <= %(limit)s)"""  # noqa: S608 (module SQL)

# Every containment near water, for a file: streamed.
LIST_SQL = f"""
    SELECT c.code, w.number, c.containment_type,
           c.containment_type IN ({_INFILTRATING}) OR c.outlet = 'soak_pit',
           round(p.well_m::numeric, 1), round(p.water_body_m::numeric, 1),
           round(p.own_well_m::numeric, 1),
           round(ST_X(c.geom)::numeric, 7), round(ST_Y(c.geom)::numeric, 7)
      FROM (SELECT n.containment,
                   min(n.distance_m) FILTER (WHERE n.kind = 'well') AS well_m,
                   min(n.distance_m) FILTER (WHERE n.kind = 'water_body') AS water_body_m,
                   min(n.distance_m) FILTER (WHERE n.kind = 'own_well') AS own_well_m,
                   min(n.distance_m) AS nearest_m
              FROM near_water_pairs n GROUP BY n.containment) p
      JOIN containment_containment c ON c.id = p.containment
      LEFT JOIN spatial_ward w ON w.id = c.ward_id
     ORDER BY p.nearest_m, c.id"""  # noqa: S608 (module SQL)
LIST_HEADER = ["code", "ward", "containment_type", "infiltrates", "well_m", "water_body_m"]
LIST_HEADER += ["own_well_m", "lon", "lat"]


def default_distance(municipality: Municipality) -> tuple[float, str]:
    """The rule set's minimum distance from a well, and where it comes from."""
    rule_set = selectors.active_rule_set(municipality=municipality)
    if rule_set is None:
        return 10.0, "default"
    return float(rule_set.min_well_distance_m), "rule_set"


def _params(user, municipality: Municipality, distance_m: float) -> dict[str, Any]:
    scope = user_scope(user)
    return {
        "m": municipality.pk,
        "distance": distance_m,
        "degrees": distance_m / METRES_PER_DEGREE_AT_LEAST,
        "wards": None if scope.whole(municipality.pk) else sorted(scope.ward_ids),
    }


def _found_pairs(cursor, params: dict[str, Any]) -> None:
    cursor.execute("DROP TABLE IF EXISTS pg_temp.near_water_pairs")
    cursor.execute(PAIRS_SQL, params)


def near_water(
    *,
    user,
    municipality: Municipality,
    distance_m: float | None = None,
    limit: int = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """How many containments lie near water and where, and the first `limit` of them and of
    the wells, water bodies and buildings they put at risk, nearest first (see the module),
    within the reader's wards. Two statements."""
    source = "asked"
    if distance_m is None:
        distance_m, source = default_distance(municipality)
    params = _params(user, municipality, distance_m) | {"limit": limit}
    with transaction.atomic(), connection.cursor() as cursor:
        _found_pairs(cursor, params)
        cursor.execute(SUMMARY_SQL, params)
        by_ward, counts, containments, sources = (_decoded(v) for v in cursor.fetchone())
    for item in containments:
        for key in ("well_m", "water_body_m", "own_well_m", "lon", "lat"):
            if item[key] is not None:
                item[key] = float(item[key])
    at_risk: dict[str, list] = {"well": [], "water_body": [], "own_well": []}
    for item in sources:
        item["nearest_m"] = float(item["nearest_m"])
        at_risk[item.pop("kind")].append(item)
    total = sum(row["containments"] for row in by_ward)
    return {
        "definition": _(
            "Containments not on a sewer within %(metres)s m, on the ground, of a tube or "
            "dug well, a water body, or a building whose own water comes from a tube or "
            "dug well; and those wells, water bodies and buildings. Lists are nearest first "
            "and hold at most %(limit)s; the CSV holds every containment."
        )
        % {"metres": distance_m, "limit": limit},
        "municipality": municipality.code,
        "distance_m": distance_m,
        "distance_source": source,
        "containments_near_water": total,
        "wells_at_risk_count": counts.get("well", 0),
        "water_bodies_at_risk_count": counts.get("water_body", 0),
        "buildings_with_own_well_at_risk_count": counts.get("own_well", 0),
        "by_ward": by_ward,
        "wells_at_risk": at_risk["well"],
        "water_bodies_at_risk": at_risk["water_body"],
        "buildings_with_own_well_at_risk": at_risk["own_well"],
        "containments": containments,
    }


def near_water_rows(*, user, municipality: Municipality, distance_m: float | None = None):
    """Every containment near water (LIST_HEADER), nearest first."""
    if distance_m is None:
        distance_m, _source = default_distance(municipality)
    with transaction.atomic(), connection.cursor() as cursor:
        _found_pairs(cursor, _params(user, municipality, distance_m))
        cursor.execute(LIST_SQL)
        rows = cursor.fetchall()
    return [[float(v) if isinstance(v, Decimal) else v for v in row] for row in rows]


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
