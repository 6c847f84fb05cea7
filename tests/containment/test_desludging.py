"""The desludging chain as a state machine: allowed and refused steps, and what each step
writes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from containment import desludging, services
from containment.models import (
    ComplianceAssessment,
    Emptying,
    EmptyingRequest,
    ServiceProvider,
    Vehicle,
)

from ..factories import BuildingFactory, ContainmentFactory, TreatmentPlantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(town):
    building = BuildingFactory(municipality=town.municipality)
    containment = ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        construction_year=2015,
        users=5,
    )  # 2 x 1.5 x 1.5 = 4.5 m³, never emptied
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug Co")
    provider.wards.add(town.west, town.east)
    vehicle = Vehicle.objects.create(provider=provider, registration="LAK-1", capacity_m3=3)
    plant = TreatmentPlantFactory(
        municipality=town.municipality, name="Lakshmipur FSTP", capacity_m3_per_day=40
    )
    request = desludging.request_create(
        containment=containment, applicant_name="Rahima Begum", applicant_phone="01700000000"
    )
    return containment, provider, vehicle, plant, request


def schedule(chain):
    _c, provider, _v, _p, request = chain
    return desludging.request_schedule(
        request=request, scheduled_for=timezone.localdate(), provider=provider
    )


def empty(chain, volume="4.0", trips=2, **extra):
    vehicle = chain[2]
    return desludging.request_record_emptying(
        request=chain[4],
        emptied_on=timezone.localdate(),
        volume_m3=Decimal(volume),
        vehicle=vehicle,
        trips=trips,
        **extra,
    )


def test_the_whole_chain_stamps_each_step(chain):
    containment, _provider, _vehicle, plant, request = chain
    services.rule_set_ensure(municipality=containment.municipality)
    schedule(chain)
    emptying = empty(chain)
    load = desludging.request_record_delivery(
        request=request, plant=plant, volume_m3=Decimal("3.9"), delivered_at=timezone.now()
    )
    containment.refresh_from_db()
    assert containment.sludge_destination == ""  # the crew's word alone does not say so
    desludging.delivery_confirm(
        delivery=load, volume_received_m3=Decimal("3.8"), received_at=timezone.now()
    )
    desludging.request_record_feedback(request=request, service_quality=4, ppe_worn=True)
    request.refresh_from_db()
    assert request.status == "closed"
    assert all(
        [
            request.requested_at,
            request.scheduled_at,
            request.emptied_at,
            request.delivered_at,
            request.closed_at,
        ]
    )
    containment.refresh_from_db()
    assert containment.last_emptied_on == emptying.emptied_on
    assert (containment.ever_emptied, containment.times_emptied) == (True, 1)
    assert containment.sludge_destination == "treatment_plant"
    assessment = ComplianceAssessment.objects.get(containment=containment)
    assert assessment.outcomes["emptying"]["code"] == "emptied_recently"


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        ([], "emptying"),  # emptied before scheduled
        ([], "delivery"),
        ([], "feedback"),
        (["schedule"], "delivery"),
        (["schedule", "empty"], "feedback"),  # feedback before delivery
        (["schedule", "empty"], "cancel"),  # too late to cancel
        (["schedule", "empty"], "empty"),  # recorded twice (a second clerk)
        (["cancel"], "schedule"),
    ],
)
def test_steps_out_of_order_are_refused(chain, steps, refused):
    _containment, _provider, _vehicle, plant, request = chain
    do = {
        "schedule": lambda: schedule(chain),
        "empty": lambda: empty(chain),
        "delivery": lambda: desludging.request_record_delivery(
            request=request, plant=plant, volume_m3=Decimal("1"), delivered_at=timezone.now()
        ),
        "feedback": lambda: desludging.request_record_feedback(
            request=request, service_quality=3, ppe_worn=False
        ),
        "cancel": lambda: desludging.request_cancel(request=request, reason="owner away"),
        "emptying": lambda: empty(chain),
    }
    for step in steps:
        do[step]()
    before = EmptyingRequest.objects.get(pk=request.pk).status
    with pytest.raises(ValidationError) as exc_info:
        do[refused]()
    assert "cannot become" in exc_info.value.message_dict["status"][0]
    assert EmptyingRequest.objects.get(pk=request.pk).status == before


def test_rescheduling_is_allowed(chain):
    schedule(chain)
    request = desludging.request_schedule(
        request=chain[4],
        scheduled_for=timezone.localdate() + dt.timedelta(days=3),
        provider=chain[1],
    )
    assert request.scheduled_for == timezone.localdate() + dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        # More than the 4.5 m³ tank holds is kept with a warning (test below).
        ({"volume": "4.0", "trips": 1}, "volume_m3"),  # more than one 3 m³ trip
    ],
)
def test_impossible_volumes_are_refused(chain, kwargs, field):
    schedule(chain)
    with pytest.raises(ValidationError) as exc_info:
        empty(chain, **kwargs)
    assert field in exc_info.value.message_dict
    assert not Emptying.objects.exists()
    chain[0].refresh_from_db()
    assert chain[0].times_emptied is None


def test_emptying_dates_must_be_plausible(chain):
    schedule(chain)
    for day, words in (
        (timezone.localdate() + dt.timedelta(days=1), "future"),
        (timezone.localdate() - dt.timedelta(days=30), "before the request"),
    ):
        with pytest.raises(ValidationError) as exc_info:
            desludging.request_record_emptying(
                request=chain[4], emptied_on=day, volume_m3=Decimal("2"), vehicle=chain[2]
            )
        assert words in exc_info.value.message_dict["emptied_on"][0]


def test_delivery_cannot_exceed_what_was_emptied(chain):
    schedule(chain)
    empty(chain, volume="3.0")
    with pytest.raises(ValidationError) as exc_info:
        desludging.request_record_delivery(
            request=chain[4],
            plant=chain[3],
            volume_m3=Decimal("3.5"),
            delivered_at=timezone.now(),
        )
    assert "volume_m3" in exc_info.value.message_dict


def test_provider_must_serve_the_ward(chain, town):
    _c, provider, _v, _p, _request = chain
    provider.wards.remove(town.west)
    with pytest.raises(ValidationError) as exc_info:
        schedule(chain)
    assert "ward" in exc_info.value.message_dict["provider"][0]


def test_vehicle_of_another_provider_is_refused(chain, town):
    schedule(chain)
    other = ServiceProvider.objects.create(municipality=town.municipality, name="Other")
    foreign = Vehicle.objects.create(provider=other, registration="X-1", capacity_m3=5)
    with pytest.raises(ValidationError) as exc_info:
        desludging.request_record_emptying(
            request=chain[4],
            emptied_on=timezone.localdate(),
            volume_m3=Decimal("2"),
            vehicle=foreign,
        )
    assert "vehicle" in exc_info.value.message_dict


def test_proposed_date_in_the_past_is_refused(chain):
    with pytest.raises(ValidationError):
        desludging.request_create(
            containment=chain[0],
            applicant_name="A",
            applicant_phone="1",
            proposed_date=timezone.localdate() - dt.timedelta(days=1),
        )


def test_feedback_quality_is_one_to_five(chain):
    schedule(chain)
    empty(chain)
    desludging.request_record_delivery(
        request=chain[4], plant=chain[3], volume_m3=Decimal("1"), delivered_at=timezone.now()
    )
    with pytest.raises(ValidationError) as exc_info:
        desludging.request_record_feedback(request=chain[4], service_quality=9, ppe_worn=True)
    assert "service_quality" in exc_info.value.message_dict
    assert EmptyingRequest.objects.get(pk=chain[4].pk).status == "delivered"


def test_more_than_the_recorded_volume_is_kept_with_a_warning(chain):
    """Issue 17: the crew measured the load; the tank's recorded size is likelier wrong."""
    from containment.api.desludging_serializers import EmptyingRequestSerializer

    schedule(chain)
    emptying = empty(chain, volume="5.5")  # the tank is recorded as 4.5 m³
    assert emptying.volume_m3 == Decimal("5.5")
    request = EmptyingRequest.objects.select_related("containment", "emptying").get(pk=chain[4].pk)
    warnings = EmptyingRequestSerializer(request).data["emptying"]["warnings"]
    assert len(warnings) == 1
    assert "4.5" in warnings[0]
    assert "check its dimensions" in warnings[0]
    Emptying.objects.filter(pk=emptying.pk).update(volume_m3=Decimal("4.0"))
    request = EmptyingRequest.objects.select_related("containment", "emptying").get(pk=chain[4].pk)
    assert EmptyingRequestSerializer(request).data["emptying"]["warnings"] == []
