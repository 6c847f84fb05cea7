"""What each dashboard page shows, assembled from the selectors' aggregates: plain dicts
ready for json_script, the API or a CSV/XLSX table. No queries beyond the selectors'."""

from __future__ import annotations

from containment import compliance, plant, toilet_figures
from core.local import ward_label
from spatial import selectors as spatial_selectors
from spatial.models import Municipality

from . import indicators, laboratory, revenue, selectors
from .kpis import fsm_kpis
from .ladders import comparison, ladder, moment, sfd
from .models import IndicatorTarget

MONTHS = range(1, 13)


def _compliance(figures: dict, failing: dict[str, int]) -> dict:
    assessed = figures["compliant"] + figures["non_compliant"] + figures["compliance_unknown"]
    top = sorted(failing.items(), key=lambda item: (-item[1], item[0]))[:5]
    return {
        "compliant": figures["compliant"],
        "non_compliant": figures["non_compliant"],
        "unknown": figures["compliance_unknown"],
        "not_assessed": figures["not_assessed"],
        "compliant_share": indicators.share(figures["compliant"], assessed),
        "top_failing_rules": [
            {"rule": rule, "label": str(compliance.RULE_LABELS.get(rule, rule)), "containments": n}
            for rule, n in top
        ],
    }


def _months(rows: list[dict], ward_id: int | None) -> list[dict]:
    series = {
        month: {
            "month": month,
            "requests": 0,
            "emptied": 0,
            "delivered": 0,
            "volume_emptied": 0.0,
            "volume_delivered": 0.0,
        }
        for month in MONTHS
    }
    for row in rows:
        if ward_id is not None and row["ward"] != ward_id:
            continue
        target = series[row["month"]]
        for key in ("requests", "emptied", "delivered", "volume_emptied", "volume_delivered"):
            target[key] += row[key]
    return list(series.values())


def _summary(figures: dict) -> dict:
    return {
        key: figures[key]
        for key in (
            "buildings",
            "households",
            "people",
            "lic_buildings",
            "lic_people",
            "containments",
            "overdue",
            "emptyings",
            "volume_emptied",
            "surveyed",
            "dwellings",
            "dwellings_surveyed",
            "households_surveyed",
            "people_surveyed",
        )
    } | {
        "survey_coverage": indicators.share(figures["surveyed"], figures["buildings"]),
        "household_coverage": indicators.coverage(figures),
    }


def ward_rows(rows: list[dict], ward_ids: frozenset[int] | None = None) -> list[dict]:
    """Per ward (of `ward_ids` only, when given): number, names, the ward map's indicator
    values and the counts behind them."""
    return [
        {
            "ward": row["ward"],
            "number": row["number"],
            "name": row["name"],
            "name_bn": row["name_bn"],
            "label": ward_label(row),
            "values": indicators.map_values(row),
            "figures": _summary(row),
        }
        for row in rows
        if ward_ids is None or row["ward"] in ward_ids
    ]


def overview(
    *,
    municipality: Municipality,
    year: int,
    ward_id: int | None = None,
    ward_ids: frozenset[int] | None = None,
) -> dict:
    """The overview page for a municipality (or one of its wards) and a year. Three queries.
    A reader limited to `ward_ids` sees the town's totals and the figures of those wards
    only (docs/security.md).

    Raises LookupError when `ward_id` is not a ward of the municipality (or of `ward_ids`)."""
    rows = selectors.ward_figures(municipality=municipality, year=year)
    if ward_id is not None and ward_ids is not None and ward_id not in ward_ids:
        raise LookupError(ward_id)
    if ward_id is None:
        figures = selectors.total_figures(rows)
        ward = None
    else:
        figures = next((row for row in rows if row["ward"] == ward_id), None)
        if figures is None:
            raise LookupError(ward_id)
        ward = {"id": ward_id, "number": figures["number"], "label": ward_label(figures)}
    failing = selectors.failing_rules_by_ward(municipality=municipality)
    if ward_id is None:
        failing_here: dict[str, int] = {}
        for per_ward in failing.values():
            for rule, count in per_ward.items():
                failing_here[rule] = failing_here.get(rule, 0) + count
    else:
        failing_here = failing.get(ward_id, {})
    months = selectors.emptying_by_month(municipality=municipality, year=year)
    return {
        "municipality": {"code": municipality.code, "name": municipality.name},
        "year": year,
        "ward": ward,
        "computed_at": moment(figures.get("computed_at")),
        "summary": _summary(figures),
        "ladder": ladder(figures),
        "sfd": sfd(figures),
        "jmp_vs_sfd": comparison(figures),
        "compliance": _compliance(figures, failing_here),
        "emptying_by_month": _months(months, ward_id),
        "wards": ward_rows(rows, ward_ids),
    }


def ward_map(
    *, municipality: Municipality, year: int, ward_ids: frozenset[int] | None = None
) -> dict:
    """Every ward's indicator values for the choropleth, with the indicators' labels and
    units, and the municipality's own values for reference. One query."""
    rows = selectors.ward_figures(municipality=municipality, year=year)
    shown = list(indicators.MAP_INDICATORS)
    wards = ward_rows(rows, ward_ids)
    total = indicators.map_values(selectors.total_figures(rows))
    # The revenue feeds' figures, once the municipality keeps holdings (stored, one query).
    money = revenue.revenue_by_ward(municipality=municipality)
    if any(row["holdings"] for row in money["wards"]):
        shown += revenue.REVENUE_INDICATORS
        by_ward = {row["ward"]: row for row in money["wards"]}
        for ward in wards:
            if ward["ward"] in by_ward:
                ward["values"].update(revenue.revenue_values(by_ward[ward["ward"]]))
        total.update(revenue.revenue_values(revenue.total(money["wards"])))
    return {
        "municipality": {"code": municipality.code, "name": municipality.name},
        "year": year,
        "indicators": [
            {
                "code": indicator.code,
                "label": str(indicator.label),
                "unit": indicator.unit,
                "higher_is_better": indicator.higher_is_better,
            }
            for indicator in shown
        ],
        "total": total,
        "wards": wards,
        "revenue": {"fiscal_year": money["fiscal_year"], "computed_at": money["computed_at"]},
    }


def targets_for(*, municipality: Municipality, year: int) -> dict[str, float]:
    return {
        target.indicator: float(target.value)
        for target in IndicatorTarget.objects.filter(municipality=municipality, year=year)
    }


def indicator_report(*, municipality: Municipality, year: int) -> dict:
    """CWIS indicators and FSM KPIs for `year` with the previous year beside them, overall
    and per service provider. Six queries once the figures are stored."""
    total = selectors.total_figures(selectors.ward_figures(municipality=municipality, year=year))
    previous_total = selectors.total_figures(
        selectors.ward_figures(municipality=municipality, year=year - 1)
    )
    service = selectors.fsm_service_figures(municipality=municipality, years=[year - 1, year])
    capacity = selectors.treatment_capacity(municipality=municipality, years=[year - 1, year])
    targets = targets_for(municipality=municipality, year=year)
    lab = plant.lab_figures(municipality=municipality, years=[year - 1, year])
    water = spatial_selectors.water_sample_figures(
        municipality=municipality, years=[year - 1, year]
    )

    def service_row(for_year: int, provider: int | None) -> dict | None:
        return next(
            (r for r in service if r["year"] == for_year and r["provider"] == provider), None
        )

    cwis = indicators.cwis_indicators(
        total=total,
        previous_total=previous_total,
        treatment_capacity_m3=capacity.get(year, 0.0),
        previous_treatment_capacity_m3=capacity.get(year - 1, 0.0),
        targets=targets,
        laboratory=[
            *laboratory.lab_indicators(lab[year], lab[year - 1], targets),
            laboratory.water_indicator(water[year], water[year - 1], targets),
            *laboratory.shared_toilet_indicators(
                toilet_figures.shared_toilet_figures(municipality=municipality), targets
            ),
        ],
    )
    kpis = fsm_kpis(
        service=service_row(year, None),
        previous_service=service_row(year - 1, None),
        total=total,
        previous_total=previous_total,
        targets=targets,
    )
    providers = []
    for row in service:
        if row["year"] != year or row["provider"] is None:
            continue
        providers.append(
            {
                "provider": row["provider"],
                "name": row["provider_name"],
                "indicators": [
                    i.as_dict()
                    for i in fsm_kpis(
                        service=row,
                        previous_service=service_row(year - 1, row["provider"]),
                        total=total,
                        previous_total=previous_total,
                    )
                    # The collection ratio compares one provider with the whole town.
                    if i.code != "KPI-7"
                ],
            }
        )
    return {
        "municipality": {"code": municipality.code, "name": municipality.name},
        "year": year,
        "computed_at": moment(total.get("computed_at")),
        "coverage": indicators.coverage(total),
        "people_surveyed": total["people_surveyed"],
        "cwis": [i.as_dict() for i in cwis],
        "kpis": [i.as_dict() for i in kpis],
        "providers": providers,
    }


def public_wards(*, municipality: Municipality, year: int, min_buildings: int) -> dict:
    """Published aggregates only: per ward a few shares and the building count, with the
    shares of wards smaller than `min_buildings` withheld. No names, no records."""
    rows = selectors.ward_figures(municipality=municipality, year=year)
    codes = ("safely_managed", "basic_or_better", "sfd_safe", "compliance", "survey_coverage")
    wards = []
    for row in rows:
        values = indicators.map_values(row)
        small = row["buildings"] < min_buildings
        wards.append(
            {
                "ward": row["ward"],
                "number": row["number"],
                "label": ward_label(row),
                "buildings": row["buildings"],
                "withheld": small,
                "values": {code: None if small else values[code] for code in codes},
            }
        )
    labels = {i.code: str(i.label) for i in indicators.MAP_INDICATORS}
    return {
        "municipality": {"code": municipality.code, "name": municipality.name},
        "year": year,
        "indicators": [{"code": code, "label": labels[code], "unit": "share"} for code in codes],
        "wards": wards,
    }
