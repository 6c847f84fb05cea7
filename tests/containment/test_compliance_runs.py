"""Re-assessing a whole municipality: wells found on a grid where the one-containment path
probes the index (both tested against each other at the edge of the search radius), and only
the outcomes that changed written again, the run's time kept once."""

import pytest
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection

from containment import compliance, services
from containment.models import ComplianceAssessment, ComplianceRun, Containment
from containment.selectors import last_assessed_at
from spatial.models import WaterPoint

from ..factories import BuildingFactory, ContainmentFactory, square


def _well_east_of(point: Point, metres: float, municipality) -> WaterPoint:
    """A tube well `metres` due east of `point`, placed on the spheroid by PostGIS."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsText(ST_Project(ST_MakePoint(%s, %s)::geography, %s, radians(90))"
            "::geometry)",
            [point.x, point.y, metres],
        )
        (wkt,) = cursor.fetchone()
    return WaterPoint.objects.create(
        municipality=municipality, point_type="tube_well", geom=GEOSGeometry(wkt, srid=4326)
    )


@pytest.mark.django_db
def test_a_well_just_inside_the_radius_is_found_in_the_far_north(town):
    """At 26.63 N (Tetulia, the northern tip) 0.001 degree of longitude is 99.5 m: a search
    box that narrow missed a well 99.8 m due east. Both ways of finding wells see it, and
    neither sees one just outside the 100 m radius."""
    north = Point(88.40, 26.63, srid=4326)
    inside = ContainmentFactory(municipality=town.municipality, geom=north)
    outside = ContainmentFactory(
        municipality=town.municipality, geom=Point(88.41, 26.63, srid=4326)
    )
    _well_east_of(north, 99.8, town.municipality)
    _well_east_of(outside.geom, 100.4, town.municipality)
    rule_set = services.rule_set_ensure(municipality=town.municipality)
    stored = dict(
        ComplianceAssessment.objects.filter(rule_set=rule_set).values_list(
            "containment_id", "well_distance_m"
        )
    )
    assert stored[inside.pk] == pytest.approx(99.8, abs=0.01)
    assert stored[outside.pk] is None
    known = compliance.facts_for(containment_ids=[inside.pk, outside.pk])
    assert known[inside.pk].well_distance_m == pytest.approx(99.8, abs=0.01)
    assert known[outside.pk].well_distance_m is None


@pytest.mark.django_db
def test_a_reassessment_writes_only_the_outcomes_that_changed(town):
    buildings = [
        BuildingFactory(municipality=town.municipality, geom=square(90.81 + k * 0.001, 22.93))
        for k in range(3)
    ]
    containments = [
        ContainmentFactory(municipality=town.municipality, buildings=[b]) for b in buildings
    ]
    rule_set = services.rule_set_ensure(municipality=town.municipality)
    first = dict(
        ComplianceAssessment.objects.filter(rule_set=rule_set).values_list(
            "containment_id", "assessed_at"
        )
    )
    assert len(first) == 3

    assert compliance.assess(rule_set=rule_set) == 0
    again = dict(
        ComplianceAssessment.objects.filter(rule_set=rule_set).values_list(
            "containment_id", "assessed_at"
        )
    )
    assert again == first
    runs = list(ComplianceRun.objects.filter(rule_set=rule_set).order_by("assessed_at"))
    assert [(r.containments, r.changed) for r in runs] == [(3, 3), (3, 0)]
    # A containment was still assessed by the latest run, though its row was not written.
    assessment = ComplianceAssessment.objects.get(containment=containments[0])
    assert last_assessed_at(assessment=assessment) == runs[-1].assessed_at

    # An outlet changed behind the services' back: the next run writes that row alone.
    Containment.objects.filter(pk=containments[1].pk).update(outlet="open_drain")
    assert compliance.assess(rule_set=rule_set) == 1
    changed = ComplianceAssessment.objects.get(containment=containments[1], rule_set=rule_set)
    latest = ComplianceRun.objects.filter(rule_set=rule_set).latest("assessed_at")
    assert (changed.status, changed.assessed_at) == ("non_compliant", latest.assessed_at)
    assert latest.changed == 1

    # One containment on its own is always written, with its time.
    assert compliance.assess(rule_set=rule_set, containment_id=containments[2].pk) == 1
    alone = ComplianceAssessment.objects.get(containment=containments[2], rule_set=rule_set)
    assert alone.assessed_at > latest.assessed_at
    assert last_assessed_at(assessment=alone) == alone.assessed_at
