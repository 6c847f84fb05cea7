"""The provider crew's day (issue 25): the jobs scheduled to the providers a user operates,
what each still needs (the emptying, then the discharge), and the photos of an emptying.
Reads go through the chain's selectors, so a crew sees its own jobs and no one else's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.gis.db.models.functions import Transform
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from core.roles import MembershipRole
from core.uploads import check_photo

from . import selectors
from .choices import DeliveryStatus, RequestStatus
from .models import Emptying, EmptyingPhoto, EmptyingRequest, ServiceProvider, SludgeDelivery

S = RequestStatus

# What the crew does next on a job.
EMPTY, DISCHARGE, DONE = "empty", "discharge", "done"
# A load is discharged within days of the emptying; an older emptying with no discharge on
# record is a gap in the records (the desk's to follow up), not the crew's job of the day.
DISCHARGE_WITHIN = dt.timedelta(days=7)


def crew_providers(*, user: Any) -> QuerySet[ServiceProvider]:
    """The providers whose jobs the user works: those he operates (every active provider
    for a superuser)."""
    providers = ServiceProvider.objects.filter(is_active=True).select_related("municipality")
    if user.is_superuser:
        return providers.order_by("name")
    return providers.filter(
        pk__in=selectors.operated_ids(user=user, role=MembershipRole.PROVIDER_OPERATOR)
    ).order_by("name")


def _live_load() -> Exists:
    return Exists(
        SludgeDelivery.objects.filter(emptying__request=OuterRef("pk")).exclude(
            status=DeliveryStatus.REJECTED
        )
    )


def next_step(request: EmptyingRequest, *, has_live_load: bool) -> str:
    if request.status == S.SCHEDULED:
        return EMPTY
    if request.status in (S.EMPTIED, S.DELIVERED, S.CLOSED) and not has_live_load:
        return DISCHARGE
    return DONE


def crew_jobs(*, user: Any, day: dt.date) -> list[dict[str, Any]]:
    """The crew's list for `day`: visits scheduled for that day or left over from earlier
    days, loads of the last week still to discharge (or to take elsewhere after a plant
    refused them), and the jobs finished that day. Each with where the tank is (WGS 84)
    and what comes next."""
    providers = crew_providers(user=user).values("pk")
    jobs = (
        selectors.emptying_request_list(user=user)
        .filter(provider_id__in=providers)
        .filter(
            Q(status=S.SCHEDULED, scheduled_for__lte=day)
            | Q(
                status__in=(S.EMPTIED, S.DELIVERED, S.CLOSED),
                emptying__emptied_on__lte=day,
                emptying__emptied_on__gt=day - DISCHARGE_WITHIN,
            )
        )
        .annotate(has_live_load=_live_load(), point=Transform("containment__geom", 4326))
        .order_by("scheduled_for", "pk")
    )
    rows = []
    for job in jobs:
        step = next_step(job, has_live_load=job.has_live_load)
        emptied_on = getattr(getattr(job, "emptying", None), "emptied_on", None)
        if step == DONE and emptied_on != day:
            continue
        rows.append({"job": job, "step": step, "lon": job.point.x, "lat": job.point.y})
    return rows


def crew_job_get(*, user: Any, request_id: int) -> EmptyingRequest:
    """One job of the user's providers; EmptyingRequest.DoesNotExist otherwise."""
    providers = crew_providers(user=user).values("pk")
    return (
        selectors.emptying_request_list(user=user)
        .filter(provider_id__in=providers)
        .annotate(has_live_load=_live_load(), point=Transform("containment__geom", 4326))
        .get(pk=request_id)
    )


@transaction.atomic
def emptying_add_photo(*, emptying: Emptying, upload: UploadedFile) -> EmptyingPhoto:
    """Attach a JPEG or PNG photo (at most 8 MiB) to an emptying; anything else is refused."""
    check_photo(upload)
    return EmptyingPhoto.objects.create(emptying=emptying, image=upload)


def emptying_photo_get(*, user: Any, photo_id: int) -> EmptyingPhoto:
    """A photo of an emptying whose request the user reads; DoesNotExist otherwise."""
    requests = selectors.emptying_request_list(user=user).values("pk")
    return EmptyingPhoto.objects.get(pk=photo_id, emptying__request_id__in=requests)
