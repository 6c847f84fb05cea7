"""What each dashboard page shows, assembled from the selectors' aggregates: plain dicts
ready for json_script, the API or a CSV/XLSX table. No queries beyond the selectors'."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from containment import compliance
from containment.choices import SFD_SAFE_FATES, JmpRung, SfdClass, SfdFate
from core.local import ward_label
from spatial.models import Municipality

from . import figures_sql, indicators, selectors
from .models import IndicatorTarget

MONTHS = range(1, 13)


def _moment(text: str | None) -> datetime.datetime | None:
    """When stored figures were computed (kept as ISO text with the figures)."""
    return datetime.datetime.fromisoformat(text) if text else None


def _rung_labels() -> dict[str, str]:
    return {choice.value: str(choice.label) for choice in JmpRung}


_ward_label = ward_label


def _ladder(figures: dict) -> list[dict]:
    """The JMP ladder in households and surveyed people, with those who answered "don't
    know" as their own rung and the unsurveyed dwellings beside it (outside the shares)."""
    labels = _rung_labels()
    surveyed = figures["people_surveyed"]
    ladder = [
        {
            "rung": rung,
            "label": labels[rung],
            "households": figures[f"households_{rung}"],
            "people": figures[f"people_{rung}"],
            "share": indicators.share(figures[f"people_{rung}"], surveyed),
        }
        for rung in reversed(figures_sql.RUNGS)
    ]
    ladder.append(
        {
            "rung": "unknown",
            "label": _("Unknown (surveyed, answered don't know)"),
            "households": figures["households_rung_unknown"],
            "people": figures["people_rung_unknown"],
            "share": indicators.share(figures["people_rung_unknown"], surveyed),
        }
    )
    return ladder


def _sfd(figures: dict) -> dict:
    """The SFD in surveyed people: each fate's share, the safe share, and the chain's
    F3 (emptied, of people on on-site sanitation), F4 (delivered, of emptied) and F5
    (treated, of delivered)."""
    labels = {choice.value: str(choice.label) for choice in SfdFate}
    containment_labels = {choice.value: str(choice.label) for choice in SfdClass}
    surveyed = figures["people_surveyed"]
    fates = [
        {
            "fate": fate,
            "label": labels[fate],
            "safe": fate in SFD_SAFE_FATES,
            "people": figures[f"fate_{fate}"],
            "share": indicators.share(figures[f"fate_{fate}"], surveyed),
        }
        for fate in figures_sql.FATES
    ]
    return {
        "people": surveyed,
        "coverage": indicators.coverage(figures),
        "computed_at": _moment(figures.get("computed_at")),
        "fates": fates,
        "graphic": _sfd_graphic(fates),
        "safe": figures["people_sfd_safe"],
        "unsafe": surveyed - figures["people_sfd_safe"] - figures["fate_unknown"],
        "unknown": figures["fate_unknown"],
        "safe_share": indicators.share(figures["people_sfd_safe"], surveyed),
        "chain": [
            {
                "step": "F3",
                "label": _("Emptied (F3), of people on on-site sanitation"),
                "people": figures["people_emptied"],
                "of": figures["people_on_site"],
                "share": indicators.share(figures["people_emptied"], figures["people_on_site"]),
            },
            {
                "step": "F4",
                "label": _("Delivered to a plant (F4), of people whose sludge was emptied"),
                "people": figures["people_delivered"],
                "of": figures["people_emptied"],
                "share": indicators.share(figures["people_delivered"], figures["people_emptied"]),
            },
            {
                "step": "F5",
                "label": _("Treated (F5), of people whose sludge was delivered"),
                "people": figures["people_treated"],
                "of": figures["people_delivered"],
                "share": indicators.share(figures["people_treated"], figures["people_delivered"]),
            },
        ],
        "classes": [
            {
                "class": name,
                "label": containment_labels[name],
                "containments": figures[f"sfd_{name}"],
            }
            for name in figures_sql.SFD_CLASSES
        ],
        "delivered_volume_share": indicators.share(
            figures["volume_delivered"], figures["volume_emptied"]
        ),
        "treated_volume_share": indicators.share(
            figures["volume_treated"], figures["volume_delivered"]
        ),
    }


# The SFD graphic: each fate is a band that runs along the service chain as far as the
# excreta go, as wide as its share of the surveyed people, green when safely managed, red
# when not (SFD Promotion Initiative), grey when unknown. Stages: 0 containment, 1 emptying,
# 2 transport, 3 treatment.
_FATE_REACH = {
    "sewer_treated": 4, "sewer_not_treated": 3, "in_situ": 1, "buried": 2, "treated": 4,
    "delivered_not_treated": 3, "emptied_not_delivered": 2, "not_contained": 1,
    "open_defecation": 1, "unknown": 1,
}  # fmt: skip
SFD_WIDTH, SFD_LEFT, SFD_BAND_SPACE, SFD_GAP = 640, 190, 260, 6


def _sfd_graphic(fates: list[dict]) -> dict:
    """Geometry of the SFD graphic, in SVG user units, from the fates' people shares."""
    stage_width = (SFD_WIDTH - SFD_LEFT) / 4
    bands, y = [], 40
    # Safely managed first, then unsafe, then unknown, as the SFD reads top to bottom.
    order = {"safe": 0, "unsafe": 1}
    for fate in sorted(
        fates,
        key=lambda f: order.get(
            "unknown" if f["fate"] == "unknown" else "safe" if f["safe"] else "unsafe", 2
        ),
    ):
        if not fate["people"]:
            continue
        height = max(3.0, round(fate["share"] * SFD_BAND_SPACE, 1))
        colour = "unknown" if fate["fate"] == "unknown" else ("safe" if fate["safe"] else "unsafe")
        length = _FATE_REACH[fate["fate"]] * stage_width
        bands.append(
            fate
            | {
                "y": y,
                "height": height,
                "text_y": round(y + height / 2 + 4, 1),
                "length": round(length - 8, 1),
                # The arrow head at the band's end.
                "head": f"{SFD_LEFT + length - 8},{y - 3} {SFD_LEFT + length},{y + height / 2}"
                f" {SFD_LEFT + length - 8},{y + height + 3}",
                "colour": colour,
            }
        )
        y += height + SFD_GAP
    stages = [
        {"x": SFD_LEFT + i * stage_width, "mid": SFD_LEFT + (i + 0.5) * stage_width, "label": label}
        for i, label in enumerate((_("Containment"), _("Emptying"), _("Transport"), _("Treatment")))
    ]
    return {"width": SFD_WIDTH, "height": y + 10, "left": SFD_LEFT, "bands": bands,
            "stages": stages}  # fmt: skip


def _comparison(figures: dict) -> dict:
    """Where JMP and SFD disagree, in surveyed people: improved toilets whose effluent is
    not contained, and the two safe shares side by side."""
    surveyed = figures["people_surveyed"]
    return {
        "people_improved_not_contained": figures["people_improved_not_contained"],
        "improved_not_contained_share": indicators.share(
            figures["people_improved_not_contained"], surveyed
        ),
        "jmp_safely_managed_share": indicators.share(figures["people_safely_managed"], surveyed),
        "jmp_basic_or_better_share": indicators.share(
            figures["people_basic"] + figures["people_safely_managed"], surveyed
        ),
        "sfd_safe_share": indicators.share(figures["people_sfd_safe"], surveyed),
        "improved_not_contained_containments": figures["improved_not_contained"],
    }


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
            "label": _ward_label(row),
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
        ward = {"id": ward_id, "number": figures["number"], "label": _ward_label(figures)}
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
        "computed_at": _moment(figures.get("computed_at")),
        "summary": _summary(figures),
        "ladder": _ladder(figures),
        "sfd": _sfd(figures),
        "jmp_vs_sfd": _comparison(figures),
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
            for indicator in indicators.MAP_INDICATORS
        ],
        "total": indicators.map_values(selectors.total_figures(rows)),
        "wards": ward_rows(rows, ward_ids),
    }


def targets_for(*, municipality: Municipality, year: int) -> dict[str, float]:
    return {
        target.indicator: float(target.value)
        for target in IndicatorTarget.objects.filter(municipality=municipality, year=year)
    }


def indicator_report(*, municipality: Municipality, year: int) -> dict:
    """CWIS indicators and FSM KPIs for `year` with the previous year beside them, overall
    and per service provider. Five queries once the figures are stored."""
    total = selectors.total_figures(selectors.ward_figures(municipality=municipality, year=year))
    previous_total = selectors.total_figures(
        selectors.ward_figures(municipality=municipality, year=year - 1)
    )
    service = selectors.fsm_service_figures(municipality=municipality, years=[year - 1, year])
    capacity = selectors.treatment_capacity(municipality=municipality, years=[year - 1, year])
    targets = targets_for(municipality=municipality, year=year)

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
    )
    kpis = indicators.fsm_kpis(
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
                    for i in indicators.fsm_kpis(
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
        "computed_at": _moment(total.get("computed_at")),
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
                "label": _ward_label(row),
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
