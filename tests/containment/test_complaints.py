"""Complaints beyond emptying (issue 25): the desk takes one by the place's holding number
or a landmark and hands it to a role; the assigned role moves it on, resolving says what
was done, every change is in its history with who; scoped by ward and role."""

import pytest
from django.urls import reverse

from containment.models import Complaint
from core.roles import MembershipRole

from ..factories import BuildingFactory, ContainmentFactory, MembershipFactory
from .conftest import page_client

pytestmark = pytest.mark.django_db


def member(town, role, *wards):
    membership = MembershipFactory(municipality=town.municipality, role=role)
    membership.wards.add(*wards)
    return membership.user


@pytest.fixture
def place(town):
    building = BuildingFactory(municipality=town.municipality, holding_number="05-0077")
    containment = ContainmentFactory(municipality=town.municipality, buildings=[building])
    return building, containment


def take(client, **changes):
    form = {"kind": "overflowing_tank", "where": "০৫-০০৭৭", "caller_name": "Jamal",
            "caller_phone": "+880 1712-000111", "description": "Overflowing into the lane",
            "assigned_role": "inspector"}  # fmt: skip
    form.update(changes)
    return client.post(reverse("containment:complaints"), form)


def test_the_desk_takes_a_complaint_by_holding_number(town, place):
    building, containment = place
    desk = page_client(member(town, MembershipRole.FSM_HELP_DESK))
    response = take(desk)
    assert response.status_code == 302, response.content.decode()[:3000]
    complaint = Complaint.objects.get()
    assert (complaint.building_id, complaint.containment_id) == (building.pk, None)
    assert complaint.ward_id == building.ward_id
    assert complaint.caller_phone == "01712000111"
    assert complaint.location is not None
    assert (complaint.status, complaint.assigned_role) == ("open", "inspector")
    # By a containment's code, the containment and its building.
    assert take(desk, where=containment.code).status_code == 302
    latest = Complaint.objects.latest("pk")
    assert (latest.containment_id, latest.building_id) == (containment.pk, building.pk)
    # A drain has no number: a landmark will do.
    assert (
        take(desk, where="", place="Drain behind the bazar", kind="blocked_drain").status_code
        == 302
    )
    listed = desk.get(reverse("containment:complaints")).context["complaints"]
    assert len(listed) == 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"where": "99-9999"}, "Nothing on the map"),
        ({"where": "", "place": ""}, "Say where"),
        ({"caller_phone": "12345"}, "11 digits"),
        ({"kind": "noise"}, "valid choice"),
        ({"assigned_role": "enumerator"}, "valid choice"),
    ],
)
def test_a_bad_complaint_keeps_nothing(town, place, changes, message):
    desk = page_client(member(town, MembershipRole.FSM_HELP_DESK))
    response = take(desk, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_assigned_role_moves_it_on_with_history(town, place):
    desk_user = member(town, MembershipRole.FSM_HELP_DESK)
    assert take(page_client(desk_user)).status_code == 302
    complaint = Complaint.objects.get()
    url = reverse("containment:complaint", args=[complaint.pk])
    inspector_user = member(town, MembershipRole.INSPECTOR)
    inspector = page_client(inspector_user)
    assert (
        inspector.post(url, {"status": "in_progress", "assigned_role": "inspector"}).status_code
        == 302
    )
    no_word = inspector.post(url, {"status": "resolved", "assigned_role": "inspector"})
    assert no_word.status_code == 400
    assert "Say what was done" in no_word.content.decode()
    done = inspector.post(
        url,
        {"status": "resolved", "assigned_role": "inspector", "resolution": "Owner warned; emptied"},
    )
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_at is not None) == ("resolved", True)
    # A resolved complaint is reopened, not moved back to "being dealt with".
    assert (
        inspector.post(url, {"status": "in_progress", "assigned_role": "inspector"}).status_code
        == 400
    )
    page = inspector.get(url)
    history = page.context["history"]
    assert history[0]["taken"]
    assert history[0]["user"] == desk_user.username
    statuses = [c["after"] for e in history for c in e["shown"] if c["field"] == "status"]
    assert statuses == ["Being dealt with", "Resolved"]
    assert all(e["user"] == inspector_user.username for e in history[1:])
    # An executive reads it but does not move it on.
    executive = page_client(member(town, MembershipRole.EXECUTIVE))
    assert executive.get(url).status_code == 200
    assert executive.post(url, {"status": "open", "assigned_role": "inspector"}).status_code == 403


def test_complaints_are_scoped_by_ward_and_role(town, place):
    assert take(page_client(member(town, MembershipRole.FSM_HELP_DESK))).status_code == 302
    complaint = Complaint.objects.get()
    url = reverse("containment:complaint", args=[complaint.pk])
    east_inspector = page_client(member(town, MembershipRole.INSPECTOR, town.east))
    assert east_inspector.get(url).status_code == 404
    assert east_inspector.get(reverse("containment:complaints")).context["complaints"].count() == 0
    enumerator = page_client(member(town, MembershipRole.ENUMERATOR))
    assert enumerator.get(reverse("containment:complaints")).status_code == 403
    assert enumerator.get(url).status_code == 404
    # A GIS officer assigned nothing reads it; handed to him, he deals with it.
    gis = page_client(member(town, MembershipRole.GIS_OFFICER))
    assert (
        gis.post(url, {"status": "in_progress", "assigned_role": "gis_officer"}).status_code == 403
    )
    complaint.assigned_role = "gis_officer"
    complaint.save()
    assert (
        gis.post(url, {"status": "in_progress", "assigned_role": "gis_officer"}).status_code == 302
    )
