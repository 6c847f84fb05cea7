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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.features import CRS84, EPSG_3106, Layer, LayerQuery, geometry_in

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


def iter_csv(
    layer: Layer, query: LayerQuery, progress: Callable[[int], None] | None = None
) -> Iterator[str]:
    """CSV lines (UTF-8 with BOM) with the geometry as WKT, streamed chunk by chunk."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    first = True
    written = 0
    for names, rows in _rows(layer, query, f"ST_AsText({geometry_in('t.geom', query.crs)})"):
        if first:
            yield "\ufeff" + writer.writerow([*names[:-1], "wkt"])
            first = False
        for row in rows:
            yield writer.writerow(row)
        written += len(rows)
        if progress is not None:
            progress(written)
    if first:
        yield "\ufeff" + writer.writerow(["id", *layer.properties, "wkt"])


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_xlsx(
    layer: Layer, query: LayerQuery, target, progress: Callable[[int], None] | None = None
) -> None:
    """The layer as one sheet with the geometry as WKT, saved to `target` (path or file)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(layer.name[:31])
    sheet.append(["id", *layer.properties, "wkt"])
    written = 0
    for _names, rows in _rows(layer, query, f"ST_AsText({geometry_in('t.geom', query.crs)})"):
        for row in rows:
            sheet.append([_cell(value) for value in row])
        written += len(rows)
        if progress is not None:
            progress(written)
    workbook.save(target)


def xlsx_bytes(layer: Layer, query: LayerQuery) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(layer, query, buffer)
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


# ---------------------------------------------------------------- reading uploaded files
class UploadError(ValueError):
    """A file that cannot be read as a layer; the message says why, for the user."""


@dataclass
class UploadLimits:
    max_bytes: int = 200 * 1024 * 1024  # uncompressed, all members of a zip together
    max_members: int = 200
    max_ratio: int = 200  # uncompressed / compressed, per member: a zip bomb goes far beyond
    max_features: int = 200_000


@dataclass
class ReadLayer:
    """Features read from a file: shapely geometries in EPSG:4326 and attribute dicts, the
    file's columns in their order, and its format (geojson, gpkg, shp or csv)."""

    geometries: list
    records: list[dict]
    source_crs: str
    source_format: str = ""
    columns: list[str] = field(default_factory=list)


def _safe_extract(archive: Path, folder: Path, limits: UploadLimits) -> list[Path]:
    """Extract a zip into `folder`, refusing absolute or '..' paths, links, too many
    members, and members that inflate beyond the limits (checked on the declared sizes and
    again while writing, since a header can lie)."""
    try:
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise UploadError(_("The file is not a valid zip archive.")) from exc
    with bundle:
        members = bundle.infolist()
        if len(members) > limits.max_members:
            raise UploadError(
                _("The zip holds %(count)s files; at most %(limit)s are accepted.")
                % {"count": len(members), "limit": limits.max_members}
            )
        total = 0
        written: list[Path] = []
        for member in members:
            name = member.filename
            parts = Path(name).parts
            if name.startswith(("/", "\\")) or ".." in parts or ":" in name:
                message = _("The zip entry %(name)s points outside the archive; refused.")
                raise UploadError(message % {"name": name})
            if (member.external_attr >> 16) & 0o170000 == 0o120000:
                raise UploadError(_("The zip entry %(name)s is a link; refused.") % {"name": name})
            if member.is_dir():
                continue
            if member.compress_size and member.file_size / member.compress_size > limits.max_ratio:
                raise UploadError(
                    _("The zip entry %(name)s inflates %(ratio)s times; refused as a zip bomb.")
                    % {"name": name, "ratio": member.file_size // member.compress_size}
                )
            target = folder / Path(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(member) as source, open(target, "wb") as out:
                while chunk := source.read(1024 * 1024):
                    total += len(chunk)
                    if total > limits.max_bytes:
                        raise UploadError(
                            _("The zip inflates beyond %(limit)s MB; refused.")
                            % {"limit": limits.max_bytes // (1024 * 1024)}
                        )
                    out.write(chunk)
            written.append(target)
    return written


def _shapefile_in(files: list[Path]) -> Path:
    shapefiles = [f for f in files if f.suffix.lower() == ".shp"]
    if len(shapefiles) != 1:
        raise UploadError(
            _("The zip must hold exactly one shapefile (.shp); it holds %(count)s.")
            % {"count": len(shapefiles)}
        )
    shp = shapefiles[0]
    siblings = {f.suffix.lower(): f for f in files if f.stem == shp.stem}
    for needed in (".shx", ".dbf"):
        if needed not in siblings:
            raise UploadError(
                _("The shapefile's %(part)s file is missing from the zip.") % {"part": needed}
            )
    if ".prj" not in siblings:
        raise UploadError(
            _(
                "The shapefile has no .prj file, so its coordinate system is unknown. "
                "Export it again with its projection (EPSG:4326 or EPSG:3106)."
            )
        )
    return shp


def _read_csv(path: Path, limits: UploadLimits, crs: str | None = None) -> ReadLayer:
    import shapely

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(
            _("The CSV file is not UTF-8 text (byte %(position)s); save it as UTF-8.")
            % {"position": exc.start}
        ) from exc
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.lower(): name for name in reader.fieldnames or []}
    geometry_column = columns.get("wkt") or columns.get("geometry")
    if geometry_column is None and not {"lon", "lat"} <= set(columns):
        raise UploadError(
            _("The CSV needs a 'wkt' (or 'geometry') column, or 'lon' and 'lat' columns.")
        )
    geometries, records = [], []
    for number, row in enumerate(reader, start=1):
        if number > limits.max_features:
            raise UploadError(
                _("The file holds more than %(limit)s features.") % {"limit": limits.max_features}
            )
        try:
            if geometry_column:
                geometry = shapely.from_wkt(row.pop(geometry_column) or None)
            else:
                geometry = shapely.Point(
                    float(row.pop(columns["lon"])), float(row.pop(columns["lat"]))
                )
        except (shapely.errors.GEOSException, ValueError, TypeError):
            geometry = None  # reported per row by the import
        geometries.append(geometry)
        records.append({key: (value if value != "" else None) for key, value in row.items()})
    names = [n for n in reader.fieldnames or [] if n not in (geometry_column, columns.get("lon"),
             columns.get("lat"))]  # fmt: skip
    source = crs or "EPSG:4326"
    if source != "EPSG:4326":
        geometries = _to_lon_lat(geometries, source)
    elif any(g is not None and not _in_lon_lat(g) for g in geometries):
        raise UploadError(
            _(
                "The coordinates are not longitude and latitude. Say the file's CRS "
                "(crs=EPSG:3106 for Bangladesh Transverse Mercator)."
            )
        )
    return ReadLayer(geometries, records, source, "csv", names)


def _in_lon_lat(geometry) -> bool:
    import shapely

    x0, y0, x1, y1 = shapely.bounds(geometry)
    return -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90


def _to_lon_lat(geometries: list, source: str) -> list:
    """Geometries from `source` (an EPSG code) into longitude, latitude."""
    import pyproj
    import shapely

    transformer = pyproj.Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    return [
        None if g is None else shapely.transform(g, lambda xy: _pairs(transformer, xy))
        for g in geometries
    ]


def _pairs(transformer, xy):
    import numpy

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return numpy.column_stack([x, y])


def _declared_field_names(shp: Path) -> dict[str, str]:
    """The short -> long field names an export of this project wrote next to its shapefile
    (FIELDS.txt); empty for shapefiles from elsewhere."""
    listing = shp.parent / "FIELDS.txt"
    if not listing.exists():
        return {}
    names = {}
    for line in listing.read_text(encoding="utf-8", errors="replace").splitlines():
        short, long, *_rest = [*line.split("\t"), ""]
        if short.strip() and long.strip():
            names[short.strip()] = long.strip()
    return names


def read_upload(
    path: Path,
    *,
    folder: Path,
    layer: str | None = None,
    limits: UploadLimits | None = None,
    crs: str | None = None,
) -> ReadLayer:
    """Read one vector layer from an uploaded GeoJSON, GeoPackage, zipped Shapefile or CSV
    (WKT or lon/lat) into EPSG:4326. Everything is extracted into `folder`, which the caller
    owns and removes. `crs` is the CRS of a CSV's coordinates (the other formats carry
    their own). Raises UploadError with a message for the user."""
    import pyogrio
    import shapely

    limits = limits or UploadLimits()
    if path.stat().st_size > limits.max_bytes:
        raise UploadError(
            _("The file is larger than %(limit)s MB.")
            % {"limit": limits.max_bytes // (1024 * 1024)}
        )
    with open(path, "rb") as handle:
        head = handle.read(16)
    renames: dict[str, str] = {}
    if head.startswith(b"PK\x03\x04"):
        path = _shapefile_in(_safe_extract(path, folder, limits))
        renames = _declared_field_names(path)
        source_format = "shp"
    elif head.startswith(b"SQLite format 3"):
        source_format = "gpkg"
    elif head.lstrip()[:1] in (b"{", b"["):
        source_format = "geojson"
    else:
        return _read_csv(path, limits, crs)

    try:
        layers = [name for name, _type in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL raises its own error types for unreadable files
        raise UploadError(_("The file could not be read as a GIS layer.")) from exc
    if layer is None and len(layers) > 1:
        raise UploadError(
            _("The file holds several layers (%(layers)s); choose one with 'layer'.")
            % {"layers": ", ".join(layers)}
        )
    if layer is not None and layer not in layers:
        raise UploadError(
            _("The file has no layer %(layer)s; it has %(layers)s.")
            % {"layer": layer, "layers": ", ".join(layers)}
        )
    info = pyogrio.read_info(path, layer=layer)
    if info["features"] > limits.max_features:
        raise UploadError(
            _("The file holds %(count)s features; at most %(limit)s are accepted.")
            % {"count": info["features"], "limit": limits.max_features}
        )
    encoding = None
    cpg = path.with_suffix(".cpg")
    if path.suffix.lower() == ".shp" and not cpg.exists():
        encoding = "UTF-8"  # what this project writes; older files may say otherwise in .cpg
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
    except UnicodeDecodeError as exc:
        raise UploadError(
            _("The attributes are not in the encoding the file declares; save it as UTF-8.")
        ) from exc
    except Exception as exc:  # GDAL raises its own error types for unreadable files
        raise UploadError(_("The file could not be read as a GIS layer.")) from exc
    source_crs = frame.crs.to_string() if frame.crs is not None else "EPSG:4326"
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    geometries = list(frame.geometry.values) if "geometry" in frame else []
    # Dates as ISO text (the default, epoch milliseconds, would read as numbers).
    attributes = frame.drop(columns="geometry").rename(columns=renames)
    records = json.loads(attributes.to_json(orient="records", date_format="iso"))
    shapes = [g if g is not None and not shapely.is_empty(g) else None for g in geometries]
    return ReadLayer(
        shapes, records, source_crs, source_format, [str(c) for c in attributes.columns]
    )
