"""JMP rung and SFD class against hand-worked cases, computed by the SQL of the map layers
(today's classes; the dashboards' own per-year cases are in
tests/dashboards/test_worked_households.py)."""

import pytest

from containment.models import Containment
from containment.selectors import containment_list
from spatial.models import Building

from ..factories import BuildingFactory, ContainmentFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def classify(building, **attributes):
    containment = ContainmentFactory(
        municipality=building.municipality, buildings=[building], **attributes
    )
    HouseholdFactory(building=building, facility=containment)
    row = (
        Containment.objects.filter(pk=containment.pk)
        .annotate(**_annotations())
        .values("sfd_class", "jmp_rung")
        .get()
    )
    rung = (
        Building.objects.filter(pk=building.pk)
        .annotate(rung=_building_rung())
        .values_list("rung", flat=True)
        .get()
    )
    return row["sfd_class"], row["jmp_rung"], rung


def _annotations():
    from containment.classification import facility_rung_annotation, sfd_class_annotation

    return {"sfd_class": sfd_class_annotation(), "jmp_rung": facility_rung_annotation()}


def _building_rung():
    from containment.classification import building_rung_annotation

    return building_rung_annotation()


@pytest.mark.parametrize(
    ("attributes", "sfd", "rung"),
    [
        # A septic tank to an open drain, never emptied: JMP improved and safely managed in
        # situ (the JMP method counts it whatever the outlet), SFD not contained.
        ({"outlet": "open_drain", "ever_emptied": False}, "not_contained", "safely_managed"),
        # Septic tank to a soak pit, never emptied: stored in situ, safely managed.
        ({"outlet": "soak_pit", "ever_emptied": False}, "contained", "safely_managed"),
        # Emptied, sludge "to a treatment plant" (WS13), but the town has no plant in
        # operation: delivered, not treated, so basic (with a plant: safely managed, see
        # tests/dashboards/test_worked_households.py).
        (
            {
                "outlet": "soak_pit",
                "ever_emptied": True,
                "last_emptied_on": "2025-01-10",
                "sludge_destination": "treatment_plant",
            },
            "contained",
            "basic",
        ),
        # Emptied to a drain: basic.
        (
            {
                "outlet": "soak_pit",
                "ever_emptied": True,
                "last_emptied_on": "2025-01-10",
                "sludge_destination": "drain_or_water",
            },
            "contained",
            "basic",
        ),
        # Emptying history unknown: basic.
        ({"outlet": "soak_pit", "ever_emptied": None}, "contained", "basic"),
        # Shared with other households: limited.
        ({"outlet": "soak_pit", "shared_facility": True}, "contained", "limited"),
        # A septic tank whose outlet nobody knows: SFD unknown; never emptied, so JMP
        # safely managed in situ (basic under the strict setting).
        ({"outlet": "dont_know"}, "unknown", "safely_managed"),
        ({"outlet": "dont_know", "ever_emptied": None}, "unknown", "basic"),
        # Pit latrine without slab: unimproved.
        (
            {
                "containment_type": "unlined_pit",
                "outlet": "no_outlet",
                "toilet_type": "pit_without_slab",
            },
            "contained",
            "unimproved",
        ),
        # Pit with slab, never emptied: safely managed (JMP: in-situ disposal).
        (
            {"containment_type": "twin_pit", "outlet": "no_outlet", "toilet_type": "pit_with_slab"},
            "contained",
            "safely_managed",
        ),
        # A pit whose slab nobody recorded: unknown rung.
        (
            {"containment_type": "unlined_pit", "outlet": "no_outlet", "toilet_type": ""},
            "contained",
            None,
        ),
        # Flush straight to an open drain: unimproved (MICS6 WS11 code 14, DHS), not contained.
        (
            {
                "containment_type": "none",
                "outlet": "open_drain",
                "toilet_type": "flush",
                "ever_emptied": None,
            },
            "not_contained",
            "unimproved",
        ),
        # Flush to "don't know where": improved (MICS6 WS11 code 18), management unknown.
        (
            {
                "containment_type": "none",
                "outlet": "dont_know",
                "toilet_type": "flush",
                "ever_emptied": None,
            },
            "unknown",
            "basic",
        ),
        # Flush to open ground ("elsewhere"): unimproved, not contained.
        (
            {
                "containment_type": "none",
                "outlet": "open_ground",
                "toilet_type": "flush",
                "ever_emptied": None,
            },
            "not_contained",
            "unimproved",
        ),
        # Hanging latrine over a water body.
        (
            {
                "containment_type": "none",
                "outlet": "water_body",
                "toilet_type": "hanging",
                "ever_emptied": None,
            },
            "not_contained",
            "unimproved",
        ),
        # Flush to a sewer: sewered; not treated by default, so basic.
        ({"containment_type": "none", "outlet": "sewer", "ever_emptied": None}, "sewered", "basic"),
    ],
)
def test_hand_worked_cases(town, attributes, sfd, rung):
    building = BuildingFactory(municipality=town.municipality)
    # The building shows its household's rung; "unknown" when they answered but it is.
    assert classify(building, **attributes) == (sfd, rung, rung or "unknown")


def test_flush_to_open_drain_follows_the_setting(town, settings):
    """A town may keep the old convention (flush to a drain counted improved)."""
    settings.IMIS = {**settings.IMIS, "JMP_FLUSH_TO_OPEN_DRAIN_IMPROVED": True}
    building = BuildingFactory(municipality=town.municipality)
    _, rung, _ = classify(
        building,
        containment_type="none",
        outlet="open_drain",
        toilet_type="flush",
        ever_emptied=None,
    )
    assert rung == "basic"


def test_treated_sewer_is_safely_managed_when_set(town, settings):
    settings.IMIS = {**settings.IMIS, "SEWER_TREATED": True}
    building = BuildingFactory(municipality=town.municipality)
    assert (
        classify(building, containment_type="none", outlet="sewer", ever_emptied=None)[1]
        == "safely_managed"
    )


def test_building_takes_the_rung_of_most_of_its_people(town):
    building = BuildingFactory(municipality=town.municipality, household_count=3)
    pit = ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        containment_type="unlined_pit",
        outlet="no_outlet",
        toilet_type="pit_without_slab",
    )
    tank = ContainmentFactory(municipality=town.municipality, buildings=[building])
    HouseholdFactory(building=building, number=1, facility=pit, people_male=6)
    HouseholdFactory(building=building, number=2, facility=tank, people_male=3)
    HouseholdFactory(building=building, number=3, facility=tank, people_male=3, people_female=0)
    # 8 people on the pit (6 + 2 women), 8 on the tank (3 + 2, 3 + 0): a tie takes the lower.
    rung = Building.objects.filter(pk=building.pk).annotate(rung=_building_rung()).get().rung
    assert rung == "unimproved"
    HouseholdFactory(building=building, number=4, facility=tank, people_male=1)
    rung = Building.objects.filter(pk=building.pk).annotate(rung=_building_rung()).get().rung
    assert rung == "safely_managed"


def test_only_members_who_go_in_the_open_are_open_defecation(town):
    """Issue 17 item 5: a building without a toilet is not open defecation by itself."""
    open_air = BuildingFactory(municipality=town.municipality, has_toilet=False)
    HouseholdFactory(building=open_air, members_go="open")
    neighbour = BuildingFactory(municipality=town.municipality, has_toilet=False)
    HouseholdFactory(building=neighbour, members_go="other_household")
    unsurveyed = BuildingFactory(municipality=town.municipality, has_toilet=False)
    rungs = dict(
        Building.objects.filter(pk__in=[open_air.pk, neighbour.pk, unsurveyed.pk])
        .annotate(rung=_building_rung())
        .values_list("pk", "rung")
    )
    assert rungs == {open_air.pk: "open_defecation", neighbour.pk: "unknown", unsurveyed.pk: None}


def test_selector_annotates_every_containment_in_one_query(
    town, gis_officer, django_assert_num_queries
):
    building = BuildingFactory(municipality=town.municipality)
    for outlet in ("open_drain", "soak_pit", "dont_know"):
        ContainmentFactory(municipality=town.municipality, buildings=[building], outlet=outlet)
    with django_assert_num_queries(2):  # scope, list
        classes = sorted(c.sfd_class for c in containment_list(user=gis_officer))
    assert classes == ["contained", "not_contained", "unknown"]
