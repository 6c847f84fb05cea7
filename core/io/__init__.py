"""File formats in and out (see the design: geopandas/pyogrio and GDAL live here only).

GeoPackage and Shapefile exports are written by GDAL's ogr2ogr reading the layer's SQL
(spatial.layers.Layer: table, joins, properties) straight from PostGIS: flat memory and
ogr2ogr's own speed. Shapefiles are zipped, UTF-8 with a .cpg, with long field names
shortened by a documented mapping (FIELDS.txt). CSV and XLSX carry WKT geometry and are
read from a server-side cursor in chunks. Reading uploaded files: reading.py.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import connection, transaction

from core import tables
from core.features import CRS84, EPSG_3106, Layer, LayerQuery, geometry_in

from .reading import ReadLayer, UploadError, UploadLimits, read_upload, read_uploaded

# Reading uploads lives in reading.py; core.io offers both directions.
__all__ = [
    "FILE_CRS",
    "FORMATS",
    "FileInFolder",
    "ReadLayer",
    "UploadError",
    "UploadLimits",
    "export_file",
    "gdal_field_names",
    "iter_csv",
    "read_upload",
    "read_uploaded",
    "shapefile_field_names",
    "vector_sql",
    "write_vector",
    "write_xlsx",
    "xlsx_bytes",
]

CHUNK = 5000
# The CRSs a file export can be written in, and a file without its own CRS (CSV) read from:
# longitude/latitude (as GIS files keep EPSG:4326) or Bangladesh Transverse Mercator.
FILE_CRS = {"EPSG:4326": CRS84, "EPSG:3106": EPSG_3106}
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


def gdal_field_names(names: list[str]) -> dict[str, str]:
    """The names GDAL gives these columns when it writes them to a Shapefile itself (QGIS's
    "Save as" does): cut to 10 characters, and a name taken again becomes its first 8
    characters and a number ("populati_1", ..., "populati10")."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        short = candidate = name[:10]
        number = 1
        while candidate.lower() in taken:
            candidate = f"{short[:8]}_{number}" if number < 10 else f"{short[:8]}{number:02d}"
            number += 1
        taken.add(candidate.lower())
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


def vector_sql(layer: Layer, query: LayerQuery, mapping: dict[str, str] | None = None) -> str:
    """The SELECT that ogr2ogr reads for a file export, values bound (bench/exports.py gives
    the same text to a bare ogr2ogr). `mapping` renames columns (Shapefile's short names)."""
    mapping = mapping or {}
    where, params = query.where(layer)
    columns = ", ".join(
        f'{expr} AS "{mapping.get(name, name)}"' for name, expr in layer.properties.items()
    )
    geometry = geometry_in("t.geom", query.crs)
    return connection.ops.compose_sql(
        f'SELECT t.id AS "id", {columns}, {geometry} AS geom'  # noqa: S608
        f" FROM {layer.table} t {layer.joins} WHERE {where} ORDER BY t.id",
        params,
    )


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
    `progress` hears the share written so far (0 to 1), from ogr2ogr's own progress."""
    mapping = shapefile_field_names(["id", *layer.properties]) if fmt == "shp" else {}
    sql = vector_sql(layer, query, mapping)
    table = layer.name.replace("-", "_")
    source, env = _pg_source()
    if fmt == "gpkg":
        target = folder / f"{layer.name}.gpkg"
        options = ["-f", "GPKG", "-dsco", "VERSION=1.2"]
    else:
        target = folder / "shp" / f"{table}.shp"
        target.parent.mkdir()
        options = ["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8"]
    command = [
        "ogr2ogr",
        "-progress",
        *options,
        str(target),
        source,
        "-sql",
        sql,
        "-nln",
        table,
        "-a_srs",
        f"EPSG:{query.crs.srid}",
        "-nlt",
        "PROMOTE_TO_MULTI" if fmt == "shp" else "GEOMETRY",
    ]
    with tempfile.TemporaryFile() as errors:
        # ogr2ogr prints "0...10...20...": each number is a share written.
        process = subprocess.Popen(  # noqa: S603 (fixed program; SQL quoted by psycopg)
            command, stdout=subprocess.PIPE, stderr=errors, env=env
        )
        _follow_progress(process.stdout, progress)
        returncode = process.wait()
        if returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()[:500]
            raise RuntimeError(f"ogr2ogr failed: {message}")
    if fmt == "gpkg":
        _describe_columns(target, table, layer)
        return target
    archive = folder / f"{layer.name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for part in sorted(target.parent.iterdir()):
            bundle.write(part, part.name)
        bundle.writestr(
            "FIELDS.txt",
            "\n".join(f"{short}\t{name}\t{_role(layer, name)}" for name, short in mapping.items())
            + "\n",
        )
    return archive


def _role(layer: Layer, name: str) -> str:
    """How an import treats a column: "read-only" (the register derives or keeps it) or
    "editable" (it round-trips)."""
    return "read-only" if name == "id" or name in layer.read_only else "editable"


def _describe_columns(path: Path, table: str, layer: Layer) -> None:
    """Describe every column in the GeoPackage's own schema table (gpkg_data_columns, the
    GeoPackage Schema extension), so a GIS shows which columns an import reads back."""
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL,"
            " column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT,"
            " mime_type TEXT, constraint_name TEXT,"
            " CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT,"
            " extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,"
            " CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"
        )
        db.execute(
            "INSERT OR IGNORE INTO gpkg_extensions VALUES ('gpkg_data_columns', NULL,"
            " 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write')"
        )
        db.executemany(
            "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name,"
            " description) VALUES (?, ?, ?, ?)",
            [(table, name, name, _role(layer, name)) for name in ["id", *layer.properties]],
        )


def _follow_progress(stream, progress: Callable[[float], None] | None) -> None:
    number = b""
    while byte := stream.read(1):
        if byte.isdigit():
            number += byte
            continue
        if number and progress is not None:
            progress(min(int(number), 100) / 100)
        number = b""


def _table_rows(
    layer: Layer, query: LayerQuery, progress: Callable[[int], None] | None
) -> Iterator[tuple]:
    """The layer's rows with the geometry as WKT, chunk by chunk; `progress` hears the
    running count."""
    written = 0
    for _names, rows in _rows(layer, query, f"ST_AsText({geometry_in('t.geom', query.crs)})"):
        yield from rows
        written += len(rows)
        if progress is not None:
            progress(written)


def _table_header(layer: Layer) -> list[str]:
    return ["id", *layer.properties, "wkt"]


def iter_csv(
    layer: Layer, query: LayerQuery, progress: Callable[[int], None] | None = None
) -> Iterator[str]:
    """CSV lines (core.tables) with the geometry as WKT, streamed chunk by chunk."""
    return tables.csv_lines(_table_header(layer), _table_rows(layer, query, progress))


def write_xlsx(
    layer: Layer, query: LayerQuery, target, progress: Callable[[int], None] | None = None
) -> None:
    """The layer as one sheet with the geometry as WKT, saved to `target` (path or file)."""
    tables.write_xlsx(
        target, _table_header(layer), _table_rows(layer, query, progress), title=layer.name
    )


def xlsx_bytes(layer: Layer, query: LayerQuery) -> bytes:
    return tables.xlsx_bytes(
        _table_header(layer), _table_rows(layer, query, None), title=layer.name
    )


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
