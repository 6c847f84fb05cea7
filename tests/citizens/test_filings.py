"""What citizens file (issue 33): an emptying request that enters the desludging chain, a
complaint with its photo and place for the help desk, each tracked by a reference."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from citizens.models import CitizenCase
from containment.choices import RequestOrigin, RequestStatus
from containment.models import Complaint, EmptyingRequest
from core.roles import MembershipRole
from tests.factories import SOUTH, WEST, BuildingFactory, ContainmentFactory, MembershipFactory

from .conftest import opened

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_an_emptying_request_enters_the_desludging_chain(
    town, home, kept_texts, django_capture_on_commit_callbacks
):
    client = Client()
    opened(client, town, "12/A", home.code)
    url = f"/citizen/{town.municipality.code}/holding/mine/emptying/"
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            url,
            {"containment": home.tank.pk, "applicant_name": "Rahima",
             "applicant_phone": "01711 000 333"},
        )  # fmt: skip
    assert answer.status_code == 302
    request = EmptyingRequest.objects.get()
    assert (request.containment, request.origin, request.status) == (
        home.tank,
        RequestOrigin.ONLINE,
        RequestStatus.REQUESTED,
    )
    case = CitizenCase.objects.get()
    assert answer["Location"] == f"/citizen/track/{case.reference}/"
    assert kept_texts[-1][0] == "01711000333"
    assert case.reference in kept_texts[-1][1]
    # The help desk's own page of the request: the chain takes it on from here.
    desk = MembershipFactory(municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK)
    staff = Client()
    staff.force_login(desk.user)
    assert staff.get(f"/desk/requests/{request.pk}/").status_code == 200
    # A second request while the first waits is refused, naming the first.
    again = client.post(
        url, {"containment": home.tank.pk, "applicant_name": "R", "applicant_phone": "01711000333"}
    )
    assert again.status_code == 400
    assert EmptyingRequest.objects.count() == 1
    # The holding's page lists it, with its reference and status.
    listed = client.get(f"/citizen/{town.municipality.code}/holding/mine/").content.decode()
    assert f"/citizen/track/{case.reference}/" in listed
    # The citizen follows it as the chain moves it on.
    tracked = Client().get(f"/citizen/track/{case.reference}/")
    assert "Rahima" not in tracked.content.decode()  # no names on a reference's page
    assert request.get_status_display() in tracked.content.decode()


def test_a_tank_of_another_holding_cannot_be_asked_for(town, home):
    stranger = ContainmentFactory(
        municipality=town.municipality, buildings=[BuildingFactory(municipality=town.municipality)]
    )
    client = Client()
    opened(client, town, "12/A", home.code)
    answer = client.post(
        f"/citizen/{town.municipality.code}/holding/mine/emptying/",
        {"containment": stranger.pk, "applicant_name": "X", "applicant_phone": "01711000333"},
    )
    assert answer.status_code == 400
    assert not EmptyingRequest.objects.exists()


def _complain(town):
    return Client().post(
        f"/citizen/{town.municipality.code}/complaint/",
        {
            "kind": "overflowing_tank",
            "description": "The tank behind the school overflows into the lane.",
            "latitude": SOUTH + 0.001,
            "longitude": WEST + 0.001,
            "photo": SimpleUploadedFile("lane.png", PNG, content_type="image/png"),
            "caller_name": "Karim",
            "caller_phone": "01811000444",
        },
    )


def test_a_complaint_with_its_photo_and_place_reaches_the_help_desk(
    town, kept_texts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = _complain(town)
    assert answer.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.ward == town.west
    assert complaint.assigned_role == MembershipRole.FSM_HELP_DESK
    assert complaint.created_by is None
    assert complaint.caller_phone == "01811000444"
    [photo] = complaint.photos.all()
    desk = MembershipFactory(municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK)
    staff = Client()
    staff.force_login(desk.user)
    page = staff.get(f"/desk/complaints/{complaint.pk}/").content.decode()
    assert f"/desk/complaints/photos/{photo.pk}/" in page
    served = staff.get(f"/desk/complaints/photos/{photo.pk}/")
    assert served.status_code == 200
    assert b"".join(served.streaming_content if served.streaming else [served.content]) == PNG
    assert Client().get(f"/desk/complaints/photos/{photo.pk}/").status_code == 302  # login
    case = CitizenCase.objects.get(complaint=complaint)
    assert case.reference in kept_texts[-1][1]


def test_a_complaint_without_a_place_or_with_a_false_photo_is_refused(town):
    url = f"/citizen/{town.municipality.code}/complaint/"
    base = {
        "kind": "other",
        "description": "Smell",
        "caller_name": "K",
        "caller_phone": "01811000444",
    }
    assert Client().post(url, base).status_code == 400
    outside = {**base, "latitude": SOUTH - 1, "longitude": WEST - 1}
    assert Client().post(url, outside).status_code == 400
    fake = SimpleUploadedFile("x.png", b"<html>", content_type="image/png")
    assert Client().post(url, {**base, "place": "Bazar", "photo": fake}).status_code == 400
    assert not Complaint.objects.exists()


def test_too_many_complaints_from_one_address_are_refused(town, settings):
    settings.IMIS = {
        **settings.IMIS,
        "CITIZEN_LIMITS": {**settings.IMIS["CITIZEN_LIMITS"], "FILINGS_PER_HOUR": 2},
    }
    url = f"/citizen/{town.municipality.code}/complaint/"
    data = {"kind": "other", "description": "Smell", "place": "Bazar", "caller_name": "K",
            "caller_phone": "01811000444"}  # fmt: skip
    codes = [Client().post(url, data).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Complaint.objects.count() == 2


def test_an_unknown_reference_is_a_404_and_guessing_locks_the_address(town):
    assert Client().get("/citizen/track/ACDE-FGHJ/").status_code == 404
    for _ in range(20):
        Client().get("/citizen/track/ACDE-FGHJ/", REMOTE_ADDR="10.7.7.7")
    assert Client().get("/citizen/track/ACDE-FGHJ/", REMOTE_ADDR="10.7.7.7").status_code == 429


def test_the_reference_is_read_however_typed(town, home):
    client = Client()
    opened(client, town, "12/A", home.code)
    client.post(
        f"/citizen/{town.municipality.code}/holding/mine/emptying/",
        {"containment": home.tank.pk, "applicant_name": "R", "applicant_phone": "01711000333"},
    )
    reference = CitizenCase.objects.get().reference
    typed = " " + reference.replace("-", "").lower() + " "
    answer = Client().get("/citizen/track/", {"reference": typed})
    assert answer["Location"] == f"/citizen/track/{reference}/"
