"""The people's figures as readers see them: the JMP ladder, the SFD fates and their
graphic, and the two compared in people (issue 17)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from containment.choices import SFD_SAFE_FATES, JmpRung, SfdClass, SfdFate

from . import figures_sql, indicators


def moment(text: str | None) -> datetime.datetime | None:
    """When stored figures were computed (kept as ISO text with the figures)."""
    return datetime.datetime.fromisoformat(text) if text else None


def _rung_labels() -> dict[str, str]:
    return {choice.value: str(choice.label) for choice in JmpRung}


def ladder(figures: dict) -> list[dict]:
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


def sfd(figures: dict) -> dict:
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
        "computed_at": moment(figures.get("computed_at")),
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


def comparison(figures: dict) -> dict:
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
