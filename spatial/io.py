"""File formats in and out: the only module that uses geopandas/pyogrio (see the design).

Exports read a layer (spatial.layers.Layer: table, joins, properties as SQL) from a
server-side cursor in chunks and write each chunk as it comes, so memory stays bounded by
the chunk, not the layer. Formats: GeoPackage (default), Shapefile (zipped, UTF-8 with a
.cpg, field names shortened by a documented mapping), CSV and XLSX with WKT geometry.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from django.db import connection, transaction

from .layers import Layer, LayerQuery

CHUNK = 5000
# The register's own id travels as "id": GeoPackage keeps "fid" for its primary key, and a
# column of that name can be written once but not appended to.
FORMATS = {
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
    "shp": ("application/zip", "zip"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def shapefile_field_names(names: list[str]) -> dict[str, str]:
    """Shapefile (dBase) field names have at most 10 characters: keep short names, shorten
    long ones by dropping vowels after the first letter of each word, and make them unique
    with a number. The mapping is deterministic and written next to the file."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        short = (
            name
            if len(name) <= 10
            else "_".join(
                word[0] + "".join(c for c in word[1:] if c not in "aeiou")
                for word in name.split("_")
            )[:10]
        )
        candidate, number = short, 1
        while candidate in taken:
            suffix = str(number)
            candidate = short[: 10 - len(suffix)] + suffix
            number += 1
        taken.add(candidate)
        mapping[name] = candidate
    return mapping


def _rows(
    layer: Layer, query: LayerQuery, geometry_sql: str
) -> Iterator[tuple[list[str], list[tuple]]]:
    where, params = query.where(layer)
    columns = ", ".join(f'{expr} AS "{name}"' for name, expr in layer.properties.items())
    sql = (
        f"SELECT t.id AS id, {columns}, {geometry_sql} AS geometry"  # noqa: S608
        f" FROM {layer.table} t {layer.joins} WHERE {where} ORDER BY t.id"
    )
    names = ["id", *layer.properties, "geometry"]
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield names, rows


def _frame(names: list[str], rows: list[tuple]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame.from_records(rows, columns=names)
    geometry = shapely.from_wkb([bytes(value) for value in frame.pop("geometry")])
    for column in frame.columns:
        if frame[column].dtype != object:
            continue
        sample = next((v for v in frame[column] if v is not None), None)
        if isinstance(sample, Decimal):
            frame[column] = frame[column].map(lambda v: None if v is None else float(v))
        elif isinstance(sample, dt.date):
            frame[column] = pd.to_datetime(frame[column])
        elif isinstance(sample, list | dict):
            frame[column] = frame[column].map(lambda v: None if v is None else json.dumps(v))
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def write_vector(layer: Layer, query: LayerQuery, fmt: str, folder: Path) -> Path:
    """Write the layer into `folder` as GeoPackage or zipped Shapefile; returns the file."""
    if fmt == "gpkg":
        target = folder / f"{layer.name}.gpkg"
        # GeoPackage 1.2: what the GDAL and QGIS of current Debian/Ubuntu read without warnings.
        driver, options = "GPKG", {"dataset_options": {"VERSION": "1.2"}}
    else:
        target = folder / "shp" / f"{layer.name.replace('-', '_')}.shp"
        target.parent.mkdir()
        driver, options = "ESRI Shapefile", {"encoding": "UTF-8"}
    written = False
    mapping: dict[str, str] = {}
    for names, rows in _rows(layer, query, "ST_AsBinary(t.geom)"):
        frame = _frame(names, rows)
        if driver == "ESRI Shapefile":
            mapping = shapefile_field_names([c for c in frame.columns if c != "geometry"])
            frame = frame.rename(columns=mapping)
        pyogrio.write_dataframe(
            frame,
            target,
            driver=driver,
            layer=layer.name.replace("-", "_"),
            append=written,
            **options,
        )
        written = True
    if not written:  # an empty layer still gets a file with its fields
        empty = gpd.GeoDataFrame({"id": pd.Series(dtype="int64")}, geometry=[], crs="EPSG:4326")
        pyogrio.write_dataframe(
            empty, target, driver=driver, layer=layer.name.replace("-", "_"), **options
        )
    if driver == "GPKG":
        return target
    archive = folder / f"{layer.name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for part in sorted(target.parent.iterdir()):
            bundle.write(part, part.name)
        bundle.writestr(
            "FIELDS.txt", "\n".join(f"{short}\t{name}" for name, short in mapping.items()) + "\n"
        )
    return archive


def iter_csv(layer: Layer, query: LayerQuery) -> Iterator[str]:
    """CSV lines (UTF-8 with BOM) with the geometry as WKT, streamed chunk by chunk."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    first = True
    for names, rows in _rows(layer, query, "ST_AsText(t.geom)"):
        if first:
            yield "\ufeff" + writer.writerow([*names[:-1], "wkt"])
            first = False
        for row in rows:
            yield writer.writerow(row)
    if first:
        yield "\ufeff" + writer.writerow(["id", *layer.properties, "wkt"])


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def xlsx_bytes(layer: Layer, query: LayerQuery) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(layer.name[:31])
    sheet.append(["id", *layer.properties, "wkt"])
    for _names, rows in _rows(layer, query, "ST_AsText(t.geom)"):
        for row in rows:
            sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class FileInFolder(io.FileIO):
    """A file opened for a response; closing it removes its temporary folder."""

    def __init__(self, path: Path, folder: Path):
        super().__init__(path, "rb")
        self.folder = folder

    def close(self) -> None:
        super().close()
        shutil.rmtree(self.folder, ignore_errors=True)


def export_file(layer: Layer, query: LayerQuery, fmt: str) -> FileInFolder:
    """GeoPackage or zipped Shapefile in a private temporary folder, opened for reading; the
    folder goes when the file is closed (or right away if writing fails)."""
    folder = Path(tempfile.mkdtemp(prefix="imis-export-"))
    try:
        path = write_vector(layer, query, fmt, folder)
        return FileInFolder(path, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
