"""The municipal admin's providers, vehicles and plants pages (issue 26). Thin: model forms
check the shape, containment/fsm_office.py checks and writes."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core import people
from core.forms import answer_post
from core.roles import MembershipRole
from spatial.models import Ward

from . import fsm_office
from .models import ServiceProvider, TreatmentPlant, Vehicle


class DateInput(forms.DateInput):
    input_type = "date"


def _coordinate(label, low, high) -> forms.FloatField:
    return forms.FloatField(label=label, min_value=low, max_value=high, required=False)


class ProviderForm(forms.ModelForm):
    class Meta:
        model = ServiceProvider
        fields = ["name", "phone", "is_active", "wards", "operators"]
        widgets = {
            "wards": forms.CheckboxSelectMultiple,
            "operators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wards"].queryset = Ward.objects.filter(municipality=municipality).order_by(
            "number"
        )
        self.fields["wards"].label_from_instance = lambda ward: (
            _("Ward %(number)s") % {"number": ward.number}
        )
        self.fields["operators"].queryset = fsm_office.holders(
            municipality, MembershipRole.PROVIDER_OPERATOR
        )
        self.fields["wards"].label = gettext_lazy("Wards served")


class VehicleForm(forms.ModelForm):
    depot_lon = _coordinate(gettext_lazy("Depot longitude"), -180, 180)
    depot_lat = _coordinate(gettext_lazy("Depot latitude"), -90, 90)

    class Meta:
        model = Vehicle
        fields = ["registration", "capacity_m3", "width_m", "is_active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        depot = self.instance.depot if self.instance.pk else None
        if depot is not None:
            self.fields["depot_lon"].initial, self.fields["depot_lat"].initial = depot.x, depot.y


class PlantForm(forms.ModelForm):
    lon = _coordinate(gettext_lazy("Longitude"), -180, 180)
    lat = _coordinate(gettext_lazy("Latitude"), -90, 90)

    class Meta:
        model = TreatmentPlant
        fields = ["name", "plant_type", "capacity_m3_per_day", "opened_on", "closed_on",
                  "operators"]  # fmt: skip
        widgets = {
            "opened_on": DateInput,
            "closed_on": DateInput,
            "operators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operators"].queryset = fsm_office.holders(
            municipality, MembershipRole.PLANT_OPERATOR
        )
        self.fields["lon"].required = self.fields["lat"].required = True
        if self.instance.pk:
            self.fields["lon"].initial = self.instance.geom.x
            self.fields["lat"].initial = self.instance.geom.y

    def _post_clean(self) -> None:
        """The service validates the model (with the location it builds)."""


def _municipality(request: HttpRequest):
    municipality = people.administered(user=request.user).first()
    if municipality is None:
        raise PermissionDenied
    return municipality


@login_required
def fsm_office_page(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    providers = (
        ServiceProvider.objects.filter(municipality=municipality)
        .prefetch_related("wards", "vehicles", "operators")
        .order_by("name")
    )
    plants = TreatmentPlant.objects.filter(municipality=municipality).order_by("name")
    return render(
        request,
        "containment/fsm_office.html",
        {"municipality": municipality, "providers": providers, "plants": plants},
    )


def _form_page(request, form, title, action) -> HttpResponse:
    answered, status = answer_post(
        request, form, action, done=_("Saved."), then=reverse("containment:office-fsm")
    )
    if answered:
        return answered
    return render(
        request, "containment/fsm_form.html", {"form": form, "title": title}, status=status
    )


def _own(model, municipality, pk: int | None):
    """The municipality's record `pk` (None for a new one); 404 for another's or none."""
    if pk is None:
        return None
    found = model.objects.filter(municipality=municipality, pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    municipality = _municipality(request)
    provider = _own(ServiceProvider, municipality, pk)
    form = ProviderForm(request.POST or None, instance=provider, municipality=municipality)
    return _form_page(
        request,
        form,
        provider.name if provider else _("New service provider"),
        lambda data: fsm_office.provider_save(municipality=municipality, provider=provider, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def vehicle_edit(request: HttpRequest, provider_pk: int, pk: int | None = None) -> HttpResponse:
    municipality = _municipality(request)
    provider = ServiceProvider.objects.filter(municipality=municipality, pk=provider_pk).first()
    vehicle = provider.vehicles.filter(pk=pk).first() if provider and pk is not None else None
    if provider is None or (pk is not None and vehicle is None):
        raise Http404
    form = VehicleForm(request.POST or None, instance=vehicle)
    return _form_page(
        request,
        form,
        vehicle.registration
        if vehicle
        else _("New vehicle of %(provider)s") % {"provider": provider.name},
        lambda data: fsm_office.vehicle_save(provider=provider, vehicle=vehicle, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plant_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    municipality = _municipality(request)
    plant = _own(TreatmentPlant, municipality, pk)
    form = PlantForm(request.POST or None, instance=plant, municipality=municipality)
    return _form_page(
        request,
        form,
        plant.name if plant else _("New treatment plant"),
        lambda data: fsm_office.plant_save(municipality=municipality, plant=plant, **data),
    )
