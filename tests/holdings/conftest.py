"""A town whose holdings are the ones the sample feeds in fixtures/feeds/ name."""

from pathlib import Path

import pytest

from core.sheets import read_sheet
from holdings import services
from tests.factories import BuildingFactory

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
