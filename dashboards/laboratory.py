"""CWIS SF-1f and SF-1g from the treatment plants' laboratory samples
(containment.plant.lab_figures), and SF-9 from the drinking-water samples
(spatial.selectors.water_sample_figures): the share of samples whose every tested parameter
met the standard (containment/lab_standards.py, spatial/water_standards.py). Not available,
with the reason, in a year without samples."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .indicators import CWIS, Indicator, _not_available, _target, share

LAB = (
    (
        "SF-1f", "sludge", _("Treated faecal sludge meeting the standards"),
        _("Laboratory samples of the plants' treated faecal sludge taken in the year whose "
          "every tested parameter met the standard (WHO 2006, volume 4: helminth eggs and "
          "E. coli), over the samples taken."),
        _("No laboratory test of the plants' treated sludge is recorded for the year."),
    ),
    (
        "SF-1g", "effluent", _("Treated wastewater meeting the standards"),
        _("Laboratory samples of the plants' effluent taken in the year whose every tested "
          "parameter met the discharge standard (ECR 1997, Schedule 12), over the samples "
          "taken."),
        _("No laboratory test of the plants' effluent is recorded for the year."),
    ),
)  # fmt: skip


def lab_indicators(lab: dict, previous_lab: dict, targets: dict) -> list[Indicator]:
    indicators = []
    for code, kind, name, rule, none in LAB:
        samples, meeting = lab.get(f"{kind}_samples", 0), lab.get(f"{kind}_meeting", 0)
        if not samples:
            indicators.append(_not_available(code, name, none, targets))
            continue
        indicators.append(
            Indicator(
                code, name, rule, "share", share(meeting, samples), meeting, samples,
                _("Samples meeting the standard"), _("Samples tested"),
                target=_target(targets, code), group=str(CWIS),
                previous=share(previous_lab.get(f"{kind}_meeting", 0),
                               previous_lab.get(f"{kind}_samples", 0)),
            )
        )  # fmt: skip
    return indicators


def water_indicator(water: dict, previous_water: dict, targets: dict) -> Indicator:
    """SF-9: drinking-water samples of the year free of faecal contamination."""
    name = _("Water samples meeting standards")
    if not water.get("samples"):
        reason = (
            _("None of the year's water samples has an E. coli or coliform result yet.")
            if water.get("pending")
            else _("No drinking-water sample is recorded for the year.")
        )
        return _not_available("SF-9", name, reason, targets)
    return Indicator(
        "SF-9", name,
        _("Drinking-water samples taken in the year in which no E. coli or thermotolerant "
          "(faecal) coliforms were found (0 per 100 mL, ECR 1997 Schedule 3), over the "
          "year's samples tested for them; samples not tested for them are left out. The "
          "map judges every tested parameter (arsenic, turbidity, chlorine too)."),
        "share", share(water["meeting"], water["samples"]), water["meeting"], water["samples"],
        _("Samples free of faecal contamination"), _("Samples tested for E. coli"),
        target=_target(targets, "SF-9"), group=str(CWIS),
        previous=share(previous_water.get("meeting", 0), previous_water.get("samples", 0)),
    )  # fmt: skip


def shared_toilet_indicators(figures: dict, targets: dict) -> list[Indicator]:
    """SF-3 and SF-4 from the public and community toilets register
    (containment.toilet_figures), as the registers stand now."""
    sf3_name = _("Dependent population using safe shared or community toilets")
    sf4_name = _("Public toilets that are safe and functional")
    indicators = []
    if figures["dependent_people"]:
        indicators.append(
            Indicator(
                "SF-3", sf3_name,
                _("People of surveyed households without a toilet of their own whose members "
                  "go to a community or public toilet, and whose household record names one "
                  "that is functional, improved and whose waste is contained or sewered to "
                  "treatment, over all the people of such households (those whose record "
                  "names no toilet block count as not safe). The registers as they stand."),
                "share", share(figures["dependent_people_safe"], figures["dependent_people"]),
                figures["dependent_people_safe"], figures["dependent_people"],
                _("People using a safe shared toilet"), _("People depending on shared toilets"),
                target=_target(targets, "SF-3"), group=str(CWIS),
            )
        )  # fmt: skip
    else:
        indicators.append(
            _not_available(
                "SF-3", sf3_name,
                _("No surveyed household goes to a community or public toilet."), targets,
            )
        )  # fmt: skip
    if figures["public_toilets"]:
        indicators.append(
            Indicator(
                "SF-4", sf4_name,
                _("Public toilets in service that are functional, improved and whose waste is "
                  "contained or sewered to treatment (the containment on record), over the "
                  "public toilets in service. The register as it stands."),
                "share", share(figures["public_toilets_safe"], figures["public_toilets"]),
                figures["public_toilets_safe"], figures["public_toilets"],
                _("Safe and functional public toilets"), _("Public toilets"),
                target=_target(targets, "SF-4"), group=str(CWIS),
            )
        )  # fmt: skip
    else:
        indicators.append(
            _not_available("SF-4", sf4_name, _("No public toilet is on the register."), targets)
        )
    return indicators
