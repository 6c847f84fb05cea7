"""Indicator targets per year (issue 26): the admin of the whole municipality sets them in
percent for shares, clears them by leaving them empty, and the indicators page reads them;
bad values keep nothing; nobody else may."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.roles import MembershipRole
from dashboards import reports
from dashboards.models import IndicatorTarget

from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


@pytest.fixture
def mayor(town):
    return page_client(
        MembershipFactory(municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN).user
    )


def test_targets_are_set_in_percent_and_read_by_the_indicators(town, mayor):
    year = timezone.localdate().year
    url = reverse("dashboards:targets") + f"?year={year}"
    page = mayor.get(url)
    assert page.status_code == 200
    fields = page.context["form"].fields
    assert "SF-1a" in fields
    assert "(%)" in str(fields["SF-1a"].label)
    saved = mayor.post(url, {"SF-1a": "80", "SF-1c": "65.5"})
    assert saved.status_code == 302
    stored = dict(
        IndicatorTarget.objects.filter(municipality=town.municipality, year=year).values_list(
            "indicator", "value"
        )
    )
    assert stored == {"SF-1a": Decimal("0.8000"), "SF-1c": Decimal("0.6550")}
    report = reports.indicator_report(municipality=town.municipality, year=year)
    assert {i["code"]: i["target"] for i in report["cwis"]}["SF-1a"] == 0.8
    # Shown again in percent; an empty field clears its target.
    assert mayor.get(url).context["form"].fields["SF-1a"].initial == Decimal("80.0000")
    assert mayor.post(url, {"SF-1a": "80", "SF-1c": ""}).status_code == 302
    assert set(
        IndicatorTarget.objects.filter(municipality=town.municipality, year=year).values_list(
            "indicator", flat=True
        )
    ) == {"SF-1a"}
    # Next year's targets are set before it has figures.
    ahead = reverse("dashboards:targets") + f"?year={year + 1}"
    assert mayor.post(ahead, {"SF-1a": "85"}).status_code == 302


@pytest.mark.parametrize("value", ["120", "-5", "abc"])
def test_a_bad_target_keeps_nothing(town, mayor, value):
    url = reverse("dashboards:targets") + f"?year={timezone.localdate().year}"
    assert mayor.post(url, {"SF-1a": value, "SF-1c": "50"}).status_code == 400
    assert not IndicatorTarget.objects.exists()


def test_only_the_admin_of_the_whole_municipality(town):
    desk = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE).user
    assert page_client(desk).get(reverse("dashboards:targets")).status_code == 403
    mayor_user = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN
    ).user
    assert (
        page_client(mayor_user).get(reverse("dashboards:targets") + "?year=1990").status_code == 404
    )
