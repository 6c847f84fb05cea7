import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from containment import services
from containment.models import ComplianceAssessment, Containment, ContainmentBuilding

from ..factories import BuildingFactory, m_per_deg_lon, square

pytestmark = pytest.mark.django_db


def beside(building, metres=5.0):
    centre = building.geom.centroid
    return Point(centre.x + metres / m_per_deg_lon(centre.y), centre.y, srid=4326)


def create(town, buildings, **attributes):
    values = {"containment_type": "septic_tank", "outlet": "soak_pit", "geom": beside(buildings[0])}
    values.update(attributes)
    return services.containment_create(
        municipality=town.municipality, buildings=buildings, **values
    )


def test_create_links_buildings_derives_code_ward_volume_and_assesses(town):
    main = BuildingFactory(municipality=town.municipality)
    # Next door, wherever the factory's grid has got to (its rows wrap).
    corner = main.geom.envelope.coords[0][0]
    neighbour = BuildingFactory(
        municipality=town.municipality, geom=square(corner[0] + 0.0003, corner[1])
    )
    services.rule_set_ensure(municipality=town.municipality)
    containment = create(town, [main, neighbour], length_m=2, width_m=1, depth_m=1.5, users=6)
    assert containment.code == "C000001"
    assert containment.ward == town.west
    assert float(containment.effective_volume_m3) == pytest.approx(3.0)
    links = ContainmentBuilding.objects.filter(containment=containment)
    assert {(link.building_id, link.is_responsible) for link in links} == {
        (main.pk, True),
        (neighbour.pk, False),
    }
    assert ComplianceAssessment.objects.filter(containment=containment).count() == 1


def test_emptying_date_implies_ever_emptied(town):
    building = BuildingFactory(municipality=town.municipality)
    containment = create(town, [building], last_emptied_on=dt.date(2024, 3, 1))
    assert containment.ever_emptied is True


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({"last_emptied_on": dt.date(2100, 1, 1)}, "last_emptied_on"),
        ({"construction_year": 2999}, "construction_year"),
        ({"construction_year": 2020, "last_emptied_on": dt.date(2019, 5, 1)}, "last_emptied_on"),
        ({"containment_type": "cesspool"}, "containment_type"),
        ({"outlet": "river_of_no_return"}, "outlet"),
        ({"ever_emptied": False, "times_emptied": 3}, "__all__"),
        ({"volume_m3": -1}, "volume_m3"),
    ],
)
def test_bad_attributes_are_refused_and_nothing_is_written(town, attributes, field):
    building = BuildingFactory(municipality=town.municipality)
    with pytest.raises(ValidationError) as exc_info:
        create(town, [building], **attributes)
    assert field in exc_info.value.message_dict
    assert not Containment.objects.exists()
    assert not ContainmentBuilding.objects.exists()


def test_point_far_from_a_served_building_is_refused(town):
    near = BuildingFactory(municipality=town.municipality)
    far = BuildingFactory(municipality=town.municipality, geom=square(90.85, 22.96))
    with pytest.raises(ValidationError) as exc_info:
        create(town, [near, far])
    message = exc_info.value.message_dict["geometry"][0]
    assert far.bin in message
    assert "at most 50 m" in message
    assert not Containment.objects.exists()


def test_point_outside_the_municipality_is_refused(town):
    building = BuildingFactory(municipality=town.municipality)
    with pytest.raises(ValidationError) as exc_info:
        create(town, [building], geom=Point(91.5, 22.93, srid=4326))
    assert "outside" in exc_info.value.message_dict["geometry"][0]


def test_buildings_of_another_municipality_are_refused(town, other_town):
    theirs = BuildingFactory(municipality=other_town.municipality, geom=square(91.01, 22.93))
    with pytest.raises(ValidationError) as exc_info:
        create(town, [theirs], geom=beside(theirs))
    assert "geometry" in exc_info.value.message_dict or "buildings" in exc_info.value.message_dict


def test_responsible_building_must_be_served(town):
    served, other = (
        BuildingFactory(municipality=town.municipality),
        BuildingFactory(municipality=town.municipality),
    )
    with pytest.raises(ValidationError) as exc_info:
        create(town, [served], responsible_building=other)
    assert "responsible_building" in exc_info.value.message_dict


def test_update_reassesses(town):
    building = BuildingFactory(municipality=town.municipality)
    rule_set = services.rule_set_ensure(municipality=town.municipality)
    containment = create(town, [building], outlet="soak_pit")
    services.containment_update(containment=containment, outlet="open_drain")
    assessment = ComplianceAssessment.objects.get(containment=containment, rule_set=rule_set)
    assert assessment.outcomes["outlet"]["code"] == "outlet_forbidden"
