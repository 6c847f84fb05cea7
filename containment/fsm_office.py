"""The municipal admin's providers, vehicles and treatment plants (issue 26): who empties
in which wards with which vehicles (capacity, width, depot), and the plants with their
capacity and dated operating status: a plant closes on a day, so the years before keep the
capacity they had. Only an admin of the whole municipality writes here (the views check)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import MembershipRole
from spatial.geometry import check_within_municipality
from spatial.models import Municipality

from .models import ServiceProvider, TreatmentPlant, Vehicle


def holders(municipality: Municipality, role: str):
    """Users holding `role` in `municipality` (those a provider or plant may name)."""
    return (
        get_user_model()
        .objects.filter(memberships__municipality=municipality, memberships__role=role)
        .distinct()
        .order_by("username")
    )


def _point(lon: Any, lat: Any, municipality: Municipality, field: str) -> Point | None:
    if lon is None and lat is None:
        return None
    if lon is None or lat is None:
        raise ValidationError({field: [_("Give both longitude and latitude.")]})
    point = Point(float(lon), float(lat), srid=4326)
    try:
        check_within_municipality(point, municipality, field=field)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return point


def _wards_and_people(municipality, wards, operators, role) -> None:
    if any(ward.municipality_id != municipality.pk for ward in wards):
        raise ValidationError({"wards": [_("A ward of another municipality.")]})
    allowed = set(holders(municipality, role).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in operators):
        raise ValidationError({"operators": [_("Only people holding the operator role here.")]})


@transaction.atomic
def provider_save(
    *,
    municipality: Municipality,
    provider: ServiceProvider | None = None,
    wards: list,
    operators: list,
    **values: Any,
) -> ServiceProvider:
    _wards_and_people(municipality, wards, operators, MembershipRole.PROVIDER_OPERATOR)
    provider = provider or ServiceProvider(municipality=municipality)
    for name, value in values.items():
        setattr(provider, name, value)
    provider.full_clean(exclude=["municipality"])
    provider.save()
    provider.wards.set(wards)
    provider.operators.set(operators)
    return provider


@transaction.atomic
def vehicle_save(
    *,
    provider: ServiceProvider,
    vehicle: Vehicle | None = None,
    depot_lon: float | None = None,
    depot_lat: float | None = None,
    **values: Any,
) -> Vehicle:
    registration = values.get("registration", "").strip()
    same = Vehicle.objects.filter(
        provider__municipality=provider.municipality, registration__iexact=registration
    )
    if vehicle is not None:
        same = same.exclude(pk=vehicle.pk)
    if same.exists():
        raise ValidationError({"registration": [_("A vehicle with this number is on record.")]})
    vehicle = vehicle or Vehicle(provider=provider)
    for name, value in values.items():
        setattr(vehicle, name, value)
    vehicle.registration = registration
    vehicle.depot = _point(depot_lon, depot_lat, provider.municipality, "depot_lon")
    vehicle.full_clean(exclude=["provider"])
    vehicle.save()
    return vehicle


@transaction.atomic
def plant_save(
    *,
    municipality: Municipality,
    plant: TreatmentPlant | None = None,
    operators: list,
    lon: float,
    lat: float,
    **values: Any,
) -> TreatmentPlant:
    """Save a plant. Taking it out of operation needs the day it closed (not a day to come):
    the years before keep its capacity (dashboards.selectors.treatment_capacity)."""
    _wards_and_people(municipality, [], operators, MembershipRole.PLANT_OPERATOR)
    closed_on = values.get("closed_on")
    if closed_on is not None and closed_on > timezone.localdate():
        raise ValidationError({"closed_on": [_("The closing day cannot be in the future.")]})
    # The dated status: in operation until the day it closed (reopened: no closing day).
    values["is_active"] = closed_on is None
    plant = plant or TreatmentPlant(municipality=municipality)
    for name, value in values.items():
        setattr(plant, name, value)
    plant.geom = _point(lon, lat, municipality, "lon")
    plant.full_clean(exclude=["municipality"])
    plant.save()
    plant.operators.set(operators)
    return plant
