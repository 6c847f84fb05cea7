"""factory_boy factories. Geometries fall inside their municipality (and ward) by default.

The test town is a 6 km x 5.5 km rectangle near Lakshmipur split into two wards at
longitude 90.83: ward 1 to the west, ward 2 to the east.
"""

import datetime as dt
import math

import factory
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.db import connection
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.models import Membership
from core.roles import MembershipRole
from spatial.choices import RoadHierarchy
from spatial.models import Building, Municipality, Road, Ward, WaterPoint

WEST, SOUTH, EAST, NORTH = 90.80, 22.92, 90.86, 22.97
SPLIT = 90.83
M_PER_DEG_LAT = 110_574.0


def m_per_deg_lon(lat: float) -> float:
    return 111_320.0 * math.cos(math.radians(lat))


def east_of(lon: float, lat: float, metres: float) -> tuple[float, float]:
    """The point `metres` due east of (lon, lat), on the spheroid (PostGIS's ST_Project):
    where hand-built geometry must lie at an exact distance on the ground."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Project(ST_SetSRID(ST_MakePoint(%s, %s),"
            " 4326)::geography, %s, radians(90))::geometry AS g) s",
            [lon, lat, metres],
        )
        return cursor.fetchone()


def square(lon: float, lat: float, size_m: float = 10.0) -> Polygon:
    """A size_m x size_m square with its south-west corner at (lon, lat)."""
    dx = size_m / m_per_deg_lon(lat)
    dy = size_m / M_PER_DEG_LAT
    polygon = Polygon.from_bbox((lon, lat, lon + dx, lat + dy))
    polygon.srid = 4326
    return polygon


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The x, y of the Web Mercator tile holding (lon, lat) at zoom z."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def box(west: float, south: float, east: float, north: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((west, south, east, north)), srid=4326)


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    code = factory.Sequence(lambda n: f"town-{n}")
    name = factory.Sequence(lambda n: f"Town {n}")
    name_bn = "শহর"
    boundary = factory.LazyFunction(lambda: box(WEST, SOUTH, EAST, NORTH))


class WardFactory(DjangoModelFactory):
    class Meta:
        model = Ward

    municipality = factory.SubFactory(MunicipalityFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Ward {o.number}")
    geom = factory.LazyAttribute(lambda o: o.municipality.boundary)


def _building_position(n: int) -> tuple[float, float]:
    # A 40 x 40 grid of 10 m squares, 30 m apart, in the south-west of ward 1.
    return WEST + 0.001 + (n % 40) * 0.0003, SOUTH + 0.001 + (n // 40 % 40) * 0.0003


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    municipality = factory.SubFactory(MunicipalityFactory)
    holding_number = factory.Sequence(lambda n: f"01-{n:04d}")
    functional_use = "residential"
    structure_type = "rcc_framed"
    floor_count = 2
    household_count = 1
    geom = factory.Sequence(lambda n: square(*_building_position(n)))


class WaterPointFactory(DjangoModelFactory):
    class Meta:
        model = WaterPoint

    municipality = factory.SubFactory(MunicipalityFactory)
    point_type = "tube_well"
    depth_m = 45
    geom = factory.LazyFunction(lambda: Point(WEST + 0.01, SOUTH + 0.01, srid=4326))


class WaterBodyFactory(DjangoModelFactory):
    """A 30 m pond in the town's south-west."""

    class Meta:
        model = "spatial.WaterBody"

    municipality = factory.SubFactory(MunicipalityFactory)
    body_type = "pond"
    geom = factory.LazyFunction(lambda: square(WEST + 0.02, SOUTH + 0.01, 30))


class WaterSupplyLineFactory(DjangoModelFactory):
    """A 100 mm uPVC distribution pipe, about 200 m long, in the town's south-west."""

    class Meta:
        model = "spatial.WaterSupplyLine"

    municipality = factory.SubFactory(MunicipalityFactory)
    pipe_role = "distribution"
    diameter_mm = 100
    material = "upvc"
    geom = factory.LazyFunction(
        lambda: LineString((WEST + 0.005, SOUTH + 0.005), (WEST + 0.007, SOUTH + 0.005), srid=4326)
    )


class WaterSampleFactory(DjangoModelFactory):
    """A sample taken last month at the town's south-west, its E. coli and arsenic tested."""

    class Meta:
        model = "spatial.WaterSample"

    municipality = factory.SubFactory(MunicipalityFactory)
    sampled_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    laboratory = "DPHE zonal laboratory"
    e_coli_per_100ml = 0
    arsenic_ug_l = 12
    geom = factory.LazyFunction(lambda: Point(WEST + 0.01, SOUTH + 0.01, srid=4326))


class PublicToiletFactory(DjangoModelFactory):
    """A community toilet block of six seats in the town's south-west, in fair condition."""

    class Meta:
        model = "containment.PublicToilet"

    municipality = factory.SubFactory(MunicipalityFactory)
    name = "Bazar community toilet"
    toilet_kind = "community"
    seats = 6
    condition = "fair"
    geom = factory.LazyFunction(lambda: Point(WEST + 0.012, SOUTH + 0.01, srid=4326))


class DrainSegmentFactory(DjangoModelFactory):
    """A 300 mm sewer about 200 m long in the town's south-west, drawn (flowing) east."""

    class Meta:
        model = "containment.DrainSegment"

    municipality = factory.SubFactory(MunicipalityFactory)
    network_type = "sewer"
    size_mm = 300
    geom = factory.LazyFunction(
        lambda: LineString((WEST + 0.005, SOUTH + 0.006), (WEST + 0.007, SOUTH + 0.006), srid=4326)
    )


class SewerConnectionFactory(DjangoModelFactory):
    """A building's connection to a sewer segment, placed at the segment's start."""

    class Meta:
        model = "containment.SewerConnection"

    municipality = factory.SelfAttribute("building.municipality")
    building = factory.SubFactory(BuildingFactory)
    segment = factory.SubFactory(
        DrainSegmentFactory, municipality=factory.SelfAttribute("..municipality")
    )
    geom = factory.LazyAttribute(lambda o: Point(*o.segment.geom.coords[0], srid=4326))


class RoadFactory(DjangoModelFactory):
    class Meta:
        model = Road

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"R{n:05d}")
    name = factory.Sequence(lambda n: f"Road {n}")
    hierarchy = RoadHierarchy.FEEDER
    surface = "metalled"
    right_of_way_m = 10
    carriageway_width_m = 5
    geom = factory.LazyFunction(
        lambda: LineString((WEST + 0.002, SOUTH + 0.02), (EAST - 0.002, SOUTH + 0.02), srid=4326)
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = MembershipRole.GIS_OFFICER


class ContainmentFactory(DjangoModelFactory):
    """A septic tank to a soak pit, 5 m east of its building (pass `buildings=[...]`)."""

    class Meta:
        model = "containment.Containment"
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    containment_type = "septic_tank"
    outlet = "soak_pit"
    toilet_type = "flush"
    shared_facility = False
    length_m = 2
    width_m = 1.5
    depth_m = 1.5
    construction_year = 2018
    ever_emptied = False
    geom = factory.LazyFunction(lambda: Point(WEST + 0.0012, SOUTH + 0.00105, srid=4326))

    @factory.post_generation
    def buildings(obj, create, extracted, **kwargs):
        from containment.models import ContainmentBuilding

        if create and extracted:
            for position, building in enumerate(extracted):
                ContainmentBuilding.objects.create(
                    containment=obj, building=building, is_responsible=position == 0
                )


class HouseholdFactory(DjangoModelFactory):
    """A household of the building passed in, using the toilet `facility` (or none: then
    say where members go with `members_go`)."""

    class Meta:
        model = "containment.Household"

    building = factory.SubFactory(BuildingFactory)
    municipality = factory.SelfAttribute("building.municipality")
    number = factory.Sequence(lambda n: n + 1)
    people_male = 2
    people_female = 2
    people_other = 0
    source = "entered"
    recorded_at = factory.LazyFunction(timezone.now)


class TreatmentPlantFactory(DjangoModelFactory):
    """A faecal sludge treatment plant in operation, in ward 2 of the test town."""

    class Meta:
        model = "containment.TreatmentPlant"

    municipality = factory.SubFactory(MunicipalityFactory)
    name = "FSTP"
    plant_type = "fstp"
    capacity_m3_per_day = 30
    geom = factory.LazyFunction(lambda: Point(90.85, 22.95, srid=4326))


def operator_of(register, role: str):
    """A user holding `role` in the municipality of `register` (a service provider or a
    treatment plant) who operates it."""
    user = MembershipFactory(municipality=register.municipality, role=role).user
    register.operators.add(user)
    return user


def scheduled_job(provider, day=None, access_notes: str = "", **containment):
    """A building's tank (ContainmentFactory with `containment`) whose emptying the help
    desk has taken from Rahima Begum and scheduled to `provider` for `day` (today): the
    desludging request."""
    from containment import desludging

    municipality = provider.municipality
    building = BuildingFactory(municipality=municipality)
    tank = ContainmentFactory(municipality=municipality, buildings=[building], **containment)
    job = desludging.request_create(
        containment=tank,
        applicant_name="Rahima Begum",
        applicant_phone="01712345678",
        access_notes=access_notes,
    )
    desludging.request_schedule(
        request=job, provider=provider, scheduled_for=day or timezone.localdate()
    )
    return job


def town_campaign(town, **changes):
    """A building survey over both wards of the test town, July to September 2026."""
    import datetime as dt

    from surveys import services

    values = {
        "municipality": town.municipality,
        "name": "Household survey",
        "starts_on": dt.date(2026, 7, 1),
        "ends_on": dt.date(2026, 9, 30),
        "wards": [town.west, town.east],
        "questionnaire_version": "building-v1",
        **changes,
    }
    return services.campaign_create(**values)


def enumerator_of(town, username: str):
    """A user named `username` holding the enumerator role in the town (no wards yet)."""
    from core.roles import MembershipRole

    return MembershipFactory(
        municipality=town.municipality,
        role=MembershipRole.ENUMERATOR,
        user=UserFactory(username=username),
    ).user


def survey_team(town):
    """The test town's survey campaign with a supervisor of the whole town and an enumerator
    assigned to the west ward: (campaign, supervisor user, enumerator user)."""
    from core.roles import MembershipRole
    from surveys import services

    supervisor = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
    ).user
    enumerator = UserFactory()
    campaign = town_campaign(town)
    MembershipFactory(
        user=enumerator, municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).wards.add(town.west)
    services.assignment_create(campaign=campaign, enumerator=enumerator, ward=town.west)
    return campaign, supervisor, enumerator


def xlsx_records(response) -> list[dict]:
    """The rows of a downloaded workbook's first sheet, as dictionaries under its header
    (read by openpyxl, as a spreadsheet program would)."""
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
