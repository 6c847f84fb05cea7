"""Dashboard figures against the hand-checked town of conftest.py."""

import datetime as dt

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone

from containment.classification import facility_rung_annotation
from containment.models import ComplianceAssessment
from dashboards import indicators, reports, selectors
from tests.conftest import make_town
from tests.factories import (
    SOUTH,
    WEST,
    BuildingFactory,
    ContainmentFactory,
    HouseholdFactory,
    square,
)

pytestmark = pytest.mark.django_db


def _by_number(rows):
    return {row["number"]: row for row in rows}


def test_ward_figures_count_every_rung_and_class(dashboard_town, django_assert_num_queries):
    town = dashboard_town.town
    with django_assert_num_queries(1):
        rows = selectors.ward_figures_computed(
            municipality=town.municipality, year=dashboard_town.year
        )
    west, east = _by_number(rows)[1], _by_number(rows)[2]
    assert (west["buildings"], west["people"], east["buildings"], east["people"]) == (3, 15, 4, 19)
    # b6 has no household on record: unsurveyed, outside the people counted by rung.
    assert (west["people_surveyed"], east["people_surveyed"]) == (15, 9)
    assert (east["dwellings"], east["dwellings_surveyed"]) == (4, 3)
    assert (west["people_safely_managed"], west["people_basic"], west["people_limited"]) == (
        5,
        4,
        6,
    )
    assert (east["people_open_defecation"], east["people_unimproved"]) == (3, 2)
    # b7 answered "don't know": unknown, inside the surveyed people.
    assert (east["households_rung_unknown"], east["people_rung_unknown"]) == (1, 4)
    assert (west["lic_people"], west["lic_people_surveyed"]) == (6, 6)
    # SFD fates in people: b1 and b3 treated, b2 emptied and not delivered, b5 in situ.
    assert (west["fate_treated"], west["fate_emptied_not_delivered"]) == (11, 4)
    assert (east["fate_in_situ"], east["fate_open_defecation"], east["fate_unknown"]) == (2, 3, 4)
    assert (west["people_sfd_safe"], east["people_sfd_safe"]) == (11, 2)
    # F3-F5 chain in people on on-site sanitation.
    assert (west["people_on_site"], west["people_emptied"], west["people_delivered"]) == (
        15,
        15,
        11,
    )
    assert (west["people_treated"], east["people_on_site"], east["people_emptied"]) == (11, 2, 0)
    # Safe individual toilet: private, improved and contained: b1 only (b2 drains openly).
    assert (west["people_safe_individual"], west["lic_people_safe_individual"]) == (5, 0)
    assert west["people_improved_not_contained"] == 4
    assert (west["sfd_contained"], west["sfd_not_contained"], east["sfd_contained"]) == (2, 1, 1)
    assert west["improved_not_contained"] == 1
    assert west["emptied"] == 2
    assert (west["volume_emptied"], west["volume_delivered"], west["volume_treated"]) == (
        5.0,
        2.5,
        2.5,
    )
    # c5 (an unlined pit, built 2018, never emptied) and c3 (a lined pit) have no emptying
    # interval under the default rule set (single pits are closed when full): neither due
    # nor overdue. c1 and c2 were emptied in year Y.
    assert (west["overdue"], east["overdue"]) == (0, 0)
    assert (west["emptying_due"], west["desludged_recently"]) == (2, 2)
    assert (west["lic_emptying_due"], west["lic_desludged_recently"]) == (0, 0)
    assert (east["desludged_recently"], east["emptying_due"]) == (0, 0)


def test_compliance_counts_match_the_stored_assessments(dashboard_town):
    town = dashboard_town.town
    rows = selectors.ward_figures(municipality=town.municipality, year=dashboard_town.year)
    for row in rows:
        stored = ComplianceAssessment.objects.filter(containment__ward_id=row["ward"])
        assert row["compliant"] == stored.filter(status="compliant").count()
        assert row["non_compliant"] == stored.filter(status="non_compliant").count()
        assert row["compliance_unknown"] == stored.filter(status="unknown").count()
        assert row["not_assessed"] == 0
    failing = selectors.failing_rules_by_ward(municipality=town.municipality)
    # c2 discharges to an open drain: the outlet rule fails in ward 1.
    assert failing[town.west.pk]["outlet"] == 1


def test_previous_year_moves_with_the_emptying_records(dashboard_town):
    town = dashboard_town.town
    total = selectors.total_figures(
        selectors.ward_figures(municipality=town.municipality, year=dashboard_town.year - 1)
    )
    assert (total["emptied"], total["volume_emptied"], total["volume_delivered"]) == (1, 1.5, 1.5)
    # The year before, c1 and c2 were not yet emptied: c2 (built 2018) was due and not
    # desludged, c1 (built 2024, within the interval) not yet due.
    assert (total["emptying_due"], total["desludged_recently"]) == (1, 0)


def test_map_shares_count_surveyed_people(dashboard_town):
    town = dashboard_town.town
    total = selectors.total_figures(
        selectors.ward_figures(municipality=town.municipality, year=dashboard_town.year)
    )
    values = indicators.map_values(total)
    # 24 surveyed people: b1 5 + b2 4 + b3 6 + b4 3 + b5 2 + b7 4 (b6's 10 are unsurveyed).
    assert values["safely_managed"] == round(5 / 24, 4)
    assert values["basic_or_better"] == round(9 / 24, 4)
    assert values["open_defecation"] == round(3 / 24, 4)
    # SFD safe: treated 11 (b1, b3) + safe in situ 2 (b5).
    assert values["sfd_safe"] == round(13 / 24, 4)
    assert values["household_coverage"] == round(6 / 7, 4)


def test_emptying_by_month(dashboard_town):
    town = dashboard_town.town
    rows = selectors.emptying_by_month(municipality=town.municipality, year=dashboard_town.year)
    by_month = {(row["ward"], row["month"]): row for row in rows}
    assert by_month[(town.west.pk, 3)]["requests"] == 1
    assert by_month[(town.west.pk, 3)]["emptied"] == 1
    assert by_month[(town.west.pk, 3)]["delivered"] == 1
    assert by_month[(town.west.pk, 6)]["volume_emptied"] == 2.0
    assert by_month[(town.east.pk, 12)]["requests"] == 1
    assert by_month[(town.east.pk, 12)]["emptied"] == 0


def test_fsm_service_figures_per_year_and_provider(dashboard_town):
    town, year = dashboard_town.town, dashboard_town.year
    rows = selectors.fsm_service_figures(municipality=town.municipality, years=[year - 1, year])
    overall = {row["year"]: row for row in rows if row["provider"] is None}
    assert overall[year]["requests"] == 3
    assert overall[year]["requests_emptied"] == 2
    assert overall[year]["emptyings"] == 2
    assert overall[year]["delivered"] == 1
    assert (overall[year]["feedback"], overall[year]["satisfied"], overall[year]["ppe_worn"]) == (
        2,
        1,
        1,
    )
    assert overall[year]["median_response_days"] == 7  # 4 and 10 days
    assert overall[year - 1]["lic_emptyings"] == 1
    per_provider = [row for row in rows if row["provider"] is not None and row["year"] == year]
    assert len(per_provider) == 1
    assert per_provider[0]["emptyings"] == 2


def test_cwis_and_kpis_explain_their_figures(dashboard_town, django_assert_max_num_queries):
    town, year = dashboard_town.town, dashboard_town.year
    reports.indicator_report(municipality=town.municipality, year=year)
    # Once the figures are stored (dashboards/stored.py); the sixth reads the laboratory
    # samples (SF-1f, SF-1g), the seventh the drinking-water samples (SF-9), the eighth the
    # public and community toilets (SF-3, SF-4).
    with django_assert_max_num_queries(8):
        report = reports.indicator_report(municipality=town.municipality, year=year)
    cwis = {item["code"]: item for item in report["cwis"]}
    assert cwis["EQ-1"]["value"] == 0  # nobody in the LIC has a safe individual toilet
    assert (cwis["SF-1a"]["numerator"], cwis["SF-1a"]["denominator"]) == (5, 24)
    assert cwis["SF-1a"]["value"] == round(5 / 24, 4)
    assert cwis["SF-1a"]["coverage"] == round(6 / 7, 4)
    assert cwis["SF-1b"]["value"] == 1.0  # c1 and c2, the only ones with an interval
    assert cwis["SF-2b"]["value"] is None  # the LIC's pit has no emptying interval
    assert cwis["SF-1c"]["value"] == 0.5
    # 34 people in the register x on-site share 17/24 x 0.26 m3 = 6.3 m3 generated.
    assert cwis["SF-1d"]["denominator"] == 6.3
    assert cwis["SF-1d"]["value"] == round(3650 / 6.3, 4)
    assert cwis["SF-1e"]["value"] == round(3650 / 2.5, 4)
    assert (cwis["SF-2c"]["numerator"], cwis["SF-2c"]["denominator"]) == (0, 0)
    for code in ("SF-1f", "SF-1g", "SF-3", "SF-4", "SF-7", "SF-9"):
        assert cwis[code]["available"] is False, code
        assert cwis[code]["value"] is None
    assert all(item["rule"] for item in report["cwis"])
    # Last year's SF-1c: everything emptied was delivered; and the LIC's own (SF-2c).
    assert cwis["SF-1c"]["previous"] == 1.0
    assert cwis["SF-1c"]["change"] == -0.5
    assert cwis["SF-2c"]["previous"] == 1.0
    kpis = {item["code"]: item for item in report["kpis"]}
    assert kpis["KPI-1"]["value"] == round(2 / 3, 4)
    assert kpis["KPI-3"]["value"] == 0.5
    assert kpis["KPI-4"]["value"] == 0.5
    assert kpis["KPI-2"]["value"] == 7
    assert [p["name"] for p in report["providers"]] == ["Vacutug"]


def test_targets_are_shown_where_set(dashboard_town):
    from dashboards.models import IndicatorTarget

    town, year = dashboard_town.town, dashboard_town.year
    IndicatorTarget.objects.create(
        municipality=town.municipality, year=year, indicator="SF-1c", value="0.8"
    )
    report = reports.indicator_report(municipality=town.municipality, year=year)
    sf1c = next(item for item in report["cwis"] if item["code"] == "SF-1c")
    assert sf1c["target"] == 0.8
    assert sf1c["meets_target"] is False
    assert next(item for item in report["cwis"] if item["code"] == "SF-1a")["target"] is None


def test_overview_in_three_queries_for_any_number_of_wards(
    dashboard_town, django_assert_num_queries, django_assert_max_num_queries
):
    town, year = dashboard_town.town, dashboard_town.year
    # The first read after a change computes and stores the figures: three statements and
    # the bookkeeping of dashboards/stored.py, whatever the number of wards.
    with django_assert_max_num_queries(3 * 9):
        reports.overview(municipality=town.municipality, year=year)
    with django_assert_num_queries(3):
        data = reports.overview(municipality=town.municipality, year=year)
    assert [row["rung"] for row in data["ladder"]][:2] == ["safely_managed", "basic"]
    assert data["summary"]["people"] == 34
    assert data["jmp_vs_sfd"]["people_improved_not_contained"] == 4
    assert data["jmp_vs_sfd"]["sfd_safe_share"] == round(13 / 24, 4)
    assert [step["share"] for step in data["sfd"]["chain"]] == [
        round(15 / 17, 4),
        round(11 / 15, 4),
        1.0,
    ]
    assert sum(month["requests"] for month in data["emptying_by_month"]) == 3
    with django_assert_num_queries(3):
        ward = reports.overview(municipality=town.municipality, year=year, ward_id=town.east.pk)
    assert ward["summary"]["people"] == 19
    assert ward["emptying_by_month"][11]["requests"] == 1
    with pytest.raises(LookupError):
        reports.overview(municipality=town.municipality, year=year, ward_id=10**9)


def test_application_connections_run_without_jit(db):
    """Decision 0007: JIT doubles the ward statement, so Django's connections turn it off."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def _year_total(dashboard_town, year):
    town = dashboard_town.town
    return selectors.total_figures(
        selectors.ward_figures(municipality=town.municipality, year=year)
    )


def test_a_plant_closing_today_does_not_rewrite_last_year(dashboard_town):
    """Issue 17 item 8: the plant's status is dated; last year keeps its treated loads."""
    from containment.models import TreatmentPlant
    from containment.services import treatment_plant_close

    before = _year_total(dashboard_town, dashboard_town.year)
    assert (before["people_treated"], before["volume_treated"]) == (11, 2.5)
    plant = TreatmentPlant.objects.get(municipality=dashboard_town.town.municipality)
    treatment_plant_close(plant=plant, on=timezone.localdate())
    after = _year_total(dashboard_town, dashboard_town.year)
    assert after == before | {"computed_at": after["computed_at"]}
    capacity = selectors.treatment_capacity(
        municipality=dashboard_town.town.municipality,
        years=[dashboard_town.year, dashboard_town.year + 1],
    )
    # 10 m3/day all of last year; this year only until today.
    assert capacity[dashboard_town.year] == 3650
    assert (
        capacity[dashboard_town.year + 1]
        == 10 * (timezone.localdate() - dt.date(dashboard_town.year + 1, 1, 1)).days
    )
    # Closed when last year began: c1's load of last year was not treated, c3's load of the
    # year before (while the plant worked) still was.
    TreatmentPlant.objects.filter(pk=plant.pk).update(closed_on=dt.date(dashboard_town.year, 1, 1))
    closed = _year_total(dashboard_town, dashboard_town.year)
    assert (closed["people_treated"], closed["volume_treated"]) == (6, 0)
    assert closed["fate_delivered_not_treated"] == 5


def test_a_plant_out_of_operation_needs_its_closing_day(dashboard_town):
    from django.core.exceptions import ValidationError

    from containment.models import TreatmentPlant

    plant = TreatmentPlant.objects.get(municipality=dashboard_town.town.municipality)
    plant.is_active = False
    with pytest.raises(ValidationError) as error:
        plant.full_clean()
    assert "closed_on" in error.value.message_dict


def test_a_past_year_keeps_the_rule_set_in_force_then(dashboard_town):
    """Issue 17: SF-1b of a past year uses the emptying interval of its own rule set; a new
    version for one municipality changes that municipality's figures only."""
    from containment.models import ComplianceRuleSet
    from containment.services import rule_set_create

    town, year = dashboard_town.town, dashboard_town.year
    other = make_town(offset=0.2)
    other_building = BuildingFactory(municipality=other.municipality)
    ContainmentFactory(
        municipality=other.municipality,
        buildings=[other_building],
        last_emptied_on=dt.date(year, 1, 15),
        ever_emptied=True,
    )
    ComplianceRuleSet.objects.filter(municipality=town.municipality).update(
        created_at=dt.datetime(year - 3, 1, 1, tzinfo=dt.UTC)
    )

    def due_and_recent(municipality, for_year):
        total = selectors.total_figures(
            selectors.ward_figures(municipality=municipality, year=for_year)
        )
        return total["emptying_due"], total["desludged_recently"]

    this_year = year + 1
    before = {
        "past": due_and_recent(town.municipality, year),
        "now": due_and_recent(town.municipality, this_year),
        "other": due_and_recent(other.municipality, this_year),
    }
    # Version 2 from today: emptied within half a year, or overdue.
    rule_set_create(municipality=town.municipality, max_years_since_emptying="0.5")
    after = {
        "past": due_and_recent(town.municipality, year),
        "now": due_and_recent(town.municipality, this_year),
        "other": due_and_recent(other.municipality, this_year),
    }
    assert after["past"] == before["past"] == (2, 2)
    assert after["other"] == before["other"]
    assert after["now"] != before["now"]
    assert after["now"][1] < before["now"][1]


def test_a_towns_sewer_network_decides_whether_its_sewage_is_treated(dashboard_town):
    """Issue 28 (was issue 17's per-municipality setting): whether sewered excreta are
    treated follows the building's sewer connection, through the network to its outfall:
    a treatment plant in operation, or not. A town's network changes its figures alone."""
    from tests.factories import DrainSegmentFactory, SewerConnectionFactory, TreatmentPlantFactory

    town, year = dashboard_town.town, dashboard_town.year
    other = make_town(offset=0.2)
    sewers = {}
    for municipality, offset in ((town.municipality, 0), (other.municipality, 0.2)):
        building = BuildingFactory(
            municipality=municipality,
            population_male=7,
            population_female=0,
            geom=square(WEST + offset + 0.005, SOUTH + 0.005),
        )
        sewered = ContainmentFactory(
            municipality=municipality,
            buildings=[building],
            containment_type="none",
            outlet="sewer",
            ever_emptied=None,
            geom=building.geom.centroid,
        )
        HouseholdFactory(
            building=building, number=1, facility=sewered, people_male=7, people_female=0
        )
        sewer = DrainSegmentFactory(
            municipality=municipality,
            geom=LineString(
                (WEST + offset + 0.005, SOUTH + 0.006),
                (WEST + offset + 0.007, SOUTH + 0.006),
                srid=4326,
            ),
        )
        SewerConnectionFactory(
            municipality=municipality,
            building=building,
            segment=sewer,
            geom=Point(WEST + offset + 0.005, SOUTH + 0.006, srid=4326),
        )
        sewers[municipality.pk] = sewer

    def sewered_people(municipality):
        total = selectors.total_figures(
            selectors.ward_figures(municipality=municipality, year=year)
        )
        return total["fate_sewer_treated"], total["fate_sewer_not_treated"]

    # Both networks end in nothing on record: not treated.
    assert sewered_people(town.municipality) == (0, 7)
    assert sewered_people(other.municipality) == (0, 7)
    plant = TreatmentPlantFactory(municipality=town.municipality)
    sewer = sewers[town.municipality.pk]
    sewer.outfall_plant = plant
    sewer.save()
    assert sewered_people(town.municipality) == (7, 0)
    assert sewered_people(other.municipality) == (0, 7)
    # The map layers follow each containment's own connection too.
    from containment.models import Containment

    rungs = dict(
        Containment.objects.filter(outlet="sewer")
        .annotate(rung=facility_rung_annotation())
        .values_list("municipality_id", "rung")
    )
    assert rungs == {town.municipality.pk: "safely_managed", other.municipality.pk: "basic"}


def test_sf7_counts_surveyed_manual_emptyings_beside_the_vehicles_on_record(dashboard_town):
    """Issue 17: SF-7 is mechanised emptyings over all emptyings, manual included; never
    100 by construction (without a surveyed answer on how, it is not available)."""
    from containment.models import Containment

    town, year = dashboard_town.town, dashboard_town.year
    report = reports.indicator_report(municipality=town.municipality, year=year)
    assert next(i for i in report["cwis"] if i["code"] == "SF-7")["available"] is False
    # c5 was emptied by hand in August of year Y, as the survey says (not on record).
    Containment.objects.filter(pk=dashboard_town.containments["c5"].pk).update(
        ever_emptied=True, last_emptied_on=dt.date(year, 8, 1), emptied_by="manual"
    )
    report = reports.indicator_report(municipality=town.municipality, year=year)
    sf7 = next(i for i in report["cwis"] if i["code"] == "SF-7")
    # c1 and c2 by vehicle on record, c5 by hand: 2 of 3.
    assert (sf7["numerator"], sf7["denominator"], sf7["value"]) == (2, 3, round(2 / 3, 4))
