"""The monthly FSM report and the CWIS indicator report as PDF (issue 26), read back with
pdftotext and checked glyph by glyph (tests/pdf_reading.py), on the hand-checked town of
conftest.py."""

import pytest
from django.urls import reverse

from core.roles import MembershipRole
from dashboards import monthly
from tests.factories import MembershipFactory
from tests.pdf_reading import check_bangla_glyphs, needs_poppler, page_count, pdf_text

from .test_pages import _web

pytestmark = [pytest.mark.django_db, needs_poppler]
MONTHLY = reverse("dashboards:monthly-fsm")


@pytest.fixture
def executive(dashboard_town):
    """The executive of the hand-checked town (not of the shared test town)."""
    return MembershipFactory(
        municipality=dashboard_town.town.municipality, role=MembershipRole.EXECUTIVE
    ).user


def test_monthly_report_counts_the_month(dashboard_town):
    march = monthly.monthly_fsm_report(
        municipality=dashboard_town.town.municipality, year=dashboard_town.year, month=3
    )
    assert march["requests"]["received"] == 1
    assert march["jobs"] == 1
    assert march["emptied_volume"] == 3.0
    assert march["treated_volume"] == 2.5
    assert march["treated_share"] == 83
    assert [(p["name"], p["jobs"]) for p in march["providers"]] == [("Vacutug", 1)]
    june = monthly.monthly_fsm_report(
        municipality=dashboard_town.town.municipality, year=dashboard_town.year, month=6
    )
    # c2's two loads: one rejected, one never confirmed; nothing reached treatment.
    assert june["treated_volume"] == 0
    assert sorted(d["status_code"] for d in june["deliveries"]) == ["discharged", "rejected"]
    assert [(w["label"], w["emptied"]) for w in june["wards"]] == [("Ward 1", 1)]


def test_monthly_report_pdf_in_english_and_bangla(dashboard_town, executive):
    client = _web(executive)
    params = {"year": dashboard_town.year, "month": 3}
    english = client.get(MONTHLY, {**params, "lang": "en"})
    assert english.status_code == 200
    assert english["Content-Type"] == "application/pdf"
    text = pdf_text(english.content)
    assert "Containments emptied 1" in text
    assert "2.5 (83%)" in text  # what the plant received, and its share of the emptied
    bangla = client.get(MONTHLY, {**params, "lang": "bn"})
    text = pdf_text(bangla.content)
    assert "মার্চ" in text  # the month's name
    assert "২.৫ (৮৩%)" in text  # Bangla digits
    assert check_bangla_glyphs(bangla.content) >= 15


def test_monthly_report_refuses_a_bad_month(dashboard_town, executive):
    client = _web(executive)
    assert client.get(MONTHLY, {"year": dashboard_town.year, "month": 13}).status_code == 400
    assert client.get(MONTHLY, {"year": dashboard_town.year}).status_code == 400
    assert client.get(MONTHLY, {"year": dashboard_town.year + 2, "month": 1}).status_code == 400


def test_indicator_report_pdf(dashboard_town, executive):
    client = _web(executive)
    response = client.get(
        "/indicators/", {"year": dashboard_town.year, "export": "pdf", "lang": "bn"}
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "SF-1a" in text
    assert "সিডব্লিউআইএস" in text  # the heading, in Bangla
    assert page_count(response.content) >= 2
    assert check_bangla_glyphs(response.content) >= 20
    page = client.get("/indicators/", {"year": dashboard_town.year}).content.decode()
    assert 'id="monthly-report"' in page
    assert "export=pdf&amp;lang=bn" in page
