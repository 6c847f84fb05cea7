"""The septic-tank design check of a building application (issue 32): the proposed
containment judged by the municipality's active compliance rule set, the same rules and
the same code (containment.compliance.evaluate) existing tanks are assessed by.

What a design cannot have yet is read as a new tank's: never emptied, built this year.
The distance to wells is the smaller of what the design states and what the well
register holds around the tank's planned place (measured by PostGIS); with neither, the
well rule is "unknown" exactly as for an existing tank in a ward with no well recorded.
The distance to water bodies is measured and shown beside the rules (the rule set has no
rule on it; an outlet to a water body fails the outlet rule)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection

from containment import compliance
from containment.compliance_sql import WELL_SEARCH_DEGREES, WELL_SEARCH_RADIUS_M, WELLS
from containment.selectors import active_rule_set
from containment.services import rule_set_ensure

from .models import Application

WATER_BODY_SEARCH_RADIUS_M = 200

# Around the tank's planned place: the nearest recorded well (metres, on the spheroid),
# whether the ward has any well recorded, and the nearest water body.
SURROUNDINGS_SQL = f"""
WITH p AS (SELECT ST_SetSRID(ST_GeomFromWKB(%(point)s), 4326) AS geom)
SELECT (SELECT min(ST_Distance(w.geom::geography, p.geom::geography))
          FROM spatial_waterpoint w
         WHERE w.geom && ST_Expand(p.geom, {WELL_SEARCH_DEGREES}) AND {WELLS}
           AND ST_DWithin(w.geom::geography, p.geom::geography, {WELL_SEARCH_RADIUS_M})),
       EXISTS (SELECT 1 FROM spatial_waterpoint w WHERE w.ward_id = %(ward)s AND {WELLS}),
       (SELECT min(ST_Distance(b.geom::geography, p.geom::geography))
          FROM spatial_waterbody b
         WHERE b.retired_at IS NULL
           AND ST_DWithin(b.geom::geography, p.geom::geography, {WATER_BODY_SEARCH_RADIUS_M}))
  FROM p
"""


def tank_point(application: Application):
    """Where the tank is planned: its drawn location, else the footprint's point on its
    surface."""
    return application.tank_location or application.footprint.point_on_surface


def surroundings(application: Application) -> dict[str, Any]:
    point = tank_point(application)
    with connection.cursor() as cursor:
        cursor.execute(SURROUNDINGS_SQL, {"point": bytes(point.wkb), "ward": application.ward_id})
        well, wells_in_ward, water_body = cursor.fetchone()
    return {"well_m": well, "wells_in_ward": wells_in_ward, "water_body_m": water_body}


def facts(application: Application, around: dict[str, Any], year: int):
    stated = application.well_distance_m
    distances = [float(d) for d in (stated, around["well_m"]) if d is not None]
    return compliance.ContainmentFacts(
        containment_type=application.containment_type,
        outlet=application.outlet,
        ever_emptied=False,
        last_emptied_on=None,
        construction_year=year,
        effective_volume_m3=Decimal(application.volume_m3),
        users=application.occupants,
        well_distance_m=min(distances) if distances else None,
        well_data=stated is not None or around["wells_in_ward"],
    )


def design_check(application: Application):
    """(rule set, status, outcomes, surroundings) of the application's proposed tank."""
    municipality = application.municipality
    rules = active_rule_set(municipality=municipality) or rule_set_ensure(municipality=municipality)
    around = surroundings(application)
    today = compliance.local_today()
    status, outcomes = compliance.evaluate(facts(application, around, today.year), rules, today)
    return rules, status, outcomes, around
