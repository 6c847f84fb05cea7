"""Indicators derived from the aggregates in selectors.py: shares for the ward map, the CWIS
indicators and the FSM service KPIs. Pure functions over plain dicts; each indicator carries
its numerator, denominator and the rule in plain words so a reader can check the figure.

Definitions follow the domain reference (Indicators); where the CWIS framework names an
indicator the register cannot yet feed (public toilets, schools, health facilities, water
samples) it is listed as not available rather than guessed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def share(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else None


@dataclass
class Indicator:
    code: str
    name: str
    rule: str
    unit: str  # "share" (0-1), "ratio", "days", "m3"
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    numerator_label: str = ""
    denominator_label: str = ""
    target: float | None = None
    previous: float | None = None
    available: bool = True
    group: str = ""
    # Unit of the numerator and denominator when they are not plain counts or volumes.
    parts_unit: str = "number"

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 4)

    @property
    def meets_target(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        return self.value >= self.target

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(
            name=str(self.name),
            rule=str(self.rule),
            numerator_label=str(self.numerator_label),
            denominator_label=str(self.denominator_label),
            group=str(self.group),
            change=self.change,
            meets_target=self.meets_target,
        )
        return data


# ------------------------------------------------------------------ ward map indicators
@dataclass(frozen=True)
class MapIndicator:
    code: str
    label: str
    unit: str  # "share" or "count"
    higher_is_better: bool
    numerator: str
    denominator: str | None = None


def _assessed(row: dict) -> float:
    return row["compliant"] + row["non_compliant"] + row["compliance_unknown"]


def sfd_safe_containments(row: dict) -> float:
    """SFD's safe share in containments: contained and not emptied this year (safe in
    situ), plus contained, emptied and received by a working plant (a load the plant
    confirmed); sewered ones count when the sewage is treated (setting SEWER_TREATED)."""
    safe = row["sfd_contained"] - row["contained_emptied"] + row["contained_treated"]
    if settings.IMIS.get("SEWER_TREATED"):
        safe += row["sfd_sewered"]
    return safe


MAP_INDICATORS: tuple[MapIndicator, ...] = (
    MapIndicator(
        "safely_managed", _("Safely managed sanitation (people)"), "share", True,
        "people_safely_managed", "people",
    ),
    MapIndicator(
        "basic_or_better", _("At least basic sanitation (people)"), "share", True,
        "people_basic_or_better", "people",
    ),
    MapIndicator(
        "open_defecation", _("Open defecation (people)"), "share", False,
        "people_open_defecation", "people",
    ),
    MapIndicator(
        "sfd_safe", _("SFD safely managed (containments)"), "share", True,
        "sfd_safe", "containments",
    ),
    MapIndicator(
        "not_contained", _("Not contained (containments)"), "share", False,
        "sfd_not_contained", "containments",
    ),
    MapIndicator(
        "compliance", _("Septic-tank compliance (assessed containments)"), "share", True,
        "compliant", "assessed",
    ),
    MapIndicator(
        "survey_coverage", _("Survey coverage (buildings)"), "share", True,
        "surveyed", "buildings",
    ),
    MapIndicator(
        "overdue", _("Containments overdue for emptying"), "count", False, "overdue",
    ),
    MapIndicator(
        "lic_share", _("People living in low-income communities"), "share", False,
        "lic_people", "people",
    ),
)  # fmt: skip


def derived(row: dict) -> dict:
    """The figures a ward map or chart needs beyond the raw counts."""
    return {
        "people_basic_or_better": row["people_basic"] + row["people_safely_managed"],
        "sfd_safe": sfd_safe_containments(row),
        "assessed": _assessed(row),
    }


def map_values(row: dict) -> dict[str, float | None]:
    """{indicator code: value} for one ward (or the total)."""
    figures = {**row, **derived(row)}
    values = {}
    for indicator in MAP_INDICATORS:
        numerator = figures[indicator.numerator]
        if indicator.unit == "count":
            values[indicator.code] = numerator
        else:
            values[indicator.code] = share(numerator, figures[indicator.denominator])
    return values


# ------------------------------------------------------------------ CWIS and FSM KPIs
CWIS = pgettext_lazy("indicator group", "CWIS")
FSM = pgettext_lazy("indicator group", "FSM service")


def _target(targets: dict[str, float], code: str) -> float | None:
    return targets.get(code)


def cwis_indicators(
    *,
    total: dict,
    previous_total: dict | None,
    treatment_capacity_m3_per_day: float,
    targets: dict[str, float] | None = None,
) -> list[Indicator]:
    """CWIS indicators for one year from the municipality's figures of that year (and of
    the year before, for the comparison)."""
    targets = targets or {}
    sludge_rate = float(settings.IMIS["SLUDGE_M3_PER_PERSON_YEAR"])

    def build(figures: dict) -> list[Indicator]:
        citywide = share(figures["people_safely_managed"], figures["people"])
        lic = share(figures["lic_people_safely_managed"], figures["lic_people"])
        individual = figures["people_basic"] + figures["people_safely_managed"]
        lic_individual = figures["lic_people_basic"] + figures["lic_people_safely_managed"]
        without_own = (
            figures["people_limited"]
            + figures["people_unimproved"]
            + figures["people_open_defecation"]
        )
        generated = figures["people"] * sludge_rate
        capacity = treatment_capacity_m3_per_day * 365
        return [
            Indicator(
                "EQ-1", _("Equity: low-income communities vs citywide safe access"),
                _("Share of LIC residents with safely managed sanitation divided by the "
                  "citywide share. 1 means equal access."),
                "ratio", share(lic, citywide) if lic is not None else None, lic, citywide,
                _("LIC share safely managed"), _("Citywide share safely managed"),
                parts_unit="share",
            ),
            Indicator(
                "SF-1a", _("Population with safe individual toilets"),
                _("People in buildings whose best facility is basic or safely managed "
                  "(improved and not shared), over all people in the register."),
                "share", share(individual, figures["people"]), individual, figures["people"],
                _("People"), _("All people"),
            ),
            Indicator(
                "SF-1b", _("On-site containments desludged within the emptying interval"),
                _("On-site containments emptied (or built) within the rule set's maximum "
                  "years since emptying, before the end of the year, over all on-site "
                  "containments."),
                "share", share(figures["desludged_recently"], figures["on_site"]),
                figures["desludged_recently"], figures["on_site"],
                _("Containments"), _("On-site containments"),
            ),
            Indicator(
                "SF-1c", _("Collected faecal sludge delivered to treatment"),
                _("Volume received by treatment plants (loads the plant confirmed) over "
                  "the volume emptied in the year (SFD F4)."),
                "share", share(figures["volume_delivered"], figures["volume_emptied"]),
                figures["volume_delivered"], figures["volume_emptied"], _("m³"), _("m³"),
            ),
            Indicator(
                "SF-1d", _("Treatment capacity vs faecal sludge generated"),
                _("Yearly capacity of the plants in operation over the sludge generated by "
                  "the register's population (setting SLUDGE_M3_PER_PERSON_YEAR per "
                  "person)."),
                "share", share(capacity, generated), capacity, round(generated, 1),
                _("m³ per year"), _("m³ per year"),
            ),
            Indicator(
                "SF-1e", _("Delivered faecal sludge treated"),
                _("Volume received by plants in operation over the volume received by "
                  "all plants (confirmed loads, SFD F5)."),
                "share", share(figures["volume_treated"], figures["volume_delivered"]),
                figures["volume_treated"], figures["volume_delivered"], _("m³"), _("m³"),
            ),
            Indicator(
                "SF-2a", _("LIC population with safe individual toilets"),
                _("As SF-1a, for people living in low-income communities."),
                "share", share(lic_individual, figures["lic_people"]), lic_individual,
                figures["lic_people"], _("People"), _("LIC residents"),
            ),
            Indicator(
                "SF-2b", _("LIC on-site containments desludged within the interval"),
                _("As SF-1b, for containments of buildings in low-income communities."),
                "share", share(figures["lic_desludged_recently"], figures["lic_on_site"]),
                figures["lic_desludged_recently"], figures["lic_on_site"],
                _("Containments"), _("LIC on-site containments"),
            ),
            Indicator(
                "SF-3", _("Dependent population using shared facilities"),
                _("People using an improved facility shared with other households, over "
                  "people without an improved facility of their own."),
                "share", share(figures["people_limited"], without_own),
                figures["people_limited"], without_own,
                _("People"), _("People without their own improved toilet"),
            ),
        ]  # fmt: skip

    current = build(total)
    previous = {i.code: i.value for i in build(previous_total)} if previous_total else {}
    for indicator in current:
        indicator.previous = previous.get(indicator.code)
        indicator.target = _target(targets, indicator.code)
        indicator.group = str(CWIS)
    unavailable = [
        ("SF-4", _("Public toilets that are safe and functional"), _("public toilet")),
        ("SF-5", _("Schools with safe sanitation"), _("school sanitation")),
        ("SF-6", _("Health facilities with safe sanitation"), _("health facility")),
        ("SF-9", _("Water samples meeting standards"), _("water quality sample")),
    ]
    for code, name, register in unavailable:
        current.append(
            Indicator(
                code,
                name,
                _("No %(register)s register in the system yet.") % {"register": register},
                "share",
                available=False,
                group=str(CWIS),
                target=_target(targets, code),
            )
        )
    return current


def fsm_kpis(
    *,
    service: dict,
    previous_service: dict | None,
    total: dict,
    previous_total: dict | None,
    targets: dict[str, float] | None = None,
) -> list[Indicator]:
    """FSM service KPIs (SNV Bangladesh, as in Base IMIS) for a year, overall or for one
    provider (the `service` row of selectors.fsm_service_figures)."""
    targets = targets or {}
    sludge_rate = float(settings.IMIS["SLUDGE_M3_PER_PERSON_YEAR"])

    def build(row: dict, figures: dict | None) -> list[Indicator]:
        generated = figures["people"] * sludge_rate if figures else 0
        volume = float(row["volume_emptied"])
        return [
            Indicator(
                "KPI-1", _("Application response efficiency"),
                _("Requests received in the year that were emptied, over requests "
                  "received."),
                "share", share(row["requests_emptied"], row["requests"]),
                row["requests_emptied"], row["requests"], _("Requests emptied"),
                _("Requests received"),
            ),
            Indicator(
                "KPI-2", _("Response time"),
                _("Median days from request to emptying, for emptyings in the year."),
                "days", row["median_response_days"], None, None,
            ),
            Indicator(
                "KPI-3", _("Safe desludging"),
                _("Emptyings of the year whose load a treatment plant confirmed it "
                  "received, over emptyings."),
                "share", share(row["delivered"], row["emptyings"]), row["delivered"],
                row["emptyings"], _("Delivered"), _("Emptyings"),
            ),
            Indicator(
                "KPI-4", _("Customer satisfaction"),
                _("Feedback rating the service 4 or 5 out of 5, over feedback received."),
                "share", share(row["satisfied"], row["feedback"]), row["satisfied"],
                row["feedback"], _("Satisfied customers"), _("Feedback received"),
            ),
            Indicator(
                "KPI-5", _("PPE compliance"),
                _("Feedback reporting that the crew wore protective equipment, over "
                  "feedback received."),
                "share", share(row["ppe_worn"], row["feedback"]), row["ppe_worn"],
                row["feedback"], _("Crews with PPE"), _("Feedback received"),
            ),
            Indicator(
                "KPI-6", _("Inclusion"),
                _("Emptyings at buildings in low-income communities, over emptyings."),
                "share", share(row["lic_emptyings"], row["emptyings"]), row["lic_emptyings"],
                row["emptyings"], _("LIC emptyings"), _("Emptyings"),
            ),
            Indicator(
                "KPI-7", _("Faecal sludge collection ratio"),
                _("Volume emptied in the year over the sludge generated by the register's "
                  "population (setting SLUDGE_M3_PER_PERSON_YEAR per person)."),
                "share", share(volume, generated), volume, round(generated, 1),
                _("m³ emptied"), _("m³ generated"),
            ),
        ]  # fmt: skip

    current = build(service, total)
    previous = (
        {i.code: i.value for i in build(previous_service, previous_total)}
        if previous_service
        else {}
    )
    for indicator in current:
        indicator.previous = previous.get(indicator.code)
        indicator.target = _target(targets, indicator.code)
        indicator.group = str(FSM)
    return current
