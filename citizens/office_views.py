"""The councillor's and the office's certificate pages (issue 33): the applications of
their wards, each approved (its number, validity and QR code given) or refused with a
reason, and an issued certificate revoked. Thin: services decide who may."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.scope import holds_role_anywhere, user_scope
from spatial.models import Municipality

from . import certificates, selectors, services
from .choices import CertificateStatus
from .forms import ReasonForm
from .models import Certificate
from .public_views import certificate_response


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    if not holds_role_anywhere(user=request.user, roles=services.REVOKERS):
        raise PermissionDenied
    wanted = request.GET.get("status", CertificateStatus.APPLIED)
    if wanted not in CertificateStatus.values:
        wanted = CertificateStatus.APPLIED
    shown = selectors.certificate_list(user=request.user, status=wanted)[:200]
    return render(
        request,
        "citizens/office_certificates.html",
        {
            "certificates": shown,
            "wanted": wanted,
            "statuses": CertificateStatus.choices,
            "code_towns": selectors.code_towns(user=request.user),
        },
    )


def _certificate(request: HttpRequest, pk: int) -> Certificate:
    try:
        return selectors.certificate_get(user=request.user, certificate_id=pk)
    except Certificate.DoesNotExist:
        raise Http404 from None


STEPS = {
    "approve": lambda c, user, reason: services.certificate_approve(certificate=c, user=user),
    "reject": lambda c, user, reason: services.certificate_reject(
        certificate=c, user=user, reason=reason
    ),
    "revoke": lambda c, user, reason: services.certificate_revoke(
        certificate=c, user=user, reason=reason
    ),
}
DONE = {
    "approve": _("Approved: the certificate is issued and the applicant told."),
    "reject": _("Refused: the applicant is told why."),
    "revoke": _("Revoked: its QR code says so from now on."),
}


@login_required
@require_http_methods(["GET", "POST"])
def certificate_page(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        if step not in STEPS:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                STEPS[step](certificate, request.user, form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(
                    "reason" if "reason" in error.message_dict else None,
                    [m for texts in error.message_dict.values() for m in texts],
                )
            else:
                messages.success(request, str(DONE[step]))
                return redirect("citizens:office-certificate", pk)
    verify_url = (
        request.build_absolute_uri(certificates.verify_path(certificate))
        if certificate.number
        else ""
    )
    return render(
        request,
        "citizens/office_certificate.html",
        {
            "certificate": certificate,
            "form": form,
            "may_decide": certificate.status == CertificateStatus.APPLIED
            and services.may_decide(user=request.user, certificate=certificate),
            "may_revoke": certificate.status == CertificateStatus.ISSUED
            and services.may_revoke(user=request.user, certificate=certificate),
            "verify_url": verify_url,
            "history": certificate.cases.values_list("reference", flat=True),
        },
        status=status,
    )


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk)
    if certificate.status not in (CertificateStatus.ISSUED, CertificateStatus.REVOKED):
        raise Http404(_("This application has no certificate."))
    return certificate_response(request, certificate)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def bill_codes(request: HttpRequest) -> HttpResponse:
    """The codes the billing system prints on the bills, one row per holding (codes made
    for holdings that have none yet), for the municipal admin of the whole municipality."""
    code = request.GET.get("municipality", "")
    scope = user_scope(request.user, services.CODE_KEEPERS)
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None or not scope.whole(municipality.pk):
        raise PermissionDenied
    services.bill_codes_issue(municipality=municipality)
    writer = csv.writer(_Echo())
    rows = selectors.bill_code_rows(municipality=municipality)
    body = (writer.writerow(row) for row in rows)
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bill-codes-{municipality.code}.csv"'
    return response
