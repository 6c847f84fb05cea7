"""The pages that change the holding register (issue 31): a new holding (from a
building's page, on that building), and a holding split into parts or merged with its
neighbours, each with the deed behind it. Thin: the forms check the shape, the services
write and check the municipality's rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors
from core.roles import REGISTER_EDITOR_ROLES
from core.scope import user_scope
from spatial.models import Building, Municipality, Ward

from . import numbers, selectors, services
from .forms import HoldingForm, MergeForm, SplitForm
from .models import Holding


def _page(request, template_title: str, form, submit: str, status: int, **extra) -> HttpResponse:
    context = {"title": template_title, "form": form, "submit": submit, **extra}
    return render(request, "holdings/edit.html", context, status=status)


def _bins(municipality: Any, text: str) -> list[Building]:
    wanted = [b for b in text.replace(",", " ").split() if b]
    found = {
        b.bin: b
        for b in Building.objects.filter(
            municipality=municipality, bin__in=wanted, retired_at__isnull=True
        )
    }
    unknown = [b for b in wanted if b not in found]
    if unknown:
        message = _("No building in service has the BIN %(bins)s.")
        raise ValidationError({"buildings": [message % {"bins": ", ".join(unknown)}]})
    return [found[b] for b in wanted]


def _new_holding_place(request: HttpRequest) -> tuple[Municipality, Building | None]:
    """The municipality of a new holding: its building's (?bin=), or ?municipality=."""
    scope = user_scope(request.user, REGISTER_EDITOR_ROLES)
    building = None
    if request.GET.get("bin"):
        building = (
            Building.objects.filter(bin=request.GET["bin"], retired_at__isnull=True)
            .select_related("municipality")
            .first()
        )
        if building is None:
            raise Http404
        municipality = building.municipality
    else:
        municipality = Municipality.objects.filter(code=request.GET.get("municipality", "")).first()
    if municipality is None or not scope.touches(municipality.pk):
        raise PermissionDenied
    return municipality, building


def new_holding_url(building: Any, user: Any) -> str:
    """The page adding a holding on `building`, "" for those who may not."""
    if not selectors.may_edit(
        user=user, municipality_id=building.municipality_id, ward_id=building.ward_id
    ):
        return ""
    return reverse("holdings:new") + f"?bin={building.bin}"


@login_required
@require_http_methods(["GET", "POST"])
def new_holding(request: HttpRequest) -> HttpResponse:
    municipality, building = _new_holding_place(request)
    scope = user_scope(request.user, REGISTER_EDITOR_ROLES)
    wards = Ward.objects.filter(municipality=municipality).order_by("number")
    if not scope.whole(municipality.pk):
        wards = wards.filter(pk__in=scope.ward_ids)
    initial = {"buildings": building.bin, "ward": building.ward_id} if building else {}
    form = HoldingForm(request.POST or None, wards=wards, initial=initial)
    title = _("New holding") + f" · {municipality.local_name}"
    if request.method == "GET" or not form.is_valid():
        return _page(request, title, form, _("Register the holding"), 400 if form.errors else 200)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            holding = services.holding_create(
                municipality=municipality,
                ward=data["ward"],
                number=data["number"],
                buildings=_bins(municipality, data["buildings"]),
                **{k: data[k] for k in services.HOLDING_FIELDS if data.get(k) not in (None, "")},
            )
            if form.owners():
                services.owners_set(holding=holding, owners=form.owners())
    except ValidationError as error:
        add_service_errors(form, error, aliases={"owners": "name"})
        return _page(request, title, form, _("Register the holding"), 400)
    messages.success(request, _("The holding is registered."))
    return redirect(reverse("holdings:holding", args=[holding.pk]))


def _editable(request: HttpRequest, pk: int) -> Holding:
    try:
        holding = selectors.holding_get(user=request.user, holding_id=pk)
    except Holding.DoesNotExist:
        raise Http404 from None
    if holding.retired_at is not None or not selectors.may_edit(
        user=request.user, municipality_id=holding.municipality_id, ward_id=holding.ward_id
    ):
        raise PermissionDenied
    return holding


def _evidence(change, data) -> None:
    if data.get("evidence"):
        services.change_attach_evidence(change=change, upload=data["evidence"])


@login_required
@require_http_methods(["GET", "POST"])
def split(request: HttpRequest, pk: int) -> HttpResponse:
    holding = _editable(request, pk)
    buildings = list(holding.buildings.order_by("bin"))
    form = SplitForm(request.POST or None, request.FILES or None, buildings=buildings)
    title = _("Split holding %(number)s") % {"number": holding.number}
    extra = {"holding": holding}
    if request.method == "GET" or not form.is_valid():
        status = 400 if form.errors else 200
        return _page(request, title, form, _("Split the holding"), status, **extra)
    by_pk = {b.pk: b for b in buildings}
    parts = [{**p, "buildings": [by_pk[b] for b in p["buildings"]]} for p in form.parts()]
    data = form.cleaned_data
    try:
        with transaction.atomic():
            change = services.holding_split(
                user=request.user,
                holding=holding,
                parts=parts,
                happened_on=data["happened_on"],
                evidence_reference=data.get("evidence_reference", ""),
            )
            _evidence(change, data)
    except ValidationError as error:
        add_service_errors(form, error, aliases={"number": "number_1", "parts": "number_2"})
        return _page(request, title, form, _("Split the holding"), 400, **extra)
    messages.success(request, _("The holding is split."))
    return redirect(reverse("holdings:holding", args=[change.after.order_by("pk").first().pk]))


def _others(holding: Holding, text: str) -> list[Holding]:
    found, unknown = [], []
    for number in (n.strip() for n in text.split(",")):
        key = numbers.key(number)
        if not key:
            continue
        other = Holding.objects.filter(
            municipality_id=holding.municipality_id, ward_id=holding.ward_id, number_key=key
        ).first()
        if other is None or other.pk == holding.pk:
            unknown.append(number)
        else:
            found.append(other)
    if unknown or not found:
        message = _("No other holding of this ward has the number %(n)s.")
        raise ValidationError({"others": [message % {"n": ", ".join(unknown) or text}]})
    return found


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    holding = _editable(request, pk)
    form = MergeForm(
        request.POST or None, request.FILES or None, initial={"number": holding.number}
    )
    title = _("Merge holdings into %(number)s") % {"number": holding.number}
    extra = {"holding": holding}
    if request.method == "GET" or not form.is_valid():
        status = 400 if form.errors else 200
        return _page(request, title, form, _("Merge the holdings"), status, **extra)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            change = services.holding_merge(
                user=request.user,
                holdings=[holding, *_others(holding, data["others"])],
                number=data["number"],
                happened_on=data["happened_on"],
                evidence_reference=data.get("evidence_reference", ""),
            )
            _evidence(change, data)
    except ValidationError as error:
        add_service_errors(form, error, aliases={"holdings": "others"})
        return _page(request, title, form, _("Merge the holdings"), 400, **extra)
    messages.success(request, _("The holdings are merged."))
    return redirect(reverse("holdings:holding", args=[change.after.get().pk]))
