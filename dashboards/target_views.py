"""The municipal admin's indicator targets page (issue 26). Thin: the form is built from
the year's indicators, dashboards/targets.py checks and writes."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import people
from core.forms import submit

from . import targets
from .forms import year_choices


def _form(rows, data=None) -> forms.Form:
    form = forms.Form(data)
    for row in rows:
        form.fields[row["code"]] = forms.DecimalField(
            label=f"{row['code']} · {row['name']}" + (" (%)" if row["percent"] else ""),
            required=False, min_value=0, max_digits=10, decimal_places=4,
            initial=row["target"],
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        )  # fmt: skip
    return form


@login_required
@require_http_methods(["GET", "POST"])
def targets_page(request: HttpRequest) -> HttpResponse:
    administered = people.administered(user=request.user)
    wanted = request.GET.get("municipality") or ""
    municipality = administered.filter(code=wanted).first() if wanted else administered.first()
    if municipality is None:
        if wanted and administered.exists():
            raise Http404(_("Unknown municipality."))
        raise PermissionDenied
    years = [*year_choices(), timezone.localdate().year + 1]
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = 0
    if year not in years:
        raise Http404(_("Choose one of the years offered."))
    rows = targets.target_rows(municipality=municipality, year=year)
    form = _form(rows, request.POST or None)
    status = 200
    if request.method == "POST":
        if submit(
            request,
            form,
            lambda data: targets.targets_save(municipality=municipality, year=year, targets=data),
            done=_("The targets are saved."),
        ):
            url = reverse("dashboards:targets")
            return redirect(f"{url}?municipality={municipality.code}&year={year}")
        status = 400
    return render(
        request,
        "dashboards/targets.html",
        {
            "municipality": municipality,
            "administered": administered,
            "year": year,
            "years": sorted(years, reverse=True),
            "form": form,
        },
        status=status,
    )
