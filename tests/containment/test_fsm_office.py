"""The municipal admin's providers, vehicles and plants (issue 26): a provider with its
wards and operators, vehicles with capacity, width and depot, plants with capacity and a
dated operating status (closing a plant today leaves last year's capacity as it was);
bad input keeps nothing; only the admin of the whole municipality."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from containment.models import ServiceProvider, TreatmentPlant, Vehicle
from core.roles import MembershipRole
from dashboards import selectors as dashboard_selectors

from ..factories import MembershipFactory, TreatmentPlantFactory
from .conftest import page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def mayor(town):
    return page_client(
        MembershipFactory(municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN).user
    )


def centre(town):
    point = town.west.geom.point_on_surface
    return {"lon": f"{point.x:.6f}", "lat": f"{point.y:.6f}"}


def test_a_provider_with_wards_operators_and_a_vehicle(town, mayor):
    crew = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.PROVIDER_OPERATOR
    ).user
    saved = mayor.post(
        reverse("containment:provider-new"),
        {"name": "Meghna Sanitation", "phone": "01800000002", "is_active": "on",
         "wards": [town.west.pk], "operators": [crew.pk]},
    )  # fmt: skip
    assert saved.status_code == 302, saved.content.decode()[:2000]
    provider = ServiceProvider.objects.get(name="Meghna Sanitation")
    assert [w.pk for w in provider.wards.all()] == [town.west.pk]
    assert list(provider.operators.all()) == [crew]
    # Someone without the operator role cannot be named.
    desk = MembershipFactory(municipality=town.municipality, role="fsm_help_desk").user
    refused = mayor.post(
        reverse("containment:provider-edit", args=[provider.pk]),
        {"name": "Meghna Sanitation", "wards": [town.west.pk], "operators": [desk.pk]},
    )
    assert refused.status_code == 400
    depot = centre(town)
    vehicle_url = reverse("containment:vehicle-new", args=[provider.pk])
    form = {"registration": "LAK-301", "capacity_m3": "3", "width_m": "1.9", "is_active": "on",
            "depot_lon": depot["lon"], "depot_lat": depot["lat"]}  # fmt: skip
    assert mayor.post(vehicle_url, form).status_code == 302
    vehicle = Vehicle.objects.get(registration="LAK-301")
    assert (vehicle.width_m, vehicle.depot is not None) == (Decimal("1.90"), True)
    # The same number twice, a depot far away, half a position: refused.
    assert mayor.post(vehicle_url, form).status_code == 400
    far = {**form, "registration": "LAK-302", "depot_lon": "91.9", "depot_lat": "24.0"}
    assert mayor.post(vehicle_url, far).status_code == 400
    half = {**form, "registration": "LAK-303", "depot_lat": ""}
    assert mayor.post(vehicle_url, half).status_code == 400
    assert Vehicle.objects.filter(provider=provider).count() == 1


def test_closing_a_plant_today_keeps_last_years_capacity(town, mayor):
    plant = TreatmentPlantFactory(
        municipality=town.municipality, opened_on=dt.date(2020, 1, 1), capacity_m3_per_day=10
    )
    year = timezone.localdate().year
    before = dashboard_selectors.treatment_capacity(
        municipality=town.municipality, years=[year - 1]
    )
    form = {"name": plant.name, "plant_type": plant.plant_type, "capacity_m3_per_day": "10",
            "opened_on": "2020-01-01", "closed_on": timezone.localdate().isoformat(),
            **centre(town)}  # fmt: skip
    url = reverse("containment:plant-edit", args=[plant.pk])
    assert mayor.post(url, form).status_code == 302
    plant.refresh_from_db()
    assert (plant.is_active, plant.closed_on) == (False, timezone.localdate())
    after = dashboard_selectors.treatment_capacity(municipality=town.municipality, years=[year - 1])
    assert after == before
    assert before[year - 1] > 0
    # A closing day to come is refused; reopening (no closing day) puts it back in operation.
    ahead = {**form, "closed_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}
    assert mayor.post(url, ahead).status_code == 400
    assert mayor.post(url, {**form, "closed_on": ""}).status_code == 302
    plant.refresh_from_db()
    assert (plant.is_active, plant.closed_on) == (True, None)


def test_a_new_plant_needs_its_place_in_the_town(town, mayor):
    form = {"name": "Second FSTP", "plant_type": "fstp", "capacity_m3_per_day": "20",
            **centre(town)}  # fmt: skip
    assert mayor.post(reverse("containment:plant-new"), {**form, "lon": ""}).status_code == 400
    assert mayor.post(reverse("containment:plant-new"), form).status_code == 302
    assert TreatmentPlant.objects.filter(name="Second FSTP", is_active=True).exists()


def test_only_the_admin_of_the_whole_municipality(town, other_town):
    executive = MembershipFactory(municipality=town.municipality, role="executive").user
    assert page_client(executive).get(reverse("containment:office-fsm")).status_code == 403
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug")
    other_mayor = MembershipFactory(
        municipality=other_town.municipality, role=MembershipRole.MUNICIPAL_ADMIN
    ).user
    url = reverse("containment:provider-edit", args=[provider.pk])
    assert page_client(other_mayor).get(url).status_code == 404
