"""Importing the revenue feeds: matching on holding numbers however they are written,
all-or-nothing dry runs with a report per row, idempotent re-runs, and the queue."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from holdings import importing, reconciliation, services
from holdings.choices import Feed, QueueState
from holdings.models import FeedImport, QueuedRow, TaxStatus, TradeLicence, WasteFee, WaterAccount

from .conftest import feed_rows

pytestmark = pytest.mark.django_db


def _run(town, user, feed, rows, commit=True):
    return importing.import_feed(
        user=user, municipality=town.municipality, feed=feed, records=rows, commit=commit
    )


def test_the_tax_feed_matches_bangla_digits_separators_and_ward_prefixes(
    town, holdings, gis_officer
):
    report = _run(town, gis_officer, Feed.TAX, feed_rows("tax.csv"))
    assert report.problems == []
    assert (report.rows, report.matched, report.unmatched, report.ambiguous) == (8, 6, 1, 1)
    assert report.committed
    assert report.created == 6
    thirty = TaxStatus.objects.get(holding=holdings[1, "30"])
    assert (thirty.fiscal_year, thirty.assessed, thirty.paid) == ("2025-26", 1200, 1200)
    assert thirty.last_payment_on.isoformat() == "2026-03-15"
    assert TaxStatus.objects.get(holding=holdings[1, "12/A"]).arrears == Decimal("1400.00")
    assert TaxStatus.objects.get(holding=holdings[2, "12"]).arrears == Decimal("1800.00")
    assert TaxStatus.objects.filter(holding=holdings[2, "45"]).exists()  # 02-0045
    assert TaxStatus.objects.get(holding=holdings[1, "7"]).fiscal_year == "2025-26"  # W1/7
    assert TaxStatus.objects.get(holding=holdings[1, "31"]).fiscal_year == "2024-25"
    lines = {row["line"]: row for row in report.unresolved}
    assert lines[6]["outcome"] == "ambiguous"
    assert {(c["ward"], c["number"]) for c in lines[6]["candidates"]} == {(1, "12"), (2, "12")}
    assert lines[7]["outcome"] == "unmatched"
    assert lines[7]["candidates"] == []


def test_a_dry_run_reports_and_writes_nothing(town, holdings, gis_officer):
    report = _run(town, gis_officer, Feed.TAX, feed_rows("tax.csv"), commit=False)
    assert report.matched == 6
    assert not report.committed
    assert not TaxStatus.objects.exists()
    assert not QueuedRow.objects.exists()
    assert not FeedImport.objects.exists()


def test_one_bad_cell_stops_the_whole_import(town, holdings, gis_officer):
    rows = feed_rows("tax.csv")
    rows[3]["আদায়"] = "a lot"
    rows[4]["অর্থবছর"] = "2025-27"
    report = _run(town, gis_officer, Feed.TAX, rows)
    assert not report.committed
    assert [(p["line"], p["column"]) for p in report.problems] == [
        (5, "paid"),
        (6, "fiscal_year"),
    ]
    assert not TaxStatus.objects.exists()
    assert not QueuedRow.objects.exists()


def test_a_feed_without_its_columns_is_refused(town, holdings, gis_officer):
    with pytest.raises(ValidationError, match="assessed"):
        _run(town, gis_officer, Feed.TAX, [{"holding": "12", "fiscal_year": "2025-26"}])


def test_two_spellings_of_one_holding_and_year_are_a_problem(town, holdings, gis_officer):
    rows = [
        {"holding": "30", "ward": "1", "year": "2025-26", "assessed": "1", "paid": "1"},
        {"holding": "0030", "ward": "1", "year": "2025-26", "assessed": "2", "paid": "1"},
    ]
    report = _run(town, gis_officer, Feed.TAX, rows)
    assert [(p["line"], p["column"]) for p in report.problems] == [(3, "holding_number")]
    assert not TaxStatus.objects.exists()


def test_a_re_run_changes_nothing_and_queues_nothing_twice(town, holdings, gis_officer):
    first = _run(town, gis_officer, Feed.TAX, feed_rows("tax.csv"))
    again = _run(town, gis_officer, Feed.TAX, feed_rows("tax.csv"))
    assert (first.created, first.queued) == (6, 2)
    assert (again.created, again.updated, again.unchanged, again.queued) == (0, 0, 6, 2)
    assert QueuedRow.objects.count() == 2
    assert TaxStatus.objects.count() == 6
    rows = feed_rows("tax.csv")
    rows[0]["আদায়"] = "600"
    changed = _run(town, gis_officer, Feed.TAX, rows)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 5)
    assert TaxStatus.objects.get(holding=holdings[1, "30"]).paid == 600
    assert FeedImport.objects.count() == 3


def test_resolving_a_queued_row_writes_it_and_teaches_the_next_import(town, holdings, gis_officer):
    _run(town, gis_officer, Feed.TAX, feed_rows("tax.csv"))
    ambiguous = QueuedRow.objects.get(holding_number="0012")
    assert set(ambiguous.candidates) == {holdings[1, "12"].pk, holdings[2, "12"].pk}
    reconciliation.resolve(user=gis_officer, row=ambiguous, holding=holdings[1, "12"])
    assert TaxStatus.objects.get(holding=holdings[1, "12"]).assessed == 800
    ambiguous.refresh_from_db()
    assert ambiguous.state == QueueState.RESOLVED
    assert ambiguous.resolved_by == gis_officer
    with pytest.raises(ValidationError):
        reconciliation.resolve(user=gis_officer, row=ambiguous, holding=holdings[2, "12"])
    again = _run(town, gis_officer, Feed.TAX, feed_rows("tax.csv"))
    assert (again.matched, again.ambiguous, again.unmatched) == (7, 0, 1)
    assert again.unchanged == 7
    assert again.problems == []


def test_a_queued_row_whose_holding_is_added_later_is_resolved_by_the_next_import(
    town, holdings, gis_officer
):
    _run(town, gis_officer, Feed.TAX, feed_rows("tax.csv"))
    services.holding_create(municipality=town.municipality, ward=town.west, number="999")
    _run(town, gis_officer, Feed.TAX, feed_rows("tax.csv"))
    row = QueuedRow.objects.get(holding_number="999")
    assert row.state == QueueState.RESOLVED
    assert row.resolved_by is None


def test_dismissing_keeps_the_row_and_its_decision(town, holdings, gis_officer):
    _run(town, gis_officer, Feed.TAX, feed_rows("tax.csv"))
    row = QueuedRow.objects.get(holding_number="999")
    reconciliation.dismiss(user=gis_officer, row=row, reason="A test row of the tax office")
    _run(town, gis_officer, Feed.TAX, feed_rows("tax.csv"))
    row.refresh_from_db()
    assert row.state == QueueState.DISMISSED


def test_the_water_feed_from_xlsx(town, holdings, gis_officer):
    report = _run(town, gis_officer, Feed.WATER, feed_rows("water.xlsx"))
    assert report.problems == []
    assert (report.matched, report.unmatched) == (3, 1)
    account = WaterAccount.objects.get(account_number="W-1002")
    assert (account.holding, account.billing, account.arrears) == (
        holdings[1, "12/A"],
        "in_arrears",
        Decimal("350.00"),
    )
    assert WaterAccount.objects.get(account_number="W-2001").billing == "in_arrears"
    assert WaterAccount.objects.get(account_number="W-1001").billing == "current"


def test_the_waste_fee_feed_with_semicolons(town, holdings, gis_officer):
    report = _run(town, gis_officer, Feed.WASTE, feed_rows("waste.csv"))
    assert (report.matched, report.unmatched) == (3, 1)
    statuses = dict(WasteFee.objects.values_list("holding__number", "status"))
    assert statuses == {"30": "paid", "12/A": "partly_paid", "45": "unpaid"}


def test_the_trade_licence_feed(town, holdings, gis_officer):
    report = _run(town, gis_officer, Feed.TRADE_LICENCE, feed_rows("trade_licences.csv"))
    assert (report.matched, report.ambiguous) == (3, 1)
    hotel = TradeLicence.objects.get(licence_number="TL-2025-0001")
    assert (hotel.business_type, hotel.holding) == ("restaurant", holdings[1, "12/A"])
