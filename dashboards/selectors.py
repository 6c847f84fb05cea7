"""Read-only aggregates for the dashboards: every ward's figures in one statement, the
emptying activity by month in another, the failing rules in a third. Nothing here loops
over wards or records; Python only adds up ward rows into the municipality's total and turns
counts into shares.

Units: the JMP ladder, SFD fates and CWIS people figures count the members of the
households on record (surveyed people; decision 0011); buildings, dwellings and the
register's population come from the building register; SFD classes, compliance and
emptying figures count containments; volumes are m³.

Register figures (ladder, SFD class, compliance) describe the register as it stands, with
each containment's emptying stage, each plant's status and the rule set as they were at the
end of the year asked: the register keeps no dated snapshot of a building's facilities, and
imported records carry the import date, not the date the facility was built. Emptying,
delivery, feedback and survey figures come from the records dated in (or, for surveys and
the emptying interval, up to the end of) the chosen year, so the comparison with the
previous year moves with them.
A load counts as delivered once the treatment plant confirmed it, at the volume the plant
received (containment_sludgedelivery.status = 'confirmed'); at most one load of an emptying
is confirmed, so joining it never doubles an emptying.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from containment.choices import SfdFate
from containment.classification import (
    EMPTIED_STAGES,
    classification_params,
    emptyings_sql,
    fate_sql,
    household_fate_sql,
    household_rung_sql,
    improved_sql,
    plant_days_sql,
    plant_in_operation_sql,
    rung_sql,
    safe_individual_sql,
    sfd_class_sql,
    sfd_safe_sql,
    stage_sql,
)
from spatial.models import Municipality

from . import stored

# The JMP rungs from worst to best.
RUNGS = ("open_defecation", "unimproved", "limited", "basic", "safely_managed")
SFD_CLASSES = ("contained", "not_contained", "sewered", "unknown")
FATES = tuple(SfdFate.values)
COMPLIANCE = ("compliant", "non_compliant", "unknown", "not_assessed")
# Functional uses whose sanitation CWIS reports on its own (SF-5 schools, SF-6 health).
INSTITUTIONS = {"schools": "educational", "health_facilities": "health"}


@dataclass(frozen=True)
class Period:
    """A calendar year, cut at today while it is running."""

    year: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return min(datetime.date(self.year, 12, 31), timezone.localdate())

    @property
    def end_of_day(self) -> datetime.datetime:
        moment = datetime.datetime.combine(self.end, datetime.time.max)
        return timezone.make_aware(moment)


def default_year() -> int:
    return timezone.localdate().year


# The rule set in force at the period's end: the newest version published by then; before
# the first version was published, the first (a past year keeps the rules of its time).
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


def _classified_sql() -> str:
    """The CTEs `le` (latest emptying), `fac` (containments classified) and `hx` (households
    classified) shared by the ward figures and the per-household classes. A containment's
    rung for a private user and its fate are computed once per containment; a household
    only adds its sharing and, without a toilet, where its members go."""
    private_rung = rung_sql(
        improved="y.improved",
        shared="FALSE",
        sfd="y.sfd",
        stage="y.stage",
        containment_type="y.containment_type",
    )
    household_rung = household_rung_sql(
        "h",
        "(CASE WHEN f.rung_private IN ('basic', 'safely_managed')"
        " AND coalesce(h.toilet_shared, f.shared_facility) THEN 'limited'"
        " ELSE f.rung_private END)",
    )
    household_fate = household_fate_sql("h", "f.fate")
    return f"""
    WITH le AS (
        -- Each containment's latest emptying on record by the period's end.
        {emptyings_sql(_END, latest_per_containment=True)}
           AND r.municipality_id = %(municipality)s
         ORDER BY r.containment_id, e.emptied_on DESC, e.id DESC
    ),
    fac AS (
      SELECT y.*, {private_rung} AS rung_private, {fate_sql("y.sfd", "y.stage")} AS fate
        FROM (
        SELECT c.id, c.ward_id, c.containment_type, c.shared_facility, c.emptied_by,
               c.last_emptied_on AS surveyed_emptied_on,
               {sfd_class_sql("c", _RISK)} AS sfd, {improved_sql("c")} AS improved,
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
         WHERE c.municipality_id = %(municipality)s) y
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
               coalesce(f.on_site, FALSE) AS on_site, f.stage, f.sfd, f.improved
          FROM containment_household h
          JOIN spatial_building b ON b.id = h.building_id AND b.retired_at IS NULL
          LEFT JOIN fac f ON f.id = h.facility_id
         WHERE h.municipality_id = %(municipality)s
    )
    """


def _ward_figures_sql() -> str:
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
    safe = safe_individual_sql(rung="x.rung", sfd="x.sfd")
    return f"""
    {_classified_sql()},
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
                       OR ({sfd_class_sql("c", _RISK)} = 'sewered' AND %(sewer_treated)s)))
                 AS safe
          FROM spatial_building ib
          JOIN containment_containmentbuilding l ON l.building_id = ib.id
          JOIN containment_containment c ON c.id = l.containment_id
         WHERE ib.municipality_id = %(municipality)s AND ib.functional_use IN ({uses})
         GROUP BY l.building_id
    ),
    b AS (
        SELECT b.id, b.ward_id, b.low_income_community_id IS NOT NULL AS in_lic,
               b.functional_use,
               coalesce(b.household_count, 0) AS households,
               {_people("b", "population")} AS people,
               -- A dwelling: households live here, or nobody said otherwise.
               b.household_count IS DISTINCT FROM 0 AS dwelling,
               -- Hashed once: cheaper than a probe per building.
               b.id IN (SELECT h.building_id FROM containment_household h
                         WHERE h.municipality_id = %(municipality)s) AS households_on_record,
               sf.building_id IS NOT NULL OR b.has_toilet IS FALSE AS sanitation_known,
               coalesce(sf.safe, FALSE) AS safe_facility,
               b.id IN (SELECT s.building_id FROM surveys_submission s
                          JOIN surveys_surveycampaign k ON k.id = s.campaign_id
                         WHERE k.municipality_id = %(municipality)s AND s.status = 'approved'
                           AND s.received_at <= %(end_of_day)s) AS surveyed
          FROM spatial_building b
          LEFT JOIN safe_facility sf ON sf.building_id = b.id
         WHERE b.municipality_id = %(municipality)s AND b.retired_at IS NULL
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
         WHERE r.municipality_id = %(municipality)s
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
                               {_NO_INTERVAL} AS no_interval) r) f
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
     WHERE w.municipality_id = %(municipality)s
     ORDER BY w.number
    """


# Columns of the statement that are not additive figures.
_LABEL_COLUMNS = {"ward", "number", "name", "name_bn", "ward_id", "area_m2", "computed_at"}


def ward_figures(*, municipality: Municipality, year: int) -> list[dict]:
    """Every ward's raw figures (counts and volumes) for `year`, in ward order: one query
    while the stored figures are current (dashboards/stored.py), else computed."""
    return stored.figures(
        municipality=municipality,
        kind="ward_figures",
        year=year,
        as_of=Period(year).end,
        compute=lambda: ward_figures_computed(municipality=municipality, year=year),
    )


def ward_figures_computed(*, municipality: Municipality, year: int) -> list[dict]:
    """`ward_figures` computed from the registers: one statement."""
    period = Period(year)
    params = {
        **classification_params(municipality),
        "municipality": municipality.pk,
        "start": period.start,
        "end": period.end,
        "end_of_day": period.end_of_day,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ward_figures_sql(), params)
        names = [column.name for column in cursor.description]
        rows = []
        computed_at = timezone.now().isoformat(timespec="seconds")
        for values in cursor.fetchall():
            row: dict = {"computed_at": computed_at}
            for name, value in zip(names, values, strict=True):
                if name == "ward_id":
                    continue
                row[name] = value if name in _LABEL_COLUMNS else _number(value)
            rows.append(row)
    return rows


def household_classes(*, municipality: Municipality, year: int) -> dict[int, dict]:
    """{household id: its JMP rung (None: unknown), SFD fate, whether its toilet is a CWIS
    safe individual toilet, its emptying stage and people} at the end of `year`, by the same
    SQL as the ward figures. One statement."""
    period = Period(year)
    params = {
        **classification_params(municipality),
        "municipality": municipality.pk,
        "end": period.end,
        "end_of_day": period.end_of_day,
    }
    sql = f"""{_classified_sql()}
        SELECT x.id, x.rung, x.fate, {safe_individual_sql(rung="x.rung", sfd="x.sfd")},
               x.stage, x.people FROM hx x"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            row[0]: {
                "rung": row[1],
                "fate": row[2],
                "safe_individual": bool(row[3]),
                "stage": row[4],
                "people": row[5],
            }
            for row in cursor.fetchall()
        }


def _number(value):
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return float(value)


def total_figures(rows: list[dict]) -> dict:
    """The municipality's figures: every additive column summed over the wards."""
    total: dict = {"ward": None, "number": None, "name": "", "name_bn": ""}
    for row in rows:
        for key, value in row.items():
            if key in _LABEL_COLUMNS:
                continue
            total[key] = total.get(key, 0) + value
    total["area_m2"] = sum(row["area_m2"] or 0 for row in rows)
    # When the figures were computed (the same for every ward: one statement).
    total["computed_at"] = rows[0].get("computed_at") if rows else None
    return total


def emptying_by_month(*, municipality: Municipality, year: int) -> list[dict]:
    """Per ward and month of `year`: requests received, containments emptied, deliveries to
    a plant, and the volumes. Only months with activity appear. One query while the stored
    figures are current."""
    return stored.figures(
        municipality=municipality,
        kind="emptying_by_month",
        year=year,
        as_of=Period(year).end,
        compute=lambda: emptying_by_month_computed(municipality=municipality, year=year),
    )


def emptying_by_month_computed(*, municipality: Municipality, year: int) -> list[dict]:
    """`emptying_by_month` computed from the registers: one statement."""
    period = Period(year)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH received AS (
                SELECT c.ward_id, extract(month FROM r.requested_at AT TIME ZONE %(tz)s)::int
                         AS month, count(*) AS requests
                  FROM containment_emptyingrequest r
                  JOIN containment_containment c ON c.id = r.containment_id
                 WHERE r.municipality_id = %(municipality)s
                   AND r.requested_at >= %(start)s AND r.requested_at <= %(end_of_day)s
                 GROUP BY 1, 2),
            done AS (
                SELECT c.ward_id, extract(month FROM e.emptied_on)::int AS month,
                       count(*) AS emptied, count(d.id) AS delivered,
                       sum(e.volume_m3) AS volume_emptied,
                       coalesce(sum(d.volume_received_m3), 0) AS volume_delivered
                  FROM containment_emptyingrequest r
                  JOIN containment_emptying e ON e.request_id = r.id
                  JOIN containment_containment c ON c.id = r.containment_id
                  LEFT JOIN containment_sludgedelivery d
                    ON d.emptying_id = e.id AND d.status = 'confirmed'
                 WHERE r.municipality_id = %(municipality)s
                   AND e.emptied_on BETWEEN %(start)s AND %(end)s
                 GROUP BY 1, 2)
            SELECT coalesce(a.ward_id, b.ward_id), coalesce(a.month, b.month),
                   coalesce(a.requests, 0), coalesce(b.emptied, 0), coalesce(b.delivered, 0),
                   coalesce(b.volume_emptied, 0), coalesce(b.volume_delivered, 0)
              FROM received a FULL JOIN done b
                ON a.ward_id IS NOT DISTINCT FROM b.ward_id AND a.month = b.month
             ORDER BY 2, 1
            """,
            {
                "municipality": municipality.pk,
                "start": period.start,
                "end": period.end,
                "end_of_day": period.end_of_day,
                "tz": settings.TIME_ZONE,
            },
        )
        keys = ("ward", "month", "requests", "emptied", "delivered", "volume_emptied",
                "volume_delivered")  # fmt: skip
        rows = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for key in keys[1:]:
            row[key] = _number(row[key])
    return rows


def failing_rules_by_ward(*, municipality: Municipality) -> dict[int | None, dict[str, int]]:
    """{ward id: {rule: containments failing it}} under the newest rule set. One query while
    the stored figures are current."""
    rows = stored.figures(
        municipality=municipality,
        kind="failing_rules",
        year=0,
        as_of=None,
        compute=lambda: failing_rules_computed(municipality=municipality),
    )
    result: dict[int | None, dict[str, int]] = {}
    for ward_id, rule, count in rows:
        result.setdefault(ward_id, {})[rule] = count
    return result


def failing_rules_computed(*, municipality: Municipality) -> list[tuple[int | None, str, int]]:
    """(ward, rule, containments failing it) under the newest rule set: one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.ward_id, f.rule, count(*)
              FROM containment_complianceassessment a
              JOIN containment_containment c ON c.id = a.containment_id
              CROSS JOIN unnest(a.failed_rules) AS f(rule)
             WHERE a.rule_set_id = (SELECT r.id FROM containment_complianceruleset r
                     WHERE r.municipality_id = %(municipality)s ORDER BY r.version DESC LIMIT 1)
               AND a.status = 'non_compliant'
             GROUP BY 1, 2
            """,
            {"municipality": municipality.pk},
        )
        return [tuple(row) for row in cursor.fetchall()]


def fsm_service_figures(*, municipality: Municipality, years: list[int]) -> list[dict]:
    """Desludging service figures per year, overall (provider None) and per service
    provider: requests received, requests of that year emptied, emptyings, deliveries,
    feedback, satisfied customers, PPE worn, emptyings at LIC buildings, median days from
    request to emptying, volume emptied. One query."""
    periods = [Period(year) for year in years]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH years AS (
                SELECT * FROM unnest(%(years)s::int[], %(starts)s::date[], %(ends)s::date[],
                                     %(end_days)s::timestamptz[]) AS y(year, start, finish, eod)),
            received AS (
                SELECT y.year, r.provider_id, GROUPING(r.provider_id) AS overall,
                       count(*) AS requests,
                       count(*) FILTER (WHERE r.emptied_at IS NOT NULL) AS requests_emptied
                  FROM containment_emptyingrequest r
                  JOIN years y ON r.requested_at >= y.start AND r.requested_at <= y.eod
                 WHERE r.municipality_id = %(municipality)s
                 GROUP BY GROUPING SETS ((y.year), (y.year, r.provider_id))),
            served AS (
                SELECT y.year, r.provider_id, GROUPING(r.provider_id) AS overall,
                       count(*) AS emptyings,
                       count(d.id) AS delivered,
                       count(f.id) AS feedback,
                       count(*) FILTER (WHERE f.service_quality >= 4) AS satisfied,
                       count(*) FILTER (WHERE f.ppe_worn) AS ppe_worn,
                       count(*) FILTER (WHERE lic.in_lic) AS lic_emptyings,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY
                           e.emptied_on - (r.requested_at AT TIME ZONE %(tz)s)::date)
                         AS median_response_days,
                       coalesce(sum(e.volume_m3), 0) AS volume_emptied,
                       coalesce(sum(d.volume_received_m3), 0) AS volume_delivered
                  FROM containment_emptyingrequest r
                  JOIN containment_emptying e ON e.request_id = r.id
                  JOIN years y ON e.emptied_on BETWEEN y.start AND y.finish
                  LEFT JOIN containment_sludgedelivery d
                    ON d.emptying_id = e.id AND d.status = 'confirmed'
                  LEFT JOIN containment_servicefeedback f ON f.request_id = r.id
                  LEFT JOIN LATERAL (
                      SELECT b.low_income_community_id IS NOT NULL AS in_lic
                        FROM containment_containmentbuilding l
                        JOIN spatial_building b ON b.id = l.building_id
                       WHERE l.containment_id = r.containment_id AND l.is_responsible) lic
                    ON TRUE
                 WHERE r.municipality_id = %(municipality)s
                 GROUP BY GROUPING SETS ((y.year), (y.year, r.provider_id)))
            SELECT y.year, p.id, p.name,
                   coalesce(a.requests, 0), coalesce(a.requests_emptied, 0),
                   coalesce(s.emptyings, 0), coalesce(s.delivered, 0),
                   coalesce(s.feedback, 0), coalesce(s.satisfied, 0), coalesce(s.ppe_worn, 0),
                   coalesce(s.lic_emptyings, 0), s.median_response_days,
                   coalesce(s.volume_emptied, 0), coalesce(s.volume_delivered, 0)
              FROM years y
              CROSS JOIN (SELECT NULL::bigint AS id, NULL::text AS name
                          UNION ALL
                          SELECT sp.id, sp.name FROM containment_serviceprovider sp
                           WHERE sp.municipality_id = %(municipality)s) p
              -- The overall row is the grouping set without the provider (GROUPING = 1);
              -- requests no provider has taken yet count there only.
              LEFT JOIN received a ON a.year = y.year
                AND (CASE WHEN p.id IS NULL THEN a.overall = 1 ELSE a.provider_id = p.id END)
              LEFT JOIN served s ON s.year = y.year
                AND (CASE WHEN p.id IS NULL THEN s.overall = 1 ELSE s.provider_id = p.id END)
             ORDER BY y.year, p.id NULLS FIRST
            """,
            {
                "municipality": municipality.pk,
                "years": [p.year for p in periods],
                "starts": [p.start for p in periods],
                "ends": [p.end for p in periods],
                "end_days": [p.end_of_day for p in periods],
                "tz": settings.TIME_ZONE,
            },
        )
        keys = ("year", "provider", "provider_name", "requests", "requests_emptied",
                "emptyings", "delivered", "feedback", "satisfied", "ppe_worn", "lic_emptyings",
                "median_response_days", "volume_emptied", "volume_delivered")  # fmt: skip
        rows = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for key in ("volume_emptied", "volume_delivered"):
            row[key] = float(row[key])
    return rows


def treatment_capacity(*, municipality: Municipality, years: list[int]) -> dict[int, float]:
    """{year: m³ the municipality's plants could treat in that calendar year}: each plant's
    daily capacity times the days of the year it was in operation by its dated status
    (opened_on, closed_on; a plant out of operation with no closing date counts none).
    One query."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT y.year, coalesce(sum(p.capacity_m3_per_day * greatest(0,
                       least(coalesce(p.closed_on,
                                      CASE WHEN p.is_active THEN y.after END), y.after)
                       - greatest(coalesce(p.opened_on, y.first), y.first))), 0)
              FROM unnest(%(years)s::int[]) AS y0(year)
             CROSS JOIN LATERAL (SELECT y0.year, make_date(y0.year, 1, 1) AS first,
                                        make_date(y0.year + 1, 1, 1) AS after) y
              LEFT JOIN containment_treatmentplant p ON p.municipality_id = %(municipality)s
             GROUP BY y.year
            """,
            {"municipality": municipality.pk, "years": years},
        )
        return {year: float(capacity) for year, capacity in cursor.fetchall()}


def publishing_municipalities() -> list[Municipality]:
    return list(Municipality.objects.filter(publishes_dashboard=True).order_by("name"))


def publishing_municipality_get(*, code: str) -> Municipality:
    """Raises Municipality.DoesNotExist unless the municipality publishes its figures."""
    return Municipality.objects.get(code=code, publishes_dashboard=True)
