"""The SQL of the dashboards' figures: every ward's figures in one statement (the JMP
ladder, SFD fates and CWIS people figures through the households on record, SFD classes,
compliance and emptying through the containments; decision 0011), with the rule set, the
emptying interval and the groundwater risk in force at the end of the year asked. The
dashboards' selectors (selectors.py) run it and store what it gives (stored.py)."""

from __future__ import annotations

from containment.choices import SfdFate
from containment.classification import (
    EMPTIED_STAGES,
    emptyings_sql,
    fate_sql,
    household_fate_sql,
    household_rung_sql,
    improved_sql,
    plant_days_sql,
    plant_in_operation_sql,
    rung_sql,
    safe_individual_sql,
    sewer_treated_sql,
    sfd_class_sql,
    sfd_safe_sql,
    stage_sql,
)

from .coverage_sql import (
    IN_AREA,
    WARDS,
    WHOLE,
    fac_within,
    on_record,
    requests_within,
    surveyed_sql,
    ward_rows,
    within_sql,
)

# The JMP rungs from worst to best.
RUNGS = ("open_defecation", "unimproved", "limited", "basic", "safely_managed")
SFD_CLASSES = ("contained", "not_contained", "sewered", "unknown")
FATES = tuple(SfdFate.values)
COMPLIANCE = ("compliant", "non_compliant", "unknown", "not_assessed")
# Functional uses whose sanitation CWIS reports on its own (SF-5 schools, SF-6 health).
INSTITUTIONS = {"schools": "educational", "health_facilities": "health"}


RULE_SET_IN_FORCE = """(SELECT r.id FROM containment_complianceruleset r
     WHERE r.municipality_id = %(municipality)s
     ORDER BY r.created_at <= %(end_of_day)s DESC,
              CASE WHEN r.created_at <= %(end_of_day)s THEN -r.version ELSE r.version END
     LIMIT 1)"""
# Its emptying interval in days (the domain default of 3 years before any).
_EMPTYING_INTERVAL = f"""make_interval(days => round(365.25 * coalesce((
    SELECT r.max_years_since_emptying FROM containment_complianceruleset r
     WHERE r.id = {RULE_SET_IN_FORCE}), 3))::int)"""

_END = "%(end)s::date"
# Groundwater-risk zones of the rule set in force: its wards, looked up once per statement.
_RISK = f"""(%(pits_groundwater_risk)s OR c.ward_id = ANY(coalesce((
    SELECT array_agg(w.id) FROM containment_complianceruleset r
      JOIN spatial_ward w ON w.municipality_id = r.municipality_id
     WHERE r.id = {RULE_SET_IN_FORCE} AND w.number = ANY(r.groundwater_risk_wards)),
    '{{}}')))"""
# Containment types the rule set in force gives no emptying interval (single pits closed
# when full, twin pits): outside "due", "overdue" and "desludged recently".
_NO_INTERVAL = f"""coalesce((SELECT r.emptying_not_applicable FROM containment_complianceruleset r
     WHERE r.id = {RULE_SET_IN_FORCE}), '{{}}')"""


def _people(alias: str, prefix: str = "people") -> str:
    return (
        f"coalesce({alias}.{prefix}_male, 0) + coalesce({alias}.{prefix}_female, 0)"
        f" + coalesce({alias}.{prefix}_other, 0)"
    )


def classified_sql(within: str | None = WHOLE) -> str:
    """The CTEs `le` (latest emptying), `fac` (containments classified) and `hx` (households
    classified) shared by the ward figures and the per-household classes. A containment's
    rung for a private user and its fate are computed once per containment; a household
    only adds its sharing and, without a toilet, where its members go. `within` (see
    _within): only the households covered and the containments covered or used by them."""
    private_rung = rung_sql(
        improved="y.improved",
        shared="FALSE",
        sfd="y.sfd",
        stage="y.stage",
        containment_type="y.containment_type",
        treated="y.sewer_treated",
    )
    household_rung = household_rung_sql(
        "h",
        "(CASE WHEN f.rung_private IN ('basic', 'safely_managed')"
        " AND coalesce(h.toilet_shared, f.shared_facility) THEN 'limited'"
        " ELSE f.rung_private END)",
        # Members who go to a public or community toilet: limited if it is improved.
        "(CASE pf.improved WHEN TRUE THEN 'limited' WHEN FALSE THEN 'unimproved' END)",
    )
    household_fate = household_fate_sql("h", "f.fate", "pf.fate")
    private_fate = fate_sql("y.sfd", "y.stage", "y.sewer_treated")
    if within == IN_AREA:
        # Looked up first (AREA_CONTAINMENTS_SQL): bound as a list, the planner knows how
        # many there are, and fetches them by their key.
        fac_wards = " AND c.id = ANY(%(containment_ids)s::bigint[])"
    elif within == WARDS:
        fac_wards = f""" AND (TRUE{within_sql("c", within)} OR c.id IN (
               SELECT h.facility_id FROM containment_household h
                 JOIN spatial_building hb ON hb.id = h.building_id
                WHERE h.municipality_id = %(municipality)s{within_sql("hb", within)})
             OR c.id IN (
               SELECT pt.containment_id FROM containment_household h
                 JOIN containment_publictoilet pt ON pt.id = h.public_toilet_id
                 JOIN spatial_building hb ON hb.id = h.building_id
                WHERE h.municipality_id = %(municipality)s{within_sql("hb", within)}))"""
    else:
        fac_wards = ""
    return f"""
    WITH le AS (
        -- Each containment's latest emptying on record by the period's end.
        {emptyings_sql(_END, latest_per_containment=True)}
           AND r.municipality_id = %(municipality)s{requests_within(within)}
         ORDER BY r.containment_id, e.emptied_on DESC, e.id DESC
    ),
    fac AS (
      SELECT y.*, {private_rung} AS rung_private, {private_fate} AS fate
        FROM (
        SELECT c.id, c.ward_id, c.containment_type, c.shared_facility, c.emptied_by,
               c.last_emptied_on AS surveyed_emptied_on,
               {sfd_class_sql("c", _RISK)} AS sfd, {improved_sql("c")} AS improved,
               {sewer_treated_sql("c")} AS sewer_treated,
               {stage_sql("c", "le", _END, plant_days_sql("%(municipality)s"))} AS stage,
               c.containment_type <> 'none' AND c.outlet IS DISTINCT FROM 'sewer' AS on_site,
               -- Emptied last (by the records, or as surveyed) by the period's end.
               greatest(le.emptied_on, CASE WHEN c.last_emptied_on <= {_END}
                                            THEN c.last_emptied_on END) AS emptied_last,
               CASE WHEN c.construction_year <= extract(year FROM {_END})
                    THEN make_date(c.construction_year, 1, 1) END AS built,
               -- Joined, not a subquery per containment (that cost a third of the time).
               CASE WHEN rb.id IS NOT NULL
                    THEN rb.low_income_community_id IS NOT NULL END AS in_lic
          FROM containment_containment c
          LEFT JOIN le ON le.containment_id = c.id
          LEFT JOIN containment_containmentbuilding rl
                 ON rl.containment_id = c.id AND rl.is_responsible
          LEFT JOIN spatial_building rb ON rb.id = rl.building_id
         WHERE c.municipality_id = %(municipality)s AND c.retired_at IS NULL{fac_wards}) y
    ),
    hx AS MATERIALIZED (
        -- Each household of a standing building, classified through the toilet it uses.
        -- Materialized: the ward figures filter on its rung and fate some forty times;
        -- inlined, PostgreSQL would evaluate the classification again for each.
        SELECT h.id, h.building_id, b.ward_id,
               b.low_income_community_id IS NOT NULL AS in_lic,
               {_people("h")} AS people,
               {household_rung} AS rung,
               {household_fate} AS fate,
               coalesce(f.on_site, FALSE) AS on_site, f.stage, f.sfd, f.improved,
               f.sewer_treated
          FROM containment_household h
          JOIN spatial_building b ON b.id = h.building_id AND b.retired_at IS NULL
          LEFT JOIN fac f ON f.id = h.facility_id
          LEFT JOIN containment_publictoilet pt
                 ON pt.id = h.public_toilet_id AND pt.retired_at IS NULL
          LEFT JOIN fac pf ON pf.id = pt.containment_id
         WHERE h.municipality_id = %(municipality)s{within_sql("b", within)}
    )
    """


def ward_figures_sql(within: str | None = WHOLE) -> str:
    """Every ward's figures, or with `within` (see _within) those of what it covers: with
    WARDS, each ward's row is the same either way (a household counts in its building's
    ward, a containment in its own); with IN_AREA, each ward's row counts what lies in the
    area."""
    rung_columns = ",\n".join(
        f"count(*) FILTER (WHERE x.rung = '{name}') AS households_{name},"
        f" coalesce(sum(x.people) FILTER (WHERE x.rung = '{name}'), 0) AS people_{name}"
        for name in RUNGS
    )
    fate_columns = ",\n".join(
        f"coalesce(sum(x.people) FILTER (WHERE x.fate = '{name}'), 0) AS fate_{name}"
        for name in FATES
    )
    sfd_columns = ",\n".join(
        f"count(*) FILTER (WHERE f.sfd = '{name}') AS sfd_{name}" for name in SFD_CLASSES
    )
    institution_columns = ",\n".join(
        f"count(*) FILTER (WHERE b.functional_use = '{use}' AND b.sanitation_known)"
        f" AS {name}_known,"
        f" count(*) FILTER (WHERE b.functional_use = '{use}' AND b.safe_facility) AS {name}_safe"
        for name, use in INSTITUTIONS.items()
    )
    uses = ", ".join(f"'{use}'" for use in INSTITUTIONS.values())
    emptied = "f.emptied_last IS NOT NULL"
    interval = "f.interval_applies"
    recent = "f.emptied_last >= f.cutoff"
    # Not yet due: built within the interval and never emptied since.
    due = f"{interval} AND NOT (f.emptied_last IS NULL AND f.built >= f.cutoff)"
    safe = safe_individual_sql(rung="x.rung", sfd="x.sfd", treated="x.sewer_treated")
    return f"""
    {classified_sql(within)},
    households AS (
        SELECT x.ward_id,
               count(*) AS households_surveyed,
               coalesce(sum(x.people), 0) AS people_surveyed,
               coalesce(sum(x.people) FILTER (WHERE x.in_lic), 0) AS lic_people_surveyed,
               count(*) FILTER (WHERE x.rung IS NULL) AS households_rung_unknown,
               coalesce(sum(x.people) FILTER (WHERE x.rung IS NULL), 0) AS people_rung_unknown,
               {rung_columns},
               {fate_columns},
               coalesce(sum(x.people) FILTER (WHERE {safe}), 0) AS people_safe_individual,
               coalesce(sum(x.people) FILTER (WHERE x.in_lic AND {safe}), 0)
                 AS lic_people_safe_individual,
               coalesce(sum(x.people) FILTER (WHERE {sfd_safe_sql("x.fate")}), 0)
                 AS people_sfd_safe,
               coalesce(sum(x.people) FILTER (WHERE x.on_site), 0) AS people_on_site,
               coalesce(sum(x.people) FILTER (WHERE x.on_site
                 AND x.stage IN ({", ".join(f"'{s}'" for s in EMPTIED_STAGES)})), 0)
                 AS people_emptied,
               coalesce(sum(x.people) FILTER (WHERE x.on_site
                 AND x.stage IN ('delivered', 'treated')), 0) AS people_delivered,
               coalesce(sum(x.people) FILTER (WHERE x.on_site AND x.stage = 'treated'), 0)
                 AS people_treated,
               coalesce(sum(x.people) FILTER (WHERE x.improved AND x.sfd = 'not_contained'), 0)
                 AS people_improved_not_contained
          FROM hx x GROUP BY x.ward_id
    ),
    safe_facility AS (
        -- Schools and health facilities with a toilet that is improved and contained (or
        -- sewered to treatment): CWIS SF-5 and SF-6. Classified here, a few thousand rows.
        SELECT l.building_id,
               bool_or({improved_sql("c")} AND ({sfd_class_sql("c", _RISK)} = 'contained'
                       OR ({sfd_class_sql("c", _RISK)} = 'sewered'
                           AND {sewer_treated_sql("c")})))
                 AS safe
          FROM spatial_building ib
          JOIN containment_containmentbuilding l ON l.building_id = ib.id
          JOIN containment_containment c ON c.id = l.containment_id AND c.retired_at IS NULL
         WHERE ib.municipality_id = %(municipality)s AND ib.functional_use IN ({uses})
               {within_sql("ib", within)}
         GROUP BY l.building_id
    ),
    b AS (
        SELECT b.id, b.ward_id, b.low_income_community_id IS NOT NULL AS in_lic,
               b.functional_use,
               coalesce(b.household_count, 0) AS households,
               {_people("b", "population")} AS people,
               -- A dwelling: households live here, or nobody said otherwise.
               b.household_count IS DISTINCT FROM 0 AS dwelling,
               {on_record(within)} AS households_on_record,
               sf.building_id IS NOT NULL OR b.has_toilet IS FALSE AS sanitation_known,
               coalesce(sf.safe, FALSE) AS safe_facility,
               {surveyed_sql(within)} AS surveyed
          FROM spatial_building b
          LEFT JOIN safe_facility sf ON sf.building_id = b.id
         WHERE b.municipality_id = %(municipality)s AND b.retired_at IS NULL
               {within_sql("b", within)}
    ),
    buildings AS (
        SELECT b.ward_id,
               count(*) AS buildings,
               sum(b.households) AS households,
               sum(b.people) AS people,
               count(*) FILTER (WHERE b.in_lic) AS lic_buildings,
               coalesce(sum(b.people) FILTER (WHERE b.in_lic), 0) AS lic_people,
               count(*) FILTER (WHERE b.surveyed) AS surveyed,
               count(*) FILTER (WHERE b.dwelling) AS dwellings,
               count(*) FILTER (WHERE b.dwelling AND b.households_on_record)
                 AS dwellings_surveyed,
               {institution_columns}
          FROM b GROUP BY b.ward_id
    ),
    emptied AS (
        SELECT r.containment_id,
               count(*) AS emptyings,
               count(d.id) AS delivered,
               sum(e.volume_m3) AS volume_emptied,
               coalesce(sum(d.volume_received_m3), 0) AS volume_delivered,
               coalesce(sum(d.volume_received_m3)
                        FILTER (WHERE {plant_in_operation_sql("p", "e.emptied_on")}), 0)
                 AS volume_treated
          FROM containment_emptyingrequest r
          JOIN containment_emptying e ON e.request_id = r.id
          LEFT JOIN containment_sludgedelivery d
                    ON d.emptying_id = e.id AND d.status = 'confirmed'
          LEFT JOIN containment_treatmentplant p ON p.id = d.plant_id
         WHERE r.municipality_id = %(municipality)s{requests_within(within)}
           AND e.emptied_on BETWEEN %(start)s AND {_END}
         GROUP BY r.containment_id
    ),
    containments AS (
        SELECT f.ward_id,
               count(*) AS containments,
               {sfd_columns},
               count(*) FILTER (WHERE f.improved AND f.sfd = 'not_contained')
                 AS improved_not_contained,
               count(*) FILTER (WHERE f.on_site) AS on_site,
               count(*) FILTER (WHERE f.on_site AND f.in_lic) AS lic_on_site,
               count(*) FILTER (WHERE {interval} AND coalesce(f.emptied_last, f.built) < f.cutoff)
                 AS overdue,
               count(*) FILTER (WHERE {due}) AS emptying_due,
               count(*) FILTER (WHERE {due} AND f.in_lic) AS lic_emptying_due,
               count(*) FILTER (WHERE {interval} AND {emptied} AND {recent})
                 AS desludged_recently,
               count(*) FILTER (WHERE {interval} AND f.in_lic AND {emptied} AND {recent})
                 AS lic_desludged_recently,
               count(e.containment_id) AS emptied,
               -- Emptied in the year as surveyed, with no emptying on record then: how
               -- (CWIS SF-7; every emptying on record is by vehicle).
               count(*) FILTER (WHERE e.containment_id IS NULL
                 AND f.surveyed_emptied_on BETWEEN %(start)s AND {_END}
                 AND f.emptied_by = 'manual') AS surveyed_manual_emptyings,
               count(*) FILTER (WHERE e.containment_id IS NULL
                 AND f.surveyed_emptied_on BETWEEN %(start)s AND {_END}
                 AND f.emptied_by = 'mechanical') AS surveyed_mechanical_emptyings,
               coalesce(sum(e.emptyings), 0)::bigint AS emptyings,
               coalesce(sum(e.delivered), 0)::bigint AS deliveries,
               coalesce(sum(e.volume_emptied), 0) AS volume_emptied,
               coalesce(sum(e.volume_delivered), 0) AS volume_delivered,
               coalesce(sum(e.volume_treated), 0) AS volume_treated,
               coalesce(sum(e.volume_emptied) FILTER (WHERE f.in_lic), 0) AS lic_volume_emptied,
               coalesce(sum(e.volume_delivered) FILTER (WHERE f.in_lic), 0)
                 AS lic_volume_delivered,
               count(a.id) FILTER (WHERE a.status = 'compliant') AS compliant,
               count(a.id) FILTER (WHERE a.status = 'non_compliant') AS non_compliant,
               count(a.id) FILTER (WHERE a.status = 'unknown') AS compliance_unknown,
               count(*) FILTER (WHERE a.id IS NULL) AS not_assessed
          FROM (SELECT f.*, r.cutoff,
                       f.on_site AND NOT (f.containment_type = ANY(r.no_interval))
                         AS interval_applies
                  FROM fac f,
                       -- The rule set in force: the day before which an emptying is overdue,
                       -- and the types it gives no emptying interval. Once per statement.
                       (SELECT ({_END} - {_EMPTYING_INTERVAL})::date AS cutoff,
                               {_NO_INTERVAL} AS no_interval) r
                 WHERE TRUE{fac_within(within)}) f
          LEFT JOIN emptied e ON e.containment_id = f.id
          LEFT JOIN containment_complianceassessment a ON a.containment_id = f.id
           AND a.rule_set_id = {RULE_SET_IN_FORCE}
         GROUP BY f.ward_id
    )
    SELECT w.id AS ward, w.number, w.name, w.name_bn, w.area_m2,
           bl.*, hh.*, ct.*
      FROM spatial_ward w
      LEFT JOIN buildings bl ON bl.ward_id = w.id
      LEFT JOIN households hh ON hh.ward_id = w.id
      LEFT JOIN containments ct ON ct.ward_id = w.id
     WHERE w.municipality_id = %(municipality)s{ward_rows(within)}
     ORDER BY w.number
    """


# Columns of the statement that are not additive figures.
