"""What a dashboards statement covers (dashboards/figures_sql.py): the whole municipality,
some wards (the stored figures recomputed after a write noted there), or what lies in an
area (an analysis, issue 30), as the SQL conditions each part of the statement applies."""

from __future__ import annotations

# Figures of some wards only (`%(wards)s`, after a write noted in those wards: stored.py).
IN_WARDS = "= ANY(%(wards)s::bigint[])"
# The area an analysis summarises (issue 30): a geometry in EPSG:4326, bound as EWKB.
AREA = "ST_GeomFromEWKB(%(area)s)"
# What a statement covers: the whole municipality (None), the wards `%(wards)s` ("wards"),
# or what lies in the area `%(area)s` ("area"), within the wards `%(wards)s` unless NULL.
WHOLE, WARDS, IN_AREA = None, "wards", "area"


def within_sql(alias: str, within: str | None, ward_column: str = "ward_id") -> str:
    """The condition, after AND, that row `alias` (with a ward and a geometry) lies in what
    the statement covers."""
    if within is WHOLE:
        return ""
    wards = f"{alias}.{ward_column} {IN_WARDS}"
    if within == WARDS:
        return f" AND {wards}"
    return f" AND ST_Intersects({alias}.geom, {AREA}) AND (%(wards)s IS NULL OR {wards})"


# The containments an area's figures classify: those in the area and those its households
# use (their own or a public toilet's), within the wards `%(wards)s` unless NULL. A few
# thousand, found by the indexes.
AREA_CONTAINMENTS_SQL = f"""
    SELECT a.id FROM containment_containment a
     WHERE a.municipality_id = %(municipality)s{within_sql("a", IN_AREA)}
    UNION
    -- The households of the area's buildings, found from the buildings (one index probe
    -- for the area), and the facility each uses: its own or a public toilet's.
    SELECT v.id FROM spatial_building hb
      JOIN containment_household h ON h.building_id = hb.id
      LEFT JOIN containment_publictoilet pt ON pt.id = h.public_toilet_id
     CROSS JOIN LATERAL (VALUES (h.facility_id), (pt.containment_id)) v(id)
     WHERE h.municipality_id = %(municipality)s AND v.id IS NOT NULL
           {within_sql("hb", IN_AREA)}"""


def requests_within(within: str | None) -> str:
    """For an area, the emptying requests of its containments only (`r`)."""
    if within != IN_AREA:
        return ""
    return " AND r.containment_id = ANY(%(containment_ids)s::bigint[])"


def fac_within(within: str | None) -> str:
    """The condition that classified containment `f` lies in what the statement covers
    (`fac` keeps no geometry: it is looked up)."""
    if within != IN_AREA:
        return within_sql("f", within)
    return f""" AND f.id IN (SELECT a.id FROM containment_containment a
                      WHERE a.municipality_id = %(municipality)s{within_sql("a", within)})"""


def ward_rows(within: str | None) -> str:
    """Which wards get a row: for an area, every ward the reader reads (a row of zeros
    where nothing of the area lies), so that a total always has its columns."""
    if within == IN_AREA:
        return f" AND (%(wards)s IS NULL OR w.id {IN_WARDS})"
    return within_sql("w", within, "id")


def on_record(within: str | None) -> str:
    """Whether building `b` has households on record: for a whole town or wards, hashed
    once (cheaper than a probe per building); for an area's few buildings, probed."""
    if within == IN_AREA:
        return "EXISTS (SELECT 1 FROM containment_household h WHERE h.building_id = b.id)"
    return """b.id IN (SELECT h.building_id FROM containment_household h
                         WHERE h.municipality_id = %(municipality)s)"""


def surveyed_sql(within: str | None) -> str:
    """Whether building `b` has an approved survey submission by the period's end (hashed
    or probed as on_record)."""
    if within == IN_AREA:
        return """EXISTS (SELECT 1 FROM surveys_submission s
                  JOIN surveys_surveycampaign k ON k.id = s.campaign_id
                 WHERE s.building_id = b.id AND k.municipality_id = %(municipality)s
                   AND s.status = 'approved' AND s.received_at <= %(end_of_day)s)"""
    return """b.id IN (SELECT s.building_id FROM surveys_submission s
                          JOIN surveys_surveycampaign k ON k.id = s.campaign_id
                         WHERE k.municipality_id = %(municipality)s AND s.status = 'approved'
                           AND s.received_at <= %(end_of_day)s)"""
