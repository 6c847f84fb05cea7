"""Reading a table someone exported from a spreadsheet or another system: XLSX (its first
sheet) or CSV in UTF-8 with ',', ';' or tab between the cells, the header on the first line.
Every cell comes back as text (a whole number without '.0', a date as ISO); rows with no
value at all are left out. What cannot be read is a ValidationError on "file", for the user.
The Kobo/ODK import and the health facilities' case tables read through here."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person typed into it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _xlsx_rows(content: bytes, max_rows: int) -> list[dict[str, str]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError({"file": [_("The XLSX file could not be read.")]}) from exc
    rows = book.worksheets[0].iter_rows(values_only=True, max_row=max_rows + 2)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    records = []
    for values in rows:
        if all(v is None or v == "" for v in values):
            continue
        records.append(
            {name: cell_text(value) for name, value in zip(header, values, strict=False) if name}
        )
    book.close()
    return records


def _csv_rows(text: str) -> list[dict[str, str]]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error as exc:
        header = text.lstrip().partition("\n")[0]
        if not header.strip() or any(d in header for d in ",;\t"):
            raise ValidationError({"file": [_("The CSV could not be read.")]}) from exc
        dialect = csv.excel  # one column: nothing to separate
    return [
        {(k or "").strip(): (v or "") for k, v in row.items() if k}
        for row in csv.DictReader(io.StringIO(text), dialect=dialect)
        if any((v or "").strip() for v in row.values() if isinstance(v, str))
    ]


def is_xlsx(content: bytes, filename: str) -> bool:
    return filename.lower().endswith(".xlsx") or content[:4] == XLSX_MAGIC


def decoded(content: bytes) -> str:
    """The file as UTF-8 text (a byte-order mark dropped)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": [_("The file is not UTF-8 text.")]}) from exc


def read_sheet(
    content: bytes, filename: str, *, max_rows: int, max_bytes: int
) -> list[dict[str, str]]:
    """The rows of an XLSX or CSV file as {column: text}, at most `max_rows` of them and
    `max_bytes` in all."""
    if len(content) > max_bytes:
        raise ValidationError(
            {"file": [_("The file is larger than %(mb)s MB.") % {"mb": max_bytes // 2**20}]}
        )
    if is_xlsx(content, filename):
        records = _xlsx_rows(content, max_rows)
    else:
        records = _csv_rows(decoded(content))
    if len(records) > max_rows:
        raise ValidationError({"file": [_("At most %(n)s rows at once.") % {"n": max_rows}]})
    return records
