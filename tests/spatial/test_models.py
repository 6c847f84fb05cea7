import pytest
from django.contrib.gis.geos import LineString, Polygon
from django.db import connection

from spatial.models import Building

from ..conftest import make_town
from ..factories import SPLIT, BuildingFactory, RoadFactory, m_per_deg_lon, square

pytestmark = pytest.mark.django_db


def test_bin_comes_from_the_municipality_sequence(town, other_town):
    first = BuildingFactory(municipality=town.municipality)
    second = BuildingFactory(municipality=town.municipality)
    elsewhere = BuildingFactory(municipality=other_town.municipality, geom=square(91.01, 22.93))
    assert (first.bin, second.bin) == ("B000001", "B000002")
    assert elsewhere.bin == "B000001"


def test_bin_is_never_reused_after_a_delete(town):
    buildings = [BuildingFactory(municipality=town.municipality) for _ in range(3)]
    buildings[-1].delete()
    assert BuildingFactory(municipality=town.municipality).bin == "B000004"


def test_ward_is_derived_from_the_point_on_the_surface(town):
    west = BuildingFactory(municipality=town.municipality, geom=square(SPLIT - 0.001, 22.95))
    east = BuildingFactory(municipality=town.municipality, geom=square(SPLIT + 0.001, 22.95))
    assert west.ward == town.west
    assert east.ward == town.east


def test_l_shaped_building_goes_to_the_ward_holding_its_surface(town):
    # The L's centroid falls in its notch, east of the split; its whole area lies west of it.
    lon = SPLIT - 0.0004
    ell = Polygon(
        (
            (lon - 0.0006, 22.95),
            (lon, 22.95),
            (lon, 22.9501),
            (lon - 0.0005, 22.9501),
            (lon - 0.0005, 22.9506),
            (lon - 0.0006, 22.9506),
            (lon - 0.0006, 22.95),
        ),
        srid=4326,
    )
    building = BuildingFactory(municipality=town.municipality, geom=ell)
    assert building.ward == town.west


def test_ward_follows_the_footprint_when_it_moves(town):
    building = BuildingFactory(municipality=town.municipality, geom=square(SPLIT - 0.01, 22.95))
    building.geom = square(SPLIT + 0.01, 22.95)
    building.save()
    building.refresh_from_db()
    assert building.ward == town.east


def test_footprint_area_is_in_square_metres(town):
    building = BuildingFactory(municipality=town.municipality, geom=square(90.81, 22.93, 20))
    assert building.footprint_area_m2 == pytest.approx(400, rel=0.01)


def test_road_length_is_in_metres(town):
    lat = 22.93
    road = RoadFactory(
        municipality=town.municipality,
        geom=LineString((90.81, lat), (90.81 + 1000 / m_per_deg_lon(lat), lat), srid=4326),
    )
    road.refresh_from_db()
    assert road.length_m == pytest.approx(1000, rel=0.005)


def test_building_outside_every_ward_has_no_ward(db):
    town = make_town()
    town.east.delete()
    building = BuildingFactory(municipality=town.municipality, geom=square(SPLIT + 0.01, 22.95))
    assert building.ward is None


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("spatial_municipality", "boundary"),
        ("spatial_ward", "geom"),
        ("spatial_building", "geom"),
        ("spatial_road", "geom"),
        ("spatial_lowincomecommunity", "geom"),
    ],
)
def test_every_geometry_column_has_a_gist_index(table, column):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef ILIKE %s",
            [table, f"%USING gist ({column})%"],
        )
        assert cursor.fetchall(), f"no GiST index on {table}.{column}"


def test_population_sums_the_parts_and_is_none_when_unknown(town):
    building = Building(population_male=3, population_female=4)
    assert building.population == 7
    assert Building().population is None
