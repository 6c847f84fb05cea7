"""Importing wards, buildings and roads from a file: a dry run that reports every problem per
row, then an all-or-nothing commit; the same file uploaded again changes nothing.

The round trip with a GIS (export, edit in QGIS, import) is lossless:
- Columns are found by name, exactly; a Shapefile's 10-character names by the export's own
  mapping (core.io.shapefile_field_names over the export layer's columns, or the
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

The framework (ImportSpec, its converters, the row checks, the commit tail) is core.imports;
here a register's declaration names a `RegisterImport`, which the job runner calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.imports import (
    SHAPE_TOLERANCE,
    ImportReport,
    ImportRequest,
    ImportSpec,
    check_rows,
    finish,
    same_shape,
)

from ..models import Building, LowIncomeCommunity, Municipality, Road, Ward
from ..services import buildings_rederive_membership

__all__ = ["RegisterImport"]


@dataclass(frozen=True)
class RegisterImport(ImportSpec):
    """The import of a register matched by its natural key (wards, roads, buildings, water
    points): what the file's columns become (ImportSpec) and the import itself, called by
    core.imports.import_layer with the rows read from the file."""

    def __call__(self, request: ImportRequest) -> ImportReport:
        return _import(self, request)


def _import(spec: ImportSpec, request: ImportRequest) -> ImportReport:
    """Check every row; with `commit` and no problem, write them all in one transaction.
    Returns the report either way; nothing is written when any row has a problem."""
    municipality = request.municipality
    report, clean, shapes, fixed = check_rows(request, spec)
    if not request.records:
        return report
    _resolve_links(report, spec, municipality, clean)
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
    return finish(
        report,
        spec,
        fixed=fixed,
        plan=plan,
        commit=request.commit,
        before_write=request.before_write,
        write=lambda: _write(municipality, spec, plan, shapes),
    )


def _check_plan(report: ImportReport, spec: ImportSpec, plan: list) -> None:
    """Rules across attributes (the register's check constraints), on the values the row
    will have once written."""
    if spec.model not in (Road, Building):
        return
    for _action, index, values, match, _changed in plan:

        def now(name, values=values, match=match):
            return values[name] if name in values else getattr(match, name, None)

        if spec.model is Road:
            way, carriageway = now("right_of_way_m"), now("carriageway_width_m")
            if way is not None and carriageway is not None and carriageway > way:
                report.problem(
                    index,
                    "carriageway_width_m",
                    _("wider than the right of way (%(way)s m)") % {"way": way},
                )
        elif now("toilet_count") and now("has_toilet") is not True:
            report.problem(
                index,
                "toilet_count",
                _("toilets counted, but has_toilet does not say yes"),
            )


def _resolve_links(
    report: ImportReport, spec: ImportSpec, municipality: Municipality, clean: dict[int, dict]
) -> None:
    """Each link column's keys -> the ids of the records they name, in the municipality
    and in service (one query per link); a key that names none is a problem of its row."""
    for column, link in spec.links.items():
        wanted = {v[column] for v in clean.values() if v.get(column) not in (None, "")}
        records = link.model._default_manager.filter(municipality=municipality, **dict(link.where))
        if any(f.name == "retired_at" for f in link.model._meta.fields):
            records = records.filter(retired_at__isnull=True)
        found = dict(records.filter(**{f"{link.key}__in": wanted}).values_list(link.key, "id"))
        for index, values in clean.items():
            value = values.get(column)
            if value in (None, ""):
                if column in values:
                    values[column] = None
                continue
            if value in found:
                values[column] = found[value]
                continue
            del values[column]
            report.problem(
                index,
                column,
                _("no %(register)s %(value)s in %(municipality)s")
                % {
                    "register": link.model._meta.verbose_name,
                    "value": value,
                    "municipality": municipality.name,
                },
            )


def _existing(municipality: Municipality, spec: ImportSpec, clean: dict[int, dict]) -> dict:
    keys = {v[spec.key] for v in clean.values() if v.get(spec.key) not in (None, "")}
    # Only what is compared and written: a whole building row is far wider.
    queryset = spec.model.objects.filter(municipality=municipality).only(
        "id",
        "municipality_id",
        "geom",
        *(spec.links[n].field if n in spec.links else n for n in spec.fields),
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
        if name not in spec.key_only and getattr(obj, spec.attribute(name)) != value
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
        attributes = {spec.attribute(k): v for k, v in values.items() if k not in spec.key_only}
        if action == "create":
            geom = GEOSGeometry(memoryview(shapely.to_wkb(shapes[index])), srid=4326)
            created.append(spec.model(municipality=municipality, geom=geom, **attributes))
        elif action == "update":
            for name in changed:
                if name == "geometry":
                    match.geom = GEOSGeometry(memoryview(shapely.to_wkb(shapes[index])), srid=4326)
                else:
                    setattr(match, spec.attribute(name), attributes[spec.attribute(name)])
            updated.append(match)
    spec.model.objects.bulk_create(created, batch_size=2000)
    if updated:
        names = {
            "geom" if k == "geometry" else spec.attribute(k)
            for p in plan
            if p[0] == "update"
            for k in p[4]
        }
        if any(f.name == "updated_at" for f in spec.model._meta.fields):
            now = timezone.now()
            for match in updated:
                match.updated_at = now
            names.add("updated_at")
        spec.model.objects.bulk_update(updated, sorted(names), batch_size=2000)
    # Buildings take their ward and low-income community from the boundaries.
    if spec.model in (Ward, LowIncomeCommunity) and (created or updated):
        buildings_rederive_membership(municipality=municipality)
