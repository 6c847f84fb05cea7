"""Writes to the municipal geography. Each service validates the domain rules, writes in one
transaction and returns the saved object with its database-derived values (BIN, ward,
areas) read back. Raises django.core.exceptions.ValidationError with per-field messages.
"""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Membership

from .geometry import METRIC_SRID, check_within_municipality
from .models import Building, Municipality, Road, Ward

# Refreshed after writes: generated columns and trigger-derived columns.
_BUILDING_DERIVED = ["bin", "ward", "low_income_community", "footprint_area_m2"]


def _as_multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    if isinstance(geom, Polygon):
        return MultiPolygon(geom, srid=geom.srid)
    return geom


def _apply(instance: Any, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(instance, name, value)


def _check_same_municipality(municipality: Municipality, **related: Any) -> None:
    errors = {
        name: [_("Must belong to %(municipality)s.") % {"municipality": municipality.name}]
        for name, obj in related.items()
        if obj is not None and obj.municipality_id != municipality.pk
    }
    if errors:
        raise ValidationError(errors)


def _validate(instance: Any) -> None:
    # Field choices, ranges and model constraints; geometry was checked on the way in.
    instance.full_clean(exclude=["geom", "boundary", "municipality"])


@transaction.atomic
def municipality_create(
    *, code: str, name: str, boundary: GEOSGeometry, name_bn: str = ""
) -> Municipality:
    municipality = Municipality(
        code=code, name=name, name_bn=name_bn, boundary=_as_multipolygon(boundary)
    )
    municipality.full_clean(exclude=["boundary"])
    municipality.save()
    municipality.refresh_from_db(fields=["area_m2"])
    return municipality


def buildings_rederive_membership(*, municipality: Municipality) -> int:
    """Re-derive every building's ward and low-income community from the current
    boundaries, in one set-based UPDATE. Returns the number of buildings changed."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH derived AS (
              SELECT b.id,
                (SELECT w.id FROM spatial_ward w
                  WHERE w.municipality_id = b.municipality_id
                    AND ST_Intersects(w.geom, ST_PointOnSurface(b.geom))
                  ORDER BY w.number LIMIT 1) AS ward_id,
                (SELECT l.id FROM spatial_lowincomecommunity l
                  WHERE l.municipality_id = b.municipality_id
                    AND ST_Intersects(l.geom, ST_PointOnSurface(b.geom))
                  ORDER BY l.id LIMIT 1) AS lic_id
              FROM spatial_building b WHERE b.municipality_id = %s
            )
            UPDATE spatial_building b
               SET ward_id = d.ward_id, low_income_community_id = d.lic_id
              FROM derived d
             WHERE b.id = d.id
               AND (b.ward_id IS DISTINCT FROM d.ward_id
                    OR b.low_income_community_id IS DISTINCT FROM d.lic_id)
            """,
            [municipality.pk],
        )
        return cursor.rowcount


def _check_ward_overlap(ward: Ward) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT w.number FROM spatial_ward w
             WHERE w.municipality_id = %s AND w.id IS DISTINCT FROM %s
               AND ST_Intersects(w.geom, ST_GeomFromEWKB(%s))
               AND ST_Area(ST_Intersection(w.geom, ST_GeomFromEWKB(%s))::geography) > 1
             ORDER BY w.number
            """,
            [ward.municipality_id, ward.pk, bytes(ward.geom.ewkb), bytes(ward.geom.ewkb)],
        )
        overlapping = [row[0] for row in cursor.fetchall()]
    if overlapping:
        raise ValidationError(
            {
                "geometry": [
                    _("Ward boundary overlaps ward(s) %(wards)s.")
                    % {"wards": ", ".join(str(n) for n in overlapping)}
                ]
            }
        )


@transaction.atomic
def ward_create(
    *, municipality: Municipality, number: int, geom: GEOSGeometry, **attributes: Any
) -> Ward:
    ward = Ward(municipality=municipality, number=number, geom=_as_multipolygon(geom))
    _apply(ward, attributes)
    check_within_municipality(ward.geom, municipality)
    _validate(ward)
    _check_ward_overlap(ward)
    ward.save()
    buildings_rederive_membership(municipality=municipality)
    ward.refresh_from_db(fields=["area_m2"])
    return ward


@transaction.atomic
def ward_update(*, ward: Ward, **changes: Any) -> Ward:
    if "geom" in changes:
        changes["geom"] = _as_multipolygon(changes["geom"])
        check_within_municipality(changes["geom"], ward.municipality)
    _apply(ward, changes)
    _validate(ward)
    if "geom" in changes:
        _check_ward_overlap(ward)
    ward.save()
    if "geom" in changes:
        buildings_rederive_membership(municipality=ward.municipality)
    ward.refresh_from_db(fields=["area_m2"])
    return ward


@transaction.atomic
def ward_delete(*, ward: Ward) -> None:
    municipality = ward.municipality
    ward.delete()
    buildings_rederive_membership(municipality=municipality)


@transaction.atomic
def building_create(
    *, municipality: Municipality, geom: GEOSGeometry, **attributes: Any
) -> Building:
    """Create a building; its BIN comes from the municipality's sequence and its ward and
    LIC from the footprint's point on surface. Raises ValidationError when the footprint
    lies outside the municipality or attributes break the register's rules."""
    check_within_municipality(geom, municipality)
    _check_same_municipality(
        municipality,
        main_building=attributes.get("main_building"),
        access_road=attributes.get("access_road"),
    )
    building = Building(municipality=municipality, geom=geom)
    _apply(building, attributes)
    _validate(building)
    building.save()
    building.refresh_from_db(fields=_BUILDING_DERIVED)
    return building


@transaction.atomic
def building_update(*, building: Building, **changes: Any) -> Building:
    if "geom" in changes:
        check_within_municipality(changes["geom"], building.municipality)
    _check_same_municipality(
        building.municipality,
        main_building=changes.get("main_building"),
        access_road=changes.get("access_road"),
    )
    if changes.get("main_building") is not None and changes["main_building"].pk == building.pk:
        raise ValidationError({"main_building": [_("A building cannot be its own main building.")]})
    _apply(building, changes)
    _validate(building)
    building.save()
    building.refresh_from_db(fields=_BUILDING_DERIVED)
    return building


@transaction.atomic
def building_delete(*, building: Building, reason: str = "") -> str:
    """Retire a building when a reason is given or when survey submissions or containments
    refer to it (kept with its history and links, gone from every map, list and figure,
    restorable from its page); otherwise delete it (a footprint drawn by mistake). Returns
    "deleted" or "retired"."""
    referenced = building.submissions.exists() or building.containment_links.exists()
    if referenced or reason:
        record_retire(record=building, reason=reason)
        return "retired"
    building.delete()
    return "deleted"


# What a split leaves with the original BIN's part copies to the new part: the building's
# make and use. People, households and toilets stay where they were; the officer moves them.
_SPLIT_COPIES = (
    "holding_number",
    "main_building",
    "access_road",
    "structure_type",
    "floor_count",
    "construction_year",
    "functional_use",
    "use_subcategory",
    "water_source",
    "vacutug_accessible",
)


def _split_parts(footprint: GEOSGeometry, line: GEOSGeometry) -> list[GEOSGeometry]:
    """The polygons `line` cuts `footprint` into (PostGIS ST_Split), largest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsEWKB(part.geom) FROM ST_Dump(ST_Split(%s::geometry, %s::geometry)) "
            "AS part WHERE GeometryType(part.geom) = 'POLYGON' "
            "ORDER BY ST_Area(ST_Transform(part.geom, %s)) DESC",
            [footprint.ewkb, line.ewkb, METRIC_SRID],
        )
        return [GEOSGeometry(memoryview(bytes(row[0]))) for row in cursor.fetchall()]


@transaction.atomic
def building_split(*, building: Building, line: GEOSGeometry) -> tuple[Building, Building]:
    """Cut a building in two along `line` (which must cross it once, side to side). The
    larger part keeps the BIN; the other becomes a new building with a new BIN and the
    first's make and use. Each containment link goes with the part nearer its containment.
    Returns (the original, the new one)."""
    parts = _split_parts(building.geom, line)
    if len(parts) != 2:
        raise ValidationError(
            {
                "line": [
                    _(
                        "Draw the line across the building from one side to the other, "
                        "so that it cuts the footprint in two."
                    )
                ]
            }
        )
    kept, cut = parts
    created = building_create(
        municipality=building.municipality,
        geom=cut,
        **{name: getattr(building, name) for name in _SPLIT_COPIES},
    )
    building = building_update(building=building, geom=kept)
    for link in building.containment_links.select_related("containment"):
        point = link.containment.geom
        if point is not None and point.distance(cut) < point.distance(kept):
            link.building = created
            link.save(update_fields=["building"])
    return building, created


@transaction.atomic
def building_merge(*, building: Building, other: Building) -> Building:
    """Merge `other` into `building`: the survivor keeps its BIN and takes the union of the
    two footprints (which must touch or overlap); `other` is retired with a pointer to it;
    containment links and households move to the survivor, as do buildings that named
    `other` their main building. Returns the survivor."""
    if other.pk == building.pk:
        raise ValidationError({"other": [_("Choose another building to merge with.")]})
    if other.municipality_id != building.municipality_id:
        raise ValidationError({"other": [_("Both buildings must be in the same municipality.")]})
    union = building.geom.union(other.geom)
    if union.geom_type != "Polygon":
        raise ValidationError(
            {"other": [_("The buildings must touch or overlap to be merged into one.")]}
        )
    union.srid = building.geom.srid
    linked = {link.containment_id: link for link in building.containment_links.all()}
    for link in other.containment_links.all():
        if link.containment_id in linked:
            # Both served the same containment: one link stays, responsible if either was.
            link.delete()
            if link.is_responsible:
                linked[link.containment_id].is_responsible = True
                linked[link.containment_id].save(update_fields=["is_responsible"])
        else:
            link.building = building
            link.save(update_fields=["building"])
    last = max(building.households.values_list("number", flat=True), default=0)
    for offset, household in enumerate(other.households.order_by("number"), start=1):
        household.building = building
        household.number = last + offset
        household.save(update_fields=["building", "number"])
    Building.all_objects.filter(main_building=other).exclude(pk=building.pk).update(
        main_building=building
    )
    survivor = building_update(building=building, geom=union)
    record_retire(
        record=other,
        reason=_("Merged into %(bin)s") % {"bin": survivor.bin},
    )
    Building.all_objects.filter(pk=other.pk).update(merged_into=survivor)
    return survivor


@transaction.atomic
def road_create(*, municipality: Municipality, geom: GEOSGeometry, **attributes: Any) -> Road:
    check_within_municipality(geom, municipality)
    road = Road(municipality=municipality, geom=geom)
    _apply(road, attributes)
    _validate(road)
    road.save()
    road.refresh_from_db(fields=["length_m"])
    return road


@transaction.atomic
def road_update(*, road: Road, **changes: Any) -> Road:
    if "geom" in changes:
        check_within_municipality(changes["geom"], road.municipality)
    _apply(road, changes)
    _validate(road)
    road.save()
    road.refresh_from_db(fields=["length_m"])
    return road


@transaction.atomic
def road_delete(*, road: Road) -> None:
    road.delete()


def membership_cover_ward(*, membership: Membership, ward: Ward) -> Membership:
    """Make sure a membership reaches `ward`: a ward-limited one gets the ward added; one
    for the whole municipality already reaches it. Raises ValidationError for a ward of
    another municipality."""
    if ward.municipality_id != membership.municipality_id:
        raise ValidationError({"ward": [_("The ward is not in this municipality.")]})
    if membership.wards.exists():
        membership.wards.add(ward)
    return membership


# Placed registers (spatial.records.PlacedRecord) without rules of their own: a register's
# declaration binds these to its model (functools.partial).
@transaction.atomic
def record_create(*, model: type, municipality: Municipality, geom: GEOSGeometry, **attributes):
    check_within_municipality(geom, municipality)
    record = model(municipality=municipality, geom=geom)
    _apply(record, attributes)
    record.full_clean(exclude=["geom"])  # with the municipality: its code must be unique
    record.save()
    return record


@transaction.atomic
def record_update(*, record, **changes: Any):
    if "geom" in changes:
        check_within_municipality(changes["geom"], record.municipality)
    _apply(record, changes)
    record.full_clean(exclude=["geom"])
    record.save()
    record.refresh_from_db(fields=["ward"])
    return record


@transaction.atomic
def record_retire(*, record, reason: str = "") -> None:
    """Take a record out of service: gone from maps, lists, exports and figures, kept with
    its history, and restorable (record_restore)."""
    type(record).all_objects.filter(pk=record.pk).update(
        retired_at=timezone.now(), retired_reason=reason[:200]
    )


@transaction.atomic
def record_restore(*, record) -> None:
    type(record).all_objects.filter(pk=record.pk).update(retired_at=None, retired_reason="")
