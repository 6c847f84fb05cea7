"""A plan put to work (issue 26): the desk or the admin adjusts the planner's days (moves a
visit to another day of the plan, or drops it), then turns the plan into scheduled
emptying requests with a provider. Services, each in one transaction.

A request made from a plan has no caller: its origin is the plan (RequestOrigin.PLAN) and the
household is reached through the owner's contact the containment's latest request gave, when
there is one. Visits already turned into requests, of containments with a request open
(the desk's), of retired containments, of wards the provider does not serve, or of days
already past are left as they are and counted, so that running it again schedules only
what is left."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.local import digits

from . import notices
from .choices import RequestOrigin, RequestStatus
from .models import DesludgingPlan, EmptyingRequest, PlannedVisit, ServiceProvider

OPEN = (RequestStatus.REQUESTED, RequestStatus.SCHEDULED)


def skip_message(reason: str, count: int) -> str:
    """Why `count` visits were not scheduled, in the reader's language."""
    texts = {
        "scheduled": ngettext(
            "%(count)s visit was already a request.",
            "%(count)s visits were already requests.",
            count,
        ),
        "retired": ngettext(
            "%(count)s visit is of a retired containment.",
            "%(count)s visits are of retired containments.",
            count,
        ),
        "open": ngettext(
            "%(count)s containment already has a request open: the help desk has it.",
            "%(count)s containments already have a request open: the help desk has them.",
            count,
        ),
        "past": ngettext(
            "%(count)s visit is on a day already past: make a new plan for it.",
            "%(count)s visits are on days already past: make a new plan for them.",
            count,
        ),
        "ward": ngettext(
            "%(count)s visit is in a ward the provider does not serve: schedule it with "
            "another provider.",
            "%(count)s visits are in wards the provider does not serve: schedule them with "
            "another provider.",
            count,
        ),
    }
    return texts[reason] % {"count": digits(count)}


def scheduled_count(plan: DesludgingPlan) -> int:
    """How many of the plan's visits are requests."""
    return EmptyingRequest.objects.filter(planned_visit__plan=plan).count()


def requests_of(visit_ids: list[int]) -> dict[int, int]:
    """{visit id: its request's id} for those of the visits that are requests."""
    return dict(
        EmptyingRequest.objects.filter(planned_visit_id__in=visit_ids).values_list(
            "planned_visit_id", "pk"
        )
    )


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _movable(visit: PlannedVisit) -> PlannedVisit:
    visit = PlannedVisit.objects.select_for_update().select_related("plan").get(pk=visit.pk)
    if EmptyingRequest.objects.filter(planned_visit=visit).exists():
        raise _fail("visit", _("This visit is already a request: change the request instead."))
    return visit


@transaction.atomic
def visit_move(*, visit: PlannedVisit, visit_date: dt.date) -> PlannedVisit:
    """Move a visit to another day of its plan, if that day has the trips left for it."""
    visit = _movable(visit)
    plan = visit.plan
    days = set(plan.visits.values_list("visit_date", flat=True))
    if visit_date not in days:
        raise _fail("visit_date", _("Choose one of the plan's days."))
    if visit_date < timezone.localdate():
        raise _fail("visit_date", _("That day is already past."))
    DesludgingPlan.objects.select_for_update().filter(pk=plan.pk).exists()  # one move at a time
    used = (
        plan.visits.filter(visit_date=visit_date).exclude(pk=visit.pk).aggregate(t=Sum("trips"))
    )["t"] or 0
    if used + visit.trips > plan.daily_trips:
        raise _fail(
            "visit_date",
            _("That day is full: %(used)s of %(trips)s trips are taken.")
            % {"used": used, "trips": plan.daily_trips},
        )
    visit.visit_date = visit_date
    visit.save(update_fields=["visit_date"])
    return visit


@transaction.atomic
def visit_drop(*, visit: PlannedVisit) -> None:
    """Take a visit out of its plan (the containment is left for a later plan)."""
    _movable(visit).delete()


def _owner_contacts(containment_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Per containment: the owner's (else the caller's) name and phone its latest request
    gave, for the household to be told of the visit."""
    contacts: dict[int, tuple[str, str]] = {}
    rows = (
        EmptyingRequest.objects.filter(containment_id__in=containment_ids)
        .order_by("containment_id", "-requested_at")
        .distinct("containment_id")
        .values_list("containment_id", "owner_name", "owner_phone", "applicant_name",
                     "applicant_phone")
    )  # fmt: skip
    for containment_id, owner, owner_phone, caller, caller_phone in rows:
        contacts[containment_id] = (owner or caller, owner_phone or caller_phone)
    return contacts


@transaction.atomic
def plan_schedule(*, plan: DesludgingPlan, provider: ServiceProvider) -> dict[str, Any]:
    """Turn the plan's visits into requests scheduled with `provider` on the visits' days.
    Returns {"scheduled": n, "skipped": {reason: n}}."""
    if provider.municipality_id != plan.municipality_id or not provider.is_active:
        raise _fail("provider", _("This provider does not work in this municipality."))
    DesludgingPlan.objects.select_for_update().filter(pk=plan.pk).exists()  # one run at a time
    today = timezone.localdate()
    served = set(provider.wards.values_list("pk", flat=True))
    visits = list(plan.visits.select_related("containment").order_by("visit_date", "position"))
    made = set(
        EmptyingRequest.objects.filter(planned_visit__plan=plan).values_list(
            "planned_visit_id", flat=True
        )
    )
    ids = [v.containment_id for v in visits]
    open_ = set(
        EmptyingRequest.objects.select_for_update()
        .filter(containment_id__in=ids, status__in=OPEN)
        .values_list("containment_id", flat=True)
    )
    contacts = _owner_contacts(ids)
    skipped: Counter = Counter()
    created = []
    now = timezone.now()
    for visit in visits:
        containment = visit.containment
        if visit.pk in made:
            skipped["scheduled"] += 1
        elif containment.retired_at is not None:
            skipped["retired"] += 1
        elif containment.pk in open_:
            skipped["open"] += 1
        elif visit.visit_date < today:
            skipped["past"] += 1
        elif containment.ward_id not in served:
            skipped["ward"] += 1
        else:
            owner, phone = contacts.get(containment.pk, ("", ""))
            created.append(
                EmptyingRequest(
                    municipality_id=plan.municipality_id,
                    containment=containment,
                    origin=RequestOrigin.PLAN,
                    planned_visit=visit,
                    owner_name=owner,
                    owner_phone=phone,
                    status=RequestStatus.SCHEDULED,
                    provider=provider,
                    proposed_date=visit.visit_date,
                    scheduled_for=visit.visit_date,
                    requested_at=now,
                    scheduled_at=now,
                )
            )
            open_.add(containment.pk)
    EmptyingRequest.objects.bulk_create(created, batch_size=1000)
    for request in created:
        notices.announce(request, notices.SCHEDULED)
    return {"scheduled": len(created), "skipped": dict(skipped)}
