"""A measured parameter and the limit a result is judged against, as the laboratories'
standards declare them (containment.lab_standards for the plants, spatial.water_standards
for drinking water). One class, read by the forms and services that record a result, the
SQL that judges stored results and the indicators that count them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise


@dataclass(frozen=True)
class Parameter:
    code: str
    label: Promise
    unit: str
    maximum: Decimal | None = None
    minimum: Decimal | None = None
    source: Promise | str = ""
    # WHO states its limits as "below": the limit itself fails.
    below: bool = False

    def meets(self, value: Decimal) -> bool:
        under = self.maximum is None or (
            value < self.maximum if self.below else value <= self.maximum
        )
        return under and (self.minimum is None or value >= self.minimum)

    def meets_sql(self, column: str) -> str:
        """The same judgement as `meets`, in SQL over `column` (NULL when not tested)."""
        checks = []
        if self.maximum is not None:
            checks.append(f"{column} {'<' if self.below else '<='} {self.maximum}")
        if self.minimum is not None:
            checks.append(f"{column} >= {self.minimum}")
        return "(" + " AND ".join(checks or ["true"]) + ")"

    @property
    def limit_text(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"{self.minimum}–{self.maximum} {self.unit}".strip()
        if self.maximum is not None:
            return f"{'<' if self.below else '≤'} {self.maximum} {self.unit}".strip()
        return f"≥ {self.minimum} {self.unit}".strip()


class ParameterNames:
    """Parameters' codes and names as a register's code list (`Register.choices`): a derived
    property listing the codes a result fails ("e_coli_per_100ml, arsenic_ug_l") is shown
    by their names on the map, the record's page and the attribute table."""

    def __init__(self, parameters: tuple[Parameter, ...]) -> None:
        self.choices = [(p.code, p.label) for p in parameters]
