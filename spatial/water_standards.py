"""The national standard a drinking-water sample is judged against, declared once and read
by the water sample register's derived result, its map classes and CWIS SF-9 (which counts
the faecal indicator only, as Base IMIS does).

Each parameter is judged only when it was tested; a sample meets the standard when every
parameter tested on it does, and has no result while none has been tested.

Source: Environment Conservation Rules 1997 (Bangladesh), Schedule 3, drinking water:
arsenic 0.05 mg/L (the setting IMIS["ARSENIC_STANDARD_UG_L"], also read by the water points'
arsenic status), faecal coliform 0 per 100 mL (E. coli or thermotolerant coliforms, as
WHO's guidelines for drinking-water quality count them), turbidity 10 NTU, chlorine
(residual) 0.2 mg/L, read as the least free chlorine left at the tap of a chlorinated
supply (WHO); chlorine is judged only where it was measured.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.standards import Parameter

ECR_3 = _("ECR 1997, Schedule 3 (drinking water)")

# Parameter codes are the water sample's columns.
DRINKING_WATER: tuple[Parameter, ...] = (
    Parameter(
        "e_coli_per_100ml",
        _("E. coli or thermotolerant coliforms"),
        "/100 mL",
        maximum=Decimal(0),
        source=ECR_3,
    ),
    Parameter(
        "arsenic_ug_l",
        _("Arsenic"),
        "µg/L",
        maximum=Decimal(str(settings.IMIS["ARSENIC_STANDARD_UG_L"])),
        source=ECR_3,
    ),
    Parameter(
        "chlorine_residual_mg_l",
        _("Free residual chlorine"),
        "mg/L",
        minimum=Decimal("0.2"),
        source=ECR_3,
    ),
    Parameter("turbidity_ntu", _("Turbidity"), "NTU", maximum=Decimal(10), source=ECR_3),
)


# CWIS SF-9 counts the samples free of faecal contamination.
FAECAL_INDICATOR = DRINKING_WATER[0]


def meets_sql(alias: str = "t") -> str:
    """SQL: whether a sample meets the standard (every tested parameter within its limit),
    NULL while none has been tested."""
    tested = " OR ".join(f"{alias}.{p.code} IS NOT NULL" for p in DRINKING_WATER)
    within = " AND ".join(
        f"({alias}.{p.code} IS NULL OR {p.meets_sql(f'{alias}.{p.code}')})" for p in DRINKING_WATER
    )
    return f"(CASE WHEN {tested} THEN {within} END)"


def failing_sql(alias: str = "t") -> str:
    """SQL: the codes of the parameters a sample fails, comma-separated ('' when none)."""
    parts = ", ".join(
        f"CASE WHEN NOT {p.meets_sql(f'{alias}.{p.code}')} THEN '{p.code}' END"
        for p in DRINKING_WATER
    )
    return f"concat_ws(', ', {parts})"
