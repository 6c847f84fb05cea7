"""The codes on the bills (issue 33): the municipal admin hands every holding's code to
the billing system; a leaked code is replaced and stops working at once."""

import csv
import io

import pytest
from django.test import Client

from citizens import services
from core.roles import MembershipRole
from holdings import services as holding_services
from tests.factories import BuildingFactory

from .conftest import member, opened

pytestmark = pytest.mark.django_db


def test_the_admin_downloads_every_holdings_code(town, home):
    holding_services.holding_create(
        municipality=town.municipality,
        ward=town.east,
        number="45",
        buildings=[BuildingFactory(municipality=town.municipality)],
    )
    admin = Client()
    admin.force_login(member(town, MembershipRole.MUNICIPAL_ADMIN))
    page = admin.get("/office/certificates/").content.decode()
    assert f'id="bill-codes-{town.municipality.code}"' in page
    answer = admin.get(f"/office/bill-codes.csv?municipality={town.municipality.code}")
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert [(r["ward"], r["holding"]) for r in rows] == [("1", "12/A"), ("2", "45")]
    assert rows[0]["bill_code"] == home.code
    assert len(rows[1]["bill_code"]) == 8


def test_only_the_whole_municipalitys_admin_gets_the_codes(town, home):
    url = f"/office/bill-codes.csv?municipality={town.municipality.code}"
    for role, ward in (
        (MembershipRole.MUNICIPAL_ADMIN, town.west),
        (MembershipRole.EXECUTIVE, None),
        (MembershipRole.GIS_OFFICER, None),
    ):
        client = Client()
        client.force_login(member(town, role, ward))
        assert client.get(url).status_code == 403


def test_a_replaced_code_stops_working(town, home):
    new = services.bill_code_replace(holding=home.holding)
    assert new != home.code
    assert opened(Client(), town, "12/A", home.code).status_code == 400
    assert opened(Client(), town, "12/A", new).status_code == 302
