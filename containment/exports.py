"""Enforcement lists as CSV (streamed) and XLSX (core.tables), with each failed rule's
reason in words in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from core import tables

from . import compliance
from .choices import ContainmentType, Outlet


def enforcement_header() -> list[str]:
    return [
        _("Containment"),
        _("Ward"),
        _("BIN"),
        _("Holding number"),
        _("Owner"),
        _("Owner's phone"),
        _("Type"),
        _("Outlet"),
        _("Last emptied"),
        _("Nearest well (m)"),
        _("Rule set version"),
        _("Reasons"),
    ]


# Columns holding a code (row positions of enforcement_rows), written as the label people read.
CODED = {6: ContainmentType, 7: Outlet}


def _cells(row: tuple[Any, ...]) -> list[Any]:
    outcomes = row[-1]
    reasons = "; ".join(
        compliance.describe(rule, outcomes[rule])
        for rule in compliance.RULES
        if outcomes.get(rule, {}).get("outcome") == "fail"
    )
    cells = list(row[:-1])
    for index, choices in CODED.items():
        if cells[index] in choices.values:
            cells[index] = str(choices(cells[index]).label)
    return [*cells, reasons]


def enforcement_csv(rows: Iterable[tuple[Any, ...]], *, language: str) -> Iterator[str]:
    """CSV lines (core.tables). The response streams after the view returned, so the
    reader's language is set here."""
    with translation.override(language):
        yield from tables.csv_lines(enforcement_header(), (_cells(row) for row in rows))


def enforcement_xlsx(rows: Iterable[tuple[Any, ...]], *, title: str) -> bytes:
    return tables.xlsx_bytes(enforcement_header(), (_cells(row) for row in rows), title=title)
