"""Reading uploaded layer files (GeoJSON, GeoPackage, zipped Shapefile, CSV with WKT)
within the upload limits, into lon/lat geometries and records."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _


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


def read_uploaded(upload, **options) -> ReadLayer:
    """`read_upload` of a file uploaded to a view (a Django UploadedFile), written to a
    folder of its own that is removed afterwards. Raises UploadError."""
    with tempfile.TemporaryDirectory(prefix="imis-upload-") as folder:
        path = Path(folder) / "upload"
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        extracted = Path(folder) / "files"
        extracted.mkdir()
        return read_upload(path, folder=extracted, **options)
