"""Importing wards, buildings and roads from a file: a dry run that reports every problem per
row, then an all-or-nothing commit; the same file uploaded again changes nothing.

The round trip with a GIS (export, edit in QGIS, import) is lossless:
- Columns are found by name, exactly; a Shapefile's 10-character names by the export's own
  mapping (spatial.io.shapefile_field_names over the export layer's columns, or the
  FIELDS.txt an export carries), never by guessing from a prefix.
- Every column an export carries is either an attribute that is imported, or declared
  read-only (ids, areas, counts, derived classes): an edit to a read-only column is reported
  per row as ignored. A column of neither kind is reported once as ignored.
- A blank cell clears the value; a column missing from the file leaves it alone; a row
  missing from the file is never a delete.
- Geometries are compared by Hausdorff distance within SHAPE_TOLERANCE (and vertex count),
  so an unchanged export (GeoJSON's 7 decimals, a Shapefile's rings turned clockwise, CSV's
  WKT, centimetres in EPSG:3106) re-imports as unchanged, and an unchanged geometry is
  never rewritten.

Rows are matched to the register by their natural key (ward number, building BIN, road
code): a match is updated, a row without a key is created. Buildings are keyed by BIN only
(auxiliary buildings share their main building's holding number); a BIN the register does
not know is a problem, never a new building. Geometry checks run in Python (type, vertices,
finite, valid) and in one SQL statement for the whole file (inside the municipality, within
the boundary margin).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import shapely
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.text import MARKUP
from core import registry

from .io import gdal_field_names, shapefile_field_names
from .models import Building, Municipality, Road, Ward
from .services import buildings_rederive_membership

MAX_REPORTED = 1000
PROGRESS_STEP = 1000  # rows between progress reports
# Two geometries closer than this (degrees, per coordinate: about 2 cm) are the same shape:
# GeoJSON's 7 decimals and a metric export's centimetres, projected back, stay within it.
SHAPE_TOLERANCE = 2e-7
# Columns a GIS adds on its own (GeoPackage's feature id), not attributes.
GIS_COLUMNS = frozenset({"fid", "ogc_fid"})


@dataclass(frozen=True)
class ImportSpec:
    model: type
    geometry_types: tuple[str, ...]
    key: str  # the attribute that identifies a row in the register
    fields: dict[str, Any]  # attribute -> converter (raises ValueError with a message)
    key_required: bool = True  # buildings may come without a BIN (new ones)
    # Attributes every row must give (a blank cell is a problem, not a clearing).
    required: tuple[str, ...] = ()
    # Attributes that identify a row but are not written (the BIN the database assigns).
    key_only: tuple[str, ...] = ()
    # The export layer (spatial.layers.Layer, or a function returning one) whose columns an
    # import reads back: its Shapefile short names are the ones the export wrote.
    export_layer: Any = None
    # A register row that must exist for a non-blank key (False: an unknown key creates).
    key_must_exist: bool = False
    # Rows without a key match the record with the same shape (features from elsewhere).
    match_by_shape: bool = False

    def layer(self):
        return self.export_layer() if callable(self.export_layer) else self.export_layer

    @property
    def read_only(self) -> tuple[str, ...]:
        """Columns an export of the layer carries that the register derives or keeps itself
        (the export layer declares them): read back and compared, and an edit reported as
        ignored, never written."""
        layer = self.layer()
        return ("id", *(layer.read_only if layer is not None else ()))

    def layer_title(self) -> str:
        layer = self.layer()
        return str(layer.title) if layer is not None else str(self.model._meta.verbose_name_plural)


def as_text(limit: int):
    def convert(value):
        text = str(value).strip()
        if len(text) > limit:
            raise ValueError(_("longer than %(limit)s characters") % {"limit": limit})
        if MARKUP.search(text):
            raise ValueError(_("HTML or script is not accepted in text; send plain text."))
        return text

    convert.empty = ""  # a blank cell clears a text to ""
    return convert


def as_count(value):
    number = float(value)
    if not number.is_integer() or number < 0:
        raise ValueError(_("not a whole number"))
    return int(number)


def as_code(choices):
    codes = frozenset(choices.values)

    def convert(value):
        text = str(value).strip()
        if text not in codes:
            raise ValueError(
                _("unknown code %(value)s; expected one of %(codes)s")
                % {"value": text, "codes": ", ".join(choices.values)}
            )
        return text

    convert.empty = ""
    return convert


def as_yes_no(value) -> bool:
    """A boolean as GIS files carry it: true/false, 1/0 (Shapefile, GeoPackage), yes/no."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "1.0", "true", "t", "yes", "y", "হ্যাঁ"}:
        return True
    if text in {"0", "0.0", "false", "f", "no", "n", "না"}:
        return False
    raise ValueError(_("expected yes or no"))


def as_positive_decimal(too_large):
    """A positive measure below 1000 with two decimals; `too_large` (lazy) names the unit."""

    def convert(value) -> Decimal:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("not a number")) from None
        if not number.is_finite() or number <= 0:
            raise ValueError(_("must be a positive number"))
        if number >= 1000:
            raise ValueError(str(too_large))
        return number.quantize(Decimal("0.01"))

    return convert


as_metres = as_positive_decimal(gettext_lazy("too large (metres are expected)"))


@dataclass
class ImportReport:
    layer: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    problems: list[dict] = field(default_factory=list)
    problem_count: int = 0
    # What the import leaves alone and says so: read-only edits, unknown columns.
    notices: list[dict] = field(default_factory=list)
    notice_count: int = 0
    # Per updated row: its key and the attributes (and "geometry") that change.
    changes: list[dict] = field(default_factory=list)

    def problem(self, row: int, field_name: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append({"row": row, "field": field_name, "message": str(message)})

    def notice(self, row: int, field_name: str, message: str) -> None:
        self.notice_count += 1
        if len(self.notices) < MAX_REPORTED:
            self.notices.append({"row": row, "field": field_name, "message": str(message)})

    def change(self, row: int, key: Any, fields: list[str]) -> None:
        if len(self.changes) < MAX_REPORTED:
            self.changes.append({"row": row, "key": key, "fields": fields})


def column_names(
    spec: ImportSpec, columns: list[str], source_format: str = ""
) -> tuple[dict[str, str], list[str]]:
    """Which column of the file holds each attribute and read-only column of `spec`, and the
    file's columns that are neither. Names match exactly (case aside); a Shapefile's short
    names are looked up in the export's own mapping, never guessed from a prefix."""
    by_lower = {str(c).lower(): str(c) for c in columns}
    wanted = [*spec.fields, *spec.read_only]
    found = {name: by_lower[name] for name in wanted if name in by_lower}
    if source_format == "shp":
        # The export's own short names, or GDAL's when a GIS wrote the file anew: the file
        # follows one of them as a whole, so take the one that explains more of its columns.
        layer = spec.layer()
        exported = ["id", *(layer.properties if layer is not None else ())]
        names = exported + [n for n in wanted if n not in exported]
        best: dict[str, str] = {}
        for short in (shapefile_field_names(names), gdal_field_names(names)):
            extra = {
                name: by_lower[short[name].lower()]
                for name in wanted
                if name not in found and short[name].lower() in by_lower
            }
            extra = {n: c for n, c in extra.items() if c not in found.values()}
            if len(extra) > len(best):
                best = extra
        found.update(best)
    used = set(found.values())
    unknown = [str(c) for c in columns if str(c) not in used and str(c).lower() not in GIS_COLUMNS]
    return found, unknown


def _blank(raw: Any) -> bool:
    return raw is None or raw == "" or (isinstance(raw, float) and math.isnan(raw))


def _comparable(value: Any) -> Any:
    """A value as files and the database both can say it, for spotting read-only edits."""
    import json

    if _blank(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                return text
        else:
            try:
                return round(float(text), 3)
            except ValueError:
                return text
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return round(float(value), 3)
    if isinstance(value, list | tuple):
        return json.dumps(sorted(str(v) for v in value))
    return str(value)


def report_read_only_edits(
    report: ImportReport, spec: ImportSpec, fixed: dict[int, dict], matched: dict[int, int]
) -> None:
    """Compare the read-only columns of matched rows with what the register says now (the
    export layer's own SQL) and report each difference as ignored."""
    names = [n for n in spec.read_only if n != "version"]
    rows = {row: pk for row, pk in matched.items() if fixed.get(row)}
    current = _current(spec, names, rows)
    names = [n for n in names if any(n in values for values in current.values())]
    for row, pk in sorted(rows.items()):
        for name, given in fixed[row].items():
            kept = current.get(pk, {}).get(name)
            if name in names and _comparable(given) != _comparable(kept):
                report.notice(
                    row,
                    name,
                    _("read-only: ignored (the register keeps %(kept)s)")
                    % {"kept": "-" if kept is None else kept},
                )


def _current(spec: ImportSpec, names: list[str], rows: dict[int, int]) -> dict[int, dict]:
    """Register id -> the export layer's values of `names` for those records now (the same
    SQL the export runs). One query."""
    layer = spec.layer()
    names = [n for n in names if n == "id" or (layer is not None and n in layer.properties)]
    if layer is None or not names or not rows:
        return {}
    columns = ", ".join(f'{"t.id" if n == "id" else layer.properties[n]} AS "{n}"' for n in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, {columns} FROM {layer.table} t {layer.joins}"  # noqa: S608
            " WHERE t.id = ANY(%s)",
            [sorted(set(rows.values()))],
        )
        return {row[0]: dict(zip(names, row[1:], strict=True)) for row in cursor.fetchall()}


def report_stale_rows(report: ImportReport, spec: ImportSpec, fixed: dict, plan: list) -> None:
    """A row that changes a record changed in the register since the file was exported (its
    `version` is older than the record's) is a conflict: the edit would undo someone
    else's. Rows that change nothing are not."""
    rows = {
        p[1]: p[3].pk
        for p in plan
        if p[0] == "update" and not _blank(fixed.get(p[1], {}).get("version"))
    }
    current = _current(spec, ["version"], rows)
    for row, pk in sorted(rows.items()):
        try:
            given = int(float(fixed[row]["version"]))
        except (TypeError, ValueError):
            report.problem(row, "version", _("not a version this system wrote"))
            continue
        now = current.get(pk, {}).get("version")
        if now is not None and given < now:
            changed = dt.datetime.fromtimestamp(now / 1000, tz=dt.UTC)
            report.problem(
                row,
                "version",
                _(
                    "changed in the register since this file was exported (at %(time)s); "
                    "export it again and redo this edit"
                )
                % {"time": timezone.localtime(changed).strftime("%Y-%m-%d %H:%M")},
            )


def same_shape(stored, incoming) -> bool:
    """Whether a stored GEOS geometry and an incoming shapely one are the same shape: same
    type and number of vertices, and no point of either farther than SHAPE_TOLERANCE from
    the other (Hausdorff distance), whatever the ring's start and orientation. (Comparing
    canonical forms vertex by vertex fails when rounding reorders two near-level vertices.)"""
    if incoming is None:
        return True
    mine = shapely.from_wkb(bytes(stored.wkb))
    return (
        mine.geom_type == incoming.geom_type
        and shapely.get_num_coordinates(mine) == shapely.get_num_coordinates(incoming)
        and shapely.hausdorff_distance(mine, incoming) <= SHAPE_TOLERANCE
    )


def _check_geometry(geometry, spec: ImportSpec) -> str | None:
    if geometry is None:
        return _("no geometry, or one that cannot be read")
    geometry = _single(geometry, spec)
    if geometry.geom_type not in spec.geometry_types:
        return _("expected %(expected)s, got %(got)s") % {
            "expected": " or ".join(spec.geometry_types),
            "got": geometry.geom_type,
        }
    if shapely.has_z(geometry):
        return _("3D coordinates; a 2D geometry is expected")
    vertices = shapely.get_num_coordinates(geometry)
    if vertices > settings.IMIS["MAX_VERTICES"]:
        return _("%(count)s vertices; at most %(limit)s (simplify it first)") % {
            "count": vertices,
            "limit": settings.IMIS["MAX_VERTICES"],
        }
    coordinates = shapely.get_coordinates(geometry)
    if not all(math.isfinite(value) for value in coordinates.flat):
        return _("coordinates that are not finite numbers")
    if not shapely.is_valid(geometry):
        return _("invalid geometry: %(reason)s") % {"reason": shapely.is_valid_reason(geometry)}
    return None


def _single(geometry, spec: ImportSpec):
    """A one-part multi-geometry as its part, where the register keeps single ones (a
    Shapefile export writes every feature as multi)."""
    if (
        geometry.geom_type.startswith("Multi")
        and geometry.geom_type not in spec.geometry_types
        and len(geometry.geoms) == 1
    ):
        return geometry.geoms[0]
    return geometry


def _stored(geometry, spec: ImportSpec):
    """The geometry as the register stores it (wards are MultiPolygons)."""
    geometry = _single(geometry, spec)
    if geometry.geom_type == "Polygon" and spec.model is Ward:
        return shapely.MultiPolygon([geometry])
    return geometry


def _outside(municipality: Municipality, geometries: dict[int, Any]) -> dict[int, float]:
    """Rows whose geometry reaches farther than the margin outside the municipality, with
    the distance in metres. One statement for the whole file."""
    if not geometries:
        return {}
    rows = list(geometries)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            -- The municipality with its margin is buffered once, not once per row.
            WITH m AS (
                SELECT boundary, ST_Buffer(boundary::geography, %s)::geometry AS allowed
                  FROM spatial_municipality WHERE id = %s)
            SELECT u.row, ST_Distance(m.boundary::geography, f.geom::geography)
              FROM unnest(%s::int[], %s::bytea[]) AS u(row, wkb)
              CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromWKB(u.wkb), 4326) AS geom) f
              CROSS JOIN m
             -- Inside the boundary itself (simple) answers most rows before the buffer.
             WHERE NOT ST_CoveredBy(f.geom, m.boundary) AND NOT ST_CoveredBy(f.geom, m.allowed)
            """,
            [
                settings.IMIS["BOUNDARY_MARGIN_M"],
                municipality.pk,
                rows,
                [shapely.to_wkb(geometries[row]) for row in rows],
            ],
        )
        return {row: distance for row, distance in cursor.fetchall()}


def check_rows(
    *,
    municipality: Municipality,
    spec: ImportSpec,
    layer: str,
    geometries: list,
    records: list[dict],
    progress: Callable[[int], None] | None = None,
    columns: list[str] | None = None,
    source_format: str = "",
) -> tuple[ImportReport, dict[int, dict], dict[int, Any], dict[int, dict]]:
    """The checks every import shares: attributes through the spec's converters, geometry
    (type, vertices, finite, valid), the key's uniqueness within the file, and the
    municipality's boundary. Returns the report, the clean values, the geometries and the
    raw values of read-only columns (all by row number, from 1)."""
    report = ImportReport(layer=layer, rows=len(records))
    clean: dict[int, dict] = {}
    shapes: dict[int, Any] = {}
    fixed: dict[int, dict] = {}
    if not records:
        report.problem(0, "", _("The file holds no features."))
        return report, clean, shapes, fixed
    if columns is None:
        columns = list(dict.fromkeys(str(k) for record in records for k in record))
    found, unknown = column_names(spec, columns, source_format)
    for column in unknown:
        report.notice(
            0, column, _("not a column of %(layer)s: ignored") % {"layer": spec.layer_title()}
        )
    seen_keys: dict[str, int] = {}
    for index, (geometry, record) in enumerate(zip(geometries, records, strict=True), start=1):
        values: dict[str, Any] = {}
        for name, convert in spec.fields.items():
            column = found.get(name)
            if column is None:
                continue  # not in the file: left as it is
            raw = record.get(column)
            if _blank(raw):
                if name in spec.required:
                    report.problem(index, name, _("missing; every row needs one"))
                else:
                    values[name] = getattr(convert, "empty", None)  # a blank cell clears
                continue
            try:
                values[name] = convert(raw)
            except (ValueError, TypeError) as exc:
                report.problem(index, name, str(exc) or _("not understood"))
        fixed[index] = {name: record.get(found[name]) for name in spec.read_only if name in found}
        problem = _check_geometry(geometry, spec)
        if problem:
            report.problem(index, "geometry", problem)
        else:
            shapes[index] = _stored(geometry, spec)
        key = values.get(spec.key)
        reported = spec.key in spec.required and spec.key in found  # as a blank cell, above
        if key in (None, "") and spec.key_required and not reported:
            report.problem(index, spec.key, _("missing; every row needs one"))
        elif key not in (None, ""):
            if key in seen_keys:
                report.problem(
                    index,
                    spec.key,
                    _("%(key)s appears again (first in row %(row)s)")
                    % {"key": key, "row": seen_keys[key]},
                )
            seen_keys.setdefault(key, index)
        clean[index] = values
        if progress is not None and index % PROGRESS_STEP == 0:
            progress(index)
    for row, distance in _outside(municipality, shapes).items():
        report.problem(
            row,
            "geometry",
            _("lies outside %(municipality)s (%(distance).0f m beyond its boundary)")
            % {"municipality": municipality.name, "distance": distance},
        )
    return report, clean, shapes, fixed


def count_plan(report: ImportReport, plan: list) -> None:
    report.created = sum(1 for p in plan if p[0] == "create")
    report.updated = sum(1 for p in plan if p[0] == "update")
    report.unchanged = sum(1 for p in plan if p[0] == "keep")


def import_layer(
    *,
    municipality: Municipality,
    layer: str,
    geometries: list,
    records: list[dict],
    commit: bool,
    progress: Callable[[int], None] | None = None,
    before_write: Callable[[], None] | None = None,
    columns: list[str] | None = None,
    source_format: str = "",
) -> ImportReport:
    """Check every row; with `commit` and no problem, write them all in one transaction.
    Returns the report either way; nothing is written when any row has a problem.
    `progress` hears the number of rows checked; `before_write` is called as writing starts.
    `columns` and `source_format` (geojson, gpkg, shp, csv) come from spatial.io.ReadLayer.
    The register's declaration (core.registry) names its ImportSpec, or a function of its
    own with these arguments (containments)."""
    spec = registry.get(layer).importer
    if callable(spec):
        return spec(
            municipality=municipality,
            geometries=geometries,
            records=records,
            commit=commit,
            progress=progress,
            before_write=before_write,
            columns=columns,
            source_format=source_format,
        )
    report, clean, shapes, fixed = check_rows(
        municipality=municipality,
        spec=spec,
        layer=layer,
        geometries=geometries,
        records=records,
        progress=progress,
        columns=columns,
        source_format=source_format,
    )
    if not records:
        return report
    existing = _existing(municipality, spec, clean)
    placed = _same_place(municipality, spec, clean, shapes) if spec.match_by_shape else {}
    taken: dict[int, int] = {}
    plan = []
    for index, values in clean.items():
        key = values.get(spec.key)
        match = existing.get(key) if key not in (None, "") else placed.get(index)
        if match is not None and match.pk in taken:
            report.problem(
                index,
                "geometry",
                _("the same record as row %(row)s") % {"row": taken[match.pk]},
            )
            continue
        if match is not None:
            taken[match.pk] = index
        if match is None:
            if key not in (None, "") and spec.key_must_exist:
                report.problem(
                    index,
                    spec.key,
                    _("no %(key)s %(value)s in %(municipality)s; leave it blank for a new one")
                    % {"key": spec.key, "value": key, "municipality": municipality.name},
                )
                continue
            for name in spec.required:
                if name not in values:
                    report.problem(index, name, _("missing; every row needs one"))
            plan.append(("create", index, values, None, []))
            continue
        changed = _changes(match, values, shapes.get(index), spec)
        plan.append(("update" if changed else "keep", index, values, match, changed))
    _check_plan(report, spec, plan)
    report_stale_rows(report, spec, fixed, plan)
    report_read_only_edits(
        report, spec, fixed, {index: match.pk for _a, index, _v, match, _c in plan if match}
    )
    report.problems.sort(key=lambda p: (p["row"], p["field"]))
    count_plan(report, plan)
    for action, index, values, _match, changed in plan:
        if action == "update":
            report.change(index, values.get(spec.key), changed)
    if report.problem_count or not commit:
        return report
    if before_write is not None:
        before_write()
    _write(municipality, spec, plan, shapes)
    report.committed = True
    return report


def _check_plan(report: ImportReport, spec: ImportSpec, plan: list) -> None:
    """Rules across attributes, on the values the row will have once written."""
    if spec.model is not Road:
        return
    for _action, index, values, match, _changed in plan:

        def now(name, values=values, match=match):
            return values[name] if name in values else getattr(match, name, None)

        way, carriageway = now("right_of_way_m"), now("carriageway_width_m")
        if way is not None and carriageway is not None and carriageway > way:
            report.problem(
                index,
                "carriageway_width_m",
                _("wider than the right of way (%(way)s m)") % {"way": way},
            )


def importable_layers() -> list[str]:
    return [r.name for r in registry.registers() if r.importer is not None]


def _existing(municipality: Municipality, spec: ImportSpec, clean: dict[int, dict]) -> dict:
    keys = {v[spec.key] for v in clean.values() if v.get(spec.key) not in (None, "")}
    # Only what is compared and written: a whole building row is far wider.
    queryset = spec.model.objects.filter(municipality=municipality).only(
        "id", "municipality_id", "geom", *spec.fields
    )
    if spec.model is Building:
        queryset = queryset.filter(retired_at__isnull=True)
    return {getattr(obj, spec.key): obj for obj in queryset.filter(**{f"{spec.key}__in": keys})}


def _same_place(
    municipality: Municipality, spec: ImportSpec, clean: dict[int, dict], shapes: dict
) -> dict[int, Any]:
    """Rows without a key -> the register's record with the same shape (within
    SHAPE_TOLERANCE, by Hausdorff distance), so that a file from elsewhere uploaded twice
    does not create its features twice. One statement; the GiST index finds candidates."""
    rows = [i for i, v in clean.items() if v.get(spec.key) in (None, "") and i in shapes]
    if not rows:
        return {}
    table = spec.model._meta.db_table
    retired = " AND r.retired_at IS NULL" if spec.model is Building else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT DISTINCT ON (u.row) u.row, r.id
              FROM unnest(%s::int[], %s::bytea[]) AS u(row, wkb)
              CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromWKB(u.wkb), 4326) AS geom) f
              JOIN {table} r ON r.municipality_id = %s{retired}
               AND r.geom && ST_Expand(f.geom, %s)
               AND ST_HausdorffDistance(r.geom, f.geom) <= %s
             ORDER BY u.row, ST_HausdorffDistance(r.geom, f.geom), r.id
            """,  # noqa: S608 (table name from the model)
            [rows, [shapely.to_wkb(shapes[i]) for i in rows], municipality.pk,
             SHAPE_TOLERANCE, SHAPE_TOLERANCE],
        )  # fmt: skip
        found = dict(cursor.fetchall())
    records = spec.model.objects.in_bulk(list(found.values()))
    return {row: records[pk] for row, pk in found.items()}


def _changes(obj, values: dict, geometry, spec: ImportSpec) -> list[str]:
    """The attributes (and "geometry") a row changes in its register record."""
    changed = [
        name
        for name, value in values.items()
        if name not in spec.key_only and getattr(obj, name) != value
    ]
    if not same_shape(obj.geom, geometry):
        changed.append("geometry")
    return changed


@transaction.atomic
def _write(municipality: Municipality, spec: ImportSpec, plan: list, shapes: dict) -> None:
    """Create the new rows; on matched rows write the changed attributes only, and the
    geometry only when it changed (an unchanged one keeps its stored coordinates)."""
    from django.contrib.gis.geos import GEOSGeometry

    created, updated = [], []
    for action, index, values, match, changed in plan:
        attributes = {k: v for k, v in values.items() if k not in spec.key_only}
        if action == "create":
            geom = GEOSGeometry(memoryview(shapely.to_wkb(shapes[index])), srid=4326)
            created.append(spec.model(municipality=municipality, geom=geom, **attributes))
        elif action == "update":
            for name in changed:
                if name == "geometry":
                    match.geom = GEOSGeometry(memoryview(shapely.to_wkb(shapes[index])), srid=4326)
                else:
                    setattr(match, name, attributes[name])
            updated.append(match)
    spec.model.objects.bulk_create(created, batch_size=2000)
    if updated:
        names = {"geom" if k == "geometry" else k for p in plan if p[0] == "update" for k in p[4]}
        if any(f.name == "updated_at" for f in spec.model._meta.fields):
            now = timezone.now()
            for match in updated:
                match.updated_at = now
            names.add("updated_at")
        spec.model.objects.bulk_update(updated, sorted(names), batch_size=2000)
    if spec.model is Ward and (created or updated):
        buildings_rederive_membership(municipality=municipality)
