"""Loads at the treatment plant: the crew records where it discharged, the plant confirms
what it received or rejects the load with a reason. Only the plant's operators decide."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from containment import desludging
from containment.models import Containment, SludgeDelivery
from core.roles import MembershipRole

from ..conftest import client_for
from ..factories import TreatmentPlantFactory, operator_of
from .test_desludging_api import desk, post, registers  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew_and_plant(town, registers):  # noqa: F811
    """A job emptied by the provider's crew, and the operators of the plant and its crew."""
    containment, provider, vehicle, plant = registers
    crew = operator_of(provider, MembershipRole.PROVIDER_OPERATOR)
    operator = operator_of(plant, MembershipRole.PLANT_OPERATOR)
    request = desludging.request_create(
        containment=containment, applicant_name="Rahima Begum", applicant_phone="01700000000"
    )
    today = timezone.localdate()
    desludging.request_schedule(request=request, provider=provider, scheduled_for=today)
    desludging.request_record_emptying(
        request=request, emptied_on=today, volume_m3=Decimal("2.5"), vehicle=vehicle
    )
    return request, client_for(crew), client_for(operator), plant


def discharge(client, request, plant, volume="2.5"):
    return post(
        client,
        reverse("containment-api:request-delivery", args=[request.pk]),
        {"plant": plant.pk, "volume_m3": volume, "delivered_at": timezone.now().isoformat()},
    )


def queue(client, **params):
    response = client.get(reverse("containment-api:delivery-list"), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_plant_confirms_what_it_received(crew_and_plant):
    request, crew, operator, plant = crew_and_plant
    assert discharge(crew, request, plant).status_code == 200
    waiting = queue(operator, status="discharged")
    assert [load["request"] for load in waiting] == [request.pk]
    load = waiting[0]
    assert (load["plant_name"], load["volume_emptied_m3"]) == ("FSTP", "2.50")
    # The plant sees the job, not the household.
    assert not {"applicant_name", "applicant_phone", "owner_name"} & set(load)
    assert Containment.objects.get(pk=request.containment_id).sludge_destination == ""

    received = timezone.now().isoformat()
    confirm = reverse("containment-api:delivery-confirm", args=[load["id"]])
    done = post(operator, confirm, {"volume_received_m3": "2.3", "received_at": received})
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["volume_received_m3"]) == ("confirmed", "2.30")
    assert queue(operator, status="discharged") == []
    containment = Containment.objects.get(pk=request.containment_id)
    assert containment.sludge_destination == "treatment_plant"
    # A decided load is decided: a second confirmation names its status.
    again = post(operator, confirm, {"volume_received_m3": "2.3", "received_at": received})
    assert again.status_code == 400
    assert "status" in again.json()["errors"]
    detail = crew.get(reverse("containment-api:request-detail", args=[request.pk])).json()
    assert detail["delivery"]["status"] == "confirmed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"volume_received_m3": "2.6"}, "volume_received_m3"),  # more than was emptied
        ({"received_at": "2020-01-01T10:00:00+06:00"}, "received_at"),  # before the discharge
        ({"received_at": "2099-01-01T10:00:00+06:00"}, "received_at"),  # in the future
        ({"volume_received_m3": "0"}, "volume_received_m3"),
        ({"volume_received_m3": "lots"}, "volume_received_m3"),
    ],
)
def test_a_confirmation_that_cannot_be_true_is_refused(crew_and_plant, body, field):
    request, crew, operator, plant = crew_and_plant
    discharge(crew, request, plant)
    load = SludgeDelivery.objects.get()
    sent = {"volume_received_m3": "2.0", "received_at": timezone.now().isoformat(), **body}
    response = post(operator, reverse("containment-api:delivery-confirm", args=[load.pk]), sent)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    load.refresh_from_db()
    assert load.status == "discharged"


def test_a_rejected_load_goes_back_to_the_crew(crew_and_plant, town):
    request, crew, operator, plant = crew_and_plant
    discharge(crew, request, plant)
    load = SludgeDelivery.objects.get()
    reject = reverse("containment-api:delivery-reject", args=[load.pk])
    assert post(operator, reject, {"reason": "  "}).status_code == 400
    refused = post(operator, reject, {"reason": "Mixed with solid waste"})
    assert refused.status_code == 200, refused.content
    assert refused.json()["status"] == "rejected"
    request.refresh_from_db()
    assert (request.status, request.delivered_at) == ("emptied", None)

    # The crew takes the load to the other plant; the rejected load stays on record.
    other = TreatmentPlantFactory(municipality=town.municipality, name="Second FSTP")
    assert discharge(crew, request, other).status_code == 200
    detail = crew.get(reverse("containment-api:request-detail", args=[request.pk])).json()
    assert detail["status"] == "delivered"
    assert detail["delivery"]["plant_name"] == "Second FSTP"
    assert [d["status"] for d in detail["deliveries"]] == ["rejected", "discharged"]
    assert detail["deliveries"][0]["reject_reason"] == "Mixed with solid waste"
    # The first plant keeps its record of the rejection, and has nothing waiting.
    assert [d["status"] for d in queue(operator)] == ["rejected"]
    assert queue(operator, status="discharged") == []


def test_a_closed_request_whose_load_is_rejected_can_be_discharged_again(crew_and_plant, desk):  # noqa: F811
    request, crew, operator, plant = crew_and_plant
    discharge(crew, request, plant)
    feedback = reverse("containment-api:request-feedback", args=[request.pk])
    assert post(desk, feedback, {"service_quality": 4, "ppe_worn": True}).status_code == 200
    load = SludgeDelivery.objects.get()
    assert (
        post(
            operator,
            reverse("containment-api:delivery-reject", args=[load.pk]),
            {"reason": "Too wet"},
        ).json()["status"]
        == "rejected"
    )
    request.refresh_from_db()
    assert request.status == "closed"  # the household's part is done
    # After the rejection the crew records the next discharge; while that one waits, no other.
    assert discharge(crew, request, plant).status_code == 200
    assert discharge(crew, request, plant).status_code == 400
    request.refresh_from_db()
    assert request.status == "closed"


def test_only_the_plants_operators_decide(crew_and_plant, desk, town):  # noqa: F811
    request, crew, _operator, plant = crew_and_plant
    discharge(crew, request, plant)
    load = SludgeDelivery.objects.get()
    body = {"volume_received_m3": "2.0", "received_at": timezone.now().isoformat()}
    confirm = reverse("containment-api:delivery-confirm", args=[load.pk])
    # The help desk and the crew see the load and may not decide on it.
    assert desk.get(reverse("containment-api:delivery-detail", args=[load.pk])).status_code == 200
    assert post(desk, confirm, body).status_code == 403
    assert post(crew, confirm, body).status_code == 403
    # Another plant's operator does not even see it.
    elsewhere = TreatmentPlantFactory(municipality=town.municipality, name="Other")
    stranger = operator_of(elsewhere, MembershipRole.PLANT_OPERATOR)
    assert post(client_for(stranger), confirm, body).status_code == 404
    assert queue(client_for(stranger)) == []
    load.refresh_from_db()
    assert load.status == "discharged"


def test_a_bad_filter_is_a_400(crew_and_plant):
    _request, _crew, operator, _plant = crew_and_plant
    response = operator.get(reverse("containment-api:delivery-list"), {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_the_database_keeps_one_live_load_per_emptying(crew_and_plant):
    request, crew, _operator, plant = crew_and_plant
    discharge(crew, request, plant)
    load = SludgeDelivery.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SludgeDelivery.objects.create(
            emptying=load.emptying,
            plant=plant,
            volume_m3=Decimal("1"),
            delivered_at=timezone.now() - dt.timedelta(minutes=5),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SludgeDelivery.objects.filter(pk=load.pk).update(status="confirmed")  # no volume
