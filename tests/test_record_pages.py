"""A page for every record (issue 21, first part): /buildings/<BIN>/, /containments/<code>/,
/roads/<id>/, /water-points/<code>/, from the register's declaration. Every attribute with
its label and coded values by their labels, the linked records, the history with who
changed what from what to what; out of scope is a 404 as unknown is."""

import pytest
from django.test import Client
from django.urls import reverse

from containment import services as containment_services
from core.roles import MembershipRole
from spatial import services as spatial_services
from spatial.models import Building
from tests.conftest import ARTIFACTS, log_in
from tests.factories import (
    BuildingFactory,
    ContainmentFactory,
    MembershipFactory,
    RoadFactory,
    WaterPointFactory,
    square,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, gis_officer):
    client.force_login(gis_officer)
    return client


def _building(town, **values) -> Building:
    made = BuildingFactory(municipality=town.municipality, geom=square(90.81, 22.93), **values)
    return Building.objects.get(pk=made.pk)


def test_a_buildings_page_shows_its_attributes_by_their_labels(officer_client, town):
    building = _building(town, holding_number="H-17", structure_type="cgi_sheet")
    page = officer_client.get(f"/buildings/{building.bin}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("record-buildings", args=[building.bin]) == f"/buildings/{building.bin}/"
    assert "Holding number" in html
    assert "H-17" in html
    assert "CGI sheet" in html  # the code's label, not the code
    assert "cgi_sheet" not in html
    assert 'id="record-map"' in html
    assert "#map=18/" in html  # back to the map, centred on the building


def test_the_history_says_who_changed_what_from_what_to_what(officer_client, town, gis_officer):
    building = _building(town, holding_number="H-1")
    spatial_services.building_update(building=building, holding_number="H-2")
    html = officer_client.get(f"/buildings/{building.bin}/").content.decode()
    history = html[html.index('id="history"') :]
    assert "Holding number: H-1 → H-2" in history
    assert "Created" in history


def test_a_containments_page_links_the_buildings_it_serves(officer_client, town):
    building = _building(town)
    containment = ContainmentFactory(municipality=town.municipality, buildings=[building])
    containment.refresh_from_db()
    html = officer_client.get(f"/containments/{containment.code}/").content.decode()
    assert f'href="/buildings/{building.bin}/"' in html


def test_roads_and_water_points_have_pages_too(officer_client, town):
    road = RoadFactory(municipality=town.municipality)
    assert officer_client.get(f"/roads/{road.pk}/").status_code == 200
    assert officer_client.get("/roads/first/").status_code == 404
    assert officer_client.get(f"/roads/{2**63}/").status_code == 404
    assert officer_client.get("/roads/١٢/").status_code == 404  # digits, but not ASCII ones
    assert officer_client.get("/buildings/B%00/").status_code == 400  # refused before the view
    well = WaterPointFactory(municipality=town.municipality)
    well.refresh_from_db()
    assert officer_client.get(f"/water-points/{well.code}/").status_code == 200


def test_out_of_scope_is_a_404_as_unknown_is(client, town):
    east = BuildingFactory(municipality=town.municipality, geom=square(90.85, 22.93))
    east = Building.objects.get(pk=east.pk)
    assert east.ward == town.east
    membership = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    membership.wards.set([town.west])
    client.force_login(membership.user)
    assert client.get(f"/buildings/{east.bin}/").status_code == 404
    assert client.get("/buildings/B999999/").status_code == 404
    client.logout()
    assert "/accounts/login/" in client.get(f"/buildings/{east.bin}/")["Location"]


def test_a_retired_building_says_so_and_its_editor_restores_it(officer_client, town):
    building = _building(town)
    spatial_services.record_retire(record=building, reason="demolished for the bazaar road")
    html = officer_client.get(f"/buildings/{building.bin}/").content.decode()
    assert "demolished for the bazaar road" in html
    assert 'id="record-map"' not in html  # gone from the map
    restore = f"/buildings/{building.bin}/restore/"
    assert f'action="{restore}"' in html

    # A reader of the ward sees the page, without the button, and cannot restore.
    reader = MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE)
    client = Client()
    client.force_login(reader.user)
    assert restore not in client.get(f"/buildings/{building.bin}/").content.decode()
    assert client.post(restore).status_code == 404
    assert Building.objects.filter(pk=building.pk).count() == 0

    answer = officer_client.post(restore)
    assert answer.status_code == 302
    assert answer["Location"] == f"/buildings/{building.bin}/"
    assert Building.objects.filter(pk=building.pk).count() == 1
    assert officer_client.get(restore).status_code == 405
    html = officer_client.get(f"/buildings/{building.bin}/").content.decode()
    assert 'id="record-map"' in html
    history = html[html.index('id="history"') :]
    assert "demolished for the bazaar road → –" in history  # the reason, cleared


def test_a_buildings_page_lists_what_other_registers_link_to_it(officer_client, town):
    """Containments it uses (linked to their pages), their inspections and emptying
    requests, and the survey submissions matched to it: declared by their own apps."""
    import uuid

    from django.utils import timezone

    from containment import desludging
    from containment.inspections import inspection_record
    from surveys import services as survey_services
    from tests.factories import town_campaign

    building = _building(town)
    containment = ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        geom=building.geom.centroid,
    )
    inspector = MembershipFactory(municipality=town.municipality, role=MembershipRole.INSPECTOR)
    inspection_record(
        containment=containment,
        inspector=inspector.user,
        visited_on=timezone.localdate(),
        outcome="non_compliant",
        notes="Overflowing into the drain",
    )
    desludging.request_create(
        containment=containment, applicant_name="Rahima Begum", applicant_phone="01700000000"
    )
    campaign = town_campaign(town)
    enumerator = MembershipFactory(municipality=town.municipality, role=MembershipRole.ENUMERATOR)
    survey_services.assignment_create(campaign=campaign, enumerator=enumerator.user, ward=town.west)
    survey_services.submission_receive(
        enumerator=enumerator.user,
        campaign=campaign,
        client_uuid=uuid.uuid4(),
        device_time=timezone.now(),
        point=building.geom.centroid,
        gps_accuracy_m=3,
        answers={},
    )
    html = officer_client.get(f"/buildings/{building.bin}/").content.decode()
    containment.refresh_from_db()
    assert "Containments it uses" in html
    assert f'href="/containments/{containment.code}/"' in html
    assert "Overflowing into the drain" in html
    assert "Emptying requests" in html
    assert "Rahima" not in html  # no applicant's name on a record's page
    assert "Household survey" in html
    assert enumerator.user.username in html
    # The containment's own page lists its inspection and request too.
    page = officer_client.get(f"/containments/{containment.code}/").content.decode()
    assert "Overflowing into the drain" in page
    assert "Requested" in page


def test_a_merged_buildings_page_links_to_its_survivor(officer_client, town):
    survivor = _building(town)
    _west, south, east, _north = survivor.geom.extent
    other = BuildingFactory(municipality=town.municipality, geom=square(east, south))
    spatial_services.building_merge(building=survivor, other=other)
    html = officer_client.get(f"/buildings/{other.bin}/").content.decode()
    assert f'href="/buildings/{survivor.bin}/"' in html
    assert f"Merged into {survivor.bin}" in html  # the reason, in its words


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_record_page_draws_the_record_on_a_phone_in_bangla(page, live_server, town):
    building = _building(town, holding_number="12")
    officer = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.GIS_OFFICER
    ).user
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}/buildings/{building.bin}/")
    page.wait_for_selector("#record-map path.leaflet-interactive")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "record-page-phone.png"), full_page=True)
    page.context.add_cookies([{"name": "django_language", "value": "bn", "url": live_server.url}])
    page.goto(f"{live_server.url}/buildings/{building.bin}/")
    assert "১২" in page.inner_text("#attributes")  # the holding number in Bangla digits
    assert "ইতিহাস" in page.inner_text("main")


def test_a_containments_page_names_the_rules_it_fails(officer_client, town):
    """A list of codes (the rules failed) is an attribute, by its labels, not a table."""
    building = _building(town)
    containment = ContainmentFactory(
        municipality=town.municipality, buildings=[building], outlet="open_drain"
    )
    containment_services.assess_municipality(municipality=town.municipality)
    containment.refresh_from_db()
    page = officer_client.get(f"/containments/{containment.code}/")
    assert page.status_code == 200
    assert "Outlet" in page.content.decode()
