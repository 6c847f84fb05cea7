"""Revenue figures by ward (issue 31): what the holding tax, water and solid-waste fee
feeds say about the holdings of each ward, beside the sanitation register. Stored
(dashboards/stored.py: triggers on the holdings tables note the wards a write touches) and
read by the ward map's revenue indicators in one query.

Definitions (docs/indicators.md): a holding's tax figures are those of the latest fiscal
year the tax system reported for it; "in arrears" means that year's arrears are above
zero; the collection rate is tax paid over tax assessed, summed over the holdings with a
record; coverage is the share of the ward's holdings with any tax record. A holding with
a non-compliant tank has a containment of one of its buildings that fails the
municipality's newest rule set."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spatial.models import Municipality

from . import indicators, stored

KIND = "revenue"
# Revenue figures do not depend on the calendar year the dashboards are read for.
ANY_YEAR = 0

_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (x.holding_id) x.holding_id, x.fiscal_year, x.assessed, x.paid,
           x.arrears
      FROM holdings_taxstatus x
      JOIN holdings_holding h ON h.id = x.holding_id
     WHERE h.municipality_id = %(municipality)s AND h.retired_at IS NULL
     ORDER BY x.holding_id, x.fiscal_year DESC
), failing AS (
    SELECT DISTINCT hb.holding_id
      FROM holdings_holdingbuilding hb
      JOIN holdings_holding h ON h.id = hb.holding_id
       AND h.municipality_id = %(municipality)s AND h.retired_at IS NULL
      JOIN containment_containmentbuilding cb ON cb.building_id = hb.building_id
      JOIN containment_complianceassessment a ON a.containment_id = cb.containment_id
       AND a.status = 'non_compliant'
       AND a.rule_set_id = (SELECT rs.id FROM containment_complianceruleset rs
                             WHERE rs.municipality_id = %(municipality)s
                             ORDER BY rs.version DESC LIMIT 1)
), water AS (
    SELECT a.holding_id, bool_or(a.billing = 'in_arrears') AS in_arrears
      FROM holdings_wateraccount a
     WHERE a.municipality_id = %(municipality)s
     GROUP BY a.holding_id
), waste AS (
    SELECT DISTINCT ON (f.holding_id) f.holding_id, f.status
      FROM holdings_wastefee f
      JOIN holdings_holding h ON h.id = f.holding_id
     WHERE h.municipality_id = %(municipality)s
     ORDER BY f.holding_id, f.fiscal_year DESC
)
SELECT w.id, w.number,
       count(h.id),
       count(l.holding_id),
       count(l.holding_id) FILTER (WHERE l.arrears > 0),
       coalesce(sum(l.assessed), 0),
       coalesce(sum(l.paid), 0),
       coalesce(sum(l.arrears), 0),
       count(f.holding_id),
       count(l.holding_id) FILTER (WHERE l.arrears > 0 AND f.holding_id IS NOT NULL),
       count(wa.holding_id),
       count(wa.holding_id) FILTER (WHERE wa.in_arrears),
       count(ws.holding_id),
       count(ws.holding_id) FILTER (WHERE ws.status IN ('paid', 'exempt')),
       max(l.fiscal_year)
  FROM spatial_ward w
  LEFT JOIN holdings_holding h ON h.ward_id = w.id AND h.retired_at IS NULL
  LEFT JOIN latest l ON l.holding_id = h.id
  LEFT JOIN failing f ON f.holding_id = h.id
  LEFT JOIN water wa ON wa.holding_id = h.id
  LEFT JOIN waste ws ON ws.holding_id = h.id
 WHERE w.municipality_id = %(municipality)s
 GROUP BY w.id, w.number
 ORDER BY w.number
"""

COLUMNS = (
    "ward",
    "number",
    "holdings",
    "holdings_with_tax",
    "holdings_in_arrears",
    "tax_assessed",
    "tax_paid",
    "tax_arrears",
    "holdings_failing_tanks",
    "in_arrears_failing_tanks",
    "holdings_with_water",
    "water_in_arrears",
    "holdings_with_waste_fee",
    "waste_fee_paid",
    "fiscal_year",
)


def revenue_computed(*, municipality: Municipality) -> dict:
    """Every ward's revenue figures from the holdings tables: one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_SQL, {"municipality": municipality.pk})
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for money in ("tax_assessed", "tax_paid", "tax_arrears"):
            row[money] = float(row[money])
    years = [row["fiscal_year"] for row in rows if row["fiscal_year"]]
    return {
        "wards": rows,
        "fiscal_year": max(years) if years else None,
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }


def revenue_by_ward(*, municipality: Municipality) -> dict:
    """The stored revenue figures (recomputed when a holdings table changed)."""
    return stored.figures(
        municipality=municipality,
        kind=KIND,
        year=ANY_YEAR,
        as_of=None,
        compute=lambda: revenue_computed(municipality=municipality),
    )


# The revenue feeds beside sanitation (dashboards/revenue.py; shown once a municipality has
# holdings). Numerator and denominator name revenue figures.
REVENUE_INDICATORS: tuple[indicators.MapIndicator, ...] = (
    indicators.MapIndicator(
        "tax_in_arrears", _("Holdings in tax arrears (holdings with a tax record)"), "share",
        False, "holdings_in_arrears", "holdings_with_tax",
    ),
    indicators.MapIndicator(
        "tax_collection", _("Holding tax collected (paid over assessed, latest year)"),
        "share", True, "tax_paid", "tax_assessed",
    ),
    indicators.MapIndicator(
        "tax_arrears_bdt", _("Holding tax arrears (BDT)"), "count", False, "tax_arrears",
    ),
    indicators.MapIndicator(
        "arrears_failing_tanks", _("Holdings in arrears with a non-compliant tank"), "count",
        False, "in_arrears_failing_tanks",
    ),
    indicators.MapIndicator(
        "water_in_arrears", _("Water accounts in arrears (holdings with water)"), "share",
        False, "water_in_arrears", "holdings_with_water",
    ),
    indicators.MapIndicator(
        "waste_fee_paid", _("Solid-waste fee paid (holdings billed)"), "share", True,
        "waste_fee_paid", "holdings_with_waste_fee",
    ),
    indicators.MapIndicator(
        "tax_coverage", _("Holdings with a tax record (coverage)"), "share", True,
        "holdings_with_tax", "holdings",
    ),
)  # fmt: skip


def revenue_values(row: dict) -> dict[str, float | None]:
    """The ward map's revenue indicators (REVENUE_INDICATORS) of one ward's (or
    the town's) figures."""
    values = {}
    for indicator in REVENUE_INDICATORS:
        numerator = row[indicator.numerator]
        if indicator.unit == "count":
            values[indicator.code] = numerator if row["holdings"] else None
        else:
            values[indicator.code] = indicators.share(numerator, row[indicator.denominator])
    return values


def total(rows: list[dict]) -> dict:
    summed = {key: 0 for key in COLUMNS[2:-1]}
    for row in rows:
        for key in summed:
            summed[key] += row[key]
    return summed
