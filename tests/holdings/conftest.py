"""A town whose holdings are the ones the sample feeds in fixtures/feeds/ name."""

from pathlib import Path

import pytest

from containment import services as containment_services
from core.sheets import read_sheet
from holdings import importing, services
from tests.factories import BuildingFactory, ContainmentFactory

FEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"
# Holding numbers of ward 1 and ward 2 of the town.
NUMBERS = {1: ("7", "12", "12/A", "30", "31"), 2: ("12", "45", "46")}


def feed_rows(name: str) -> list[dict]:
    path = FEEDS / name
    return read_sheet(path.read_bytes(), name, max_rows=1000, max_bytes=2**20)


@pytest.fixture
def holdings(town):
    """{(ward number, holding number): holding}, each on a building of its own."""
    made = {}
    for ward, numbers in NUMBERS.items():
        for number in numbers:
            building = BuildingFactory(municipality=town.municipality)
            made[ward, number] = services.holding_create(
                municipality=town.municipality,
                ward=town.west if ward == 1 else town.east,
                number=number,
                buildings=[building],
            )
    return made


def failing_tank(town, holding) -> None:
    """A tank to an open drain under the holding's building, assessed: it fails the rules."""
    ContainmentFactory(
        municipality=town.municipality,
        buildings=list(holding.buildings.all()),
        outlet="open_drain",
    )
    containment_services.assess_municipality(municipality=town.municipality)


def imported(town, user, feed: str, name: str):
    """The sample feed file `name` imported (committed) into the town."""
    return importing.import_feed(
        user=user,
        municipality=town.municipality,
        feed=feed,
        records=feed_rows(name),
        commit=True,
    )
