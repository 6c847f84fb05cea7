"""Dashboard pages: parse the choice of municipality, year and ward, call one report, render.
The figures travel to the page's script through json_script."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from containment.choices import ComplianceStatus, JmpRung
from core import pdf
from spatial import selectors as spatial_selectors
from spatial.models import Municipality, Ward

from . import downloads, monthly, reports
from .forms import DashboardQueryForm, MonthlyReportForm, year_choices


class BadChoice(Exception):
    pass


def _choose(request: HttpRequest) -> tuple[Municipality | None, list, DashboardQueryForm]:
    """The municipality the user asked for (else his first), and the parsed query."""
    form = DashboardQueryForm(request.GET)
    if not form.is_valid():
        raise BadChoice(" ".join(e for errors in form.errors.values() for e in errors))
    municipalities = list(spatial_selectors.municipality_list(user=request.user))
    code = form.cleaned_data["municipality"] or (municipalities[0].code if municipalities else None)
    municipality = next((m for m in municipalities if m.code == code), None)
    if code and municipality is None:
        # Outside the user's municipalities: as if it did not exist.
        raise Http404(_("Unknown municipality."))
    return municipality, municipalities, form


def _page_context(request, municipality, municipalities, form, **extra) -> dict:
    return {
        "municipality": municipality,
        "municipalities": municipalities,
        "year": form.cleaned_data["year"],
        "years": year_choices(),
        "language": get_language(),
        **extra,
    }


def _chart_labels() -> dict:
    """The code lists the charts and the ward layers show (their words come from the
    JavaScript catalogue, /jsi18n/)."""
    return {
        "compliance": {choice.value: str(choice.label) for choice in ComplianceStatus}
        | {"not_assessed": _("Not assessed")},
        "rungs": {choice.value: str(choice.label) for choice in JmpRung}
        | {"unknown": _("Unknown (no data)")},
    }


def _bad(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


@login_required
def overview(request: HttpRequest, ward_id: int | None = None) -> HttpResponse:
    """The home page: the municipality's (or one ward's) figures for a year."""
    try:
        municipality, municipalities, form = _choose(request)
    except BadChoice as error:
        return _bad(str(error))
    if ward_id is not None:
        # A ward page belongs to the ward's own municipality (404 outside the user's scope).
        try:
            ward = spatial_selectors.ward_get(user=request.user, ward_id=ward_id)
        except Ward.DoesNotExist:
            raise Http404(_("No such ward.")) from None
        municipality = ward.municipality
    else:
        ward_id = form.cleaned_data["ward"]
    data = None
    if municipality is not None:
        try:
            data = reports.overview(
                municipality=municipality,
                year=form.cleaned_data["year"],
                ward_id=ward_id,
                ward_ids=spatial_selectors.ward_limit(user=request.user, municipality=municipality),
            )
        except LookupError:
            raise Http404(_("No such ward in this municipality.")) from None
    config = {
        "overview": data,
        "labels": _chart_labels(),
        "wardUrl": reverse("dashboards:ward", args=[0]),
        "language": get_language(),
    }
    layers = None
    if ward_id and municipality is not None:
        layers = {
            "extent": spatial_selectors.municipality_extent(user=request.user),
            "tiles": settings.LEAFLET_CONFIG["TILES"],
            "wards": reverse("spatial-api:ward-list") + f"?ward={ward_id}",
            "buildings": reverse("containment-api:building-sanitation-list")
            + f"?ward={ward_id}&limit=20000",
            "containments": reverse("containment-api:containment-list")
            + f"?ward={ward_id}&limit=20000",
        }
        config["layers"] = layers
    template = "dashboards/ward.html" if ward_id else "dashboards/overview.html"
    return render(
        request,
        template,
        _page_context(
            request,
            municipality,
            municipalities,
            form,
            data=data,
            dashboard_config=config,
            wards=[] if data is None else data["wards"],
            ward_id=ward_id,
        ),
    )


@login_required
def ward_map(request: HttpRequest) -> HttpResponse:
    """Choropleth of the wards for the indicator the user picks."""
    try:
        municipality, municipalities, form = _choose(request)
    except BadChoice as error:
        return _bad(str(error))
    data = (
        reports.ward_map(
            municipality=municipality,
            year=form.cleaned_data["year"],
            ward_ids=spatial_selectors.ward_limit(user=request.user, municipality=municipality),
        )
        if municipality
        else None
    )
    config = {
        "wardMap": data,
        "tiles": settings.LEAFLET_CONFIG["TILES"],
        "extent": spatial_selectors.municipality_extent(user=request.user),
        "wardsUrl": reverse("spatial-api:ward-list")
        + (f"?municipality={municipality.code}&limit=1000" if municipality else ""),
        "wardUrl": reverse("dashboards:ward", args=[0]),
        "indicator": request.GET.get("indicator", "safely_managed"),
        "legendNoData": _("No data"),
        "municipalityValue": _("Municipality"),
    }
    return render(
        request,
        "dashboards/ward_map.html",
        _page_context(request, municipality, municipalities, form, map_config=config),
    )


@login_required
def indicator_report(request: HttpRequest) -> HttpResponse:
    """CWIS indicators and FSM KPIs for a year, as a page, CSV, XLSX or PDF (`?lang=`)."""
    try:
        municipality, municipalities, form = _choose(request)
    except BadChoice as error:
        return _bad(str(error))
    if municipality is None:
        return render(request, "dashboards/indicators.html", {"report": None})
    report = reports.indicator_report(municipality=municipality, year=form.cleaned_data["year"])
    export = request.GET.get("export")
    if export == "csv":
        return downloads.indicators_csv(report)
    if export == "xlsx":
        return downloads.indicators_xlsx(report)
    if export == "pdf":
        return pdf.pdf_response(
            request,
            "dashboards/indicators_pdf.html",
            {"report": report, "municipality": municipality, "year": report["year"]},
            filename=f"indicators-{municipality.code}-{report['year']}",
        )
    if export:
        return _bad(
            _("Unknown export format %(format)s: use csv, xlsx or pdf.") % {"format": export}
        )
    return render(
        request,
        "dashboards/indicators.html",
        _page_context(request, municipality, municipalities, form, report=report),
    )


@login_required
def monthly_fsm_report(request: HttpRequest) -> HttpResponse:
    """The monthly FSM report of a municipality (`?year=&month=`), as PDF (`?lang=`)."""
    form = MonthlyReportForm(request.GET)
    if not form.is_valid():
        return _bad(" ".join(e for errors in form.errors.values() for e in errors))
    try:
        municipality, _municipalities, _form = _choose(request)
    except BadChoice as error:
        return _bad(str(error))
    if municipality is None:
        raise Http404(_("Unknown municipality."))
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    report = monthly.monthly_fsm_report(municipality=municipality, year=year, month=month)
    return pdf.pdf_response(
        request,
        "dashboards/monthly_fsm_pdf.html",
        {"report": report, "municipality": municipality},
        filename=f"fsm-{municipality.code}-{year}-{month:02d}",
    )


def public_index(request: HttpRequest) -> HttpResponse:
    """Municipalities that publish their ward figures; open to everyone."""
    return render(
        request,
        "dashboards/public_index.html",
        {"municipalities": spatial_selectors.publishing_municipalities()},
    )


def public_municipality(request: HttpRequest, code: str) -> HttpResponse:
    """One municipality's published ward aggregates; open to everyone."""
    form = DashboardQueryForm(request.GET)
    if not form.is_valid():
        return _bad(" ".join(e for errors in form.errors.values() for e in errors))
    try:
        municipality = spatial_selectors.publishing_municipality_get(code=code)
    except Municipality.DoesNotExist:
        raise Http404(_("No published figures for this municipality.")) from None
    data = reports.public_wards(
        municipality=municipality,
        year=form.cleaned_data["year"],
        min_buildings=settings.IMIS["PUBLIC_MIN_BUILDINGS"],
    )
    return render(
        request,
        "dashboards/public.html",
        {
            "municipality": municipality,
            "data": data,
            "year": form.cleaned_data["year"],
            "years": year_choices(),
        },
    )
