"""The building approval pages (issue 32): the applications by stage, a new application
(its footprint drawn on the map or given as a file), an application's page with the step
its reader may take, and the approval certificate. Thin: the forms check the shape, the
services the rules and who acts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from containment.compliance import RULE_LABELS, describe
from core import pdf
from core.forms import add_service_errors
from holdings import numbers
from holdings.models import Holding
from spatial import selectors as spatial_selectors
from spatial.models import Municipality

from . import selectors, services
from .choices import NEXT, Document, Stage
from .forms import ApplicationForm, BuiltForm, DocumentsForm, NoteForm, RejectForm
from .models import Application

# The words of the button that moves an application on, by the stage it moves into.
ADVANCE_LABELS = {
    Stage.DOCUMENTS_CHECKED: gettext_lazy("The documents are complete"),
    Stage.PLAN_REVIEWED: gettext_lazy("The plan is reviewed"),
    Stage.DESIGN_CHECKED: gettext_lazy("Check the septic-tank design"),
    Stage.SITE_INSPECTED: gettext_lazy("The site is inspected"),
    Stage.APPROVED: gettext_lazy("Approve"),
}


@login_required
def office(request: HttpRequest) -> HttpResponse:
    if not selectors.may_read_anywhere(user=request.user):
        raise PermissionDenied
    stage = request.GET.get("stage") or None
    if stage is not None and stage not in Stage.values:
        raise Http404
    context = {
        "applications": selectors.application_list(user=request.user, stage=stage)[:200],
        "stage": stage,
        "stages": Stage.choices,
        "may_submit": selectors.may_submit_anywhere(user=request.user),
    }
    return render(request, "approvals/office.html", context)


def _municipality(request: HttpRequest) -> Municipality:
    visible = [
        m
        for m in spatial_selectors.municipality_list(user=request.user)
        if selectors.may_submit(user=request.user, municipality=m)
    ]
    code = request.GET.get("municipality")
    found = [m for m in visible if not code or m.code == code]
    if not found:
        raise PermissionDenied
    return found[0]


def _holding(municipality: Municipality, number: str) -> Holding | None:
    if not number:
        return None
    found = list(
        Holding.objects.filter(
            municipality=municipality, number_key=numbers.key(number), retired_at=None
        )[:2]
    )
    if len(found) != 1:
        message = _("No single holding has this number; leave it blank or correct it.")
        raise ValidationError({"holding_number": [message]})
    return found[0]


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("footprint_file", None)
        number = data.pop("holding_number", "")
        try:
            application = services.application_submit(
                user=request.user,
                municipality=municipality,
                holding=_holding(municipality, number),
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"footprint": "footprint_file"})
        else:
            messages.success(request, _("The application is received."))
            return redirect(reverse("approvals:application", args=[application.pk]))
    config = {
        "extent": spatial_selectors.municipality_extent(user=request.user),
        "tiles": settings.LEAFLET_CONFIG["TILES"],
    }
    context = {"form": form, "municipality": municipality, "config": config}
    return render(request, "approvals/new.html", context, status=400 if form.errors else 200)


def _application(request: HttpRequest, pk: int) -> Application:
    try:
        return selectors.application_get(user=request.user, application_id=pk)
    except Application.DoesNotExist:
        raise Http404 from None


def _act(request: HttpRequest, application: Application, forms: dict) -> bool:
    """Take the step the POST names; False (its form holding why) when refused."""
    action = request.POST.get("action", "")
    form = forms.get(action)
    if form is None or not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        if action == "document":
            services.document_receive(
                user=request.user,
                application=application,
                kind=data["kind"],
                upload=data.get("file"),
            )
        elif action == "advance":
            services.application_advance(
                user=request.user, application=application, note=data.get("note", "")
            )
        elif action == "reject":
            services.application_reject(
                user=request.user, application=application, reasons=data["reasons"]
            )
        elif action == "built":
            as_built = {"outlet": data["outlet"]} if data.get("outlet") else {}
            services.construction_confirm(
                user=request.user,
                application=application,
                as_approved=data["as_approved"],
                differences=data.get("differences", ""),
                **as_built,
            )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def application_page(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    steps = selectors.next_steps(user=request.user, application=application)
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if posted else None
    forms = {
        "document": DocumentsForm(posted if action == "document" else None, request.FILES or None),
        "advance": NoteForm(posted if action == "advance" else None),
        "reject": RejectForm(posted if action == "reject" else None),
        "built": BuiltForm(posted if action == "built" else None),
    }
    status = 200
    if posted is not None:
        allowed = {"document": steps["documents"], "advance": steps["advance"]}
        allowed |= {"reject": steps["reject"], "built": steps["confirm"]}
        if not allowed.get(action):
            raise PermissionDenied
        if _act(request, application, forms):
            messages.success(request, _("Recorded."))
            return redirect(reverse("approvals:application", args=[application.pk]))
        status = 400
    application = _application(request, pk)
    have = set(application.documents.values_list("kind", flat=True))
    context = {
        "application": application,
        "steps": selectors.next_steps(user=request.user, application=application),
        "forms": forms,
        "advance_label": ADVANCE_LABELS.get(NEXT.get(application.stage), ""),
        "checklist": [(label, kind in have) for kind, label in Document.choices],
        "design": [
            (RULE_LABELS[rule], result["outcome"], describe(rule, result))
            for rule, result in (application.design_outcomes or {}).items()
        ],
        "stages": application.stages.select_related("actor"),
    }
    return render(request, "approvals/application.html", context, status=status)


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if not application.certificate_number:
        raise Http404(_("This application has no certificate."))
    context = {"application": application, "municipality": application.municipality}
    return pdf.pdf_response(
        request,
        "approvals/certificate_pdf.html",
        context,
        filename=application.certificate_number,
    )
