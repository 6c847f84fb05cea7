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
    "model",
    [
        "spatial.municipality",
        "spatial.ward",
        "spatial.building",
        "spatial.road",
        "spatial.lowincomecommunity",
        "core.membership",
    ],
)
def test_admin_lists_open(admin_client_logged_in, town, model):
    BuildingFactory(municipality=town.municipality)
    app, name = model.split(".")
    response = admin_client_logged_in.get(reverse(f"admin:{app}_{name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["membership", "loginevent"])
def test_admin_pages_of_the_moved_models_answer_at_their_old_address(
    admin_client_logged_in, town, name
):
    """Memberships and login activity moved to core (issue 18): a bookmark of
    their old admin page is sent on, with what followed the model's name."""
    response = admin_client_logged_in.get(f"/admin/spatial/{name}/?q=gis")
    assert response.status_code == 301
    assert response["Location"] == f"/admin/core/{name}/?q=gis"
    response = admin_client_logged_in.get(f"/admin/spatial/{name}/7/change/")
    assert response["Location"] == f"/admin/core/{name}/7/change/"


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


SERVICE_ONLY = [
    "containment.emptyingrequest",
    "containment.emptying",
    "containment.sludgedelivery",
    "containment.servicefeedback",
    "containment.complianceruleset",
    "containment.complianceassessment",
    "surveys.submission",
    "surveys.submissionphoto",
    "core.loginevent",
]


@pytest.mark.parametrize("label", SERVICE_ONLY)
def test_registers_changed_through_services_are_read_only_in_the_admin(
    admin_client_logged_in, label
):
    """Adding an emptying request in any state with every timestamp free bypassed the state
    machine: no add, change or delete for such registers, even for a superuser."""
    from django.apps import apps
    from django.contrib import admin

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = type("Request", (), {"user": get_user_model().objects.get(username="root")})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    app, name = label.split(".")
    assert admin_client_logged_in.get(reverse(f"admin:{app}_{name}_add")).status_code == 403
    assert admin_client_logged_in.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200
