"""Containments near water (issue 30, tool 3), computed in PostGIS: every standing
containment not on a sewer within a distance of a groundwater well (a tube, deep tube or
dug well of the water-point register), of a water body (a pond, a canal), or of a building
whose own water comes from a tube or dug well; and the wells and buildings so put at risk.

The distance is the compliance rule set's minimum distance from a well unless another is
asked, in metres on the ground (geography). The search goes from the water to the
containments, a few thousand index probes rather than one per containment."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from core.scope import user_scope
from spatial.choices import GROUNDWATER_WELL_TYPES, WaterSource
from spatial.models import Municipality

from . import selectors

MAX_DISTANCE_M = 500
# A degree of longitude is at least 99.4 km anywhere in Bangladesh (26.7 N): a box of
# `metres / 99_000` degrees each way holds every point within `metres` (an index prefilter).
METRES_PER_DEGREE_AT_LEAST = 99_000
_WELLS = ", ".join(f"'{code}'" for code in sorted(GROUNDWATER_WELL_TYPES))
_OWN_WELLS = f"'{WaterSource.TUBE_WELL}', '{WaterSource.DUG_WELL}'"
# Containments that let their effluent into the ground.
INFILTRATING = ("unlined_pit", "lined_pit_open_bottom", "twin_pit")
_INFILTRATING = ", ".join(f"'{code}'" for code in INFILTRATING)

NEAR_SQL = f"""
    WITH water AS (
        SELECT 'well' AS kind, w.id, w.code AS label, w.geom FROM spatial_waterpoint w
         WHERE w.municipality_id = %(m)s AND w.retired_at IS NULL
           AND w.point_type IN ({_WELLS})
        UNION ALL
        SELECT 'water_body', wb.id, coalesce(nullif(wb.name, ''), wb.code), wb.geom
          FROM spatial_waterbody wb
         WHERE wb.municipality_id = %(m)s AND wb.retired_at IS NULL
        UNION ALL
        SELECT 'own_well', b.id, b.bin, b.geom FROM spatial_building b
         WHERE b.municipality_id = %(m)s AND b.retired_at IS NULL
           AND b.water_source IN ({_OWN_WELLS})),
    near AS (
        SELECT c.id AS containment, s.kind, s.id AS source, s.label,
               ST_Distance(s.geom::geography, c.geom::geography) AS distance_m
          FROM water s JOIN containment_containment c
            ON c.geom && ST_Expand(s.geom, %(degrees)s)
           AND ST_DWithin(s.geom::geography, c.geom::geography, %(distance)s)
         WHERE c.municipality_id = %(m)s AND c.retired_at IS NULL
           AND c.containment_type <> 'none' AND c.outlet IS DISTINCT FROM 'sewer'
           AND (%(wards)s::bigint[] IS NULL OR c.ward_id = ANY(%(wards)s::bigint[]))),
    per_containment AS (
        SELECT n.containment,
               min(n.distance_m) FILTER (WHERE n.kind = 'well') AS well_m,
               min(n.distance_m) FILTER (WHERE n.kind = 'water_body') AS water_body_m,
               min(n.distance_m) FILTER (WHERE n.kind = 'own_well') AS own_well_m
          FROM near n GROUP BY n.containment)
    SELECT (SELECT coalesce(json_agg(json_build_object(
                'id', c.id, 'code', c.code, 'ward', w.number,
                'containment_type', c.containment_type,
                'infiltrates', c.containment_type IN ({_INFILTRATING}) OR c.outlet = 'soak_pit',
                'well_m', round(p.well_m::numeric, 1),
                'water_body_m', round(p.water_body_m::numeric, 1),
                'own_well_m', round(p.own_well_m::numeric, 1),
                'lon', round(ST_X(c.geom)::numeric, 7), 'lat', round(ST_Y(c.geom)::numeric, 7))
              ORDER BY least(p.well_m, p.water_body_m, p.own_well_m), c.id), '[]')
              FROM per_containment p JOIN containment_containment c ON c.id = p.containment
              LEFT JOIN spatial_ward w ON w.id = c.ward_id),
           (SELECT coalesce(json_agg(json_build_object(
                'kind', s.kind, 'id', s.source, 'label', s.label,
                'containments', s.containments, 'nearest_m', round(s.nearest::numeric, 1))
              ORDER BY s.kind, s.nearest, s.source), '[]')
              FROM (SELECT n.kind, n.source, n.label, count(*) AS containments,
                           min(n.distance_m) AS nearest
                      FROM near n GROUP BY n.kind, n.source, n.label) s)"""  # noqa: S608


def default_distance(municipality: Municipality) -> tuple[float, str]:
    """The rule set's minimum distance from a well, and where it comes from."""
    rule_set = selectors.active_rule_set(municipality=municipality)
    if rule_set is None:
        return 10.0, "default"
    return float(rule_set.min_well_distance_m), "rule_set"


def near_water(
    *, user, municipality: Municipality, distance_m: float | None = None
) -> dict[str, Any]:
    """The containments near water and the water they put at risk (see the module), within
    the reader's wards. One statement."""
    source = "asked"
    if distance_m is None:
        distance_m, source = default_distance(municipality)
    scope = user_scope(user)
    wards = None if scope.whole(municipality.pk) else sorted(scope.ward_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            NEAR_SQL,
            {
                "m": municipality.pk,
                "distance": distance_m,
                "degrees": distance_m / METRES_PER_DEGREE_AT_LEAST,
                "wards": wards,
            },
        )
        containments, sources = (_decoded(value) for value in cursor.fetchone())
    for item in containments:
        for key in ("well_m", "water_body_m", "own_well_m", "lon", "lat"):
            if item[key] is not None:
                item[key] = float(item[key])
    at_risk: dict[str, list] = {"well": [], "water_body": [], "own_well": []}
    for item in sources:
        item["nearest_m"] = float(item["nearest_m"])
        at_risk[item.pop("kind")].append(item)
    by_ward: dict[Any, int] = {}
    for item in containments:
        by_ward[item["ward"]] = by_ward.get(item["ward"], 0) + 1
    return {
        "definition": _(
            "Containments not on a sewer within %(metres)s m, on the ground, of a tube or "
            "dug well, a water body, or a building whose own water comes from a tube or "
            "dug well; and those wells, water bodies and buildings."
        )
        % {"metres": distance_m},
        "municipality": municipality.code,
        "distance_m": distance_m,
        "distance_source": source,
        "containments_near_water": len(containments),
        "by_ward": [
            {"ward": ward, "containments": count}
            for ward, count in sorted(by_ward.items(), key=lambda item: (item[0] is None, item[0]))
        ],
        "wells_at_risk": at_risk["well"],
        "water_bodies_at_risk": at_risk["water_body"],
        "buildings_with_own_well_at_risk": at_risk["own_well"],
        "containments": containments,
    }


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
