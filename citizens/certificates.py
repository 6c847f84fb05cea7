"""Certificates and their verification (issue 33). When the councillor approves, what the
certificate states is frozen, and its QR code links to a public page with a signature of
that statement: the page shows what the certificate states and whether it is valid, and a
changed link, a changed record or a revoked certificate fails."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from holdings.models import Holding, Ownership, TaxStatus

from .choices import CertificateKind, CertificateStatus
from .models import Certificate

VALID, EXPIRED, REVOKED, INVALID = "valid", "expired", "revoked", "invalid"
VALID_DAYS = {CertificateKind.HOLDING: 365, CertificateKind.RESIDENCE: 180}
PREFIX = {CertificateKind.HOLDING: "HC", CertificateKind.RESIDENCE: "RC"}


def statement_of(certificate: Certificate, *, today: dt.date) -> dict[str, Any]:
    """What the certificate states, from the registers as they are at approval: kept as
    codes and names, rendered in the reader's language."""
    holding: Holding = certificate.holding
    owners = Ownership.objects.filter(holding=holding, until__isnull=True).select_related("owner")
    tax = TaxStatus.objects.filter(holding=holding).order_by("-fiscal_year").first()
    return {
        "kind": certificate.kind,
        "municipality": certificate.municipality.name,
        "municipality_bn": certificate.municipality.name_bn,
        "ward": certificate.ward.number,
        "holding": holding.number,
        "address": holding.address,
        "owners": [o.owner.name for o in owners],
        "owners_bn": [o.owner.name_bn or o.owner.name for o in owners],
        "buildings": sorted(holding.buildings.values_list("bin", flat=True)),
        "applicant": certificate.applicant_name,
        "purpose": certificate.purpose,
        "tax_year": tax.fiscal_year if tax else "",
        "tax_arrears": str(tax.arrears) if tax and tax.arrears is not None else "",
        "issued_on": today.isoformat(),
    }


def next_number(certificate: Certificate, year: int) -> str:
    """`LKP-HC-2026-00007`: the municipality, the kind, the year and a count within them.
    The caller holds a lock on the municipality's certificates."""
    prefix = f"{certificate.municipality.code.upper()}-{PREFIX[certificate.kind]}-{year}-"
    last = (
        Certificate.objects.filter(municipality=certificate.municipality, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    count = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{count:05d}"


def valid_until(kind: str, today: dt.date) -> dt.date:
    return today + dt.timedelta(days=VALID_DAYS[CertificateKind(kind)])


def _key() -> bytes:
    return (settings.IMIS["CERTIFICATE_KEY"] or settings.SECRET_KEY).encode()


def signature(certificate: Certificate) -> str:
    """A signature of what the certificate states, its number and validity."""
    signed = json.dumps(
        {
            "id": certificate.pk,
            "number": certificate.number,
            "until": certificate.valid_until.isoformat() if certificate.valid_until else "",
            "statement": certificate.statement,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    digest = hmac.new(_key(), signed.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:15]).decode().lower()


def verify_path(certificate: Certificate) -> str:
    return reverse("citizens:verify", args=[certificate.pk, signature(certificate)])


def verification(pk: int, signed: str) -> tuple[Certificate | None, str]:
    """The certificate a QR link names and its state: valid, expired, revoked, or invalid
    (no such certificate, or the link or the record changed since it was issued)."""
    certificate = (
        Certificate.objects.select_related("municipality", "ward", "holding")
        .filter(pk=pk, status__in=[CertificateStatus.ISSUED, CertificateStatus.REVOKED])
        .first()
    )
    if certificate is None or not hmac.compare_digest(signature(certificate), signed or ""):
        return None, INVALID
    if certificate.status == CertificateStatus.REVOKED:
        return certificate, REVOKED
    if certificate.valid_until and certificate.valid_until < timezone.localdate():
        return certificate, EXPIRED
    return certificate, VALID


def qr_svg(url: str) -> str:
    """The QR code of `url` as an inline SVG (for pages and the PDF)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)
