"""Tables as people open them in a spreadsheet: CSV (UTF-8 with a byte-order mark, so that
spreadsheet programs read Bangla) streamed line by line, and XLSX written in one pass
(openpyxl's write-only mode: memory stays flat). Every download of rows (layer exports,
enforcement lists, the indicator report) writes through here."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file whose write returns the line: csv.writer then yields lines one at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The header, then one line per row, produced as the rows are read."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: decimals as numbers, lists and objects as JSON text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_xlsx(target: Any, header: list[str], rows: Iterable[Iterable[Any]], *, title: str):
    """One sheet named `title` (at most 31 characters, as Excel allows), saved to `target`
    (a path or a binary file)."""
    from openpyxl import Workbook  # a large package: loaded when a workbook is written

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([cell(value) for value in row])
    workbook.save(target)


def xlsx_bytes(header: list[str], rows: Iterable[Iterable[Any]], *, title: str) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, title=title)
    return buffer.getvalue()
