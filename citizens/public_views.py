"""The citizens' pages that need no holding (issue 33): a complaint with its photo and
place, tracking a reference, the certificate's PDF and the public verification its QR
code opens. Thin: forms check, services write, guard locks and logs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import pdf
from core.forms import add_service_errors

from . import certificates, guard, selectors, services
from .choices import Action, CertificateStatus, Outcome
from .forms import ComplaintForm
from .views import _filed, town_of


@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest, code: str) -> HttpResponse:
    municipality = town_of(code)
    form = ComplaintForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if guard.busy(address=guard.client_address(request), action=Action.COMPLAINT):
            form.add_error(None, _("Too many complaints from here in an hour: try again later."))
            status = 429
        elif form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("latitude"), data.pop("longitude")
            try:
                case = services.complaint_file(municipality=municipality, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _filed(request, municipality, case, Action.COMPLAINT)
    extent = municipality.boundary.extent
    return render(
        request,
        "citizens/complaint.html",
        {
            "municipality": municipality,
            "form": form,
            "config": {
                "basemaps": settings.LEAFLET_CONFIG["TILES"],
                "bounds": [[extent[1], extent[0]], [extent[3], extent[2]]],
            },
        },
        status=status,
    )


def track(request: HttpRequest) -> HttpResponse:
    """The form for a reference; a reference asked for goes to its page."""
    reference = selectors.reference_typed(request.GET.get("reference", ""))
    if reference:
        return redirect("citizens:case", reference)
    return render(request, "citizens/track.html", {})


def _case_or_refuse(request: HttpRequest, reference: str):
    address = guard.client_address(request)
    if guard.locked(municipality_id=None, number_key="", address=address):
        guard.log(request, action=Action.TRACK, outcome=Outcome.LOCKED, reference=reference[:20])
        return None, 429
    case = selectors.case_get(selectors.reference_typed(reference))
    if case is None:
        guard.log(request, action=Action.TRACK, outcome=Outcome.WRONG, reference=reference[:20])
        return None, 404
    guard.log(
        request,
        action=Action.TRACK,
        outcome=Outcome.OK,
        municipality_id=case.municipality_id,
        reference=case.reference,
    )
    return case, 200


def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    case, status = _case_or_refuse(request, reference)
    if case is None:
        response = render(
            request, "citizens/track.html", {"unknown": reference, "locked": status == 429},
            status=status,
        )  # fmt: skip
        if status == 429:
            response["Retry-After"] = str(guard.limits()["LOCK_MINUTES"] * 60)
        return response
    return render(request, "citizens/case.html", {"case": case, **selectors.case_story(case)})


def certificate_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    case, _status = _case_or_refuse(request, reference)
    certificate = case.certificate if case else None
    if certificate is None or certificate.status != CertificateStatus.ISSUED:
        raise Http404(_("No issued certificate has this reference."))
    return certificate_response(request, certificate)


def certificate_response(request: HttpRequest, certificate) -> HttpResponse:
    url = request.build_absolute_uri(certificates.verify_path(certificate))
    return pdf.pdf_response(
        request,
        "citizens/certificate_pdf.html",
        {
            "certificate": certificate,
            "municipality": certificate.municipality,
            "statement": certificate.statement,
            "verify_url": url,
            "qr": certificates.qr_svg(url),
        },
        filename=certificate.number,
    )


def verify(request: HttpRequest, pk: int, signed: str) -> HttpResponse:
    certificate, state = certificates.verification(pk, signed)
    guard.log(
        request,
        action=Action.VERIFY,
        outcome=Outcome.OK if certificate else Outcome.WRONG,
        municipality_id=certificate.municipality_id if certificate else None,
        reference=certificate.number[:20] if certificate else "",
    )
    return render(
        request,
        "citizens/verify.html",
        {
            "certificate": certificate,
            "state": state,
            "statement": getattr(certificate, "statement", {}),
        },
        status=200 if certificate else 404,
    )
