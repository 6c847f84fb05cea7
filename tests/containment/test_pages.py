import pytest
from django.urls import reverse

from containment import services

from ..factories import BuildingFactory, ContainmentFactory

pytestmark = pytest.mark.django_db


def test_compliance_page_shows_wards_and_downloads(client, gis_officer, town):
    building = BuildingFactory(municipality=town.municipality)
    ContainmentFactory(municipality=town.municipality, buildings=[building], outlet="open_drain")
    services.rule_set_ensure(municipality=town.municipality)
    client.force_login(gis_officer)
    page = client.get(reverse("containment:compliance")).content.decode()
    assert "Rule set version 1" in page
    assert "Outlet (1)" in page
    assert "export=xlsx" in page
    assert page.count("<tr>") == 4  # header, two wards, totals


def test_compliance_page_needs_login(client):
    response = client.get(reverse("containment:compliance"))
    assert response.status_code == 302
