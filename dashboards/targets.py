"""Indicator targets per year (issue 26): the municipal admin sets what the municipality
aims for on each CWIS indicator and FSM KPI; the indicators page shows each figure against
its target. Shares are typed as percentages and kept as fractions (0.8 for 80 %)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spatial.models import Municipality

from . import reports
from .models import IndicatorTarget

HUNDRED = Decimal(100)


def target_rows(*, municipality: Municipality, year: int) -> list[dict[str, Any]]:
    """Every indicator of the report, with its unit and the target set for `year` (shares
    in percent). A coming year's targets are set before it has figures: the indicators are
    read from this year's report."""
    this_year = timezone.localdate().year
    report = reports.indicator_report(municipality=municipality, year=min(year, this_year))
    set_targets = reports.targets_for(municipality=municipality, year=year)
    rows = []
    for item in [*report["cwis"], *report["kpis"]]:
        target = set_targets.get(item["code"])
        percent = item["unit"] == "share"
        rows.append(
            {
                "code": item["code"],
                "name": item["name"],
                "unit": item["unit"],
                "percent": percent,
                "target": None
                if target is None
                else (Decimal(str(target)) * HUNDRED if percent else Decimal(str(target))),
            }
        )
    return rows


@transaction.atomic
def targets_save(
    *, municipality: Municipality, year: int, targets: dict[str, Decimal | None]
) -> int:
    """Set (or clear, with None) the year's targets; shares come in percent. Returns how
    many targets the year has afterwards."""
    rows = {row["code"]: row for row in target_rows(municipality=municipality, year=year)}
    errors = {}
    for code, value in targets.items():
        row = rows.get(code)
        if row is None:
            errors[code] = [_("Unknown indicator.")]
        elif value is not None and (value < 0 or (row["percent"] and value > HUNDRED)):
            errors[code] = [_("A share is from 0 to 100 %.") if row["percent"] else
                            _("A target cannot be negative.")]  # fmt: skip
    if errors:
        raise ValidationError(errors)
    for code, value in targets.items():
        if value is None:
            IndicatorTarget.objects.filter(
                municipality=municipality, year=year, indicator=code
            ).delete()
            continue
        stored = value / HUNDRED if rows[code]["percent"] else value
        IndicatorTarget.objects.update_or_create(
            municipality=municipality, year=year, indicator=code, defaults={"value": stored}
        )
    return IndicatorTarget.objects.filter(municipality=municipality, year=year).count()
