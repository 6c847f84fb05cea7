"""Data quality of the registers, per ward, where the GIS officer fixes it (issue 22):
how complete the key attributes are (shares with counts) and topology checks computed by
PostGIS, each a list of records that opens them in the map editor. The definitions are
stated on the page and in docs/guide/gis-officer.md; the shares are kept day by day
(`QualitySnapshot`) so that a campaign's effect shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spatial.models import Municipality, Ward
from spatial.selectors import OVERLAP_MIN_M2, editing_scope

from .models import QualitySnapshot

# The wards asked for: every ward of the municipality (NULL), or these.
_WARDS = "(%(wards)s::bigint[] IS NULL OR {column} = ANY(%(wards)s::bigint[]))"


@dataclass(frozen=True)
class Completeness:
    code: str
    label: Promise
    register: str  # "buildings" or "containments": what the share is of
    known: str  # SQL over `b` (a standing building) or `c` (a standing containment)


COMPLETENESS = (
    Completeness("holding_number", _("Holding number"), "buildings", "b.holding_number <> ''"),
    Completeness("functional_use", _("Use"), "buildings", "b.functional_use <> ''"),
    Completeness("households", _("Households"), "buildings", "b.household_count IS NOT NULL"),
    Completeness(
        "population",
        _("Population"),
        "buildings",
        "coalesce(b.population_male, b.population_female, b.population_other) IS NOT NULL",
    ),
    Completeness(
        "containment_type", _("Containment type"), "containments", "c.containment_type <> ''"
    ),
    Completeness("outlet", _("Outlet"), "containments", "c.outlet NOT IN ('', 'dont_know')"),
    Completeness(
        "emptying_history",
        _("Emptying history"),
        "containments",
        "c.ever_emptied IS NOT NULL OR EXISTS (SELECT 1 FROM containment_emptyingrequest q"
        " JOIN containment_emptying e ON e.request_id = q.id WHERE q.containment_id = c.id)",
    ),
)


@dataclass(frozen=True)
class Check:
    code: str
    label: Promise
    definition: Promise
    register: str  # the register whose records the list opens
    # SELECT id, ward_id, label, lon, lat, detail: the records failing the check.
    sql: str


def _building_rows(where: str, detail: str = "NULL::text") -> str:
    return f"""
        SELECT b.id, b.ward_id, b.bin AS label,
               ST_X(ST_PointOnSurface(b.geom)) AS lon, ST_Y(ST_PointOnSurface(b.geom)) AS lat,
               {detail} AS detail
          FROM spatial_building b
         WHERE b.municipality_id = %(municipality)s AND b.retired_at IS NULL
           AND {_WARDS.format(column="b.ward_id")} AND {where}"""


def _crossed_by_segments(table: str, lines: str, detail: str, order: str) -> str:
    """Standing buildings whose interior a line of `table` (aliased r) runs through, matched
    segment by segment: a long road's or a ward boundary's box covers thousands of
    footprints, a segment's a handful (the road check: 21 s against 1.2 s at tier M)."""
    return f"""
        SELECT DISTINCT ON (b.id) b.id, b.ward_id, b.bin AS label,
               ST_X(ST_PointOnSurface(b.geom)) AS lon, ST_Y(ST_PointOnSurface(b.geom)) AS lat,
               {detail} AS detail
          FROM {table}
         CROSS JOIN LATERAL ST_DumpSegments({lines}) s
          JOIN spatial_building b ON b.geom && s.geom AND b.municipality_id = r.municipality_id
         WHERE r.municipality_id = %(municipality)s AND b.retired_at IS NULL
           AND {_WARDS.format(column="b.ward_id")}
           AND ST_Relate(b.geom, s.geom, 'T********')
         ORDER BY b.id, {order}"""


CHECKS = (
    Check(
        "overlapping_footprints",
        _("Footprints overlapping another"),
        _("Standing buildings whose footprint overlaps another's by more than %(overlap)s m²."),
        "buildings",
        f"""
        SELECT DISTINCT ON (b.id) b.id, b.ward_id, b.bin AS label,
               ST_X(ST_PointOnSurface(b.geom)) AS lon, ST_Y(ST_PointOnSurface(b.geom)) AS lat,
               o.bin || ' (' || round(ST_Area(ST_Intersection(o.geom, b.geom)::geography)
                                      ::numeric, 1) || ' m²)' AS detail
          FROM spatial_building b
          JOIN spatial_building o
            ON o.geom && b.geom AND o.municipality_id = b.municipality_id AND o.id <> b.id
           AND o.retired_at IS NULL AND ST_Relate(o.geom, b.geom, '2********')
           AND ST_Area(ST_Intersection(o.geom, b.geom)::geography) > {OVERLAP_MIN_M2}
         WHERE b.municipality_id = %(municipality)s AND b.retired_at IS NULL
           AND {_WARDS.format(column="b.ward_id")}
         ORDER BY b.id, o.id""",
    ),
    Check(
        "footprint_crosses_road",
        _("Footprints crossing a road"),
        _("Standing buildings whose footprint a road's centreline runs through."),
        "buildings",
        _crossed_by_segments(
            "spatial_road r", "r.geom", "coalesce(nullif(r.name, ''), r.code)", "r.id"
        ),
    ),
    Check(
        "footprint_crosses_ward_boundary",
        _("Footprints across a ward boundary"),
        _("Standing buildings lying partly in one ward and partly in another."),
        "buildings",
        _crossed_by_segments("spatial_ward r", "ST_Boundary(r.geom)", "NULL::text", "r.id"),
    ),
    Check(
        "building_without_containment",
        _("Buildings without a containment"),
        _(
            "Standing buildings with a toilet (or not said) that no standing containment serves"
            " and whose households are not recorded using one elsewhere."
        ),
        "buildings",
        _building_rows(
            "b.has_toilet IS DISTINCT FROM FALSE"
            " AND NOT EXISTS (SELECT 1 FROM containment_containmentbuilding l"
            "   JOIN containment_containment c ON c.id = l.containment_id"
            "  WHERE l.building_id = b.id AND c.retired_at IS NULL)"
            " AND NOT EXISTS (SELECT 1 FROM containment_household h"
            "  WHERE h.building_id = b.id AND h.facility_id IS NOT NULL)"
        ),
    ),
    Check(
        "duplicate_holding_number",
        _("Duplicate holding numbers"),
        _(
            "Standing main buildings (not an annex of another) sharing their holding number"
            " with another main building."
        ),
        "buildings",
        _building_rows(
            "b.holding_number <> '' AND b.main_building_id IS NULL"
            " AND EXISTS (SELECT 1 FROM spatial_building o"
            "  WHERE o.municipality_id = b.municipality_id"
            "    AND o.holding_number = b.holding_number AND o.id <> b.id"
            "    AND o.retired_at IS NULL AND o.main_building_id IS NULL)",
            "b.holding_number",
        ),
    ),
    Check(
        "containment_far_from_buildings",
        _("Containments far from their buildings"),
        _(
            "Standing containments farther than %(containment_m)s m from every building they"
            " serve, or serving none."
        ),
        "containments",
        f"""
        SELECT c.id, c.ward_id, c.code AS label, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
               (SELECT round(min(ST_Distance(c.geom::geography, b.geom::geography))::numeric)
                       || ' m'
                  FROM containment_containmentbuilding l
                  JOIN spatial_building b ON b.id = l.building_id
                 WHERE l.containment_id = c.id) AS detail
          FROM containment_containment c
         WHERE c.municipality_id = %(municipality)s AND c.retired_at IS NULL
           AND {_WARDS.format(column="c.ward_id")}
           AND NOT EXISTS (SELECT 1 FROM containment_containmentbuilding l
                             JOIN spatial_building b ON b.id = l.building_id
                            WHERE l.containment_id = c.id
                              AND ST_DWithin(c.geom::geography, b.geom::geography,
                                             %(containment_m)s))""",
    ),
    Check(
        "survey_point_far_from_footprint",
        _("Survey points far from their footprint"),
        _(
            "Survey submissions not rejected whose GPS point is farther than %(survey_m)s m"
            " from the footprint of the building they describe."
        ),
        "buildings",
        f"""
        SELECT b.id, b.ward_id, b.bin AS label,
               ST_X(ST_PointOnSurface(b.geom)) AS lon, ST_Y(ST_PointOnSurface(b.geom)) AS lat,
               round(max(ST_Distance(s.geom::geography, b.geom::geography))::numeric) || ' m'
                 AS detail
          FROM surveys_submission s
          JOIN spatial_building b ON b.id = s.building_id
         WHERE b.municipality_id = %(municipality)s AND b.retired_at IS NULL
           AND {_WARDS.format(column="b.ward_id")} AND s.status <> 'rejected'
           AND NOT ST_DWithin(s.geom::geography, b.geom::geography, %(survey_m)s)
         GROUP BY b.id""",
    ),
)
CHECKS += (  # issue 28: the drain and sewer network's loose ends
    Check(
        "drain_ends_in_nothing",
        _("Drains and sewers ending in nothing"),
        _(
            "Standing drain or sewer segments (drawn downstream) whose last vertex touches no"
            " other segment and that discharge into no water body or treatment plant on"
            " record: their water's way on is unknown."
        ),
        "drains",
        f"""
        SELECT s.id, s.ward_id, s.code AS label, ST_X(ST_EndPoint(s.geom)) AS lon,
               ST_Y(ST_EndPoint(s.geom)) AS lat, s.network_type::text AS detail
          FROM containment_drainsegment s
         WHERE s.municipality_id = %(municipality)s AND s.retired_at IS NULL
           AND {_WARDS.format(column="s.ward_id")} AND s.outfall_plant_id IS NULL
           AND s.outfall_water_body_id IS NULL AND NOT EXISTS (
               SELECT 1 FROM containment_drainsegment d WHERE d.retired_at IS NULL AND d.id <> s.id
                  AND d.municipality_id = s.municipality_id AND d.geom && ST_Expand(s.geom, 5e-6)
                  AND ST_DWithin(ST_EndPoint(s.geom), d.geom, 5e-6))""",
    ),
)
CHECKS_BY_CODE = {check.code: check for check in CHECKS}


def _params(municipality: Municipality, wards: list[int] | None) -> dict:
    return {
        "municipality": municipality.pk,
        "wards": wards,
        "containment_m": settings.IMIS["CONTAINMENT_MAX_DISTANCE_M"],
        "survey_m": settings.IMIS["SURVEY_MATCH_DISTANCE_M"],
    }


def definition(check: Check) -> str:
    """The check's definition with the distances in force, in the request's language."""
    return str(check.definition) % {
        "overlap": number_format(OVERLAP_MIN_M2),
        "containment_m": number_format(settings.IMIS["CONTAINMENT_MAX_DISTANCE_M"]),
        "survey_m": number_format(settings.IMIS["SURVEY_MATCH_DISTANCE_M"]),
    }


def _completeness_sql() -> str:
    def columns(register: str) -> str:
        return ", ".join(
            f"count(*) FILTER (WHERE {item.known}) AS {item.code}"
            for item in COMPLETENESS
            if item.register == register
        )

    return f"""
    WITH b AS (
        SELECT b.ward_id, count(*) AS buildings, {columns("buildings")}
          FROM spatial_building b
         WHERE b.municipality_id = %(municipality)s AND b.retired_at IS NULL
           AND {_WARDS.format(column="b.ward_id")}
         GROUP BY b.ward_id
    ), c AS (
        SELECT c.ward_id, count(*) AS containments, {columns("containments")}
          FROM containment_containment c
         WHERE c.municipality_id = %(municipality)s AND c.retired_at IS NULL
           AND {_WARDS.format(column="c.ward_id")}
         GROUP BY c.ward_id
    )
    SELECT w.id, w.number, w.name, w.name_bn, b.*, c.*
      FROM spatial_ward w LEFT JOIN b ON b.ward_id = w.id LEFT JOIN c ON c.ward_id = w.id
     WHERE w.municipality_id = %(municipality)s AND {_WARDS.format(column="w.id")}
     ORDER BY w.number"""


def _check_counts_sql() -> str:
    counts = " UNION ALL ".join(
        f"SELECT '{check.code}' AS code, ward_id, count(*) AS n FROM ({check.sql}) x"
        " GROUP BY ward_id"
        for check in CHECKS
    )
    return f"SELECT code, ward_id, n FROM ({counts}) counts"


def ward_quality(*, municipality: Municipality, wards: list[int] | None) -> list[dict]:
    """Each ward's completeness ({code: {"known", "of"}}) and failing records per check
    ({code: count}), in ward order. Two statements."""
    params = _params(municipality, wards)
    with connection.cursor() as cursor:
        cursor.execute(_completeness_sql(), params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        cursor.execute(_check_counts_sql(), params)
        failing: dict[tuple, int] = {(code, ward): n for code, ward, n in cursor.fetchall()}
    out = []
    for row in rows:
        ward = row["id"]
        totals = {"buildings": row["buildings"] or 0, "containments": row["containments"] or 0}
        out.append(
            {
                "ward": ward,
                "number": row["number"],
                "name": row["name"],
                "name_bn": row["name_bn"],
                "buildings": totals["buildings"],
                "containments": totals["containments"],
                "completeness": {
                    item.code: {"known": row[item.code] or 0, "of": totals[item.register]}
                    for item in COMPLETENESS
                },
                "checks": {check.code: failing.get((check.code, ward), 0) for check in CHECKS},
            }
        )
    return out


def check_records(
    *,
    municipality: Municipality,
    check: Check,
    wards: list[int] | None,
    limit: int,
    offset: int = 0,
) -> tuple[int, list[dict]]:
    """The records failing `check` in the wards (all: None), by label: how many, and one
    page of them."""
    params = {**_params(municipality, wards), "limit": limit, "offset": offset}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({check.sql}) x", params)
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT x.* FROM ({check.sql}) x ORDER BY x.label, x.id"
            " LIMIT %(limit)s OFFSET %(offset)s",
            params,
        )
        names = [column.name for column in cursor.description]
        return total, [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


class NotInScope(LookupError):
    """A municipality or ward the user may not check (answered as if it did not exist)."""


def quality_scope(
    *, user, code: str | None, ward_id: int | None
) -> tuple[Municipality, list[int] | None, list[dict]] | None:
    """Where the user may see data quality (wherever they edit registers): the municipality
    asked for (else their first), the wards to show (None: all of it) and every
    municipality of theirs ({code, name, wards}). None when they edit nowhere."""
    scope = editing_scope(user=user)
    if not scope:
        return None
    chosen = next((m for m in scope if m["code"] == (code or scope[0]["code"])), None)
    if chosen is None:
        raise NotInScope(code)
    municipality = Municipality.objects.get(code=chosen["code"])
    wards = chosen["wards"]
    if ward_id is not None:
        in_town = Ward.objects.filter(pk=ward_id, municipality=municipality).exists()
        if not in_town or (wards is not None and ward_id not in wards):
            raise NotInScope(ward_id)
        wards = [ward_id]
    return municipality, wards, scope


def quality_trend(*, municipality: Municipality, wards: list[int] | None, days: int = 10) -> list:
    """The wards' data quality on the last `days` days it was kept, oldest first:
    {"taken_on", "completeness": {code: {"known", "of"}}, "checks": {code: count}}."""
    snapshots = QualitySnapshot.objects.filter(municipality=municipality)
    if wards is not None:
        snapshots = snapshots.filter(ward_id__in=wards)
    dates = sorted(
        snapshots.order_by("-taken_on").values_list("taken_on", flat=True).distinct()[:days]
    )
    out = []
    for day in dates:
        rows = [s.figures for s in snapshots.filter(taken_on=day)]
        out.append({"taken_on": day, **summed(rows)})
    return out


def summed(rows: list[dict]) -> dict:
    """Completeness and check counts summed over wards."""
    return {
        "buildings": sum(row["buildings"] for row in rows),
        "containments": sum(row["containments"] for row in rows),
        "completeness": {
            item.code: {
                "known": sum(row["completeness"][item.code]["known"] for row in rows),
                "of": sum(row["completeness"][item.code]["of"] for row in rows),
            }
            for item in COMPLETENESS
        },
        "checks": {check.code: sum(row["checks"][check.code] for row in rows) for check in CHECKS},
    }
