"""Importing wards, buildings and roads from a file: a dry run that reports every problem per
row, then an all-or-nothing commit; the same file uploaded again changes nothing.

Rows are matched to the register by their natural key (ward number, building BIN or else
holding number, road code): a match is updated, anything else created. Geometry checks run
in Python (type, vertices, finite, valid) and in one SQL statement for the whole file
(inside the municipality, within the boundary margin).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from config.text import MARKUP

from .choices import FunctionalUse, RoadHierarchy, RoadSurface, StructureType
from .models import Building, Municipality, Road, Ward

MAX_REPORTED = 1000
PROGRESS_STEP = 1000  # rows between progress reports


@dataclass(frozen=True)
class ImportSpec:
    model: type
    geometry_types: tuple[str, ...]
    key: str  # the attribute that identifies a row in the register
    fields: dict[str, Any]  # attribute -> converter (raises ValueError with a message)
    key_required: bool = True  # buildings may come without a holding number


def _text(limit: int):
    def convert(value):
        text = str(value).strip()
        if len(text) > limit:
            raise ValueError(_("longer than %(limit)s characters") % {"limit": limit})
        if MARKUP.search(text):
            raise ValueError(_("HTML or script is not accepted in text; send plain text."))
        return text

    return convert


def _count(value):
    number = float(value)
    if not number.is_integer() or number < 0:
        raise ValueError(_("not a whole number"))
    return int(number)


def _code(choices):
    def convert(value):
        text = str(value).strip()
        if text not in choices.values:
            raise ValueError(
                _("unknown code %(value)s; expected one of %(codes)s")
                % {"value": text, "codes": ", ".join(choices.values)}
            )
        return text

    return convert


SPECS = {
    "wards": ImportSpec(
        Ward,
        ("Polygon", "MultiPolygon"),
        "number",
        {"number": _count, "name": _text(120), "name_bn": _text(120)},
    ),
    "buildings": ImportSpec(
        Building,
        ("Polygon",),
        "holding_number",
        key_required=False,
        fields={
            "bin": _text(20),
            "holding_number": _text(40),
            "structure_type": _code(StructureType),
            "floor_count": _count,
            "construction_year": _count,
            "functional_use": _code(FunctionalUse),
            "household_count": _count,
            "population_male": _count,
            "population_female": _count,
            "population_other": _count,
        },
    ),
    "roads": ImportSpec(
        Road,
        ("LineString",),
        "code",
        {
            "code": _text(40),
            "name": _text(160),
            "hierarchy": _code(RoadHierarchy),
            "surface": _code(RoadSurface),
        },
    ),
}


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

    def problem(self, row: int, field_name: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append({"row": row, "field": field_name, "message": str(message)})


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
    if (
        geometry.geom_type == "MultiPolygon"
        and "MultiPolygon" not in spec.geometry_types
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
             WHERE NOT ST_CoveredBy(f.geom, m.allowed)
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
) -> tuple[ImportReport, dict[int, dict], dict[int, Any]]:
    """The checks every import shares: attributes through the spec's converters, geometry
    (type, vertices, finite, valid), the key's uniqueness within the file, and the
    municipality's boundary. Returns the report, the clean values and the geometries
    (both by row number, from 1)."""
    report = ImportReport(layer=layer, rows=len(records))
    clean: dict[int, dict] = {}
    shapes: dict[int, Any] = {}
    if not records:
        report.problem(0, "", _("The file holds no features."))
        return report, clean, shapes
    seen_keys: dict[str, int] = {}
    lowered = [{str(k).lower(): v for k, v in record.items()} for record in records]
    for index, (geometry, record) in enumerate(zip(geometries, lowered, strict=True), start=1):
        values: dict[str, Any] = {}
        for name, convert in spec.fields.items():
            # Shapefiles cut field names at 10 characters (holding_number -> holding_nu).
            raw = record.get(name, record.get(name[:10]))
            if raw is None or (isinstance(raw, float) and math.isnan(raw)) or raw == "":
                continue
            try:
                values[name] = convert(raw)
            except (ValueError, TypeError) as exc:
                report.problem(index, name, str(exc) or _("not understood"))
        problem = _check_geometry(geometry, spec)
        if problem:
            report.problem(index, "geometry", problem)
        else:
            shapes[index] = _stored(geometry, spec)
        key = values.get(spec.key)
        if key in (None, "") and spec.key_required:
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
    return report, clean, shapes


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
) -> ImportReport:
    """Check every row; with `commit` and no problem, write them all in one transaction.
    Returns the report either way; nothing is written when any row has a problem.
    `progress` hears the number of rows checked; `before_write` is called as writing starts.
    Layers other apps import (containments) are found in IMIS["IMPORTERS"]."""
    if layer not in SPECS:
        importer = import_string(settings.IMIS["IMPORTERS"][layer])
        return importer(
            municipality=municipality,
            geometries=geometries,
            records=records,
            commit=commit,
            progress=progress,
            before_write=before_write,
        )
    spec = SPECS[layer]
    report, clean, shapes = check_rows(
        municipality=municipality,
        spec=spec,
        layer=layer,
        geometries=geometries,
        records=records,
        progress=progress,
    )
    if not records:
        return report
    existing = _existing(municipality, spec, clean)
    report.problems.sort(key=lambda p: (p["row"], p["field"]))
    plan = []
    for index, values in clean.items():
        match = existing.get(values.get("bin")) or existing.get(values.get(spec.key))
        if match is None:
            plan.append(("create", index, values, None))
        elif _same(match, values, shapes.get(index)):
            plan.append(("keep", index, values, match))
        else:
            plan.append(("update", index, values, match))
    count_plan(report, plan)
    if report.problem_count or not commit:
        return report
    if before_write is not None:
        before_write()
    _write(municipality, spec, plan, shapes)
    report.committed = True
    return report


def importable_layers() -> list[str]:
    return [*SPECS, *settings.IMIS["IMPORTERS"]]


def _existing(municipality: Municipality, spec: ImportSpec, clean: dict[int, dict]) -> dict:
    keys = {v[spec.key] for v in clean.values() if v.get(spec.key) not in (None, "")}
    queryset = spec.model.objects.filter(municipality=municipality)
    found = {getattr(obj, spec.key): obj for obj in queryset.filter(**{f"{spec.key}__in": keys})}
    if spec.model is Building:
        bins = {v["bin"] for v in clean.values() if v.get("bin")}
        found.update({obj.bin: obj for obj in queryset.filter(bin__in=bins)})
    return found


def _same(obj, values: dict, geometry) -> bool:
    from django.contrib.gis.geos import GEOSGeometry

    for name, value in values.items():
        if name == "bin":
            continue
        if getattr(obj, name) != value:
            return False
    if geometry is None:
        return True
    return obj.geom.equals_exact(
        GEOSGeometry(memoryview(shapely.to_wkb(geometry)), srid=4326), 1e-9
    )


@transaction.atomic
def _write(municipality: Municipality, spec: ImportSpec, plan: list, shapes: dict) -> None:
    from django.contrib.gis.geos import GEOSGeometry

    created, updated = [], []
    for action, index, values, match in plan:
        geom = GEOSGeometry(memoryview(shapely.to_wkb(shapes[index])), srid=4326)
        attributes = {k: v for k, v in values.items() if k != "bin"}
        if action == "create":
            created.append(spec.model(municipality=municipality, geom=geom, **attributes))
        elif action == "update":
            for name, value in attributes.items():
                setattr(match, name, value)
            match.geom = geom
            updated.append(match)
    spec.model.objects.bulk_create(created, batch_size=2000)
    if updated:
        names = sorted({k for _a, _i, values, _m in plan for k in values if k != "bin"} | {"geom"})
        spec.model.objects.bulk_update(updated, names, batch_size=2000)
    if spec.model is Ward and (created or updated):
        from .services import buildings_rederive_membership

        buildings_rederive_membership(municipality=municipality)
