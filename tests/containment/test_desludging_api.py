import json

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from containment import desludging
from containment.models import EmptyingRequest, ServiceProvider, Vehicle
from core.roles import MembershipRole

from ..conftest import client_for
from ..factories import (
    BuildingFactory,
    ContainmentFactory,
    MembershipFactory,
    TreatmentPlantFactory,
    operator_of,
    square,
)

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def desk(town):
    return client_for(
        MembershipFactory(municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK).user
    )


@pytest.fixture
def registers(town):
    building = BuildingFactory(municipality=town.municipality)
    containment = ContainmentFactory(municipality=town.municipality, buildings=[building])
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug")
    provider.wards.add(town.west)
    vehicle = Vehicle.objects.create(provider=provider, registration="L-1", capacity_m3=3)
    plant = TreatmentPlantFactory(municipality=town.municipality)
    return containment, provider, vehicle, plant


def test_the_chain_through_the_api(desk, registers):
    containment, provider, vehicle, plant = registers
    created = post(
        desk,
        reverse("containment-api:request-list"),
        {
            "containment": containment.pk,
            "applicant_name": "Karim",
            "applicant_phone": "+880 1712-345678",
            "is_emergency": True,
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["applicant_phone"] == "01712345678"
    pk = created.json()["id"]
    today = timezone.localdate().isoformat()
    steps = [
        ("request-schedule", {"scheduled_for": today, "provider": provider.pk}, "scheduled"),
        (
            "request-emptying",
            {"emptied_on": today, "volume_m3": "2.5", "vehicle": vehicle.pk},
            "emptied",
        ),
        (
            "request-delivery",
            {"plant": plant.pk, "volume_m3": "2.5", "delivered_at": timezone.now().isoformat()},
            "delivered",
        ),
        ("request-feedback", {"service_quality": 5, "ppe_worn": True}, "closed"),
    ]
    for name, body, expected in steps:
        response = post(desk, reverse(f"containment-api:{name}", args=[pk]), body)
        assert response.status_code == 200, (name, response.content)
        assert response.json()["status"] == expected
    body = desk.get(reverse("containment-api:request-detail", args=[pk])).json()
    assert body["emptying"]["volume_m3"] == "2.50"
    assert body["delivery"]["plant_name"] == "FSTP"
    assert body["delivery"]["status"] == "discharged"  # until the plant confirms it
    assert body["feedback"]["service_quality"] == 5


def test_a_step_out_of_order_is_a_400_naming_the_status(desk, registers):
    containment, _provider, vehicle, _plant = registers
    request = desludging.request_create(
        containment=containment, applicant_name="A", applicant_phone="1"
    )
    response = post(
        desk,
        reverse("containment-api:request-emptying", args=[request.pk]),
        {
            "emptied_on": timezone.localdate().isoformat(),
            "volume_m3": "1",
            "vehicle": vehicle.pk,
        },
    )
    assert response.status_code == 400
    assert "cannot become" in response.json()["errors"]["status"][0]
    assert EmptyingRequest.objects.get(pk=request.pk).status == "requested"


def test_gis_officer_may_read_but_not_record(gis_client, registers):
    containment = registers[0]
    request = desludging.request_create(
        containment=containment, applicant_name="A", applicant_phone="1"
    )
    assert (
        gis_client.get(reverse("containment-api:request-detail", args=[request.pk])).status_code
        == 200
    )
    response = post(
        gis_client,
        reverse("containment-api:request-cancel", args=[request.pk]),
        {"reason": "duplicate"},
    )
    assert response.status_code == 403


def test_requests_of_another_municipality_are_404(desk, other_town):
    building = BuildingFactory(municipality=other_town.municipality, geom=square(91.01, 22.93))
    theirs = ContainmentFactory(
        municipality=other_town.municipality,
        buildings=[building],
        geom=Point(91.0101, 22.9301, srid=4326),
    )
    request = desludging.request_create(containment=theirs, applicant_name="A", applicant_phone="1")
    assert desk.get(reverse("containment-api:request-detail", args=[request.pk])).status_code == 404
    created = post(
        desk,
        reverse("containment-api:request-list"),
        {"containment": theirs.pk, "applicant_name": "B", "applicant_phone": "01812345678"},
    )
    assert created.status_code == 400


def test_request_list_query_count_is_constant(desk, registers, django_assert_max_num_queries):
    municipality = registers[0].municipality

    def ask(n):
        for _ in range(n):  # one open request per containment
            containment = ContainmentFactory(municipality=municipality)
            desludging.request_create(
                containment=containment, applicant_name="A", applicant_phone="1"
            )

    ask(3)
    # The user, the count and the page (the envelope's count is the one more query).
    with django_assert_max_num_queries(4):
        assert len(desk.get(reverse("containment-api:request-list")).json()["results"]) == 3
    ask(10)
    with django_assert_max_num_queries(4):
        assert len(desk.get(reverse("containment-api:request-list")).json()["results"]) == 13


def test_registers_are_listed(desk, registers):
    plants = desk.get(reverse("containment-api:treatment-plant-list")).json()["results"]
    providers = desk.get(reverse("containment-api:service-provider-list")).json()["results"]
    assert plants[0]["name"] == "FSTP"
    assert providers[0]["vehicles"][0]["registration"] == "L-1"
    assert providers[0]["wards"] == [1]


def test_planner_through_the_api(desk, town, registers):
    response = post(
        desk,
        reverse("containment-api:plan-list"),
        {
            "start_date": timezone.localdate().isoformat(),
            "days": 3,
            "daily_trips": 5,
        },
    )
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["visits"][0]["containment_code"] == registers[0].code
    again = desk.get(reverse("containment-api:plan-detail", args=[plan["id"]])).json()
    assert again["visits"] == plan["visits"]
    bad = post(
        desk,
        reverse("containment-api:plan-list"),
        {"start_date": timezone.localdate().isoformat(), "days": 0},
    )
    assert bad.status_code == 400
    assert "days" in bad.json()["errors"]


def test_planner_needs_the_desk(gis_client, registers):
    response = post(
        gis_client,
        reverse("containment-api:plan-list"),
        {"start_date": timezone.localdate().isoformat(), "days": 3},
    )
    assert response.status_code == 403


def test_operators_see_and_record_only_their_own_jobs(desk, registers, town):
    """A service-provider operator sees the jobs scheduled to his provider and records their
    emptying and delivery; another provider's job is 404 to him. A treatment-plant operator
    sees the deliveries to his plant, and records nothing."""
    containment, provider, vehicle, plant = registers
    rival = ServiceProvider.objects.create(municipality=town.municipality, name="Rival")
    rival.wards.add(town.west)
    rival_vehicle = Vehicle.objects.create(provider=rival, registration="R-1", capacity_m3=3)
    operator = operator_of(provider, MembershipRole.PROVIDER_OPERATOR)
    plant_operator = operator_of(plant, MembershipRole.PLANT_OPERATOR)
    today = timezone.localdate()
    ours = desludging.request_create(
        containment=containment, applicant_name="A", applicant_phone="1"
    )
    desludging.request_schedule(request=ours, provider=provider, scheduled_for=today)
    theirs = desludging.request_create(
        containment=ContainmentFactory(municipality=containment.municipality),
        applicant_name="B",
        applicant_phone="2",
    )
    desludging.request_schedule(request=theirs, provider=rival, scheduled_for=today)

    as_operator = client_for(operator)
    listed = [
        r["id"] for r in as_operator.get(reverse("containment-api:request-list")).json()["results"]
    ]
    assert listed == [ours.pk]
    detail = reverse("containment-api:request-detail", args=[theirs.pk])
    assert as_operator.get(detail).status_code == 404
    emptying = {"emptied_on": today.isoformat(), "volume_m3": "1.5", "vehicle": vehicle.pk}
    refused = post(as_operator, reverse("containment-api:request-emptying", args=[theirs.pk]),
                   {**emptying, "vehicle": rival_vehicle.pk})  # fmt: skip
    assert refused.status_code == 404
    done = post(as_operator, reverse("containment-api:request-emptying", args=[ours.pk]), emptying)
    assert done.status_code == 200, done.content
    cancel = post(
        as_operator, reverse("containment-api:request-cancel", args=[ours.pk]), {"reason": "x"}
    )
    assert cancel.status_code == 403  # only the desk cancels

    as_plant = client_for(plant_operator)
    assert as_plant.get(reverse("containment-api:request-list")).json()["results"] == []
    delivered = post(
        as_operator,
        reverse("containment-api:request-delivery", args=[ours.pk]),
        {"delivered_at": timezone.now().isoformat(), "volume_m3": "1.5", "plant": plant.pk},
    )
    assert delivered.status_code == 200, delivered.content
    seen = [
        r["id"] for r in as_plant.get(reverse("containment-api:request-list")).json()["results"]
    ]
    assert seen == [ours.pk]
    feedback = reverse("containment-api:request-feedback", args=[ours.pk])
    assert post(as_plant, feedback, {"service_quality": 5, "ppe_worn": True}).status_code == 403


def test_a_second_open_request_for_a_containment_is_a_conflict(desk, registers):
    containment = registers[0]
    url = reverse("containment-api:request-list")
    body = {
        "containment": containment.pk,
        "applicant_name": "Karim",
        "applicant_phone": "01712345678",
    }
    first = post(desk, url, body)
    assert first.status_code == 201, first.content
    second = post(desk, url, {**body, "applicant_name": "Rahim"})
    assert second.status_code == 409
    assert second.json()["existing"]["id"] == first.json()["id"]
    assert second.json()["existing"]["url"].endswith(f"/{first.json()['id']}/")
    assert EmptyingRequest.objects.filter(containment=containment).count() == 1
    # Once the first is cancelled, the containment may be asked for again.
    request = EmptyingRequest.objects.get(pk=first.json()["id"])
    desludging.request_cancel(request=request, reason="Owner away")
    assert post(desk, url, body).status_code == 201


def test_the_database_refuses_a_second_open_request_whatever_writes_it(registers):
    from django.db import IntegrityError, transaction

    containment = registers[0]
    desludging.request_create(containment=containment, applicant_name="A", applicant_phone="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        EmptyingRequest.objects.create(
            municipality_id=containment.municipality_id,
            containment=containment,
            applicant_name="B",
            applicant_phone="2",
            requested_at=timezone.now(),
        )


@pytest.mark.parametrize(
    ("phone", "kept"),
    [
        ("01712345678", "01712345678"),
        ("০১৯১২৩৪৫৬৭৮", "01912345678"),  # Bangla digits
        ("8801312345678", "01312345678"),
        ("0171", None),  # too short
        ("01212345678", None),  # 012 is no operator
        ("021234567", None),  # a landline
        ("017123456789", None),  # 12 digits
    ],
)
def test_phone_numbers_are_bangladeshi_mobiles(desk, registers, phone, kept):
    containment = registers[0]
    created = post(
        desk,
        reverse("containment-api:request-list"),
        {"containment": containment.pk, "applicant_name": "Karim", "applicant_phone": phone},
    )
    if kept is None:
        assert created.status_code == 400, created.content
        assert "applicant_phone" in created.json()["errors"]
    else:
        assert created.status_code == 201, created.content
        assert created.json()["applicant_phone"] == kept


def test_a_second_call_updates_the_open_request_with_its_history(desk, registers, gis_client):
    containment = registers[0]
    created = post(
        desk,
        reverse("containment-api:request-list"),
        {
            "containment": containment.pk,
            "applicant_name": "Karim",
            "applicant_phone": "01712345678",
            "access_notes": "Lane too narrow for the truck",
        },
    ).json()
    assert created["access_notes"] == "Lane too narrow for the truck"
    url = reverse("containment-api:request-detail", args=[created["id"]])
    changed = desk.patch(
        url,
        {
            "applicant_name": "Rahima",
            "applicant_phone": "+880 1812-345678",
            "is_emergency": True,
            "access_notes": "Gate on the east side; lid under the stairs",
        },
        format="json",
    )
    assert changed.status_code == 200, changed.content
    request = EmptyingRequest.objects.get(pk=created["id"])
    assert (request.applicant_name, request.applicant_phone, request.is_emergency) == (
        "Rahima",
        "01812345678",
        True,
    )
    assert request.access_notes.startswith("Gate on the east side")
    history = list(
        EmptyingRequest.pgh_event_model.objects.filter(pgh_obj_id=request.pk)
        .order_by("pgh_created_at")
        .values_list("applicant_name", flat=True)
    )
    assert history == ["Karim", "Rahima"]

    # A bad number, a field a call cannot change, a date past: 400, nothing written.
    for body, field in [
        ({"applicant_phone": "12345"}, "applicant_phone"),
        ({"status": "closed"}, "status"),
        ({"proposed_date": "2020-01-01"}, "proposed_date"),
    ]:
        refused = desk.patch(url, body, format="json")
        assert refused.status_code == 400, body
        assert field in str(refused.json())
    request.refresh_from_db()
    assert request.applicant_phone == "01812345678"
    # Reading is not recording: the GIS officer sees the request but may not change it.
    assert gis_client.patch(url, {"applicant_name": "X"}, format="json").status_code == 403

    desludging.request_cancel(request=request, reason="Owner away")
    closed = desk.patch(url, {"applicant_name": "Late caller"}, format="json")
    assert closed.status_code == 400
    assert "no longer open" in str(closed.json())
