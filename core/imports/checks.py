"""The dry run's checks: columns found by name, every row's values and geometry, the rows
changed since the export, the geometries outside the municipality (one statement)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import shapely
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..io import gdal_field_names, shapefile_field_names
from .spec import (
    GIS_COLUMNS,
    PROGRESS_STEP,
    SHAPE_TOLERANCE,
    ImportReport,
    ImportRequest,
    ImportSpec,
)


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
    """The geometry as the register stores it (a polygon in a MultiPolygon register, such as
    wards, becomes a MultiPolygon of one)."""
    geometry = _single(geometry, spec)
    if geometry.geom_type == "Polygon" and _stores_multipolygons(spec.model):
        return shapely.MultiPolygon([geometry])
    return geometry


def _stores_multipolygons(model: type) -> bool:
    return any(getattr(field, "geom_type", None) == "MULTIPOLYGON" for field in model._meta.fields)


def _outside(municipality: Any, geometries: dict[int, Any]) -> dict[int, float]:
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
    request: ImportRequest, spec: ImportSpec
) -> tuple[ImportReport, dict[int, dict], dict[int, Any], dict[int, dict]]:
    """The checks every import shares: attributes through the spec's converters, geometry
    (type, vertices, finite, valid), the key's uniqueness within the file, and the
    municipality's boundary. Returns the report, the clean values, the geometries and the
    raw values of read-only columns (all by row number, from 1)."""
    municipality, layer, records = request.municipality, request.layer, request.records
    geometries, progress, columns = request.geometries, request.progress, request.columns
    source_format = request.source_format
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


def finish(
    report: ImportReport,
    spec: ImportSpec,
    *,
    fixed: dict[int, dict],
    plan: list,
    commit: bool,
    write: Callable[[], None],
    before_write: Callable[[], None] | None = None,
) -> ImportReport:
    """The tail every import shares once its rows are planned (plan: action, row, values,
    matched record, changed attributes): the rows changed since the export, the read-only
    edits, the counts and changes reported; then, on a commit of a file without problems,
    `write` (all or nothing: the caller's transaction)."""
    report_stale_rows(report, spec, fixed, plan)
    report_read_only_edits(
        report, spec, fixed, {row: match.pk for _a, row, _v, match, _c in plan if match}
    )
    report.problems.sort(key=lambda p: (p["row"], p["field"]))
    count_plan(report, plan)
    for action, row, values, _match, changed in plan:
        if action == "update":
            report.change(row, values.get(spec.key), changed)
    if report.problem_count or not commit:
        return report
    if before_write is not None:
        before_write()
    write()
    report.committed = True
    return report
