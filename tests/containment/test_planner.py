"""The scheduled-desludging planner on a small fixed data set with an exact schedule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from containment import desludging, planner, services
from containment.models import TreatmentPlant

from ..factories import ContainmentFactory, square

pytestmark = pytest.mark.django_db
THURSDAY = dt.date(2026, 7, 2)


@pytest.fixture
def fixed_town(town, settings):
    settings.IMIS = {**settings.IMIS, "HOLIDAYS": ["2026-07-06"], "WEEKEND_DAYS": [4, 5]}
    TreatmentPlant.objects.create(
        municipality=town.municipality,
        name="FSTP",
        plant_type="fstp",
        capacity_m3_per_day=40,
        geom=Point(90.858, 22.965, srid=4326),
    )

    def make(name, lon, **attributes):
        values = {"ever_emptied": True, "construction_year": 2010, **attributes}
        return name, ContainmentFactory(
            municipality=town.municipality, geom=Point(lon, 22.965, srid=4326), **values
        )

    return dict(
        [
            make("B", 90.857, last_emptied_on=dt.date(2022, 5, 1)),  # over 3, nearest
            make(
                "F",
                90.850,
                ever_emptied=False,
                construction_year=2016,  # over 3, 3 trips
                length_m=4,
                width_m=2,
                depth_m=1.5,
            ),
            make("A", 90.820, last_emptied_on=dt.date(2021, 1, 1)),  # over 3, farthest
            make("C", 90.830, ever_emptied=None),  # unknown
            make("D", 90.830, last_emptied_on=dt.date(2024, 7, 1)),  # 1-3 years
            make("E", 90.840, last_emptied_on=dt.date(2026, 1, 1)),  # under 1
            make("I", 90.810, last_emptied_on=dt.date(2026, 2, 1)),  # under 1, no room
            make("G", 90.845, last_emptied_on=dt.date(2019, 1, 1)),  # open request
            make("H", 90.846, containment_type="none", outlet="open_drain"),  # nothing to empty
        ]
    )


def test_exact_schedule(town, fixed_town):
    desludging.request_create(containment=fixed_town["G"], applicant_name="A", applicant_phone="1")
    plan = planner.plan_create(
        municipality=town.municipality,
        start_date=THURSDAY,
        days=2,
        daily_trips=4,
        trip_volume_m3=Decimal("5"),
    )
    names = {c.pk: name for name, c in fixed_town.items()}
    schedule = [
        (names[v.containment_id], v.visit_date.isoformat(), v.band, v.trips)
        for v in plan.visits.order_by("position")
    ]
    assert schedule == [
        ("B", "2026-07-02", "overdue", 1),
        ("F", "2026-07-02", "overdue", 3),  # 12 m³ at 5 m³ a trip
        ("A", "2026-07-05", "overdue", 1),  # Friday and Saturday skipped
        ("C", "2026-07-05", "unknown", 1),
        ("D", "2026-07-05", "due_soon", 1),  # 2.0 years of a 3-year interval
        ("E", "2026-07-05", "recent", 1),
        # I does not fit: Monday is a holiday and only two working days were asked for.
    ]
    first = plan.visits.get(position=1)
    assert first.plant_distance_m == pytest.approx(102.6, abs=1)
    assert first.years_since_emptying == Decimal("4.2")
    assert first.interval_years == Decimal("3.0")  # the default rule set's maximum


def test_interval_from_the_rule_set_and_the_sludge_its_users_make(town, settings):
    """A tank is due at the rule set's maximum years, or sooner when its users' sludge
    (users x the national accumulation rate x years) reaches the rule set's share of it."""
    settings.IMIS = {**settings.IMIS, "SLUDGE_ACCUMULATION_M3_PER_PERSON_YEAR": 0.04}
    emptied = {"ever_emptied": True, "last_emptied_on": dt.date(2024, 6, 30)}  # 2.0 years
    small = ContainmentFactory(  # 2 m³ for 16 users: half full of sludge in 1.56 years
        municipality=town.municipality,
        length_m=2,
        width_m=1,
        depth_m=1,
        users=16,
        **emptied,
    )
    large = ContainmentFactory(  # 12 m³ for 5 users: 30 years to half full, so the rule's 3
        municipality=town.municipality,
        length_m=4,
        width_m=2,
        depth_m=1.5,
        users=5,
        **emptied,
    )

    def bands():
        plan = planner.plan_create(
            municipality=town.municipality, start_date=THURSDAY, days=1, daily_trips=20
        )
        return {
            v.containment_id: (v.band, v.interval_years)
            for v in plan.visits.filter(containment__in=[small, large])
        }

    assert bands() == {
        small.pk: ("overdue", Decimal("1.6")),
        large.pk: ("due_soon", Decimal("3.0")),
    }
    # A stricter rule set (new version): every 1.5 years at most, and due at a quarter full.
    services.rule_set_create(
        municipality=town.municipality,
        max_years_since_emptying=Decimal("1.5"),
        sludge_share_to_empty=Decimal("0.25"),
    )
    assert bands() == {
        small.pk: ("overdue", Decimal("0.8")),  # 0.25 x 2 m³ / (16 x 0.04)
        large.pk: ("overdue", Decimal("1.5")),
    }


def test_same_inputs_same_plan(town, fixed_town):
    def run():
        plan = planner.plan_create(
            municipality=town.municipality,
            start_date=THURSDAY,
            days=3,
            daily_trips=3,
            trip_volume_m3=Decimal("5"),
        )
        return list(plan.visits.order_by("position").values_list("containment_id", "visit_date"))

    assert run() == run()


def test_working_days_skip_weekends_and_holidays(settings):
    settings.IMIS = {**settings.IMIS, "HOLIDAYS": ["2026-07-06"], "WEEKEND_DAYS": [4, 5]}
    days = [d.isoformat() for d in planner.working_days(THURSDAY, 3)]
    assert days == ["2026-07-02", "2026-07-05", "2026-07-07"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 1000}, "days"),
        ({"daily_trips": 0}, "daily_trips"),
        ({"trip_volume_m3": Decimal("-1")}, "trip_volume_m3"),
    ],
)
def test_impossible_inputs_are_refused(town, kwargs, field):
    values = {"days": 5, "daily_trips": 10, **kwargs}
    with pytest.raises(ValidationError) as exc_info:
        planner.plan_create(municipality=town.municipality, start_date=THURSDAY, **values)
    assert field in exc_info.value.message_dict


def test_the_plan_skips_what_no_vacutug_should_visit_and_trips_follow_the_fleet(town):
    """Issue 17: no emptying interval for twin and single pits (rule set), a building a
    vacutug cannot reach is left to manual emptying, and a trip carries what the largest
    vehicle in service carries."""
    from containment import services
    from containment.models import ServiceProvider, Vehicle

    from ..factories import BuildingFactory

    def tank(lon, **attributes):
        building = BuildingFactory(
            municipality=town.municipality,
            geom=square(lon, 22.9649, 10),
            vacutug_accessible=attributes.pop("reachable", True),
        )
        values = {"ever_emptied": True, "last_emptied_on": dt.date(2020, 1, 1), **attributes}
        return ContainmentFactory(
            municipality=town.municipality,
            buildings=[building],
            geom=Point(lon + 0.00005, 22.96485, srid=4326),
            **values,
        )

    big = tank(90.850, length_m=4, width_m=2, depth_m=1.5)  # 12 m³
    twin = tank(90.851, containment_type="twin_pit", outlet="no_outlet")
    lane = tank(90.852, reachable=False)
    services.rule_set_ensure(municipality=town.municipality)
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug")
    Vehicle.objects.create(provider=provider, registration="S-1", capacity_m3=2)
    Vehicle.objects.create(provider=provider, registration="L-1", capacity_m3=4)
    Vehicle.objects.create(provider=provider, registration="X-9", capacity_m3=9, is_active=False)
    plan = planner.plan_create(
        municipality=town.municipality, start_date=THURSDAY, days=1, daily_trips=10
    )
    assert plan.trip_volume_m3 == Decimal("4")
    visits = {v.containment_id: v.trips for v in plan.visits.all()}
    assert visits == {big.pk: 3}  # 12 m³ at 4 m³ a trip; the twin pit and the lane skipped
    assert twin.pk not in visits
    assert lane.pk not in visits
