"""File formats in and out (see the design: geopandas/pyogrio and GDAL live here only).

GeoPackage and Shapefile exports are written by GDAL's ogr2ogr reading the layer's SQL
(spatial.layers.Layer: table, joins, properties) straight from PostGIS: flat memory and
ogr2ogr's own speed. Shapefiles are zipped, UTF-8 with a .cpg, with long field names
shortened by a documented mapping (FIELDS.txt). CSV and XLSX carry WKT geometry and are
read from a server-side cursor in chunks.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction

from .layers import Layer, LayerQuery, count_features

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


def _pg_source() -> tuple[str, dict[str, str]]:
    """GDAL's PostgreSQL connection string for the default database, and the environment
    carrying the password (kept off the command line)."""
    db = connection.settings_dict
    parts = [f"dbname='{db['NAME']}'"]
    if db.get("HOST"):
        parts.append(f"host='{db['HOST']}'")
    if db.get("PORT"):
        parts.append(f"port='{db['PORT']}'")
    if db.get("USER"):
        parts.append(f"user='{db['USER']}'")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return "PG:" + " ".join(parts), env


def write_vector(
    layer: Layer,
    query: LayerQuery,
    fmt: str,
    folder: Path,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write the layer into `folder` as GeoPackage or zipped Shapefile; returns the file.

    GDAL's ogr2ogr reads the layer's SQL straight from PostGIS with a cursor, so memory stays
    flat and the speed is ogr2ogr's own; values are bound into the SQL by psycopg's quoting.
    `progress` is called with the number of features once written."""
    where, params = query.where(layer)
    names = list(layer.properties)
    mapping = shapefile_field_names(["id", *names]) if fmt == "shp" else {}
    columns = ", ".join(
        f'{expr} AS "{mapping.get(name, name)}"' for name, expr in layer.properties.items()
    )
    sql = connection.ops.compose_sql(
        f'SELECT t.id AS "id", {columns}, t.geom FROM {layer.table} t {layer.joins}'  # noqa: S608
        f" WHERE {where} ORDER BY t.id",
        params,
    )
    table = layer.name.replace("-", "_")
    source, env = _pg_source()
    if fmt == "gpkg":
        target = folder / f"{layer.name}.gpkg"
        options = ["-f", "GPKG", "-dsco", "VERSION=1.2"]
    else:
        target = folder / "shp" / f"{table}.shp"
        target.parent.mkdir()
        options = ["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8"]
    result = subprocess.run(  # noqa: S603 (fixed program; SQL quoted by psycopg)
        [  # noqa: S607 (gdal-bin's ogr2ogr from PATH)
            "ogr2ogr",
            *options,
            str(target),
            source,
            "-sql",
            sql,
            "-nln",
            table,
            "-a_srs",
            "EPSG:4326",
            "-nlt",
            "PROMOTE_TO_MULTI" if fmt == "shp" else "GEOMETRY",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"ogr2ogr failed: {result.stderr.strip()[:500]}")
    if progress is not None:
        progress(count_features(layer, query))
    if fmt == "gpkg":
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
