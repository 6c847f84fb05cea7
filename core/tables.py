"""Tables as people open them in a spreadsheet: CSV (UTF-8 with a byte-order mark, so that
spreadsheet programs read Bangla) streamed line by line, and XLSX written in one pass
(openpyxl's write-only mode: memory stays flat). Every download of rows (layer exports,
enforcement lists, the indicator report) writes through here; the map analyses' answers
also as a GeoPackage."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
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


GPKG_TYPE = "application/geopackage+sqlite3"


def gpkg_bytes(header: list[str], rows: Iterable[Iterable[Any]], geometries, *, layer: str):
    """A GeoPackage of one layer `layer` in EPSG:4326: the rows' values under `header`, each
    with its geometry (shapely or GeoJSON dicts, in the rows' order), as QGIS opens it."""
    import geopandas  # large packages: loaded when a file is written
    import shapely

    values = [[cell(value) for value in row] for row in rows]
    shapes = [shapely.geometry.shape(one) if isinstance(one, dict) else one for one in geometries]
    frame = geopandas.GeoDataFrame(
        {name: [row[i] for row in values] for i, name in enumerate(header)},
        geometry=shapes,
        crs=4326,
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answer.gpkg"
        frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        return path.read_bytes()


# The forms every analysis answers in (file_format): JSON, or a download (file_response).
FILE_FORMATS = ["json", "csv", "xlsx", "gpkg"]


def file_response(kind: str, header: list[str], rows, *, name: str, geometries=None):
    """An answer as a download named `name`.<kind>: CSV streamed, XLSX, or a GeoPackage
    (`geometries` in the rows' order; by default points at the rows' `lon` and `lat`)."""
    from django.http import HttpResponse, StreamingHttpResponse

    if kind == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_TYPE)
    elif kind == "xlsx":
        response = HttpResponse(xlsx_bytes(header, rows, title=name), content_type=XLSX_TYPE)
    else:
        rows = list(rows)
        if geometries is None:
            lon, lat = header.index("lon"), header.index("lat")
            geometries = [{"type": "Point", "coordinates": [r[lon], r[lat]]} for r in rows]
        body = gpkg_bytes(header, rows, geometries, layer=name.replace("-", "_"))
        response = HttpResponse(body, content_type=GPKG_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
