"""What citizens and the councillor do (issue 33), each in a transaction: an emptying
request that enters the desludging chain, a complaint with its photo for the help desk,
a certificate applied for, approved or refused by the councillor and revoked when wrong.
Every filing gets a reference number, sent to the citizen by text message."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from containment import complaints, desludging
from containment.choices import RequestOrigin
from containment.models import ComplaintPhoto, Containment
from core.local import digits
from core.roles import MembershipRole
from core.scope import user_scope
from core.uploads import check_photo
from holdings.models import Holding
from spatial.models import Municipality, Ward

from . import certificates, lookup, messaging
from .choices import CaseKind, CertificateStatus
from .models import BillCode, Certificate, CitizenCase

REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
DECIDERS = frozenset({MembershipRole.EXECUTIVE})
# Who hands the codes on the bills to the billing system.
CODE_KEEPERS = frozenset({MembershipRole.MUNICIPAL_ADMIN})
REVOKERS = frozenset({MembershipRole.EXECUTIVE, MembershipRole.MUNICIPAL_ADMIN})


def _reference() -> str:
    while True:
        found = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{found[:4]}-{found[4:]}"
        if not CitizenCase.objects.filter(reference=reference).exists():
            return reference


def _case(*, municipality_id: int, kind: str, phone: str, **follows: Any) -> CitizenCase:
    case = CitizenCase.objects.create(
        reference=_reference(), municipality_id=municipality_id, kind=kind, phone=phone, **follows
    )
    with translation.override("bn"):
        text = _(
            "Your %(what)s is received. Its reference is %(reference)s: track it on the "
            "municipality's website."
        ) % {"what": CaseKind(kind).label, "reference": case.reference}
    messaging.send_after_commit(municipality_id=municipality_id, phone=phone, text=text)
    return case


@transaction.atomic
def emptying_request(
    *,
    holding: Holding,
    containment: Containment,
    applicant_name: str,
    applicant_phone: str,
    proposed_date: dt.date | None = None,
    access_notes: str = "",
) -> CitizenCase:
    """The holding's citizen asks for one of its tanks to be emptied: a request of the
    desludging chain, as the help desk would take it on a call, marked as made online.
    Raises desludging.RequestConflict while the tank already waits."""
    on_holding = Containment.objects.filter(
        pk=containment.pk, buildings__holding_placements__holding=holding
    )
    if not on_holding.exists():
        raise ValidationError({"containment": [_("This tank is not on your holding.")]})
    request = desludging.request_create(
        containment=containment,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        proposed_date=proposed_date,
        origin=RequestOrigin.ONLINE,
        access_notes=access_notes,
    )
    return _case(
        municipality_id=holding.municipality_id,
        kind=CaseKind.EMPTYING,
        phone=applicant_phone,
        emptying_request=request,
    )


@transaction.atomic
def complaint_file(
    *,
    municipality: Municipality,
    kind: str,
    description: str,
    caller_name: str,
    caller_phone: str,
    place: str = "",
    location: Point | None = None,
    photo: UploadedFile | None = None,
) -> CitizenCase:
    """A citizen's complaint, for the help desk to take on: where it is comes from the
    point the citizen placed (its ward found by the point)."""
    if location is not None and not municipality.boundary.contains(location):
        raise ValidationError({"location": [_("This place is outside the municipality.")]})
    if photo is not None:
        try:
            check_photo(photo)
        except ValidationError as error:
            raise ValidationError({"photo": error.message_dict["image"]}) from None
    ward = (
        Ward.objects.filter(municipality=municipality, geom__contains=location).first()
        if (location is not None)
        else None
    )
    complaint = complaints.complaint_create(
        municipality=municipality,
        kind=kind,
        assigned_role=MembershipRole.FSM_HELP_DESK,
        description=description,
        created_by=None,
        caller_name=caller_name,
        caller_phone=caller_phone,
        place=place,
        location=location,
        ward=ward,
    )
    if photo is not None:
        ComplaintPhoto.objects.create(complaint=complaint, image=photo)
    return _case(
        municipality_id=municipality.pk,
        kind=CaseKind.COMPLAINT,
        phone=caller_phone,
        complaint=complaint,
    )


@transaction.atomic
def certificate_apply(
    *, holding: Holding, kind: str, applicant_name: str, applicant_phone: str, purpose: str = ""
) -> CitizenCase:
    certificate = Certificate(
        municipality=holding.municipality,
        kind=kind,
        holding=holding,
        ward=holding.ward,
        applicant_name=applicant_name.strip(),
        applicant_phone=applicant_phone,
        purpose=purpose.strip(),
    )
    certificate.full_clean(exclude=["municipality", "holding", "ward"])
    certificate.save()
    return _case(
        municipality_id=holding.municipality_id,
        kind=CaseKind.CERTIFICATE,
        phone=applicant_phone,
        certificate=certificate,
    )


def may_decide(*, user: Any, certificate: Certificate) -> bool:
    """The councillor of the holding's ward (an executive of that ward), or an executive
    of the whole municipality (the mayor)."""
    return user_scope(user, DECIDERS).covers(
        municipality_id=certificate.municipality_id, ward_id=certificate.ward_id
    )


def may_revoke(*, user: Any, certificate: Certificate) -> bool:
    return user_scope(user, REVOKERS).covers(
        municipality_id=certificate.municipality_id, ward_id=certificate.ward_id
    )


def _locked(certificate: Certificate, status: str) -> Certificate:
    found = Certificate.objects.select_for_update().select_related(
        "municipality", "ward", "holding"
    )
    locked = found.get(pk=certificate.pk)
    if locked.status != status:
        raise ValidationError(
            {
                "status": [
                    _("This certificate is %(status)s.")
                    % {"status": locked.get_status_display().lower()}
                ]
            }
        )
    return locked


def _tell(certificate: Certificate, text: str) -> None:
    messaging.send_after_commit(
        municipality_id=certificate.municipality_id,
        phone=certificate.applicant_phone,
        text=text,
    )


@transaction.atomic
def certificate_approve(*, certificate: Certificate, user: Any) -> Certificate:
    """The councillor approves: the certificate gets its number and validity, and what it
    states is frozen."""
    if not may_decide(user=user, certificate=certificate):
        raise PermissionDenied
    certificate = _locked(certificate, CertificateStatus.APPLIED)
    # One number at a time per municipality.
    Municipality.objects.select_for_update().filter(pk=certificate.municipality_id).exists()
    today = timezone.localdate()
    certificate.number = certificates.next_number(certificate, today.year)
    certificate.statement = certificates.statement_of(certificate, today=today)
    certificate.valid_until = certificates.valid_until(certificate.kind, today)
    certificate.status = CertificateStatus.ISSUED
    certificate.decided_by, certificate.decided_at = user, timezone.now()
    certificate.save()
    with translation.override("bn"):
        _tell(
            certificate,
            _("Your certificate %(number)s is issued: download it with your reference.")
            % {"number": digits(certificate.number)},
        )
    return certificate


@transaction.atomic
def certificate_reject(*, certificate: Certificate, user: Any, reason: str) -> Certificate:
    if not may_decide(user=user, certificate=certificate):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the certificate is refused.")]})
    certificate = _locked(certificate, CertificateStatus.APPLIED)
    certificate.status, certificate.reason = CertificateStatus.REJECTED, reason.strip()
    certificate.decided_by, certificate.decided_at = user, timezone.now()
    certificate.save()
    with translation.override("bn"):
        _tell(
            certificate,
            _("Your certificate application is refused: %(reason)s")
            % {"reason": certificate.reason},
        )
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, user: Any, reason: str) -> Certificate:
    """Withdraw an issued certificate: its QR code says so from now on."""
    if not may_revoke(user=user, certificate=certificate):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the certificate is revoked.")]})
    certificate = _locked(certificate, CertificateStatus.ISSUED)
    certificate.status, certificate.reason = CertificateStatus.REVOKED, reason.strip()
    certificate.revoked_at = timezone.now()
    certificate.save()
    return certificate


@transaction.atomic
def bill_codes_issue(*, municipality: Municipality) -> int:
    """A code for every holding in service that has none yet; how many were made."""
    missing = Holding.objects.filter(municipality=municipality, bill_code__isnull=True)
    made = [
        BillCode(holding_id=pk, code=lookup.new_bill_code())
        for pk in missing.values_list("pk", flat=True)
    ]
    BillCode.objects.bulk_create(made, batch_size=5000)
    return len(made)


@transaction.atomic
def bill_code_replace(*, holding: Holding) -> str:
    """A new code for a holding whose code leaked: the old one stops working at once."""
    code = lookup.new_bill_code()
    BillCode.objects.update_or_create(holding=holding, defaults={"code": code})
    return code
