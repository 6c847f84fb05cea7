"""Revenue figures by ward on the ward map: stored, recomputed after a feed import, with
the sanitation view (holdings in arrears whose tanks fail the rules)."""

import pytest

from dashboards import revenue

from .conftest import failing_tank, imported

pytestmark = pytest.mark.django_db


def _ward_map(client, town):
    response = client.get("/api/v1/dashboards/wards/", {"municipality": town.municipality.code})
    assert response.status_code == 200
    return response.json()


def test_the_ward_map_shows_revenue_once_the_town_keeps_holdings(
    town, holdings, gis_officer, gis_client
):
    before = _ward_map(gis_client, town)
    codes = {i["code"] for i in before["indicators"]}
    assert "tax_in_arrears" in codes  # holdings exist: the revenue indicators are offered
    assert before["total"]["tax_in_arrears"] is None  # but no feed was imported yet
    failing_tank(town, holdings[1, "12/A"])
    imported(town, gis_officer, "tax", "tax.csv")
    after = _ward_map(gis_client, town)
    wards = {w["number"]: w["values"] for w in after["wards"]}
    # Ward 1: 7, 12/A, 30, 31 have tax records (12 is ambiguous, queued); 12/A in arrears.
    assert wards[1]["tax_coverage"] == pytest.approx(4 / 5, abs=1e-4)
    assert wards[1]["tax_in_arrears"] == pytest.approx(1 / 4, abs=1e-4)
    assert wards[1]["tax_arrears_bdt"] == 1400
    assert wards[1]["arrears_failing_tanks"] == 1
    assert wards[1]["tax_collection"] == pytest.approx((1200 + 1000 + 700 + 600) / 4900, abs=1e-4)
    # Ward 2: 12 (in arrears) and 45 (paid) of 12, 45, 46.
    assert wards[2]["tax_in_arrears"] == pytest.approx(1 / 2, abs=1e-4)
    assert after["revenue"]["fiscal_year"] == "2025-26"
    assert after["total"]["tax_arrears_bdt"] == 1400 + 1800


def test_revenue_figures_are_stored_and_read_in_one_query(
    town, holdings, gis_officer, django_assert_max_num_queries
):
    imported(town, gis_officer, "tax", "tax.csv")
    first = revenue.revenue_by_ward(municipality=town.municipality)
    with django_assert_max_num_queries(1):
        again = revenue.revenue_by_ward(municipality=town.municipality)
    assert again == first
