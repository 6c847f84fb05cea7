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

from core import imports, io, registry
from core.forms import add_service_errors
from core.imports import mapping
from core.roles import REGISTER_EDITOR_ROLES
from core.scope import holds_role_anywhere, user_scope
from spatial.models import Municipality

from . import names, selectors, services
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
            "layers": [(n, registry.get(n).title) for n in imports.importable_layers()],
            "held": selectors.held_rows(town)[:500],
            "last_run": selectors.last_run(town),
        },
    )


def _names_town(request: HttpRequest, code: str, layer: str):
    town = Municipality.objects.filter(code=code).first()
    if town is None or layer not in imports.importable_layers():
        raise Http404
    if not user_scope(request.user, REGISTER_EDITOR_ROLES).whole(town.pk):
        raise PermissionDenied
    return town


@login_required
@require_http_methods(["GET", "POST"])
def town_names(request: HttpRequest, code: str, layer: str) -> HttpResponse:
    """Read a sample of the town's file, map its columns, then its words."""
    town = _names_town(request, code, layer)
    key = f"names:{town.pk}:{layer}"
    saved = mapping.mapping_get(municipality=town, layer=layer)
    columns_saved, values_saved = (saved.columns, saved.values) if saved else ({}, {})
    sample = request.session.get(key)
    status, problem = 200, ""
    if request.method == "POST" and request.POST.get("step") == "read":
        upload = request.FILES.get("file")
        try:
            sample = names.sample_of(upload) if upload else None
        except io.UploadError as error:
            problem, status = str(error), 400
        else:
            if sample is None:
                problem, status = _("Choose a file."), 400
            request.session[key] = sample
    columns_form = words_form = None
    if sample:
        columns_form = names.ColumnsForm(
            request.POST if request.POST.get("step") == "columns" else None,
            layer=layer, columns=sample["columns"], saved=columns_saved,
        )  # fmt: skip
        asked = names.words_asked(layer, sample, columns_saved)
        words_form = names.WordsForm(
            request.POST if request.POST.get("step") == "words" else None,
            asked=asked, saved=values_saved, labels=mapping.attribute_labels(layer),
        ) if asked else None  # fmt: skip
    step = request.POST.get("step") if request.method == "POST" else None
    form = {"columns": columns_form, "words": words_form}.get(step or "")
    if form is not None:
        status = 400
        if form.is_valid():
            given = (
                {"columns": form.mapped(), "values": values_saved}
                if step == "columns"
                else {"columns": columns_saved, "values": form.mapped()}
            )
            try:
                mapping.mapping_set(municipality=town, layer=layer, user=request.user, **given)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved: every import of this layer reads them."))
                return redirect("onboarding:names", town.code, layer)
    return render(
        request,
        "onboarding/names.html",
        {
            "municipality": town,
            "layer": layer,
            "title": registry.get(layer).title,
            "saved_lines": names.saved_lines(layer, saved),
            "saved": saved,
            "problem": problem,
            "columns_form": columns_form,
            "words_form": words_form,
        },
        status=status,
    )
