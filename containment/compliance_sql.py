"""The compliance rules as SQL: the facts of every containment (FACTS_SQL) and the whole
assessment in one statement (ASSESS_SQL), the same rules as compliance.evaluate in Python."""

from __future__ import annotations

from spatial.choices import GROUNDWATER_WELL_TYPES, WaterSource

from .models import ComplianceRuleSet

# Wells farther than this are "none nearby"; every rule set's minimum distance must be less.
WELL_SEARCH_RADIUS_M = 100

_WELL_TYPES = ", ".join(f"'{code}'" for code in sorted(GROUNDWATER_WELL_TYPES))

_OWN_WELLS = f"'{WaterSource.TUBE_WELL}', '{WaterSource.DUG_WELL}'"

FACTS_SQL = f"""
SELECT c.id, c.containment_type, c.outlet, c.ever_emptied, c.last_emptied_on,
       c.construction_year, c.effective_volume_m3,
       coalesce(c.users, served.people) AS users,
       least(well.distance, own.distance) AS well_distance_m,
       well.distance IS NOT NULL OR own.distance IS NOT NULL
         OR c.ward_id IN (SELECT wd.id FROM spatial_ward wd WHERE EXISTS (
              SELECT 1 FROM spatial_waterpoint w
               WHERE w.geom && wd.geom AND w.point_type IN ({_WELL_TYPES})
                 AND w.retired_at IS NULL
                 AND ST_Intersects(w.geom, wd.geom))) AS well_data
  FROM containment_containment c
  LEFT JOIN LATERAL (
    SELECT CASE WHEN count(b.population_male) + count(b.population_female)
                     + count(b.population_other) > 0
                THEN sum(coalesce(b.population_male, 0) + coalesce(b.population_female, 0)
                         + coalesce(b.population_other, 0)) END AS people
      FROM containment_containmentbuilding l JOIN spatial_building b ON b.id = l.building_id
     WHERE l.containment_id = c.id
  ) served ON TRUE
  LEFT JOIN LATERAL (
    -- The index finds wells within the search radius (a degree box at least that wide
    -- anywhere in Bangladesh), then the distance is measured in metres on the spheroid.
    SELECT min(ST_Distance(w.geom::geography, c.geom::geography)) AS distance
      FROM spatial_waterpoint w
     WHERE w.geom && ST_Expand(c.geom, {WELL_SEARCH_RADIUS_M / 100_000})
       -- Any municipality's well: groundwater does not stop at the boundary. (Filtering by
       -- municipality also led the planner, with several municipalities in the database,
       -- to AND the GiST search with every well of the municipality: 12 s instead of 1.)
       AND w.point_type IN ({_WELL_TYPES}) AND w.retired_at IS NULL
       AND ST_DWithin(w.geom::geography, c.geom::geography, {WELL_SEARCH_RADIUS_M})
  ) well ON TRUE
  LEFT JOIN LATERAL (
    -- A served building whose own water source is a tube or dug well has a well: at most
    -- as far as its footprint.
    SELECT min(ST_Distance(b.geom::geography, c.geom::geography)) AS distance
      FROM containment_containmentbuilding l JOIN spatial_building b ON b.id = l.building_id
     WHERE l.containment_id = c.id AND b.water_source IN ({_OWN_WELLS})
  ) own ON TRUE
"""


def _rule_json(outcome: str, code: str, params: str = "'{}'::jsonb") -> str:
    return f"jsonb_build_object('outcome', '{outcome}', 'code', '{code}', 'params', {params})"


ASSESS_SQL = f"""
WITH rs AS (SELECT * FROM {ComplianceRuleSet._meta.db_table} WHERE id = %(rule_set)s),
facts AS ({FACTS_SQL} WHERE c.municipality_id = %(municipality)s AND c.retired_at IS NULL
          AND (%(containment)s::bigint IS NULL OR c.id = %(containment)s::bigint)),
years AS (
  SELECT f.*,
    greatest((SELECT rs.min_volume_per_user_m3 FROM rs) * f.users,
             (SELECT rs.min_total_volume_m3 FROM rs)) AS required,
    CASE
      WHEN f.last_emptied_on IS NOT NULL
        THEN (%(as_of)s::date - f.last_emptied_on)::numeric / 365.25
      WHEN f.ever_emptied IS FALSE AND f.construction_year IS NOT NULL
        THEN (extract(year FROM %(as_of)s::date) - f.construction_year)::numeric
    END AS years
  FROM facts f
),
-- Materialized: the outcome document is read four times below (status, outcomes, failed
-- rules); inlined, PostgreSQL would build it four times per containment.
outcomes AS MATERIALIZED (
  SELECT y.id, y.well_distance_m, jsonb_build_object(
    'type', CASE WHEN y.containment_type = ANY(rs.approved_types)
      THEN {_rule_json("pass", "type_approved", "jsonb_build_object('type', y.containment_type)")}
      ELSE {
    _rule_json("fail", "type_not_approved", "jsonb_build_object('type', y.containment_type)")
} END,
    'outlet', CASE
      WHEN y.outlet IN ('', 'dont_know') THEN {_rule_json("unknown", "outlet_unknown")}
      WHEN y.outlet = ANY(rs.forbidden_outlets)
        THEN {_rule_json("fail", "outlet_forbidden", "jsonb_build_object('outlet', y.outlet)")}
      WHEN rs.outlets_by_type ? y.containment_type
           AND NOT (rs.outlets_by_type -> y.containment_type) ? y.outlet
        THEN {
    _rule_json(
        "fail",
        "outlet_not_for_type",
        "jsonb_build_object('outlet', y.outlet, 'type', y.containment_type)",
    )
}
      ELSE {_rule_json("pass", "outlet_allowed", "jsonb_build_object('outlet', y.outlet)")} END,
    'emptying', CASE
      WHEN y.containment_type = ANY(rs.emptying_not_applicable) THEN {
    _rule_json(
        "not_applicable",
        "emptying_not_applicable",
        "jsonb_build_object('type', y.containment_type)",
    )
}
      WHEN y.years IS NULL THEN {_rule_json("unknown", "emptying_unknown")}
      ELSE jsonb_build_object(
        'outcome', CASE WHEN y.years > rs.max_years_since_emptying THEN 'fail' ELSE 'pass' END,
        'code', CASE WHEN y.last_emptied_on IS NULL THEN 'never_emptied_' ELSE 'emptied_' END
                || CASE WHEN y.years > rs.max_years_since_emptying THEN 'overdue'
                        ELSE 'recently' END,
        'params', jsonb_build_object('years', round(y.years, 1)::float8,
                                     'max', rs.max_years_since_emptying::float8)) END,
    'well', CASE
      WHEN y.well_distance_m IS NULL AND NOT y.well_data THEN {
    _rule_json(
        "unknown", "no_well_data", "jsonb_build_object('min', rs.min_well_distance_m::float8)"
    )
}
      WHEN y.well_distance_m IS NULL THEN {
    _rule_json(
        "pass", "no_well_recorded", "jsonb_build_object('min', rs.min_well_distance_m::float8)"
    )
}
      ELSE jsonb_build_object(
        'outcome', CASE WHEN y.well_distance_m < rs.min_well_distance_m THEN 'fail'
                        ELSE 'pass' END,
        'code', CASE WHEN y.well_distance_m < rs.min_well_distance_m THEN 'well_too_close'
                     ELSE 'well_far_enough' END,
        'params', jsonb_build_object('distance', round(y.well_distance_m::numeric, 1)::float8,
                                     'min', rs.min_well_distance_m::float8)) END,
    'volume', CASE
      WHEN y.effective_volume_m3 IS NULL OR y.users IS NULL
        THEN {_rule_json("unknown", "volume_unknown")}
      ELSE jsonb_build_object(
        'outcome', CASE WHEN y.effective_volume_m3 < y.required THEN 'fail' ELSE 'pass' END,
        'code', CASE WHEN y.effective_volume_m3 < y.required
                     THEN 'volume_too_small' ELSE 'volume_sufficient' END,
        'params', jsonb_build_object(
          'volume', round(y.effective_volume_m3, 2)::float8,
          'required', round(y.required, 2)::float8,
          'users', y.users)) END
  ) AS outcomes
  FROM years y, rs
)
INSERT INTO containment_complianceassessment
       (containment_id, rule_set_id, status, outcomes, failed_rules, well_distance_m,
        assessed_at)
SELECT o.id, %(rule_set)s,
       CASE WHEN jsonb_path_exists(o.outcomes, '$.*.outcome ? (@ == "fail")') THEN 'non_compliant'
            WHEN jsonb_path_exists(o.outcomes, '$.*.outcome ? (@ == "unknown")') THEN 'unknown'
            ELSE 'compliant' END,
       o.outcomes,
       ARRAY(SELECT e.key FROM jsonb_each(o.outcomes) e
              WHERE e.value->>'outcome' = 'fail' ORDER BY e.key),
       o.well_distance_m, %(now)s
  FROM outcomes o
ON CONFLICT (containment_id, rule_set_id) DO UPDATE
   SET status = EXCLUDED.status, outcomes = EXCLUDED.outcomes,
       failed_rules = EXCLUDED.failed_rules,
       well_distance_m = EXCLUDED.well_distance_m, assessed_at = EXCLUDED.assessed_at
"""
