"""Services of the desludging chain: request -> scheduled -> emptied -> sludge discharged at a
plant -> closed with feedback (or cancelled before emptying). The plant confirms or rejects
each discharged load; only confirmed loads count as delivered to treatment. A real state
machine: every step locks the request row, checks the transition is allowed, stamps its
time and writes in one transaction. Illegal steps raise ValidationError({"status": ...})
with what to do instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import compliance, notices
from .choices import DeliveryStatus, EmptyingMethod, RequestStatus, SludgeDestination
from .models import (
    Containment,
    Emptying,
    EmptyingRequest,
    ServiceFeedback,
    ServiceProvider,
    SludgeDelivery,
    TreatmentPlant,
    Vehicle,
)
from .selectors import active_rule_set

S = RequestStatus
TRANSITIONS: dict[str, set[str]] = {
    S.REQUESTED: {S.SCHEDULED, S.CANCELLED},
    S.SCHEDULED: {S.SCHEDULED, S.EMPTIED, S.CANCELLED},  # re-scheduling is allowed
    S.EMPTIED: {S.DELIVERED},
    S.DELIVERED: {S.CLOSED},
    S.CLOSED: set(),
    S.CANCELLED: set(),
}


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _locked(request: EmptyingRequest, to: str) -> EmptyingRequest:
    """Re-read the request under a row lock and check the step; two clerks cannot both
    record the same step."""
    locked = EmptyingRequest.objects.select_for_update().get(pk=request.pk)
    if to not in TRANSITIONS[locked.status]:
        raise _fail(
            "status",
            _("A request that is %(current)s cannot become %(target)s.")
            % {"current": S(locked.status).label, "target": S(to).label},
        )
    return locked


# A request is open while the containment still waits for its emptying.
OPEN = (S.REQUESTED, S.SCHEDULED)


class RequestConflict(Exception):
    """The containment already waits for an emptying: `existing` is that request."""

    def __init__(self, existing: EmptyingRequest) -> None:
        super().__init__(existing.pk)
        self.existing = existing


@transaction.atomic
def request_create(
    *,
    containment: Containment,
    applicant_name: str,
    applicant_phone: str,
    proposed_date: dt.date | None = None,
    is_emergency: bool = False,
    **contacts: Any,
) -> EmptyingRequest:
    today = timezone.localdate()
    if proposed_date is not None and proposed_date < today:
        raise _fail("proposed_date", _("The proposed date lies in the past."))
    request = EmptyingRequest(
        municipality_id=containment.municipality_id,
        containment=containment,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        proposed_date=proposed_date,
        is_emergency=is_emergency,
        requested_at=timezone.now(),
        **contacts,
    )
    request.full_clean(
        exclude=["municipality", "containment", "provider"], validate_constraints=False
    )
    # One open request per containment: lock the containment so that two desks asking at
    # once queue here, and the second is told about the first (the database's partial
    # unique index request_one_open_per_containment stands behind this).
    type(containment).objects.select_for_update().filter(pk=containment.pk).exists()
    existing = (
        EmptyingRequest.objects.filter(containment=containment, status__in=OPEN)
        .order_by("requested_at")
        .first()
    )
    if existing is not None:
        raise RequestConflict(existing)
    request.save()
    return request


@transaction.atomic
def request_schedule(
    *, request: EmptyingRequest, scheduled_for: dt.date, provider: ServiceProvider
) -> EmptyingRequest:
    request = _locked(request, S.SCHEDULED)
    if scheduled_for < request.requested_at.astimezone(timezone.get_current_timezone()).date():
        raise _fail("scheduled_for", _("The visit cannot be before the request."))
    if provider.municipality_id != request.municipality_id or not provider.is_active:
        raise _fail("provider", _("This provider does not work in this municipality."))
    ward_id = request.containment.ward_id
    if ward_id and not provider.wards.filter(pk=ward_id).exists():
        raise _fail("provider", _("This provider does not serve the containment's ward."))
    request.status, request.scheduled_for, request.provider = S.SCHEDULED, scheduled_for, provider
    request.scheduled_at = timezone.now()
    request.save()
    notices.announce(request, notices.SCHEDULED)
    return request


def emptying_warnings(emptying: Emptying, containment: Containment) -> list[str]:
    """What to check about a recorded emptying: more sludge than the containment's recorded
    volume holds means its dimensions (or the volume) need a second look."""
    capacity = containment.effective_volume_m3
    if capacity is not None and emptying.volume_m3 > capacity:
        return [
            _(
                "%(volume)s m³ is more than the containment's recorded volume "
                "(%(capacity)s m³): check its dimensions."
            )
            % {"volume": emptying.volume_m3, "capacity": capacity}
        ]
    return []


@transaction.atomic
def request_record_emptying(
    *,
    request: EmptyingRequest,
    emptied_on: dt.date,
    volume_m3: Decimal,
    vehicle: Vehicle,
    trips: int = 1,
    crew: str = "",
    cost_bdt: Decimal | None = None,
    receipt_number: str = "",
    finished_at: dt.datetime | None = None,
    problems: list[str] | None = None,
    problem_notes: str = "",
) -> Emptying:
    """Record the emptying; updates the containment's last-emptied date and count and
    re-assesses its compliance."""
    request = _locked(request, S.EMPTIED)
    containment = Containment.objects.select_for_update().get(pk=request.containment_id)
    today = timezone.localdate()
    requested_on = request.requested_at.astimezone(timezone.get_current_timezone()).date()
    if emptied_on > today:
        raise _fail("emptied_on", _("The emptying date lies in the future."))
    if emptied_on < requested_on:
        raise _fail("emptied_on", _("The emptying date is before the request."))
    if vehicle.provider_id != request.provider_id:
        raise _fail("vehicle", _("The vehicle belongs to another provider."))
    if finished_at is not None and (
        finished_at > timezone.now()
        or finished_at.astimezone(timezone.get_current_timezone()).date() != emptied_on
    ):
        raise _fail(
            "finished_at",
            _("The finishing time is on the day of the emptying, not later than now."),
        )
    # More than the recorded volume is kept, with a warning (emptying_warnings): the crew
    # measured the load; the tank's recorded dimensions are likelier to be wrong.
    if volume_m3 > vehicle.capacity_m3 * trips:
        raise _fail(
            "volume_m3",
            _("%(volume)s m³ do not fit in %(trips)s trip(s) of a %(capacity)s m³ vehicle.")
            % {"volume": volume_m3, "trips": trips, "capacity": vehicle.capacity_m3},
        )
    emptying = Emptying(
        request=request,
        emptied_on=emptied_on,
        volume_m3=volume_m3,
        vehicle=vehicle,
        trips=trips,
        crew=crew,
        cost_bdt=cost_bdt,
        receipt_number=receipt_number,
        finished_at=finished_at,
        problems=sorted(set(problems or [])),
        problem_notes=problem_notes,
    )
    emptying.full_clean(exclude=["request", "vehicle"])
    emptying.save()
    request.status, request.emptied_at = S.EMPTIED, timezone.now()
    request.save(update_fields=["status", "emptied_at"])
    if containment.last_emptied_on is None or emptied_on >= containment.last_emptied_on:
        containment.last_emptied_on = emptied_on
    containment.ever_emptied = True
    containment.times_emptied = (containment.times_emptied or 0) + 1
    containment.emptied_by = EmptyingMethod.MECHANICAL  # a vehicle on record
    # Where the sludge went is known once it is delivered.
    containment.sludge_destination = ""
    containment.save(
        update_fields=[
            "last_emptied_on",
            "ever_emptied",
            "times_emptied",
            "emptied_by",
            "sludge_destination",
            "updated_at",
        ]
    )
    _reassess(containment)
    notices.announce(request, notices.EMPTIED)
    return emptying


def _live_delivery(emptying: Emptying) -> SludgeDelivery | None:
    return emptying.deliveries.exclude(status=DeliveryStatus.REJECTED).first()


@transaction.atomic
def request_record_delivery(
    *,
    request: EmptyingRequest,
    volume_m3: Decimal,
    delivered_at: dt.datetime,
    plant: TreatmentPlant | None = None,
    destination: str = SludgeDestination.TREATMENT_PLANT,
    place: str = "",
    recorded_by: Any = None,
) -> SludgeDelivery:
    """The crew records where it discharged the load: at a plant, where the load then waits
    for the plant to confirm or reject it (after a rejection the crew records where it took
    the load next), or elsewhere, which is on record as untreated and is where the
    containment's sludge is known to have gone."""
    to_plant = destination == SludgeDestination.TREATMENT_PLANT
    if to_plant and plant is None:
        raise _fail("plant", _("Name the treatment plant."))
    if not to_plant and plant is not None:
        raise _fail("plant", _("A load taken elsewhere names no treatment plant."))
    if destination not in SludgeDestination.values or destination == SludgeDestination.DONT_KNOW:
        raise _fail("destination", _("Say where the crew took the load."))
    locked = EmptyingRequest.objects.select_for_update().get(pk=request.pk)
    emptying = getattr(locked, "emptying", None)
    again = (
        locked.status in (S.DELIVERED, S.CLOSED)
        and emptying is not None
        and _live_delivery(emptying) is None
    )
    if not again:
        request = _locked(request, S.DELIVERED)
        emptying = request.emptying
    else:
        request = locked
    if plant is not None and plant.municipality_id != request.municipality_id:
        raise _fail("plant", _("The treatment plant is in another municipality."))
    if volume_m3 > emptying.volume_m3:
        raise _fail(
            "volume_m3",
            _("More sludge delivered (%(delivered)s m³) than emptied (%(emptied)s m³).")
            % {"delivered": volume_m3, "emptied": emptying.volume_m3},
        )
    local = delivered_at.astimezone(timezone.get_current_timezone()).date()
    if local < emptying.emptied_on or delivered_at > timezone.now():
        raise _fail("delivered_at", _("Delivery must be after the emptying and not in the future."))
    delivery = SludgeDelivery.objects.create(
        emptying=emptying,
        destination=destination,
        plant=plant,
        place=place.strip()[:200],
        volume_m3=volume_m3,
        delivered_at=delivered_at,
        recorded_by=recorded_by,
        status=DeliveryStatus.DISCHARGED if to_plant else DeliveryStatus.UNTREATED,
    )
    if not to_plant:
        Containment.objects.filter(pk=request.containment_id).update(
            sludge_destination=destination, updated_at=timezone.now()
        )
    if request.status == S.EMPTIED:
        request.status, request.delivered_at = S.DELIVERED, timezone.now()
        request.save(update_fields=["status", "delivered_at"])
    return delivery


def _reviewable(delivery: SludgeDelivery) -> SludgeDelivery:
    """Re-read the load under a row lock; only a load that waits for the plant is decided."""
    locked = (
        SludgeDelivery.objects.select_for_update().select_related("emptying").get(pk=delivery.pk)
    )
    if locked.status != DeliveryStatus.DISCHARGED:
        raise _fail(
            "status",
            _("This load is already %(status)s.")
            % {"status": DeliveryStatus(locked.status).label.lower()},
        )
    return locked


@transaction.atomic
def delivery_confirm(
    *,
    delivery: SludgeDelivery,
    volume_received_m3: Decimal,
    received_at: dt.datetime,
    reviewed_by: Any = None,
) -> SludgeDelivery:
    """The plant confirms the load with the volume it measured and when it received it;
    from now on the load counts as delivered to treatment, and the containment's sludge is
    known to have gone to a treatment plant."""
    delivery = _reviewable(delivery)
    emptying = delivery.emptying
    if volume_received_m3 > emptying.volume_m3:
        raise _fail(
            "volume_received_m3",
            _("More sludge received (%(received)s m³) than emptied (%(emptied)s m³).")
            % {"received": volume_received_m3, "emptied": emptying.volume_m3},
        )
    if received_at < delivery.delivered_at or received_at > timezone.now():
        raise _fail(
            "received_at",
            _("The load is received after it is discharged, and not in the future."),
        )
    delivery.status = DeliveryStatus.CONFIRMED
    delivery.volume_received_m3, delivery.received_at = volume_received_m3, received_at
    delivery.reviewed_by, delivery.reviewed_at = reviewed_by, timezone.now()
    delivery.save()
    Containment.objects.filter(pk=emptying.request.containment_id).update(
        sludge_destination=SludgeDestination.TREATMENT_PLANT, updated_at=timezone.now()
    )
    return delivery


@transaction.atomic
def delivery_reject(
    *, delivery: SludgeDelivery, reason: str, reviewed_by: Any = None
) -> SludgeDelivery:
    """The plant refuses the load. It stays on record; the request goes back to waiting for
    a discharge (a closed request stays closed, and its crew records the next discharge)."""
    if not reason.strip():
        raise _fail("reason", _("Say why the load is rejected."))
    delivery = _reviewable(delivery)
    delivery.status, delivery.reject_reason = DeliveryStatus.REJECTED, reason.strip()[:200]
    delivery.reviewed_by, delivery.reviewed_at = reviewed_by, timezone.now()
    delivery.save()
    request = EmptyingRequest.objects.select_for_update().get(pk=delivery.emptying.request_id)
    if request.status == S.DELIVERED:
        request.status, request.delivered_at = S.EMPTIED, None
        request.save(update_fields=["status", "delivered_at"])
    return delivery


@transaction.atomic
def request_record_feedback(
    *, request: EmptyingRequest, service_quality: int, ppe_worn: bool, comments: str = ""
) -> ServiceFeedback:
    request = _locked(request, S.CLOSED)
    feedback = ServiceFeedback(
        request=request, service_quality=service_quality, ppe_worn=ppe_worn, comments=comments
    )
    feedback.full_clean(exclude=["request"])
    feedback.save()
    request.status, request.closed_at = S.CLOSED, timezone.now()
    request.save(update_fields=["status", "closed_at"])
    return feedback


@transaction.atomic
def request_cancel(*, request: EmptyingRequest, reason: str) -> EmptyingRequest:
    if not reason.strip():
        raise _fail("reason", _("Say why the request is cancelled."))
    request = _locked(request, S.CANCELLED)
    request.status, request.cancelled_at, request.cancel_reason = (
        S.CANCELLED,
        timezone.now(),
        reason.strip()[:200],
    )
    request.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    return request


def _reassess(containment: Containment) -> None:
    rule_set = active_rule_set(municipality=containment.municipality)
    if rule_set is not None:
        compliance.assess(rule_set=rule_set, containment_id=containment.pk)
