"""What a citizen may read (issue 33): a holding found by its ward and number, proved by
the code on its bill or a one-time code sent to its registered phone, and the holding's
status as the registers and the billing feeds know it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from containment.desludging import OPEN
from containment.models import Containment, EmptyingRequest
from containment.selectors import current_assessment
from core.local import latin_digits
from holdings import numbers
from holdings.models import Holding, Ownership, TaxStatus, WasteFee, WaterAccount
from spatial.models import Municipality

from .guard import limits
from .models import BillCode, OneTimeCode

# No 0/O, 1/I/L: a code is read off paper and typed on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
BILL_CODE_LENGTH = 8
OTP_DIGITS = 6


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name")


def holding_find(*, municipality: Municipality, ward_number: int, number: str) -> Holding | None:
    """The holding in service with this number in this ward, however it is written."""
    return (
        Holding.objects.filter(
            municipality=municipality, ward__number=ward_number, number_key=number_key(number)
        )
        .select_related("ward", "municipality")
        .first()
    )


def number_key(number: str) -> str:
    return numbers.key(latin_digits(number or "").strip())[:60]


def _typed(code: str) -> str:
    return "".join(latin_digits(code or "").upper().split()).replace("-", "")


def new_bill_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(BILL_CODE_LENGTH))


def bill_code_for(holding: Holding) -> str:
    """The code the billing system prints on the holding's bills (made on first need)."""
    found = BillCode.objects.filter(holding=holding).first()
    if found is None:
        found, _created = BillCode.objects.get_or_create(
            holding=holding, defaults={"code": new_bill_code()}
        )
    return found.code


def bill_code_matches(holding: Holding, code: str) -> bool:
    found = BillCode.objects.filter(holding=holding).values_list("code", flat=True).first()
    return bool(found) and hmac.compare_digest(found, _typed(code))


def registered_phones(holding: Holding) -> list[str]:
    """The phones of the holding's owners today, as the register has them."""
    phones = Ownership.objects.filter(holding=holding, until__isnull=True).values_list(
        "owner__phone", flat=True
    )
    return list(dict.fromkeys(p for p in phones if p))


def _digest(holding_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"otp:{holding_id}:{code}".encode(), hashlib.sha256).hexdigest()


def otp_allowed(holding: Holding) -> bool:
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    sent = OneTimeCode.objects.filter(holding=holding, created_at__gte=hour_ago).count()
    return sent < limits()["OTP_PER_HOUR"]


def otp_issue(holding: Holding, phone: str) -> str:
    """A new one-time code for the holding (earlier ones stop working); only its digest
    is kept."""
    code = "".join(secrets.choice("0123456789") for _ in range(OTP_DIGITS))
    OneTimeCode.objects.filter(holding=holding, used_at__isnull=True).update(used_at=timezone.now())
    OneTimeCode.objects.create(
        holding=holding,
        phone=phone,
        digest=_digest(holding.pk, code),
        expires_at=timezone.now() + dt.timedelta(minutes=limits()["OTP_MINUTES"]),
    )
    return code


@transaction.atomic
def otp_matches(holding: Holding, code: str) -> bool:
    """Whether `code` is the holding's live one-time code; it works once, and three wrong
    tries end it."""
    live = (
        OneTimeCode.objects.select_for_update()
        .filter(holding=holding, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if live is None:
        return False
    live.attempts += 1
    right = hmac.compare_digest(live.digest, _digest(holding.pk, _typed(code)))
    if right or live.attempts >= 3:
        live.used_at = timezone.now()
    live.save(update_fields=["attempts", "used_at"])
    return right


def _containments(holding: Holding) -> list[dict[str, Any]]:
    found = (
        Containment.objects.filter(buildings__holding_placements__holding=holding)
        .distinct()
        .order_by("code")
    )
    rows = []
    for containment in found:
        assessment = current_assessment(containment=containment)
        waiting = (
            EmptyingRequest.objects.filter(containment=containment, status__in=OPEN)
            .order_by("-requested_at")
            .first()
        )
        rows.append({"containment": containment, "assessment": assessment, "waiting": waiting})
    return rows


def holding_status(holding: Holding) -> dict[str, Any]:
    """What the holding's citizen reads: its buildings and tanks, and its bills as the
    billing systems last reported them (with the day of that report)."""
    tax = TaxStatus.objects.filter(holding=holding).order_by("-fiscal_year").first()
    waste = WasteFee.objects.filter(holding=holding).order_by("-fiscal_year").first()
    return {
        "holding": holding,
        "buildings": list(holding.buildings.order_by("bin")),
        "containments": _containments(holding),
        "tax": tax,
        "water": list(WaterAccount.objects.filter(holding=holding).order_by("account_number")),
        "waste": waste,
    }
