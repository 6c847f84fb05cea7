"""The standards a treatment plant's laboratory results are judged against (CWIS SF-1f for
treated faecal sludge, SF-1g for treated wastewater). One declaration, read by the plant's
form, the service that records a result and the indicators.

Each result keeps the limit it was judged against, so a later change of standard does not
rewrite what was published.

Sources:
- Effluent: Environment Conservation Rules 1997 (Bangladesh), Schedule 12, standards for
  sewage discharge into inland surface water.
- Treated faecal sludge: WHO Guidelines for the safe use of wastewater, excreta and
  greywater (2006), volume 4, for use in agriculture. Bangladesh's Institutional and
  Regulatory Framework for FSM (2017) refers to them.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.standards import Parameter

from .choices import LabSampleType

ECR_12 = _("ECR 1997, Schedule 12 (sewage discharge, inland surface water)")
WHO_2006 = _("WHO 2006 guidelines, volume 4 (excreta use in agriculture)")

STANDARDS: dict[str, tuple[Parameter, ...]] = {
    LabSampleType.EFFLUENT: (
        Parameter("bod5", _("BOD₅"), "mg/L", maximum=Decimal(40), source=ECR_12),
        Parameter("tss", _("Suspended solids"), "mg/L", maximum=Decimal(100), source=ECR_12),
        Parameter("nitrate", _("Nitrate"), "mg/L", maximum=Decimal(250), source=ECR_12),
        Parameter("phosphate", _("Phosphate"), "mg/L", maximum=Decimal(35), source=ECR_12),
        Parameter("coliform", _("Coliform"), "/100 mL", maximum=Decimal(1000), source=ECR_12),
    ),
    LabSampleType.TREATED_SLUDGE: (
        Parameter(
            "helminth_eggs",
            _("Helminth eggs"),
            "/g TS",
            maximum=Decimal(1),
            below=True,
            source=WHO_2006,
        ),
        Parameter(
            "e_coli", _("E. coli"), "/g TS", maximum=Decimal(1000), below=True, source=WHO_2006
        ),
    ),
}


def parameter(sample_type: str, code: str) -> Parameter | None:
    return next((p for p in STANDARDS.get(sample_type, ()) if p.code == code), None)
