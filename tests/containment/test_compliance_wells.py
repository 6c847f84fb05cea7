"""The well rule's data: a building's own tube well counts, and a ward with no well on
record gives "unknown", not a pass (issue 17). Kept apart from test_compliance.py, whose
module-wide demo town lays its wells over the test town."""

import pytest
from django.contrib.gis.geos import Point

from containment import compliance, services
from containment.models import ComplianceAssessment

from ..factories import BuildingFactory, ContainmentFactory, m_per_deg_lon


@pytest.mark.django_db
def test_the_buildings_own_tube_well_counts_and_no_well_data_is_unknown(town):
    """Issue 17: a building whose own water source is a tube well has a well (measured to
    its footprint); with no well recorded in the ward at all, the distance is unknown."""
    with_well = BuildingFactory(municipality=town.municipality, water_source="tube_well")
    without = BuildingFactory(municipality=town.municipality, water_source="municipal_supply")

    def beside(building):
        centre = building.geom.centroid  # 6 m east: 1 m outside the 10 m footprint
        return Point(centre.x + 6 / m_per_deg_lon(centre.y), centre.y, srid=4326)

    own = ContainmentFactory(
        municipality=town.municipality, buildings=[with_well], users=4, geom=beside(with_well)
    )
    other = ContainmentFactory(
        municipality=town.municipality, buildings=[without], users=4, geom=beside(without)
    )
    rule_set = services.rule_set_ensure(municipality=town.municipality)
    found = compliance.facts_for(containment_ids=[own.pk, other.pk])
    assert found[own.pk].well_distance_m is not None
    assert found[own.pk].well_distance_m < float(rule_set.min_well_distance_m)
    assert (found[other.pk].well_distance_m, found[other.pk].well_data) == (None, False)
    outcomes = {
        a.containment_id: a.outcomes["well"]["code"]
        for a in ComplianceAssessment.objects.filter(rule_set=rule_set)
    }
    assert outcomes == {own.pk: "well_too_close", other.pk: "no_well_data"}
