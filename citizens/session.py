"""The holding a citizen proved theirs, kept in the session for a short while (issue 33):
settings.IMIS["CITIZEN_LIMITS"]["SESSION_MINUTES"] from the lookup, then asked again."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from holdings.models import Holding

from .guard import limits

KEY = "citizen_holding"


def open_holding(request: HttpRequest, holding: Holding) -> None:
    request.session.cycle_key()
    until = timezone.now() + dt.timedelta(minutes=limits()["SESSION_MINUTES"])
    request.session[KEY] = {"id": holding.pk, "until": until.isoformat()}


def holding_of(request: HttpRequest, municipality_id: int) -> Holding | None:
    """The holding this session proved, while the proof lasts, in this municipality."""
    kept = request.session.get(KEY) or {}
    try:
        until = dt.datetime.fromisoformat(kept["until"])
    except (KeyError, TypeError, ValueError):
        return None
    if until < timezone.now():
        request.session.pop(KEY, None)
        return None
    return (
        Holding.objects.filter(pk=kept.get("id"), municipality_id=municipality_id)
        .select_related("ward", "municipality")
        .first()
    )


def close(request: HttpRequest) -> None:
    request.session.pop(KEY, None)
