"""The compliance rules as SQL: the facts of every containment (FACTS_SQL) and the whole
assessment in one statement (ASSESS_SQL for a municipality, ASSESS_ONE_SQL for one
containment), the same rules as compliance.evaluate in Python."""

from __future__ import annotations

from spatial.choices import GROUNDWATER_WELL_TYPES, WaterSource
from spatial.geometry import SRID

from .models import ComplianceRuleSet

# Wells farther than this are "none nearby"; every rule set's minimum distance must be less.
WELL_SEARCH_RADIUS_M = 100

_WELL_TYPES = ", ".join(f"'{code}'" for code in sorted(GROUNDWATER_WELL_TYPES))

_OWN_WELLS = f"'{WaterSource.TUBE_WELL}', '{WaterSource.DUG_WELL}'"

# A box this many degrees each way holds every point within the search radius anywhere in
# Bangladesh (20.6-26.7 N): a degree of longitude is 99.4 km at 26.7 N, so 0.0012 is 119 m.
# (0.001 was 99.5 m there: a well 99.8 m due east went unseen.)
WELL_SEARCH_DEGREES = 0.0012

WELLS = f"w.point_type IN ({_WELL_TYPES}) AND w.retired_at IS NULL"

# The nearest well of each containment, one containment at a time: the index finds wells in
# the box, then the distance is measured in metres on the spheroid. Any municipality's well:
# groundwater does not stop at the boundary. (Filtering by municipality also led the planner,
# with several municipalities in the database, to AND the GiST search with every well of the
# municipality: 12 s instead of 1.)
_WELL_PROBE = f"""
  LEFT JOIN LATERAL (
    SELECT min(ST_Distance(w.geom::geography, c.geom::geography)) AS distance
      FROM spatial_waterpoint w
     WHERE w.geom && ST_Expand(c.geom, {WELL_SEARCH_DEGREES}) AND {WELLS}
       AND ST_DWithin(w.geom::geography, c.geom::geography, {WELL_SEARCH_RADIUS_M})
  ) well ON TRUE"""

# The same for every containment of a municipality at once. 138,740 index probes cost 1.7 s
# before any distance is measured, so the wells are put on a grid of WELL_SEARCH_DEGREES
# cells instead, each well in its own cell and the eight around it, and every containment is
# hash-joined to the wells of its cell. Candidates in the box are ranked by a local
# flat-earth distance (metres per degree at the containment's latitude; off by well under 1%
# within 100 m), and only the nearest one is measured on the spheroid. Same wells, same
# distances as _WELL_PROBE (tested), in half the time at tier M (docs/performance.md). The
# result goes into a temporary table that ASSESS_SQL joins: as a CTE, the planner guessed
# it held one row and looped over all of it for every containment.
_G = WELL_SEARCH_DEGREES
NEAREST_WELLS_SQL = f"""
CREATE TEMP TABLE compliance_nearest_well ON COMMIT DROP AS
WITH assessed AS MATERIALIZED (
  SELECT c.id, ST_X(c.geom) AS x, ST_Y(c.geom) AS y, 111320 * cos(radians(ST_Y(c.geom))) AS kx,
         floor(ST_X(c.geom) / {_G})::int AS cx, floor(ST_Y(c.geom) / {_G})::int AS cy
    FROM containment_containment c
   WHERE c.municipality_id = %(municipality)s AND c.retired_at IS NULL),
well_cells AS MATERIALIZED (
  SELECT w.id, ST_X(w.geom) AS x, ST_Y(w.geom) AS y,
         floor(ST_X(w.geom) / {_G})::int + dx AS cx, floor(ST_Y(w.geom) / {_G})::int + dy AS cy
    FROM spatial_waterpoint w, generate_series(-1, 1) dx, generate_series(-1, 1) dy
   WHERE {WELLS} AND w.geom && (
     SELECT ST_MakeEnvelope(min(x) - {_G}, min(y) - {_G}, max(x) + {_G}, max(y) + {_G}, {SRID})
       FROM assessed)),
nearest_candidate AS (
  SELECT DISTINCT ON (a.id) a.id, k.id AS well
    FROM assessed a JOIN well_cells k ON k.cx = a.cx AND k.cy = a.cy
   WHERE abs(k.x - a.x) <= {_G} AND abs(k.y - a.y) <= {_G}
     AND ((k.x - a.x) * a.kx) ^ 2 + ((k.y - a.y) * 110574) ^ 2
         <= ({WELL_SEARCH_RADIUS_M} * 1.01) ^ 2
   ORDER BY a.id, ((k.x - a.x) * a.kx) ^ 2 + ((k.y - a.y) * 110574) ^ 2)
SELECT n.id, ST_Distance(w.geom::geography, c.geom::geography) AS distance
  FROM nearest_candidate n JOIN containment_containment c ON c.id = n.id
  JOIN spatial_waterpoint w ON w.id = n.well
 WHERE ST_DWithin(w.geom::geography, c.geom::geography, {WELL_SEARCH_RADIUS_M})"""


def _facts_sql(well_join: str) -> str:
    return f"""
SELECT c.id, c.containment_type, c.outlet, c.ever_emptied, c.last_emptied_on,
       c.construction_year, c.effective_volume_m3,
       coalesce(c.users, served.people) AS users,
       least(well.distance, own.distance) AS well_distance_m,
       well.distance IS NOT NULL OR own.distance IS NOT NULL
         OR c.ward_id IN (SELECT wd.id FROM spatial_ward wd WHERE EXISTS (
              SELECT 1 FROM spatial_waterpoint w
               WHERE w.geom && wd.geom AND {WELLS}
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
  {well_join}
  LEFT JOIN LATERAL (
    -- A served building whose own water source is a tube or dug well has a well: at most
    -- as far as its footprint.
    SELECT min(ST_Distance(b.geom::geography, c.geom::geography)) AS distance
      FROM containment_containmentbuilding l JOIN spatial_building b ON b.id = l.building_id
     WHERE l.containment_id = c.id AND b.water_source IN ({_OWN_WELLS})
  ) own ON TRUE
"""


# The facts of the containments a WHERE clause appended to it picks.
FACTS_SQL = _facts_sql(_WELL_PROBE)


# The outcome document is written as JSON text and parsed once: nested jsonb_build_object
# calls (twenty a containment) took 3.0 s of the re-assessment at tier M, this 1.9 s. A test
# checks every document against the reference evaluator. Codes are quoted by to_json; a
# NULL anywhere would null the document, which the NOT NULL column then refuses.
def _json_object(**values: str) -> str:
    """SQL for the JSON text of an object whose values are SQL JSON-text expressions."""
    if not values:
        return "'{}'"
    parts = [
        f"""'{"{" if i == 0 else ","}"{k}":' || {v}""" for i, (k, v) in enumerate(values.items())
    ]
    return "(" + " || ".join(parts) + " || '}')"


def _rule(outcome: str, code: str, **params: str) -> str:
    return _json_object(outcome=f"""'"{outcome}"'""", code=f"""'"{code}"'""",
                        params=_json_object(**params))  # fmt: skip


def _number(sql: str) -> str:
    return f"({sql})::float8::text"


_TYPE = "to_json(y.containment_type)::text"
_OUTLET = "to_json(y.outlet)::text"
_MIN_WELL = _number("rs.min_well_distance_m")
_DISTANCE = _number("round(y.well_distance_m::numeric, 1)")
_OVERDUE = "y.years > rs.max_years_since_emptying"
_VOLUME = {
    "volume": _number("round(y.effective_volume_m3, 2)"),
    "required": _number("round(y.required, 2)"),
    "users": "y.users::text",
}

_EMPTYING_CODE = (
    """'"' || CASE WHEN y.last_emptied_on IS NULL THEN 'never_emptied_' ELSE 'emptied_' END"""
    f""" || CASE WHEN {_OVERDUE} THEN 'overdue' ELSE 'recently' END || '"'"""
)
_EMPTYING = _json_object(
    outcome=f"""CASE WHEN {_OVERDUE} THEN '"fail"' ELSE '"pass"' END""",
    code=_EMPTYING_CODE,
    params=_json_object(
        years=_number("round(y.years, 1)"), max=_number("rs.max_years_since_emptying")
    ),
)

_OUTCOMES = f"""('{{"type":' || CASE WHEN y.containment_type = ANY(rs.approved_types)
      THEN {_rule("pass", "type_approved", type=_TYPE)}
      ELSE {_rule("fail", "type_not_approved", type=_TYPE)} END
  || ',"outlet":' || CASE
      WHEN y.outlet IN ('', 'dont_know') THEN {_rule("unknown", "outlet_unknown")}
      WHEN y.outlet = ANY(rs.forbidden_outlets)
        THEN {_rule("fail", "outlet_forbidden", outlet=_OUTLET)}
      WHEN rs.outlets_by_type ? y.containment_type
           AND NOT (rs.outlets_by_type -> y.containment_type) ? y.outlet
        THEN {_rule("fail", "outlet_not_for_type", outlet=_OUTLET, type=_TYPE)}
      ELSE {_rule("pass", "outlet_allowed", outlet=_OUTLET)} END
  || ',"emptying":' || CASE
      WHEN y.containment_type = ANY(rs.emptying_not_applicable)
        THEN {_rule("not_applicable", "emptying_not_applicable", type=_TYPE)}
      WHEN y.years IS NULL THEN {_rule("unknown", "emptying_unknown")}
      ELSE {_EMPTYING} END
  || ',"well":' || CASE
      WHEN y.well_distance_m IS NULL AND NOT y.well_data
        THEN {_rule("unknown", "no_well_data", min=_MIN_WELL)}
      WHEN y.well_distance_m IS NULL THEN {_rule("pass", "no_well_recorded", min=_MIN_WELL)}
      WHEN y.well_distance_m < rs.min_well_distance_m
        THEN {_rule("fail", "well_too_close", distance=_DISTANCE, min=_MIN_WELL)}
      ELSE {_rule("pass", "well_far_enough", distance=_DISTANCE, min=_MIN_WELL)} END
  || ',"volume":' || CASE
      WHEN y.effective_volume_m3 IS NULL OR y.users IS NULL
        THEN {_rule("unknown", "volume_unknown")}
      WHEN y.effective_volume_m3 < y.required THEN {_rule("fail", "volume_too_small", **_VOLUME)}
      ELSE {_rule("pass", "volume_sufficient", **_VOLUME)} END
  || '}}')::jsonb"""

_RULE_SET = f"rs AS (SELECT * FROM {ComplianceRuleSet._meta.db_table} WHERE id = %(rule_set)s)"

_ASSESS = f"""
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
-- Materialized: the outcome document is read three times below (status twice, failed
-- rules); inlined, PostgreSQL would build it each time.
outcomes AS MATERIALIZED (
  SELECT y.id, y.well_distance_m, {_OUTCOMES} AS outcomes FROM years y, rs
)
INSERT INTO containment_complianceassessment AS a
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

# Every containment of the municipality. A row whose outcome is unchanged is not written
# again (at tier M most of them; writing all took 3 s): the run's time is kept once, in a
# ComplianceRun, and a containment's time of assessment is the later of the two.
ASSESS_SQL = f"""
WITH {_RULE_SET},
facts AS ({_facts_sql("LEFT JOIN compliance_nearest_well well ON well.id = c.id")}
  WHERE c.municipality_id = %(municipality)s AND c.retired_at IS NULL),
{_ASSESS}
 WHERE (a.status, a.outcomes, a.failed_rules, a.well_distance_m)
       IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.outcomes, EXCLUDED.failed_rules,
                         EXCLUDED.well_distance_m)
"""

# One containment (after an edit, an emptying): always written, with the time.
ASSESS_ONE_SQL = f"""
WITH {_RULE_SET},
facts AS ({FACTS_SQL} WHERE c.id = %(containment)s AND c.municipality_id = %(municipality)s
          AND c.retired_at IS NULL),
{_ASSESS}"""
