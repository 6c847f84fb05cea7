"""Enforcement lists as CSV (streamed) and XLSX, with each failed rule's reason in words in
the reader's language."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

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


class _Echo:
    def write(self, value: str) -> str:
        return value


def enforcement_csv(rows: Iterable[tuple[Any, ...]], *, language: str) -> Iterator[str]:
    """CSV lines, UTF-8 with a byte-order mark so spreadsheet programs read Bangla. The
    response streams after the view returned, so the reader's language is set here."""
    writer = csv.writer(_Echo())
    with translation.override(language):
        yield "\ufeff" + writer.writerow(enforcement_header())
        for row in rows:
            yield writer.writerow(_cells(row))


def enforcement_xlsx(rows: Iterable[tuple[Any, ...]], *, title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(enforcement_header())
    for row in rows:
        sheet.append(_cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
