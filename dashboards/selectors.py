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

from containment.classification import (
    classification_params,
    safe_individual_sql,
)
from spatial.models import Municipality

from . import coverage_sql, figures_sql, stored


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
        recompute_wards=lambda wards, rows: _wards_merged(
            rows, ward_figures_computed(municipality=municipality, year=year, wards=wards)
        ),
    )


def _wards_merged(rows: list[dict], recomputed: list[dict]) -> list[dict]:
    """Stored ward rows with some wards' rows recomputed, in ward order, all stamped with the
    moment of the merge (the other wards' figures are still current then)."""
    done = {row["ward"] for row in recomputed}
    merged = sorted(
        [row for row in rows if row["ward"] not in done] + recomputed,
        key=lambda row: row["number"],
    )
    now = recomputed[0]["computed_at"] if recomputed else _now()
    return [{**row, "computed_at": now} for row in merged]


def _now() -> str:
    return timezone.now().isoformat(timespec="seconds")


def ward_figures_computed(
    *,
    municipality: Municipality,
    year: int,
    wards: list[int] | None = None,
    area: bytes | None = None,
) -> list[dict]:
    """`ward_figures` computed from the registers: one statement; `wards`: those wards'
    rows alone. With `area` (EWKB), what lies in it (dashboards/areas.py), within `wards`
    unless None."""
    period = Period(year)
    within = coverage_sql.WHOLE if wards is None else coverage_sql.WARDS
    if area is not None:
        within = coverage_sql.IN_AREA
    params = {
        **classification_params(municipality),
        "municipality": municipality.pk,
        "start": period.start,
        "end": period.end,
        "end_of_day": period.end_of_day,
        "wards": wards,
        "area": area,
    }
    with connection.cursor() as cursor:
        if area is not None:
            cursor.execute(coverage_sql.AREA_CONTAINMENTS_SQL, params)
            params["containment_ids"] = [row[0] for row in cursor.fetchall()]
        cursor.execute(figures_sql.ward_figures_sql(within), params)
        names = [column.name for column in cursor.description]
        rows = []
        computed_at = _now()
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
    safe = safe_individual_sql(rung="x.rung", sfd="x.sfd", treated="x.sewer_treated")
    sql = f"""{figures_sql.classified_sql()}
        SELECT x.id, x.rung, x.fate, {safe},
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
               AND c.retired_at IS NULL
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
