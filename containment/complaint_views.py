"""The complaints pages (issue 25): the list with the desk's form to take a new one, and
each complaint with its history and the form to move it on. Thin: forms check the input,
containment/complaints.py reads and writes."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.files import private_file_response
from core.forms import add_service_errors, answer_post
from core.roles import COMPLAINT_READER_ROLES
from core.scope import holds_role_anywhere
from spatial import selectors as spatial_selectors

from . import complaints
from .choices import ComplaintKind, ComplaintStatus
from .models import Complaint, ComplaintPhoto
from .operation_forms import ComplaintChangeForm, ComplaintForm

OPEN = [ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS]


@login_required
@require_http_methods(["GET", "POST"])
def complaint_list(request: HttpRequest) -> HttpResponse:
    if not holds_role_anywhere(user=request.user, roles=COMPLAINT_READER_ROLES):
        raise PermissionDenied
    municipalities = [
        m
        for m in spatial_selectors.municipality_list(user=request.user)
        if complaints.may_take_complaints(user=request.user, municipality_id=m.pk)
    ]
    form = ComplaintForm(request.POST or None) if municipalities else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            values = dict(form.cleaned_data)
            where = values.pop("where")
            building, containment = complaints.place_of(user=request.user, text=where)
            anchor = containment or building
            if where and anchor is None:
                form.add_error("where", _("Nothing on the map has this number or code."))
            else:
                municipality = next(
                    (m for m in municipalities if anchor and m.pk == anchor.municipality_id),
                    municipalities[0],
                )
                try:
                    taken = complaints.complaint_create(
                        municipality=municipality,
                        building=building,
                        containment=containment,
                        created_by=request.user,
                        **values,
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("Complaint taken."))
                    return redirect("containment:complaint", taken.pk)
        status = 400
    wanted = request.GET.get("status", "open")
    kind = request.GET.get("kind") or None
    if kind not in ComplaintKind.values:
        kind = None
    shown = complaints.complaint_list(
        user=request.user,
        status=OPEN if wanted == "open" else [wanted] if wanted in ComplaintStatus.values else None,
        kind=kind,
    ).order_by("-created_at")[:200]
    return render(
        request,
        "containment/complaints.html",
        {
            "complaints": shown,
            "form": form,
            "wanted": wanted,
            "kind": kind,
            "statuses": ComplaintStatus.choices,
            "kinds": ComplaintKind.choices,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        complaint = complaints.complaint_get(user=request.user, complaint_id=pk)
    except Complaint.DoesNotExist:
        raise Http404 from None
    may_handle = complaints.may_handle(user=request.user, complaint=complaint)
    form = None
    if may_handle:
        form = ComplaintChangeForm(
            request.POST or None,
            initial={"status": complaint.status, "assigned_role": complaint.assigned_role},
        )
    answered, status = answer_post(
        request,
        form,
        lambda data: complaints.complaint_change(complaint=complaint, **data),
        done=_("The complaint is updated."),
        then=reverse("containment:complaint", args=[pk]),
    )
    if answered:
        return answered
    return render(
        request,
        "containment/complaint.html",
        {"complaint": complaint, "form": form, "history": complaints.complaint_history(complaint)},
        status=status,
    )


@login_required
def complaint_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A complainant's photo, for those who read the complaint."""
    try:
        photo = complaints.complaint_photo_get(user=request.user, photo_id=pk)
    except ComplaintPhoto.DoesNotExist:
        raise Http404 from None
    path = Path(photo.image.path)
    return private_file_response(path, filename=path.name)
