"""Writes to the containment register and the compliance rule sets. Each service checks the
domain rules, writes in one transaction and re-assesses what it changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spatial.geometry import check_within_municipality
from spatial.models import Building, Municipality
from spatial.services import record_retire

from . import compliance
from .choices import ContainmentType, Outlet
from .models import (
    ComplianceRuleSet,
    Containment,
    ContainmentBuilding,
    Household,
    PublicToilet,
    PublicToiletCount,
    TreatmentPlant,
)
from .selectors import active_rule_set


def _check_buildings(
    *,
    municipality: Municipality,
    point: Point,
    buildings: list[Building],
    responsible: Building | None,
) -> None:
    if not buildings:
        raise ValidationError({"buildings": [_("A containment serves at least one building.")]})
    foreign = [b.bin for b in buildings if b.municipality_id != municipality.pk]
    if foreign:
        raise ValidationError(
            {
                "buildings": [
                    _("Buildings %(bins)s belong to another municipality.")
                    % {"bins": ", ".join(foreign)}
                ]
            }
        )
    if responsible is not None and responsible.pk not in {b.pk for b in buildings}:
        raise ValidationError(
            {"responsible_building": [_("The responsible building must be one it serves.")]}
        )
    limit = settings.IMIS["CONTAINMENT_MAX_DISTANCE_M"]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT b.bin, round(ST_Distance(b.geom::geography,
                                            ST_SetSRID(ST_GeomFromWKB(%s), 4326)::geography))
              FROM spatial_building b
             WHERE b.id = ANY(%s)
               AND NOT ST_DWithin(b.geom::geography,
                                  ST_SetSRID(ST_GeomFromWKB(%s), 4326)::geography, %s)
             ORDER BY b.bin
            """,
            [bytes(point.wkb), [b.pk for b in buildings], bytes(point.wkb), limit],
        )
        far = cursor.fetchall()
    if far:
        raise ValidationError(
            {
                "geometry": [
                    _(
                        "The containment lies %(distance)s m from building %(bin)s it serves; "
                        "at most %(limit).0f m allowed."
                    )
                    % {"distance": int(far[0][1]), "bin": far[0][0], "limit": limit}
                ]
            }
        )


def _check_dates(containment: Containment, today: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    if containment.last_emptied_on and containment.last_emptied_on > today:
        errors["last_emptied_on"] = [_("The emptying date lies in the future.")]
    if containment.construction_year and containment.construction_year > today.year:
        errors["construction_year"] = [_("The construction year lies in the future.")]
    if (
        containment.last_emptied_on
        and containment.construction_year
        and containment.last_emptied_on.year < containment.construction_year
    ):
        errors["last_emptied_on"] = [_("Emptied before it was built.")]
    if containment.last_emptied_on and containment.ever_emptied is None:
        containment.ever_emptied = True
    if errors:
        raise ValidationError(errors)


def _link_buildings(
    containment: Containment, buildings: list[Building], responsible: Building | None
) -> None:
    responsible = responsible or buildings[0]
    ContainmentBuilding.objects.filter(containment=containment).delete()
    ContainmentBuilding.objects.bulk_create(
        ContainmentBuilding(
            containment=containment, building=b, is_responsible=b.pk == responsible.pk
        )
        for b in buildings
    )


def _reassess(containment: Containment) -> None:
    rule_set = active_rule_set(municipality=containment.municipality)
    if rule_set is not None:
        compliance.assess(rule_set=rule_set, containment_id=containment.pk)


@transaction.atomic
def containment_create(
    *,
    municipality: Municipality,
    geom: Point,
    buildings: list[Building],
    responsible_building: Building | None = None,
    **attributes: Any,
) -> Containment:
    """Create a containment serving `buildings` (the first, or `responsible_building`, is
    responsible). Raises ValidationError for a point outside the municipality or too far
    from a building it serves, dates in the future, or attributes out of the code lists."""
    check_within_municipality(geom, municipality)
    _check_buildings(
        municipality=municipality,
        point=geom,
        buildings=buildings,
        responsible=responsible_building,
    )
    containment = Containment(municipality=municipality, geom=geom, **attributes)
    _check_dates(containment, compliance.local_today())
    containment.full_clean(exclude=["geom", "municipality"])
    containment.save()
    containment.refresh_from_db(fields=["code", "ward", "effective_volume_m3"])
    _link_buildings(containment, buildings, responsible_building)
    _reassess(containment)
    return containment


@transaction.atomic
def containment_update(
    *,
    containment: Containment,
    buildings: list[Building] | None = None,
    responsible_building: Building | None = None,
    **changes: Any,
) -> Containment:
    for name, value in changes.items():
        setattr(containment, name, value)
    if "geom" in changes:
        check_within_municipality(containment.geom, containment.municipality)
    served = buildings if buildings is not None else list(containment.buildings.all())
    if buildings is not None or "geom" in changes or responsible_building is not None:
        _check_buildings(
            municipality=containment.municipality,
            point=containment.geom,
            buildings=served,
            responsible=responsible_building,
        )
    _check_dates(containment, compliance.local_today())
    containment.full_clean(exclude=["geom", "municipality"])
    containment.save()
    containment.refresh_from_db(fields=["code", "ward", "effective_volume_m3"])
    if buildings is not None or responsible_building is not None:
        _link_buildings(containment, served, responsible_building)
    _reassess(containment)
    return containment


@transaction.atomic
def containment_delete(*, containment: Containment, reason: str = "") -> None:
    """Retire the containment (soft delete): gone from maps, lists, exports, the planner,
    compliance and every figure, kept with its history, requests and links, restorable in
    the admin."""
    record_retire(record=containment, reason=reason)


@transaction.atomic
def rule_set_create(
    *, municipality: Municipality, created_by: Any = None, **values: Any
) -> ComplianceRuleSet:
    """A new version of the municipality's rules (versions are never edited), then every
    containment of the municipality is assessed against it in one SQL pass."""
    _check_codes(values.get("approved_types"), ContainmentType, "approved_types")
    _check_codes(values.get("forbidden_outlets"), Outlet, "forbidden_outlets")
    # Lock the municipality row so two new versions cannot take the same number.
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    latest = active_rule_set(municipality=municipality)
    rule_set = ComplianceRuleSet(
        municipality=municipality,
        version=(latest.version + 1) if latest else 1,
        created_by=created_by if getattr(created_by, "pk", None) else None,
        **values,
    )
    rule_set.full_clean(exclude=["municipality"])
    rule_set.save()
    compliance.assess(rule_set=rule_set)
    return rule_set


def _check_codes(values: list[str] | None, choices: Any, field: str) -> None:
    if values is None:
        return
    unknown = sorted(set(values) - set(choices.values))
    if unknown:
        raise ValidationError(
            {field: [_("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )


def rule_set_ensure(*, municipality: Municipality) -> ComplianceRuleSet:
    """The active rule set, creating version 1 with the default values when there is none."""
    return active_rule_set(municipality=municipality) or rule_set_create(municipality=municipality)


def assess_municipality(*, municipality: Municipality) -> int:
    """Re-assess every containment against the active rule set. Returns rows written."""
    return compliance.assess(rule_set=rule_set_ensure(municipality=municipality))


def treatment_plant_close(*, plant: TreatmentPlant, on: dt.date) -> TreatmentPlant:
    """Take a plant out of operation from `on`, keeping its dated status: the figures of the
    years it worked still count its loads as treated."""
    if plant.opened_on and on <= plant.opened_on:
        raise ValidationError({"closed_on": _("A plant closes after it opened.")})
    plant.is_active = False
    plant.closed_on = on
    plant.save(update_fields=["is_active", "closed_on"])
    return plant


def households_replace(
    *, building: Building, households: list[dict[str, Any]], source: str
) -> list[Household]:
    """The building's households are now `households` (dicts of Household fields), numbered
    in order; the old records go (pghistory keeps them). All or nothing."""
    records = [
        Household(
            municipality_id=building.municipality_id,
            building=building,
            number=number,
            source=source,
            recorded_at=timezone.now(),
            **fields,
        )
        for number, fields in enumerate(households, start=1)
    ]
    for record in records:
        if record.facility_id and record.facility.municipality_id != building.municipality_id:
            raise ValidationError({"facility": _("The toilet is in another municipality.")})
        toilet = record.public_toilet_id and record.public_toilet
        if toilet and toilet.municipality_id != building.municipality_id:
            raise ValidationError({"public_toilet": _("The toilet is in another municipality.")})
        record.full_clean(exclude=["municipality", "building", "facility", "public_toilet"])
    with transaction.atomic():
        Household.objects.filter(building=building).delete()
        return Household.objects.bulk_create(records)


@transaction.atomic
def toilet_count_record(
    *, toilet: PublicToilet, counted_on: dt.date, **values: Any
) -> tuple[PublicToiletCount, bool]:
    """The users of a toilet block counted on a day, with their rating: one count per day,
    so a day counted again is corrected, not doubled. Returns the count and whether it is
    new."""
    count = PublicToiletCount(toilet=toilet, counted_on=counted_on, **values)
    count.full_clean(exclude=["toilet"], validate_unique=False)
    kept, created = PublicToiletCount.objects.select_for_update().update_or_create(
        toilet=toilet, counted_on=counted_on, defaults=values
    )
    return kept, created
