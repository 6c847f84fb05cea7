"""Messages to the household when its desludging request is scheduled and when the tank is
emptied (issue 25). The message goes out after the step's transaction commits, through the
backend named by settings.IMIS["NOTICE_BACKEND"]; each attempt is kept as a HouseholdNotice
(the outbox), sent or failed with the reason. No gateway is wired in: development and tests
use LoggingBackend, which writes the message to the log; a deployment names its own class
with the same `send(*, phone, text)`.

Messages are in Bangla with Bangla digits: they are read by the household.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.local import digits

from .choices import RequestOrigin
from .models import EmptyingRequest, HouseholdNotice

log = logging.getLogger("imis.notices")

SCHEDULED, EMPTIED = "scheduled", "emptied"


class Backend(Protocol):
    def send(self, *, phone: str, text: str) -> None:
        """Hand the message over, or raise to say why not."""


class LoggingBackend:
    """Development and tests: the message is written to the log, nothing leaves."""

    def send(self, *, phone: str, text: str) -> None:
        log.info("notice to %s: %s", phone, text)


def backend() -> Backend:
    return import_string(settings.IMIS["NOTICE_BACKEND"])()


def _text(request: EmptyingRequest, event: str) -> str:
    with translation.override("bn"):
        if event == SCHEDULED and request.origin == RequestOrigin.PLAN:
            return _(
                "The municipality's scheduled desludging: %(provider)s comes to empty your tank "
                "%(code)s on %(day)s. Please keep the tank's cover reachable."
            ) % {
                "code": request.containment.code,
                "provider": request.provider.name if request.provider else "",
                "day": digits(request.scheduled_for.strftime("%d-%m-%Y")),
            }
        if event == SCHEDULED:
            return _(
                "Your request %(id)s for emptying the tank %(code)s: %(provider)s comes on "
                "%(day)s. Please keep the tank's cover reachable."
            ) % {
                "id": digits(request.pk),
                "code": request.containment.code,
                "provider": request.provider.name if request.provider else "",
                "day": digits(request.scheduled_for.strftime("%d-%m-%Y")),
            }
        return _(
            "Your tank %(code)s was emptied. The municipality will call you to ask how the "
            "service went."
        ) % {"code": request.containment.code}


def phone_of(request: EmptyingRequest) -> str:
    """Where the household is told: the caller's phone, else (a request of the plan) the
    owner's."""
    return request.applicant_phone or request.owner_phone


def send_now(*, request_id: int, event: str) -> HouseholdNotice:
    """Compose and send one notice, and keep it in the outbox."""
    request = EmptyingRequest.objects.select_related("containment", "provider").get(pk=request_id)
    text = _text(request, event)
    notice = HouseholdNotice(
        request=request,
        event=event,
        phone=phone_of(request),
        text=text,
        backend=settings.IMIS["NOTICE_BACKEND"],
    )
    try:
        backend().send(phone=notice.phone, text=text)
    except Exception as error:  # a gateway's failure must not undo the step
        log.warning("notice for request %s not sent: %s", request_id, error)
        notice.status, notice.error = HouseholdNotice.Status.FAILED, str(error)[:300]
    else:
        notice.status = HouseholdNotice.Status.SENT
    notice.save()
    return notice


def announce(request: EmptyingRequest, event: str) -> None:
    """Send the notice once the step is committed (never for a step that was rolled back),
    when the household has a phone on record."""
    if not phone_of(request):
        return
    transaction.on_commit(lambda: send_now(request_id=request.pk, event=event))
