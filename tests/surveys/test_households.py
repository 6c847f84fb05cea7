"""Approved answers fill the household record the JMP figures classify (issue 17): one
household holding the building's residents, or one per household answered; where members go
without a toilet; bad combinations refused before anything is kept."""

import pytest
from django.utils import timezone

from containment.models import Household
from dashboards import selectors as figures

from .test_submissions import SUBMIT, decide, item, post, survey  # noqa: F401

pytestmark = pytest.mark.django_db


def approved(survey, answers):  # noqa: F811
    response = post(survey["field"], SUBMIT, item(survey, answers=answers))
    assert response.status_code == 201, response.content
    decided = decide(survey["west"], response.json()["id"], "approve")
    assert decided.status_code == 200, decided.content
    return list(Household.objects.filter(building=survey["building"]).order_by("number"))


def classes(survey):  # noqa: F811
    municipality = survey["campaign"].municipality
    by_id = figures.household_classes(municipality=municipality, year=timezone.localdate().year)
    return [
        by_id[h.pk]["rung"]
        for h in Household.objects.filter(building=survey["building"]).order_by("number")
    ]


def test_one_household_holds_the_residents_and_uses_the_building_toilet(survey):  # noqa: F811
    households = approved(
        survey,
        {
            "household_count": 1,
            "population_male": 4,
            "population_female": 5,
            "has_toilet": True,
            "toilet_type": "flush",
            "containment_type": "septic_tank",
            "outlet": "soak_pit",
            "toilet_shared": True,
            "sharing_households": 3,
            "ever_emptied": False,
        },
    )
    assert len(households) == 1
    household = households[0]
    assert (household.people, household.source, household.sharing_households) == (9, "survey", 3)
    assert household.facility.containment_type == "septic_tank"
    assert classes(survey) == ["limited"]


def test_a_building_without_a_toilet_whose_members_go_in_the_open(survey):  # noqa: F811
    households = approved(
        survey,
        {"household_count": 1, "population_male": 2, "has_toilet": False, "members_go": "open"},
    )
    assert [(h.facility, h.members_go) for h in households] == [(None, "open")]
    assert classes(survey) == ["open_defecation"]


def test_each_household_answered_on_its_own_rung(survey):  # noqa: F811
    households = approved(
        survey,
        {
            "household_count": 2,
            "population_male": 5,
            "population_female": 4,
            "has_toilet": True,
            "toilet_type": "flush",
            "containment_type": "septic_tank",
            "outlet": "soak_pit",
            "ever_emptied": False,
            "households": [
                {"people_male": 3, "people_female": 2, "uses_building_toilet": True},
                {
                    "people_male": 2,
                    "people_female": 2,
                    "uses_building_toilet": False,
                    "members_go": "public_toilet",
                },
            ],
        },
    )
    assert [h.people for h in households] == [5, 4]
    assert households[0].facility is not None
    assert households[1].facility is None
    # The second uses a public toilet not on the register: unknown, not open defecation.
    assert classes(survey) == ["safely_managed", None]


def test_answers_that_say_nothing_of_households_leave_them(survey):  # noqa: F811
    approved(survey, {"household_count": 1, "population_male": 2, "has_toilet": False,
                      "members_go": "open"})  # fmt: skip
    again = approved(survey, {"floor_count": 4})
    assert [(h.people, h.members_go) for h in again] == [(2, "open")]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        # A toilet, yet "where do members go" answered.
        ({"has_toilet": True, "toilet_type": "flush", "members_go": "open"}, "members_go"),
        # Households sharing a toilet nobody said is shared.
        ({"toilet_shared": False, "sharing_households": 3}, "sharing_households"),
        # Two households counted, one answered.
        (
            {
                "household_count": 2,
                "households": [{"people_male": 2, "uses_building_toilet": False}],
            },
            "households",
        ),
        # Members do not add up to the residents.
        (
            {
                "population_male": 6,
                "households": [{"people_male": 2, "uses_building_toilet": False}],
            },
            "households",
        ),
        # No toilet in the building, yet a household uses it.
        (
            {"has_toilet": False, "households": [{"people_male": 2, "uses_building_toilet": True}]},
            "households",
        ),
    ],
)
def test_contradictory_household_answers_are_refused(survey, answers, field):  # noqa: F811
    response = post(survey["field"], SUBMIT, item(survey, answers=answers))
    assert response.status_code == 400, response.content
    assert field in str(response.json()["errors"])
    assert not Household.objects.exists()


def test_a_household_going_to_a_public_toilet_is_linked_to_the_nearest_block(survey):  # noqa: F811
    """Issue 28: the answer "a community or public toilet" links the household to the block
    of its own community, else the nearest in service within reach; an improved block puts
    it on the "limited" rung."""
    from containment.toilet_figures import PUBLIC_TOILET_REACH_M
    from tests.factories import ContainmentFactory, PublicToiletFactory

    building = survey["building"]
    municipality = building.municipality
    centre = building.geom.centroid
    degrees = PUBLIC_TOILET_REACH_M / 111_000

    def block(offset: float):
        place = type(centre)(centre.x + offset, centre.y, srid=4326)
        return PublicToiletFactory(
            municipality=municipality,
            containment=ContainmentFactory(municipality=municipality, geom=place),
            geom=place,
        )

    near, _farther = block(0.001), block(0.003)
    block(degrees * 1.5)  # beyond reach
    households = approved(
        survey,
        {
            "household_count": 1,
            "population_male": 2,
            "has_toilet": False,
            "members_go": "public_toilet",
        },
    )
    assert [(h.members_go, h.public_toilet_id) for h in households] == [("public_toilet", near.pk)]
    assert classes(survey) == ["limited"]
