"""Abuse resistance of the citizens' pages (issue 33): every attempt is logged, and
failures lock a holding number (whoever tries it) and a client address (whatever it
tries) for a while. A lookup needs the holding's number and a code only its holder has:
the code printed on the bill, or a one-time code sent to the phone registered for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .choices import Action, Outcome
from .models import CitizenAccess

FAILED = (Outcome.WRONG,)


def limits() -> dict[str, int]:
    return settings.IMIS["CITIZEN_LIMITS"]


def client_address(request: HttpRequest) -> str | None:
    """The citizen's address: REMOTE_ADDR, or behind IMIS_TRUSTED_PROXIES proxies (the
    shipped nginx is one) the address the nearest trusted proxy saw."""
    proxies = settings.IMIS["TRUSTED_PROXIES"]
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _since(minutes: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


def locked(*, municipality_id: int | None, number_key: str, address: str | None) -> bool:
    """Whether lookups of this holding number, or from this address, are refused now."""
    window = _since(limits()["LOCK_MINUTES"])
    failures = CitizenAccess.objects.filter(outcome__in=FAILED, at__gte=window)
    if number_key and (
        failures.filter(municipality_id=municipality_id, number_key=number_key).count()
        >= limits()["FAILURES_PER_HOLDING"]
    ):
        return True
    return bool(
        address
        and failures.filter(client_address=address).count() >= limits()["FAILURES_PER_ADDRESS"]
    )


def busy(*, address: str | None, action: str) -> bool:
    """Whether this address filed more than the hour's share of complaints or requests."""
    if not address:
        return False
    done = CitizenAccess.objects.filter(
        client_address=address, action=action, outcome=Outcome.OK, at__gte=_since(60)
    )
    return done.count() >= limits()["FILINGS_PER_HOUR"]


def log(
    request: HttpRequest,
    *,
    action: str,
    outcome: str,
    municipality_id: int | None = None,
    holding: Any = None,
    number_key: str = "",
    reference: str = "",
) -> CitizenAccess:
    return CitizenAccess.objects.create(
        municipality_id=municipality_id,
        holding=holding,
        number_key=number_key[:60],
        client_address=client_address(request),
        action=action,
        outcome=outcome,
        reference=reference,
    )


__all__ = ["Action", "Outcome", "busy", "client_address", "limits", "locked", "log"]
