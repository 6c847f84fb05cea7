"""Indicators derived from the aggregates in selectors.py: shares for the ward map, the CWIS
indicators and the FSM service KPIs. Pure functions over plain dicts; each indicator carries
its numerator, denominator and the rule in plain words so a reader can check the figure.

Definitions follow the domain reference (Indicators) and docs/indicators.md; where the CWIS
framework names an indicator the register cannot yet feed (public toilets, shared toilets,
laboratory tests, water samples) it is listed as not available with the reason, never as 0
or 100.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.local import digits


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
    # Share of dwellings surveyed behind a figure counted over surveyed people (None when
    # the figure does not rest on the survey).
    coverage: float | None = None

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


def _parts(figures: dict, numerator: str, denominator: str) -> tuple:
    """(share, numerator, denominator) of two figures, named once so they cannot drift."""
    return share(figures[numerator], figures[denominator]), figures[numerator], figures[denominator]


def _assessed(row: dict) -> float:
    return row["compliant"] + row["non_compliant"] + row["compliance_unknown"]


MAP_INDICATORS: tuple[MapIndicator, ...] = (
    MapIndicator(
        "safely_managed", _("Safely managed sanitation (JMP, surveyed people)"), "share", True,
        "people_safely_managed", "people_surveyed",
    ),
    MapIndicator(
        "basic_or_better", _("At least basic sanitation (JMP, surveyed people)"), "share", True,
        "people_basic_or_better", "people_surveyed",
    ),
    MapIndicator(
        "open_defecation", _("Open defecation (surveyed people)"), "share", False,
        "people_open_defecation", "people_surveyed",
    ),
    MapIndicator(
        "sfd_safe", _("SFD safely managed (surveyed people)"), "share", True,
        "people_sfd_safe", "people_surveyed",
    ),
    MapIndicator(
        "not_contained", _("Not contained (SFD, surveyed people)"), "share", False,
        "fate_not_contained", "people_surveyed",
    ),
    MapIndicator(
        "compliance", _("Septic-tank compliance (assessed containments)"), "share", True,
        "compliant", "assessed",
    ),
    MapIndicator(
        "household_coverage", _("Households on record (dwellings)"), "share", True,
        "dwellings_surveyed", "dwellings",
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
        "assessed": _assessed(row),
    }


def coverage(row: dict) -> float | None:
    """Share of dwellings with their households on record (the rest are unsurveyed)."""
    return share(row["dwellings_surveyed"], row["dwellings"])


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


def fs_generated_m3(figures: dict) -> float:
    """Faecal sludge generated in a year by the people on on-site sanitation (SF-1d, KPI-7):
    the surveyed people's on-site share applied to everyone in the register, times the
    generation rate (national setting FS_GENERATION_M3_PER_PERSON_YEAR)."""
    rate = float(settings.IMIS["FS_GENERATION_M3_PER_PERSON_YEAR"])
    on_site_share = share(figures["people_on_site"], figures["people_surveyed"])
    if on_site_share is None:
        return 0.0
    return round(figures["people"] * on_site_share * rate, 1)


def _not_available(code: str, name, reason, targets: dict) -> Indicator:
    return Indicator(
        code, name, reason, "share", available=False, group=str(CWIS),
        target=_target(targets, code),
    )  # fmt: skip


def cwis_indicators(
    *,
    total: dict,
    previous_total: dict | None,
    treatment_capacity_m3: float,
    previous_treatment_capacity_m3: float = 0.0,
    targets: dict[str, float] | None = None,
    laboratory: list[Indicator] | None = None,
) -> list[Indicator]:
    """CWIS indicators for one year from the municipality's figures of that year (and of
    the year before, for the comparison). `treatment_capacity_m3` is the capacity of the
    plants over the days they were in operation that year (selectors.treatment_capacity)."""
    targets = targets or {}

    def build(figures: dict, capacity: float) -> list[Indicator]:
        surveyed = figures["people_surveyed"]
        citywide = share(figures["people_safe_individual"], surveyed)
        lic = share(figures["lic_people_safe_individual"], figures["lic_people_surveyed"])
        generated = fs_generated_m3(figures)
        known = {name: figures[f"{name}_known"] for name in ("schools", "health_facilities")}
        safe = {name: figures[f"{name}_safe"] for name in ("schools", "health_facilities")}
        return [
            Indicator(
                "EQ-1", _("Equity: low-income communities vs citywide safe individual toilets"),
                _("Share of surveyed LIC residents with a safe individual toilet (private, "
                  "improved, and contained or sewered to treatment) divided by the same "
                  "share citywide. 1 means equal access."),
                "ratio", share(lic, citywide) if lic is not None else None, lic, citywide,
                _("LIC share with safe individual toilets"),
                _("Citywide share with safe individual toilets"), parts_unit="share",
            ),
            Indicator(
                "SF-1a", _("Population with safe individual toilets"),
                _("Surveyed people whose household uses a toilet of its own that is "
                  "improved (JMP basic or safely managed) and contained, or sewered to "
                  "treatment, over surveyed people. Unsurveyed dwellings are outside."),
                "share", share(figures["people_safe_individual"], surveyed),
                figures["people_safe_individual"], surveyed,
                _("People"), _("Surveyed people"),
            ),
            Indicator(
                "SF-1b", _("On-site containments desludged within the emptying interval"),
                _("On-site containments emptied (on record or as surveyed) within the rule "
                  "set's maximum years since emptying before the end of the year, over "
                  "on-site containments due for emptying (those built within the interval "
                  "and never emptied are not yet due)."),
                "share", *_parts(figures, "desludged_recently", "emptying_due"),
                _("Containments"), _("Containments due for emptying"),
            ),
            Indicator(
                "SF-1c", _("Collected faecal sludge delivered to treatment"),
                _("Volume received by treatment plants (loads the plant confirmed) over "
                  "the volume emptied in the year."),
                "share", *_parts(figures, "volume_delivered", "volume_emptied"), _("m³"), _("m³"),
            ),
            Indicator(
                "SF-1d", _("Treatment capacity vs faecal sludge generated"),
                _("Capacity of the plants over the days they were in operation in the year, "
                  "over the faecal sludge generated by people on on-site sanitation (the "
                  "surveyed on-site share of the register's population, times %(rate)s m³ "
                  "per person and year, the national faecal sludge generation rate).")
                % {"rate": digits(settings.IMIS["FS_GENERATION_M3_PER_PERSON_YEAR"])},
                "share", share(capacity, generated), capacity, generated,
                _("m³ per year"), _("m³ per year"),
            ),
            Indicator(
                "SF-1e", _("Treatment capacity vs faecal sludge disposed at the plants"),
                _("Capacity of the plants over the days they were in operation in the year, "
                  "over the volume the plants received (confirmed loads). Above 1, the "
                  "plants can treat all they receive."),
                "ratio", share(capacity, figures["volume_delivered"]), capacity,
                figures["volume_delivered"], _("m³ per year"), _("m³"),
            ),
            Indicator(
                "SF-2a", _("LIC population with safe individual toilets"),
                _("As SF-1a, for surveyed people living in low-income communities."),
                "share", *_parts(figures, "lic_people_safe_individual", "lic_people_surveyed"),
                _("People"), _("Surveyed LIC residents"),
            ),
            Indicator(
                "SF-2b", _("LIC on-site containments desludged within the interval"),
                _("As SF-1b, for containments of buildings in low-income communities."),
                "share", *_parts(figures, "lic_desludged_recently", "lic_emptying_due"),
                _("Containments"), _("LIC containments due for emptying"),
            ),
            Indicator(
                "SF-2c", _("LIC faecal sludge delivered to treatment"),
                _("Volume received by treatment plants from containments of buildings in "
                  "low-income communities over the volume emptied from them in the year."),
                "share", *_parts(figures, "lic_volume_delivered", "lic_volume_emptied"),
                _("m³"), _("m³"),
            ),
            Indicator(
                "SF-5", _("Schools with safe sanitation"),
                _("Educational buildings with a toilet that is improved and contained (or "
                  "sewered to treatment), over educational buildings whose sanitation is "
                  "known (a facility on record, or no toilet)."),
                "share", share(safe["schools"], known["schools"]), safe["schools"],
                known["schools"], _("Schools"), _("Schools with sanitation on record"),
            ),
            Indicator(
                "SF-6", _("Health facilities with safe sanitation"),
                _("As SF-5, for buildings in health use."),
                "share", share(safe["health_facilities"], known["health_facilities"]),
                safe["health_facilities"], known["health_facilities"],
                _("Health facilities"), _("Health facilities with sanitation on record"),
            ),
        ]  # fmt: skip

    current = build(total, treatment_capacity_m3)
    previous = (
        {i.code: i.value for i in build(previous_total, previous_treatment_capacity_m3)}
        if previous_total
        else {}
    )
    survey_based = {"EQ-1", "SF-1a", "SF-1d", "SF-2a"}
    for indicator in current:
        indicator.previous = previous.get(indicator.code)
        indicator.target = _target(targets, indicator.code)
        indicator.group = str(CWIS)
        if indicator.code in survey_based:
            indicator.coverage = coverage(total)
    # SF-1f and SF-1g from the plants' laboratory samples, SF-3 and SF-4 from the toilet
    # blocks, SF-9 from the drinking-water samples (dashboards/laboratory.py).
    current += laboratory or []
    for indicator in current:
        if indicator.code == "SF-3" and indicator.available:
            indicator.coverage = coverage(total)  # it counts surveyed households
    # Without the registers' figures (a caller that gives none): not available.
    given = {indicator.code for indicator in current}
    for code, name in (
        ("SF-3", _("Dependent population using safe shared or community toilets")),
        ("SF-4", _("Public toilets that are safe and functional")),
        ("SF-9", _("Water samples meeting standards")),
    ):
        if code not in given:
            reason = _("Not computed for this report.")
            current.append(_not_available(code, name, reason, targets))
    current.append(_sf7(total, previous_total, targets))
    order = {code: i for i, code in enumerate(CWIS_ORDER)}
    current.sort(key=lambda indicator: order[indicator.code])
    return current


def _sf7(total: dict, previous_total: dict | None, targets: dict) -> Indicator:
    """Mechanised emptyings over all emptyings of the year: those on record (all by vehicle)
    plus those surveyed as emptied in the year and not on record, by how they were emptied.
    Without a surveyed answer on how, manual emptying is unseen: not available."""
    name = _("Desludging services that are mechanised")

    def parts(figures: dict) -> tuple[float, float] | None:
        manual = figures["surveyed_manual_emptyings"]
        mechanical = figures["surveyed_mechanical_emptyings"]
        if manual + mechanical == 0:
            return None
        return figures["emptyings"] + mechanical, figures["emptyings"] + mechanical + manual

    current = parts(total)
    if current is None:
        return _not_available(
            "SF-7", name,
            _("No survey answer of the year says how a containment was emptied, so manual "
              "emptying is unseen (every emptying on record is by vehicle)."), targets,
        )  # fmt: skip
    previous = parts(previous_total) if previous_total else None
    return Indicator(
        "SF-7", name,
        _("Emptyings of the year by vehicle or pump (all those on record, and those surveyed "
          "as mechanical) over all emptyings of the year, manual ones included (surveyed)."),
        "share", share(*current), current[0], current[1],
        _("Mechanised emptyings"), _("Emptyings"),
        previous=share(*previous) if previous else None, target=_target(targets, "SF-7"),
        group=str(CWIS),
    )  # fmt: skip


CWIS_ORDER = (
    "EQ-1", "SF-1a", "SF-1b", "SF-1c", "SF-1d", "SF-1e", "SF-1f", "SF-1g", "SF-2a", "SF-2b",
    "SF-2c", "SF-3", "SF-4", "SF-5", "SF-6", "SF-7", "SF-9",
)  # fmt: skip
