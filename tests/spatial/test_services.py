import pytest
from django.contrib.gis.geos import LineString
from django.core.exceptions import ValidationError

from spatial import services
from spatial.models import Building

from ..factories import SPLIT, BuildingFactory, RoadFactory, box, square

pytestmark = pytest.mark.django_db


def test_building_create_returns_bin_ward_and_area(town):
    building = services.building_create(
        municipality=town.municipality, geom=square(90.81, 22.93, 10), holding_number="01-0001"
    )
    assert building.bin == "B000001"
    assert building.ward == town.west
    assert building.footprint_area_m2 == pytest.approx(100, rel=0.01)


def test_building_outside_the_municipality_writes_nothing(town):
    with pytest.raises(ValidationError) as exc_info:
        services.building_create(municipality=town.municipality, geom=square(91.2, 22.93))
    assert "geometry" in exc_info.value.message_dict
    assert not Building.objects.exists()


def test_building_attributes_are_validated(town):
    with pytest.raises(ValidationError) as exc_info:
        services.building_create(
            municipality=town.municipality, geom=square(90.81, 22.93), functional_use="castle"
        )
    assert "functional_use" in exc_info.value.message_dict


def test_toilet_count_needs_a_toilet(town):
    with pytest.raises(ValidationError):
        services.building_create(
            municipality=town.municipality,
            geom=square(90.81, 22.93),
            has_toilet=False,
            toilet_count=2,
        )


def test_main_building_must_be_in_the_same_municipality(town, other_town):
    elsewhere = BuildingFactory(municipality=other_town.municipality, geom=square(91.01, 22.93))
    with pytest.raises(ValidationError) as exc_info:
        services.building_create(
            municipality=town.municipality, geom=square(90.81, 22.93), main_building=elsewhere
        )
    assert "main_building" in exc_info.value.message_dict


def test_moving_a_ward_boundary_rederives_building_wards(town):
    near_split = BuildingFactory(municipality=town.municipality, geom=square(SPLIT + 0.002, 22.95))
    assert near_split.ward == town.east
    west, south, east, north = town.municipality.boundary.extent
    services.ward_update(ward=town.east, geom=box(SPLIT + 0.005, south, east, north))
    services.ward_update(ward=town.west, geom=box(west, south, SPLIT + 0.005, north))
    near_split.refresh_from_db()
    assert near_split.ward == town.west


def test_overlapping_wards_are_refused(town):
    west, south, _east, north = town.municipality.boundary.extent
    with pytest.raises(ValidationError) as exc_info:
        services.ward_update(ward=town.west, geom=box(west, south, SPLIT + 0.01, north))
    assert "overlaps ward(s) 2" in str(exc_info.value)


def test_deleting_a_ward_leaves_its_buildings_without_a_ward(town):
    building = BuildingFactory(municipality=town.municipality, geom=square(SPLIT + 0.01, 22.95))
    services.ward_delete(ward=town.east)
    building.refresh_from_db()
    assert building.ward is None


def test_road_update_recomputes_length(town):
    road = RoadFactory(municipality=town.municipality)
    before = road.length_m
    services.road_update(road=road, geom=LineString((90.81, 22.93), (90.82, 22.93), srid=4326))
    assert road.length_m != before
    assert road.length_m == pytest.approx(1025, rel=0.01)
