"""Reads of citizen services (issue 33): a reference's case and what happened to it, and
the certificates the councillor and the office see."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from core.local import latin_digits
from core.scope import municipalities_visible, user_scope

from .choices import CaseKind, CertificateStatus
from .models import BillCode, Certificate, CitizenCase
from .services import CODE_KEEPERS, REFERENCE_ALPHABET, REVOKERS

_REFERENCE = re.compile(rf"^([{REFERENCE_ALPHABET}]{{4}})-?([{REFERENCE_ALPHABET}]{{4}})$")


def reference_typed(text: str) -> str:
    """A reference as typed ("ac4f-9kty", with spaces) in its stored form, or ""."""
    found = _REFERENCE.match("".join(latin_digits(text or "").upper().split()))
    return f"{found[1]}-{found[2]}" if found else ""


def case_get(reference: str) -> CitizenCase | None:
    if not reference:
        return None
    return (
        CitizenCase.objects.select_related(
            "municipality",
            "emptying_request__containment",
            "emptying_request__provider",
            "complaint",
            "certificate",
        )
        .filter(reference=reference)
        .first()
    )


def case_story(case: CitizenCase) -> dict[str, Any]:
    """What the citizen reads of the case: its status and the steps with their times. No
    names or phones: the reference alone opens this page."""
    if case.kind == CaseKind.EMPTYING:
        request = case.emptying_request
        steps = [
            (request.requested_at, "requested"),
            (request.scheduled_at, "scheduled"),
            (request.emptied_at, "emptied"),
            (request.closed_at, "closed"),
            (request.cancelled_at, "cancelled"),
        ]
        return {
            "status": request.get_status_display(),
            "record": request,
            "steps": [(at, step) for at, step in steps if at],
        }
    if case.kind == CaseKind.COMPLAINT:
        complaint = case.complaint
        steps = [(complaint.created_at, "received"), (complaint.closed_at, "closed")]
        return {
            "status": complaint.get_status_display(),
            "record": complaint,
            "steps": [(at, step) for at, step in steps if at],
        }
    certificate = case.certificate
    steps = [
        (certificate.applied_at, "applied"),
        (
            certificate.decided_at,
            certificate.status if certificate.status != "revoked" else "issued",
        ),
        (certificate.revoked_at, "revoked"),
    ]
    return {
        "status": certificate.get_status_display(),
        "record": certificate,
        "steps": [(at, step) for at, step in steps if at],
        "downloadable": certificate.status == CertificateStatus.ISSUED,
    }


def certificate_list(*, user: Any, status: str | None = None) -> QuerySet[Certificate]:
    """The certificates of the wards the user decides or revokes in."""
    found = user_scope(user, REVOKERS).filter(
        Certificate.objects.select_related("municipality", "ward", "holding")
    )
    return found.filter(status=status) if status else found


def certificate_get(*, user: Any, certificate_id: int) -> Certificate:
    """Certificate.DoesNotExist when unknown or out of the user's wards."""
    return certificate_list(user=user).get(pk=certificate_id)


def bill_code_rows(*, municipality: Any):
    """The header and (ward, holding number, code) of every holding in service."""
    yield ("ward", "holding", "bill_code")
    found = (
        BillCode.objects.filter(
            holding__municipality=municipality, holding__retired_at__isnull=True
        )
        .order_by("holding__ward__number", "holding__number_key")
        .values_list("holding__ward__number", "holding__number", "code")
    )
    yield from found.iterator(chunk_size=5000)


def code_towns(*, user: Any) -> list:
    """The municipalities whose codes on the bills this user hands to the billing system."""
    scope = user_scope(user, CODE_KEEPERS)
    return [m for m in municipalities_visible(user) if scope.whole(m.pk)]


def holding_cases(holding: Any, *, limit: int = 20) -> list[dict[str, Any]]:
    """The holding's requests and certificate applications made on these pages, newest
    first, each with its reference and status (for its citizen, who proved the holding)."""
    found = (
        CitizenCase.objects.filter(
            Q(certificate__holding=holding)
            | Q(emptying_request__containment__buildings__holding_placements__holding=holding)
        )
        .select_related("emptying_request", "certificate")
        .distinct()
        .order_by("-created_at")[:limit]
    )
    return [
        {"case": case, "status": case_story(case)["status"]}
        for case in found
        if case.kind != CaseKind.COMPLAINT
    ]
