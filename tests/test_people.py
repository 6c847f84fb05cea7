"""The municipal admin's people (issue 26): invite with a temporary password shown once,
roles and ward limits, password reset, taking someone off; only in the municipality the
admin runs as a whole; never the last admin, never oneself; accounts that work elsewhere
keep their password and stay active."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.models import Membership
from core.roles import MembershipRole

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db
ADMIN = MembershipRole.MUNICIPAL_ADMIN


def page_client(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


@pytest.fixture
def mayor(town):
    return MembershipFactory(municipality=town.municipality, role=ADMIN).user


def invite(client, town, **changes):
    form = {"username": "rahim", "first_name": "Rahim", "roles": ["enumerator"],
            "wards": [town.west.pk], "municipality": town.municipality.code}  # fmt: skip
    form.update(changes)
    return client.post(reverse("people"), form)


def test_an_invited_person_logs_in_with_the_password_shown_once(town, mayor):
    answer = invite(page_client(mayor), town)
    assert answer.status_code == 201, answer.content.decode()[:2000]
    password = answer.context["invited"]["password"]
    assert len(password) >= 12
    rahim = get_user_model().objects.get(username="rahim")
    membership = Membership.objects.get(user=rahim)
    assert (membership.role, [w.pk for w in membership.wards.all()]) == (
        "enumerator",
        [town.west.pk],
    )
    assert Client(HTTP_HOST="localhost").login(username="rahim", password=password)
    # The list shows him; the password is not shown again.
    listed = page_client(mayor).get(reverse("people"))
    assert "rahim" in listed.content.decode()
    assert password not in listed.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": ""}, "required"),
        ({"roles": []}, "required"),
        ({"roles": ["emperor"]}, "valid choice"),
        ({"email": "not-an-email"}, "valid email"),
    ],
)
def test_a_bad_invitation_keeps_nothing(town, mayor, changes, message):
    answer = invite(page_client(mayor), town, **changes)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not get_user_model().objects.filter(username="rahim").exists()


def test_a_taken_user_name_and_another_towns_ward_are_refused(town, other_town, mayor):
    MembershipFactory(municipality=town.municipality, role="gis_officer", user__username="taken")
    assert invite(page_client(mayor), town, username="Taken").status_code == 400
    assert invite(page_client(mayor), town, wards=[other_town.west.pk]).status_code == 400


def test_roles_change_and_the_last_admin_stays(town, mayor):
    client = page_client(mayor)
    invite(client, town)
    rahim = get_user_model().objects.get(username="rahim")
    url = reverse("person", args=[rahim.pk])
    saved = client.post(url, {"action": "roles", "roles": ["enumerator", "survey_supervisor"],
                              "wards": [town.east.pk]})  # fmt: skip
    assert saved.status_code == 302
    assert set(Membership.objects.filter(user=rahim).values_list("role", flat=True)) == {
        "enumerator",
        "survey_supervisor",
    }
    assert {w.pk for m in Membership.objects.filter(user=rahim) for w in m.wards.all()} == {
        town.east.pk
    }
    # The mayor cannot drop his own admin role, nor take himself off.
    mine = reverse("person", args=[mayor.pk])
    assert client.post(mine, {"action": "roles", "roles": ["executive"]}).status_code == 400
    assert client.post(mine, {"action": "remove"}).status_code == 400
    assert Membership.objects.filter(user=mayor, role=ADMIN).exists()


def test_reset_and_removal(town, other_town, mayor):
    client = page_client(mayor)
    invite(client, town)
    rahim = get_user_model().objects.get(username="rahim")
    Token.objects.create(user=rahim)
    url = reverse("person", args=[rahim.pk])
    reset = client.post(url, {"action": "reset"})
    assert reset.status_code == 200
    assert Client(HTTP_HOST="localhost").login(username="rahim", password=reset.context["password"])
    assert not Token.objects.filter(user=rahim).exists()
    # Someone who also works in the other town keeps his password and stays active.
    shared = MembershipFactory(municipality=other_town.municipality, role="gis_officer").user
    Membership.objects.create(user=shared, municipality=town.municipality, role="gis_officer")
    shared_url = reverse("person", args=[shared.pk])
    refused = client.post(shared_url, {"action": "reset"})
    assert refused.status_code == 400
    assert client.post(shared_url, {"action": "remove"}).status_code == 302
    shared.refresh_from_db()
    assert shared.is_active
    assert Membership.objects.filter(user=shared).count() == 1
    # Rahim works only here: taken off, his account is deactivated.
    assert client.post(url, {"action": "remove"}).status_code == 302
    rahim.refresh_from_db()
    assert not rahim.is_active


def test_only_the_admin_of_the_whole_municipality(town, other_town, mayor):
    ward_admin = MembershipFactory(municipality=town.municipality, role=ADMIN)
    ward_admin.wards.add(town.east)
    assert page_client(ward_admin.user).get(reverse("people")).status_code == 403
    desk = MembershipFactory(municipality=town.municipality, role="fsm_help_desk").user
    assert page_client(desk).get(reverse("people")).status_code == 403
    other_mayor = MembershipFactory(municipality=other_town.municipality, role=ADMIN).user
    # The other town's mayor sees his own people, and none of this town's.
    assert page_client(other_mayor).get(reverse("person", args=[desk.pk])).status_code == 404
    asked = page_client(other_mayor).get(
        reverse("people"), {"municipality": town.municipality.code}
    )
    assert asked.status_code == 404
