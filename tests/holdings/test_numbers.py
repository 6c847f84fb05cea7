"""Holding numbers as the revenue systems write them, and what they may mean."""

import pytest

from holdings import numbers
from holdings.numbers import SUGGESTION, Reading


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("123", "123"),
        ("0123", "123"),
        ("১২৩", "123"),
        ("০১২৩", "123"),
        ("12/A", "12/A"),
        ("12-a", "12/A"),
        ("12A", "12/A"),
        ("12 A", "12/A"),
        ("12.A", "12/A"),
        ("Holding No. 12/A", "12/A"),
        ("হোল্ডিং নং ১২/ক", "12/ক"),
        ("12/3/B", "12/3/B"),
        ("  007 ", "7"),
        ("A", ""),
        ("", ""),
    ],
)
def test_keys_forgive_digits_separators_labels_and_zeros(written, key):
    assert numbers.key(written) == key


def test_a_number_without_ward_reads_as_itself_then_as_a_ward_prefix():
    assert numbers.readings("04-0123") == [Reading(1, None, "4/123"), Reading(2, 4, "123")]


def test_a_ward_prefixed_municipality_reads_the_prefix_first():
    assert numbers.readings("04-0123", ward_prefixed=True) == [
        Reading(1, 4, "123"),
        Reading(2, None, "4/123"),
    ]


@pytest.mark.parametrize(
    "written", ["W4/123", "Ward 4, Holding 123", "ওয়ার্ড ৪, হোল্ডিং ১২৩", "ward-04 no 0123"]
)
def test_a_ward_the_text_names_is_the_only_reading_besides_a_suggestion(written):
    assert numbers.readings(written) == [Reading(0, 4, "123"), Reading(SUGGESTION, None, "123")]


def test_a_ward_column_is_read_and_a_conflicting_prefix_word_too():
    assert numbers.readings("123", ward="০৪") == [
        Reading(0, 4, "123"),
        Reading(SUGGESTION, None, "123"),
    ]
    assert numbers.readings("W5 123", ward="4") == [
        Reading(0, 4, "123"),
        Reading(0, 5, "123"),
        Reading(SUGGESTION, None, "123"),
    ]


def test_no_reading_without_a_digit():
    assert numbers.readings("Holding") == []
    assert numbers.readings("Ward 4") == []


def test_a_large_first_part_is_no_ward():
    assert numbers.readings("123/4") == [Reading(1, None, "123/4")]


@pytest.mark.parametrize(
    ("written", "ward"), [("4", 4), ("০৪", 4), ("Ward 12", 12), ("abc", None), ("400", None)]
)
def test_ward_cells(written, ward):
    assert numbers.ward_number(written) == ward


def test_national_ids_keep_only_their_digits():
    assert numbers.national_id("১৯৯০ ১২৩৪ ৫৬৭৮ ৯") == "1990123456789"
    with pytest.raises(ValueError, match="10, 13 or 17"):
        numbers.national_id("12345")
