"""Text messages to citizens (issue 33): one-time codes, reference numbers and decisions,
through the deployment's SMS backend (settings.IMIS["NOTICE_BACKEND"], the same as the
households' notices), each attempt kept in the CitizenMessage outbox. Messages are in
Bangla with Bangla digits: the citizen reads them on a phone."""

from __future__ import annotations

import logging
from typing import ClassVar

from django.conf import settings
from django.db import transaction

from containment.notices import backend

from .models import CitizenMessage

log = logging.getLogger("imis.citizens")


class KeptBackend:
    """Keeps the messages in memory, newest last, as Django's locmem mail backend keeps
    mail: for tests and for a demo without an SMS gateway."""

    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, *, phone: str, text: str) -> None:
        type(self).sent.append((phone, text))
        log.info("text to %s: %s", phone, text)


def send(*, municipality_id: int | None, phone: str, text: str, kept: str | None = None):
    """Send `text` now and keep it in the outbox as `kept` (the text with its secret
    masked) or as sent."""
    message = CitizenMessage(
        municipality_id=municipality_id,
        phone=phone,
        text=kept if kept is not None else text,
        backend=settings.IMIS["NOTICE_BACKEND"],
    )
    try:
        backend().send(phone=phone, text=text)
    except Exception as error:  # a gateway's failure must not undo what the citizen did
        log.warning("text to a citizen not sent: %s", error)
        message.status, message.error = CitizenMessage.Status.FAILED, str(error)[:300]
    else:
        message.status = CitizenMessage.Status.SENT
    message.save()
    return message


def send_after_commit(*, municipality_id: int | None, phone: str, text: str) -> None:
    transaction.on_commit(lambda: send(municipality_id=municipality_id, phone=phone, text=text))
