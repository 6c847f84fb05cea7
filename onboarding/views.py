"""The pages of a town moving in (issue 35): the municipalities with their checklists,
and a new municipality from its boundary file (the system administrator's). Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors
from core.scope import holds_role_anywhere

from . import selectors, services
from .forms import MunicipalityForm


@login_required
def municipality_list(request: HttpRequest) -> HttpResponse:
    towns = list(selectors.municipalities(user=request.user))
    may_onboard = services.may_onboard(request.user)
    if not may_onboard and not holds_role_anywhere(user=request.user, roles=selectors.READERS):
        raise PermissionDenied
    return render(
        request, "onboarding/municipalities.html", {"towns": towns, "may_onboard": may_onboard}
    )


@login_required
@require_http_methods(["GET", "POST"])
def municipality_new(request: HttpRequest) -> HttpResponse:
    if not services.may_onboard(request.user):
        raise PermissionDenied
    form = MunicipalityForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                town = services.municipality_onboard(**form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The municipality is created: load its registers."))
                return redirect("onboarding:checklist", town.code)
    return render(request, "onboarding/new.html", {"form": form}, status=status)


@login_required
def checklist(request: HttpRequest, code: str) -> HttpResponse:
    town = selectors.municipalities(user=request.user).filter(code=code).first()
    if town is None:
        raise Http404
    return render(
        request,
        "onboarding/checklist.html",
        {
            "municipality": town,
            "items": selectors.checklist(town),
            "mappings": selectors.mappings(town),
        },
    )
