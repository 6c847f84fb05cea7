"""A small hand-checked town for the dashboard figures: every JMP rung, SFD fate and step
of the desludging chain appears, with the expected values worked out in the tests.
People are counted through their households (one per building here, unless said).

Ward 1 (west):  b1 5 people, septic tank -> soak pit, emptied and treated     safely managed
                b2 4 people, septic tank -> open drain (flush), emptied,      basic
                   not delivered                                               (not contained)
                b3 6 people in a LIC, lined pit, pit with slab, shared,       limited
                   emptied and treated last year
Ward 2 (east):  b4 3 people, no toilet, members go in the open               open defecation
                b5 2 people, unlined pit, pit without slab, never emptied     unimproved
                b6 10 people, no household on record                          unsurveyed
                b7 4 people, no toilet, "don't know" where members go        unknown
Year Y (last year): c1 emptied 3 m3 on Y-03-05, 2.5 m3 delivered, feedback 5 with PPE;
                    c2 emptied 2 m3 on Y-06-20, not delivered (one load rejected by the
                    plant, one never confirmed), feedback 2 without PPE;
                    c5 requested on Y-12-30, not emptied.
Year Y-1:           c3 (LIC) emptied 1.5 m3 on (Y-1)-05-03, all delivered.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from containment import services as containment_services
from containment.models import (
    Emptying,
    EmptyingRequest,
    ServiceFeedback,
    ServiceProvider,
    SludgeDelivery,
    TreatmentPlant,
    Vehicle,
)
from spatial.models import LowIncomeCommunity
from tests.conftest import make_town
from tests.factories import (
    SPLIT,
    BuildingFactory,
    ContainmentFactory,
    HouseholdFactory,
    box,
    square,
)

Y = timezone.localdate().year - 1


@dataclass
class DashboardTown:
    town: object
    year: int
    buildings: dict
    containments: dict


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _building(town, lon, lat, people, **extra):
    return BuildingFactory(
        municipality=town.municipality,
        geom=square(lon, lat, 10),
        population_male=people,
        population_female=0,
        population_other=0,
        **extra,
    )


def _containment(town, building, **attributes):
    centre = building.geom.centroid
    return ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        geom=Point(centre.x, centre.y - 0.00008, srid=4326),
        **attributes,
    )


def _request(town, containment, provider, requested: dt.date, **extra):
    return EmptyingRequest.objects.create(
        municipality=town.municipality,
        containment=containment,
        provider=provider,
        applicant_name="Applicant",
        applicant_phone="01700000000",
        requested_at=_at(requested),
        **extra,
    )


def _confirmed_load(emptying, plant, volume: str, day: dt.date):
    return SludgeDelivery.objects.create(
        emptying=emptying,
        plant=plant,
        volume_m3=Decimal(volume),
        delivered_at=_at(day),
        status="confirmed",
        volume_received_m3=Decimal(volume),
        received_at=_at(day),
    )


def _emptying(request, vehicle, day: dt.date, volume: str):
    request.status = "emptied"
    request.scheduled_for = day
    request.scheduled_at = request.requested_at
    request.emptied_at = _at(day)
    request.save()
    return Emptying.objects.create(
        request=request, emptied_on=day, volume_m3=Decimal(volume), vehicle=vehicle
    )


@pytest.fixture
def dashboard_town(db) -> DashboardTown:
    town = make_town()
    west, east = SPLIT - 0.01, SPLIT + 0.01
    LowIncomeCommunity.objects.create(
        municipality=town.municipality,
        name="Bosti",
        geom=box(west - 0.001, 22.949, west + 0.001, 22.951),
    )
    b = {
        "b1": _building(town, west, 22.94, 5),
        "b2": _building(town, west, 22.945, 4),
        "b3": _building(town, west, 22.95, 6),
        "b4": _building(town, east, 22.94, 3, has_toilet=False),
        "b5": _building(town, east, 22.945, 2),
        "b6": _building(town, east, 22.95, 10),
        "b7": _building(town, east, 22.955, 4, has_toilet=False),
    }
    c = {
        "c1": _containment(town, b["b1"], construction_year=2024),
        "c2": _containment(town, b["b2"], outlet="open_drain", ever_emptied=True),
        "c3": _containment(
            town,
            b["b3"],
            containment_type="lined_pit_open_bottom",
            outlet="",
            toilet_type="pit_with_slab",
            shared_facility=True,
        ),
        "c5": _containment(
            town, b["b5"], containment_type="unlined_pit", outlet="", toilet_type="pit_without_slab"
        ),
    }
    for name, facility, members_go in (
        ("b1", "c1", ""),
        ("b2", "c2", ""),
        ("b3", "c3", ""),
        ("b4", None, "open"),
        ("b5", "c5", ""),
        ("b7", None, "dont_know"),
    ):
        building = b[name]
        HouseholdFactory(
            building=building,
            number=1,
            people_male=building.population_male,
            people_female=0,
            facility=c[facility] if facility else None,
            members_go=members_go,
        )
    plant = TreatmentPlant.objects.create(
        municipality=town.municipality,
        name="FSTP",
        plant_type="fstp",
        capacity_m3_per_day=10,
        geom=Point(SPLIT, 22.93, srid=4326),
    )
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug")
    vehicle = Vehicle.objects.create(provider=provider, registration="DHK-1", capacity_m3=3)

    r1 = _request(town, c["c1"], provider, dt.date(Y, 3, 1))
    e1 = _emptying(r1, vehicle, dt.date(Y, 3, 5), "3")
    _confirmed_load(e1, plant, "2.5", dt.date(Y, 3, 5))
    ServiceFeedback.objects.create(request=r1, service_quality=5, ppe_worn=True)
    r2 = _request(town, c["c2"], provider, dt.date(Y, 6, 10))
    e2 = _emptying(r2, vehicle, dt.date(Y, 6, 20), "2")
    # The crew says it discharged c2's load twice: the plant rejected the first load and never
    # confirmed the second, so c2's sludge is not delivered.
    SludgeDelivery.objects.create(
        emptying=e2,
        plant=plant,
        volume_m3=Decimal("2"),
        delivered_at=_at(dt.date(Y, 6, 20)),
        status="rejected",
        reject_reason="Mixed with solid waste",
    )
    SludgeDelivery.objects.create(
        emptying=e2, plant=plant, volume_m3=Decimal("2"), delivered_at=_at(dt.date(Y, 6, 21))
    )
    ServiceFeedback.objects.create(request=r2, service_quality=2, ppe_worn=False)
    _request(town, c["c5"], provider, dt.date(Y, 12, 30))
    r4 = _request(town, c["c3"], provider, dt.date(Y - 1, 5, 1))
    e4 = _emptying(r4, vehicle, dt.date(Y - 1, 5, 3), "1.5")
    _confirmed_load(e4, plant, "1.5", dt.date(Y - 1, 5, 3))
    containment_services.rule_set_ensure(municipality=town.municipality)
    containment_services.assess_municipality(municipality=town.municipality)
    return DashboardTown(town, Y, b, c)
