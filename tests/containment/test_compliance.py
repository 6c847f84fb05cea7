"""Septic-tank compliance: the reference evaluator against hand-worked cases, the set-based
SQL pass against the reference on demo data, rule-set versions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from containment import compliance, services
from containment.compliance import ContainmentFacts, describe, evaluate
from containment.models import (
    ComplianceAssessment,
    ComplianceRuleSet,
)
from fixtures import demo
from spatial.models import WaterPoint

from ..factories import BuildingFactory, ContainmentFactory, m_per_deg_lon, square

AS_OF = dt.date(2026, 6, 30)
RULES = ComplianceRuleSet()  # the defaults of the domain reference, unsaved


def facts(**overrides) -> ContainmentFacts:
    base = {
        "containment_type": "septic_tank",
        "outlet": "soak_pit",
        "ever_emptied": True,
        "last_emptied_on": dt.date(2025, 6, 30),
        "construction_year": 2015,
        "effective_volume_m3": Decimal("4.5"),
        "users": 8,
        "well_distance_m": 25.0,
    }
    return ContainmentFacts(**{**base, **overrides})


@pytest.mark.parametrize(
    ("overrides", "status", "rule", "outcome", "code"),
    [
        ({}, "compliant", "type", "pass", "type_approved"),
        ({"containment_type": "unlined_pit"}, "non_compliant", "type", "fail", "type_not_approved"),
        ({"outlet": "open_drain"}, "non_compliant", "outlet", "fail", "outlet_forbidden"),
        ({"outlet": "water_body"}, "non_compliant", "outlet", "fail", "outlet_forbidden"),
        ({"outlet": "dont_know"}, "unknown", "outlet", "unknown", "outlet_unknown"),
        ({"outlet": ""}, "unknown", "outlet", "unknown", "outlet_unknown"),
        # 1,095 days (2023-07-01 to 2026-06-30) are 2.998 years: within 3. One day more,
        # across the leap day of 2024, is 3.0007 years: overdue.
        (
            {"last_emptied_on": dt.date(2023, 7, 1)},
            "compliant",
            "emptying",
            "pass",
            "emptied_recently",
        ),
        (
            {"last_emptied_on": dt.date(2023, 6, 30)},
            "non_compliant",
            "emptying",
            "fail",
            "emptied_overdue",
        ),
        (
            {"last_emptied_on": dt.date(2023, 6, 1)},
            "non_compliant",
            "emptying",
            "fail",
            "emptied_overdue",
        ),
        (
            {"ever_emptied": False, "last_emptied_on": None, "construction_year": 2024},
            "compliant",
            "emptying",
            "pass",
            "never_emptied_recently",
        ),
        (
            {"ever_emptied": False, "last_emptied_on": None, "construction_year": 2020},
            "non_compliant",
            "emptying",
            "fail",
            "never_emptied_overdue",
        ),
        (
            {"ever_emptied": False, "last_emptied_on": None, "construction_year": None},
            "unknown",
            "emptying",
            "unknown",
            "emptying_unknown",
        ),
        (
            {"ever_emptied": None, "last_emptied_on": None},
            "unknown",
            "emptying",
            "unknown",
            "emptying_unknown",
        ),
        ({"well_distance_m": 9.9}, "non_compliant", "well", "fail", "well_too_close"),
        ({"well_distance_m": 10.0}, "compliant", "well", "pass", "well_far_enough"),
        ({"well_distance_m": None}, "compliant", "well", "pass", "no_well_recorded"),
        # No well recorded anywhere in the ward: the distance is not known, not a pass.
        (
            {"well_distance_m": None, "well_data": False},
            "unknown",
            "well",
            "unknown",
            "no_well_data",
        ),
        # 8 users x 0.13 m³ = 1.04 m³ (design practice per user, above the 1 m³ minimum).
        (
            {"effective_volume_m3": Decimal("1.03"), "users": 8},
            "non_compliant",
            "volume",
            "fail",
            "volume_too_small",
        ),
        (
            {"effective_volume_m3": Decimal("1.04"), "users": 8},
            "compliant",
            "volume",
            "pass",
            "volume_sufficient",
        ),
        # 3 users need 0.39 m³, but no tank is smaller than the 1 m³ minimum in all.
        (
            {"effective_volume_m3": Decimal("0.9"), "users": 3},
            "non_compliant",
            "volume",
            "fail",
            "volume_too_small",
        ),
        # A septic tank needs a soak pit or a sewer: "no outlet" fails.
        ({"outlet": "no_outlet"}, "non_compliant", "outlet", "fail", "outlet_not_for_type"),
        ({"outlet": "sewer"}, "compliant", "outlet", "pass", "outlet_allowed"),
        # Twin pits rest and single pits are closed when full: no emptying interval.
        (
            {
                "containment_type": "twin_pit",
                "outlet": "no_outlet",
                "construction_year": 2000,
                "ever_emptied": False,
                "last_emptied_on": None,
            },
            "compliant",
            "emptying",
            "not_applicable",
            "emptying_not_applicable",
        ),
        (
            {"containment_type": "unlined_pit", "outlet": "no_outlet"},
            "non_compliant",
            "emptying",
            "not_applicable",
            "emptying_not_applicable",
        ),
        ({"effective_volume_m3": None}, "unknown", "volume", "unknown", "volume_unknown"),
        ({"users": None}, "unknown", "volume", "unknown", "volume_unknown"),
        # A failure outweighs an unknown.
        (
            {"outlet": "dont_know", "well_distance_m": 3.0},
            "non_compliant",
            "well",
            "fail",
            "well_too_close",
        ),
    ],
)
def test_rules_on_hand_worked_cases(overrides, status, rule, outcome, code):
    result_status, outcomes = evaluate(facts(**overrides), RULES, AS_OF)
    assert result_status == status
    assert outcomes[rule]["outcome"] == outcome
    assert outcomes[rule]["code"] == code
    assert set(outcomes) == set(compliance.RULES)


def test_reasons_read_as_sentences():
    _, outcomes = evaluate(facts(outlet="open_drain", well_distance_m=4.0), RULES, AS_OF)
    assert describe("outlet", outcomes["outlet"]) == (
        "Effluent goes to a forbidden outlet: Open or storm drain."
    )
    assert describe("well", outcomes["well"]) == ("A well is 4.0 m away; at least 10.0 m required.")


@pytest.mark.django_db
def test_well_distance_is_measured_in_metres(town):
    building = BuildingFactory(municipality=town.municipality)
    containment = ContainmentFactory(municipality=town.municipality, buildings=[building])
    lon, lat = containment.geom.x, containment.geom.y
    WaterPoint.objects.create(
        municipality=town.municipality,
        point_type="tube_well",
        geom=Point(lon + 8 / m_per_deg_lon(lat), lat, srid=4326),
    )
    rule_set = services.rule_set_ensure(municipality=town.municipality)
    assessment = ComplianceAssessment.objects.get(containment=containment, rule_set=rule_set)
    assert assessment.well_distance_m == pytest.approx(8, abs=0.05)
    assert assessment.outcomes["well"]["code"] == "well_too_close"
    assert assessment.status == "non_compliant"


@pytest.mark.django_db
def test_a_new_rule_set_version_reassesses_and_keeps_the_old(town):
    building = BuildingFactory(municipality=town.municipality)
    containment = ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        outlet="open_drain",
        construction_year=2025,
        users=5,
    )
    # A tube well 60 m away: the ward has well data, and it is far enough.
    centre = containment.geom
    WaterPoint.objects.create(
        municipality=town.municipality,
        point_type="tube_well",
        geom=Point(centre.x + 60 / m_per_deg_lon(centre.y), centre.y, srid=4326),
    )
    first = services.rule_set_ensure(municipality=town.municipality)
    # Version 2 tolerates open drains (and asks no particular outlet of a septic tank).
    second = services.rule_set_create(
        municipality=town.municipality,
        forbidden_outlets=["water_body", "open_ground"],
        outlets_by_type={},
    )
    assert (first.version, second.version) == (1, 2)
    statuses = dict(
        ComplianceAssessment.objects.filter(containment=containment).values_list(
            "rule_set__version", "status"
        )
    )
    assert statuses == {1: "non_compliant", 2: "compliant"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"approved_types": ["septic_tank", "palace"]}, "approved_types"),
        ({"forbidden_outlets": ["moon"]}, "forbidden_outlets"),
        ({"max_years_since_emptying": Decimal("0")}, "__all__"),
        ({"min_well_distance_m": Decimal("-5")}, "__all__"),
        ({"min_well_distance_m": Decimal("500")}, "__all__"),
        ({"min_volume_per_user_m3": Decimal("-0.1")}, "__all__"),
    ],
)
def test_impossible_rule_sets_are_refused_and_write_nothing(town, values, field):
    with pytest.raises(ValidationError) as exc_info:
        services.rule_set_create(municipality=town.municipality, **values)
    assert field in exc_info.value.message_dict
    assert not ComplianceRuleSet.objects.filter(municipality=town.municipality).exists()


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        result = demo.generate(buildings=2500, seed=5, code="compliance-demo")
        yield result.municipality
        demo.purge("compliance-demo")


@pytest.mark.django_db
def test_set_based_assessment_agrees_with_the_reference_on_demo_data(demo_town):
    rule_set = services.rule_set_ensure(municipality=demo_town)
    today = compliance.local_today()
    compliance.assess(rule_set=rule_set, as_of=today)
    stored = {a.containment_id: a for a in ComplianceAssessment.objects.filter(rule_set=rule_set)}
    assert len(stored) > 1000
    known = compliance.facts_for(containment_ids=list(stored))
    statuses = set()
    for containment_id, assessment in stored.items():
        status, outcomes = evaluate(known[containment_id], rule_set, today)
        assert assessment.status == status, containment_id
        for rule, result in outcomes.items():
            assert assessment.outcomes[rule]["outcome"] == result["outcome"], (containment_id, rule)
            assert assessment.outcomes[rule]["code"] == result["code"], (containment_id, rule)
            _assert_same_params(assessment.outcomes[rule]["params"], result["params"])
        # The whole-municipality pass finds wells on a grid, facts_for one containment at a
        # time through the index: the same wells, the same distances.
        expected = known[containment_id].well_distance_m
        if expected is None:
            assert assessment.well_distance_m is None, containment_id
        else:
            assert assessment.well_distance_m == pytest.approx(expected, abs=1e-3), containment_id
        statuses.add(status)
    # The demo data exercises every status, and wells near containments.
    assert statuses == {"compliant", "non_compliant", "unknown"}
    assert sum(a.well_distance_m is not None for a in stored.values()) > 100


def _assert_same_params(stored: dict, reference: dict) -> None:
    """The SQL writes the parameters as JSON text; Python rounds floats its own way."""
    assert stored.keys() == reference.keys()
    for key, value in reference.items():
        if isinstance(value, str):
            assert stored[key] == value, key
        else:
            assert stored[key] == pytest.approx(value, abs=0.051), key


def test_one_year_is_singular():
    _, outcomes = evaluate(
        facts(ever_emptied=False, last_emptied_on=None, construction_year=2025), RULES, AS_OF
    )
    assert describe("emptying", outcomes["emptying"]) == "Never emptied, built 1.0 year ago."
    _, outcomes = evaluate(
        facts(ever_emptied=False, last_emptied_on=None, construction_year=2024), RULES, AS_OF
    )
    assert describe("emptying", outcomes["emptying"]) == "Never emptied, built 2.0 years ago."


@pytest.mark.django_db
def test_failed_rules_column_lists_exactly_the_failing_outcomes(town):
    """The assessment statement writes failed_rules beside the outcomes; dashboards and the
    containment layer read the column instead of unpacking every outcome document."""
    from containment.models import ComplianceAssessment
    from containment.services import rule_set_create

    from ..factories import BuildingFactory, ContainmentFactory

    for k, outlet in enumerate(("open_drain", "soak_pit", "water_body")):
        building = BuildingFactory(
            municipality=town.municipality, geom=square(90.81 + k * 0.001, 22.93)
        )
        ContainmentFactory(municipality=town.municipality, buildings=[building], outlet=outlet)
    rule_set_create(municipality=town.municipality)
    assessments = list(ComplianceAssessment.objects.all())
    assert assessments
    for assessment in assessments:
        failing = sorted(k for k, v in assessment.outcomes.items() if v["outcome"] == "fail")
        assert assessment.failed_rules == failing
    assert any(a.failed_rules for a in assessments)
