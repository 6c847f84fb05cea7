import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from ..factories import BuildingFactory, RoadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client):
    user = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model", ["municipality", "ward", "building", "road", "lowincomecommunity", "membership"]
)
def test_admin_lists_open(admin_client_logged_in, town, model):
    BuildingFactory(municipality=town.municipality)
    response = admin_client_logged_in.get(reverse(f"admin:spatial_{model}_changelist"))
    assert response.status_code == 200


def test_building_change_page_has_a_leaflet_geometry_widget(admin_client_logged_in, town):
    building = BuildingFactory(municipality=town.municipality)
    road = RoadFactory(municipality=town.municipality)
    for url in (
        reverse("admin:spatial_building_change", args=[building.pk]),
        reverse("admin:spatial_road_change", args=[road.pk]),
    ):
        page = admin_client_logged_in.get(url).content.decode()
        assert "leaflet" in page.lower()
        assert 'name="geom"' in page
    assert (
        building.bin
        in admin_client_logged_in.get(
            reverse("admin:spatial_building_change", args=[building.pk])
        ).content.decode()
    )
