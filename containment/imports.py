"""Importing containments from a file (points), each tied to the building responsible for
it by `building_bin` or `holding_number`. Same contract as spatial.imports: a dry run that
reports every problem per row, an all-or-nothing commit, and no duplicates on re-upload.

A row matches a containment of the register by its `code`, or, without one, by being the
containment of the same responsible building at the same spot (within MATCH_M metres).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import registry
from core.imports import (
    ImportReport,
    ImportRequest,
    ImportSpec,
    as_code,
    as_count,
    as_date,
    as_positive_decimal,
    as_text,
    as_yes_no,
    check_rows,
    finish,
    same_shape,
)
from spatial.models import Municipality

from . import compliance
from .choices import (
    ContainmentLocation,
    ContainmentType,
    EmptyingMethod,
    Outlet,
    SludgeDestination,
    ToiletType,
)
from .models import Containment, ContainmentBuilding
from .selectors import active_rule_set

MATCH_M = 1.0


_decimal = as_positive_decimal(gettext_lazy("too large (metres or cubic metres are expected)"))


SPEC = ImportSpec(
    Containment,
    ("Point",),
    "code",
    key_required=False,
    fields={
        "code": as_text(20),
        "building_bin": as_text(20),
        "holding_number": as_text(40),
        "containment_type": as_code(ContainmentType),
        "outlet": as_code(Outlet),
        "toilet_type": as_code(ToiletType),
        "shared_facility": as_yes_no,
        "users": as_count,
        "length_m": _decimal,
        "width_m": _decimal,
        "depth_m": _decimal,
        "diameter_m": _decimal,
        "volume_m3": _decimal,
        "construction_year": as_count,
        "location": as_code(ContainmentLocation),
        "ever_emptied": as_yes_no,
        "last_emptied_on": as_date,
        "times_emptied": as_count,
        "emptied_by": as_code(EmptyingMethod),
        "sludge_destination": as_code(SludgeDestination),
    },
    key_only=("code",),
    key_must_exist=True,
    export_layer=lambda: registry.get("containments").features(),
)
# Columns of the file that are not attributes of the containment itself.
LINK_FIELDS = ("code", "building_bin", "holding_number")


def _check_values(report: ImportReport, row: int, values: dict, today: dt.date) -> None:
    if not values.get("containment_type"):
        report.problem(row, "containment_type", _("missing; every row needs one"))
    if not values.get("building_bin") and not values.get("holding_number"):
        report.problem(
            row, "building_bin", _("give the building's BIN or holding number it belongs to")
        )
    emptied = values.get("last_emptied_on")
    built = values.get("construction_year")
    if emptied and emptied > today:
        report.problem(row, "last_emptied_on", _("The emptying date lies in the future."))
    if built and built > today.year:
        report.problem(row, "construction_year", _("The construction year lies in the future."))
    if emptied and built and emptied.year < built:
        report.problem(row, "last_emptied_on", _("Emptied before it was built."))
    if values.get("ever_emptied") is False and (emptied or values.get("times_emptied")):
        report.problem(row, "ever_emptied", _("says never emptied, but an emptying is given"))
    if emptied and "ever_emptied" not in values:
        values["ever_emptied"] = True


def _buildings(municipality: Municipality, clean: dict[int, dict]) -> dict[int, tuple]:
    """Row -> (building id, BIN) for rows whose BIN or holding number names a building of
    the municipality. One query."""
    bins = {v["building_bin"] for v in clean.values() if v.get("building_bin")}
    holdings = {v["holding_number"] for v in clean.values() if v.get("holding_number")}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, bin, holding_number FROM spatial_building WHERE municipality_id = %s"
            " AND retired_at IS NULL AND (bin = ANY(%s) OR holding_number = ANY(%s))",
            [municipality.pk, list(bins), list(holdings)],
        )
        by_bin, by_holding = {}, {}
        for pk, bin_, holding in cursor.fetchall():
            by_bin[bin_] = (pk, bin_)
            by_holding.setdefault(holding, (pk, bin_))
    found = {}
    for row, values in clean.items():
        match = by_bin.get(values.get("building_bin")) or by_holding.get(
            values.get("holding_number")
        )
        if match:
            found[row] = match
    return found


def _too_far(shapes: dict[int, Any], buildings: dict[int, tuple]) -> dict[int, float]:
    """Rows whose point lies farther than allowed from its building, with the distance."""
    rows = [row for row in buildings if row in shapes]
    if not rows:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT u.row, ST_Distance(b.geom::geography, p.geom::geography)
              FROM unnest(%s::int[], %s::bigint[], %s::bytea[]) AS u(row, building, wkb)
              JOIN spatial_building b ON b.id = u.building
              CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromWKB(u.wkb), 4326) AS geom) p
             WHERE NOT ST_DWithin(b.geom::geography, p.geom::geography, %s)
            """,
            [
                rows,
                [buildings[row][0] for row in rows],
                [shapely.to_wkb(shapes[row]) for row in rows],
                settings.IMIS["CONTAINMENT_MAX_DISTANCE_M"],
            ],
        )
        return dict(cursor.fetchall())


def _matches(
    municipality: Municipality, clean: dict, shapes: dict, buildings: dict
) -> dict[int, tuple[Containment, int | None]]:
    """Row -> (the register's containment, its responsible building id), by code or else by
    the same responsible building within MATCH_M metres."""
    codes = {v["code"]: row for row, v in clean.items() if v.get("code")}
    found: dict[int, int] = {}
    if codes:
        for pk, code in Containment.objects.filter(
            municipality=municipality, code__in=list(codes)
        ).values_list("pk", "code"):
            found[codes[code]] = pk
    rows = [r for r in clean if r not in found and r in buildings and r in shapes]
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT DISTINCT ON (u.row) u.row, c.id
                  FROM unnest(%s::int[], %s::bigint[], %s::bytea[]) AS u(row, building, wkb)
                  JOIN containment_containmentbuilding l
                    ON l.building_id = u.building AND l.is_responsible
                  JOIN containment_containment c
                    ON c.id = l.containment_id AND c.retired_at IS NULL
                 WHERE ST_DWithin(c.geom::geography,
                                  ST_SetSRID(ST_GeomFromWKB(u.wkb), 4326)::geography, %s)
                 ORDER BY u.row, c.id
                """,
                [
                    rows,
                    [buildings[row][0] for row in rows],
                    [shapely.to_wkb(shapes[row]) for row in rows],
                    MATCH_M,
                ],
            )
            found.update(dict(cursor.fetchall()))
    containments = Containment.objects.in_bulk(list(found.values()))
    responsible = dict(
        ContainmentBuilding.objects.filter(
            containment_id__in=list(found.values()), is_responsible=True
        ).values_list("containment_id", "building_id")
    )
    return {row: (containments[pk], responsible.get(pk)) for row, pk in found.items()}


def _attributes(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in LINK_FIELDS}


def _changes(match: Containment, responsible: int | None, values: dict, shape, building):
    """What a row changes: attributes, "building" (the responsible one), "geometry"."""
    changed = [name for name, value in _attributes(values).items() if getattr(match, name) != value]
    if building is not None and responsible != building:
        changed.append("building")
    if not same_shape(match.geom, shape):
        changed.append("geometry")
    return changed


def import_containments(request: ImportRequest) -> ImportReport:
    municipality = request.municipality
    report, clean, shapes, fixed = check_rows(request, SPEC)
    if not request.records:
        return report
    today = compliance.local_today()
    for row, values in clean.items():
        _check_values(report, row, values, today)
    buildings = _buildings(municipality, clean)
    for row, values in clean.items():
        named = values.get("building_bin") or values.get("holding_number")
        if named and row not in buildings:
            report.problem(
                row,
                "building_bin" if values.get("building_bin") else "holding_number",
                _("no building %(name)s in %(municipality)s")
                % {"name": named, "municipality": municipality.name},
            )
    limit = settings.IMIS["CONTAINMENT_MAX_DISTANCE_M"]
    for row, distance in _too_far(shapes, buildings).items():
        report.problem(
            row,
            "geometry",
            _("lies %(distance).0f m from building %(bin)s; at most %(limit).0f m allowed")
            % {"distance": distance, "bin": buildings[row][1], "limit": limit},
        )
    matches = _matches(municipality, clean, shapes, buildings)
    plan = []
    for row, values in clean.items():
        building = buildings.get(row, (None,))[0]
        found = matches.get(row)
        if found is None:
            if values.get("code"):
                report.problem(
                    row,
                    "code",
                    _("no containment %(code)s in %(municipality)s; leave it blank for a new one")
                    % {"code": values["code"], "municipality": municipality.name},
                )
                continue
            plan.append(("create", row, values, None, []))
            continue
        changed = _changes(found[0], found[1], values, shapes.get(row), building)
        plan.append(("update" if changed else "keep", row, values, found[0], changed))
    return finish(
        report,
        SPEC,
        fixed=fixed,
        plan=plan,
        commit=request.commit,
        before_write=request.before_write,
        write=lambda: _write(municipality, plan, shapes, buildings),
    )


@transaction.atomic
def _write(municipality: Municipality, plan: list, shapes: dict, buildings: dict) -> None:
    created, created_rows, updated = [], [], []
    for action, row, values, match, changed in plan:
        geom = GEOSGeometry(memoryview(shapely.to_wkb(shapes[row])), srid=4326)
        if action == "create":
            created.append(Containment(municipality=municipality, geom=geom, **_attributes(values)))
            created_rows.append(row)
        elif action == "update":
            for name, value in _attributes(values).items():
                if name in changed:
                    setattr(match, name, value)
            if "geometry" in changed:
                match.geom = geom  # an unchanged one keeps its stored coordinates
            match.updated_at = timezone.now()
            updated.append((row, match))
    Containment.objects.bulk_create(created, batch_size=2000)
    ContainmentBuilding.objects.bulk_create(
        [
            ContainmentBuilding(
                containment=containment, building_id=buildings[row][0], is_responsible=True
            )
            for row, containment in zip(created_rows, created, strict=True)
        ],
        batch_size=2000,
    )
    if updated:
        names = {"updated_at"} | {
            {"geometry": "geom"}.get(k, k) for p in plan if p[0] == "update" for k in p[4]
        }
        names.discard("building")
        Containment.objects.bulk_update([m for _r, m in updated], sorted(names), batch_size=2000)
        for row, match in updated:
            if row not in buildings:
                continue
            building = buildings[row][0]
            links = ContainmentBuilding.objects.filter(containment=match)
            if not links.filter(building_id=building, is_responsible=True).exists():
                links.filter(is_responsible=True).update(is_responsible=False)
                ContainmentBuilding.objects.update_or_create(
                    containment=match, building_id=building, defaults={"is_responsible": True}
                )
    rule_set = active_rule_set(municipality=municipality)
    if rule_set is not None:
        compliance.assess(rule_set=rule_set)


# The import framework reads the attributes of an import from its spec (core.imports.mapping).
import_containments.spec = SPEC
