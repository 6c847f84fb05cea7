"""The holdings pages (issue 31): the revenue desk of the municipality's editors (a feed
checked and imported, the imports so far, the settings of its admin), the reconciliation
queue, and a holding's own page. Thin: forms check the shape, the services do the work."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import jobs as core_jobs
from core import people
from core.forms import add_service_errors
from core.models import LayerJob
from spatial import selectors as spatial_selectors
from spatial.models import Municipality

from . import importing, jobs, privacy, reconciliation, selectors, services
from .choices import QueueState
from .forms import DismissForm, FeedFileForm, ResolveForm, SettingsForm, TransferForm
from .models import Holding, Ownership, QueuedRow


def _feed_municipality(request: HttpRequest) -> Municipality:
    ids = selectors.feed_municipalities(user=request.user)
    found = Municipality.objects.order_by("name")
    if ids is not None:
        found = found.filter(pk__in=ids)
    code = request.GET.get("municipality")
    municipality = (found.filter(code=code) if code else found).first()
    if municipality is None:
        raise PermissionDenied
    return municipality


def _run_file(request: HttpRequest, municipality: Municipality, form: FeedFileForm, commit: bool):
    """The feed (or register) file the form carries, checked or imported: its report, or
    for a large file the background job started (its progress shown on the desk)."""
    upload, feed = form.cleaned_data["file"], form.cleaned_data["feed"]
    if jobs.background(upload):
        return jobs.feed_job_start(
            user=request.user, municipality=municipality, feed=feed, upload=upload, commit=commit
        )
    return importing.import_rows(
        feed=feed,
        user=request.user,
        municipality=municipality,
        records=importing.sheet_rows(upload.read(), upload.name),
        commit=commit,
        file_name=upload.name,
    )


def _job(request: HttpRequest, municipality: Municipality) -> LayerJob | None:
    number = request.GET.get("job") or request.POST.get("job") or ""
    if not number.isdigit():
        return None
    found = LayerJob.objects.filter(
        pk=int(number), owner=request.user, municipality=municipality, layer=jobs.LAYER
    ).first()
    if found is None:
        raise Http404
    return found


def _desk(municipality: Municipality, job: LayerJob | None = None) -> HttpResponse:
    query = f"?municipality={municipality.code}" + (f"&job={job.pk}" if job else "")
    return redirect(reverse("holdings:office") + query)


@login_required
@require_http_methods(["GET", "POST"])
def office(request: HttpRequest) -> HttpResponse:
    """Revenue feeds: check a file, import it, see the imports and what waits."""
    municipality = _feed_municipality(request)
    administers = people.administered(user=request.user).filter(pk=municipality.pk).exists()
    rules = services.holding_settings(municipality)
    form = FeedFileForm()
    settings_form = SettingsForm(instance=rules)
    job = _job(request, municipality)
    report, status = (job.result or None) if job else None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("check", "import"):
            form = FeedFileForm(request.POST, request.FILES)
            status = 400
            if form.is_valid():
                try:
                    report = _run_file(request, municipality, form, action == "import")
                except ValidationError as error:
                    add_service_errors(form, error)
                if isinstance(report, LayerJob):
                    return _desk(municipality, report)
                if report is not None:
                    status = 200 if not report.problem_count else 400
        elif action == "commit-job" and job is not None:
            try:
                return _desk(municipality, core_jobs.import_job_commit(checked=job))
            except core_jobs.JobError as error:
                messages.error(request, str(error))
                return _desk(municipality, job)
        elif action == "settings" and administers:
            settings_form = SettingsForm(request.POST, instance=rules)
            status = 400
            if settings_form.is_valid():
                settings_form.instance.municipality = municipality
                settings_form.save()
                messages.success(request, _("The holding settings are saved."))
                return _desk(municipality)
        else:
            status = 400
    context = {
        "municipality": municipality,
        "form": form,
        "report": report,
        "job": job,
        "settings_form": settings_form if administers else None,
        "imports": selectors.feed_imports(user=request.user, municipality=municipality)[:12],
        "waiting": selectors.queue_list(user=request.user, municipality=municipality).count(),
    }
    return render(request, "holdings/office.html", context, status=status)


def _candidates(rows: list[QueuedRow]) -> dict[int, Holding]:
    ids = {pk for row in rows for pk in row.candidates}
    return {h.pk: h for h in Holding.objects.filter(pk__in=ids).select_related("ward")}


def _footprints(rows: list[QueuedRow], candidates: dict[int, Holding]) -> dict:
    """The candidates' footprints as GeoJSON, each naming the queued rows it may answer."""
    rows_of: dict[int, list[dict]] = {}
    for row in rows:
        for pk in row.candidates:
            rows_of.setdefault(pk, []).append({"id": row.pk, "sent": row.holding_number})
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": holding.pk,
                "geometry": json.loads(holding.geom.geojson),
                "properties": {
                    "number": holding.number,
                    "ward": holding.ward.number,
                    "rows": rows_of.get(holding.pk, []),
                },
            }
            for holding in candidates.values()
            if holding.geom is not None
        ],
    }


def _resolve(request: HttpRequest, municipality: Municipality, form: ResolveForm) -> None:
    row = selectors.queued_row_get(user=request.user, row_id=form.cleaned_data["row"])
    chosen = form.cleaned_data.get("holding")
    if not chosen and form.cleaned_data.get("number"):
        found = selectors.holding_list(
            user=request.user, municipality=municipality, number=form.cleaned_data["number"]
        )
        if form.cleaned_data.get("ward"):
            found = found.filter(ward__number=form.cleaned_data["ward"])
        matches = list(found[:2])
        if len(matches) != 1:
            raise ValidationError(
                {"number": [_("Name one holding: give its number and its ward.")]}
            )
        chosen = matches[0].pk
    if not chosen:
        raise ValidationError({"number": [_("Choose a holding, or give its number.")]})
    holding = selectors.holding_get(user=request.user, holding_id=chosen)
    reconciliation.resolve(user=request.user, row=row, holding=holding)


@login_required
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    """The feed rows that matched no holding, or several: tie each to its holding (from
    its candidates, or by number and ward) or leave it unwritten with a reason."""
    municipality = _feed_municipality(request)
    status = 200
    error_row, resolve_error = None, None
    if request.method == "POST":
        action = request.POST.get("action")
        form = ResolveForm(request.POST) if action == "resolve" else DismissForm(request.POST)
        status = 400
        if action in ("resolve", "dismiss") and form.is_valid():
            try:
                if action == "resolve":
                    _resolve(request, municipality, form)
                    messages.success(request, _("The row is written to the holding."))
                else:
                    row = selectors.queued_row_get(
                        user=request.user, row_id=form.cleaned_data["row"]
                    )
                    reconciliation.dismiss(
                        user=request.user, row=row, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The row is left unwritten."))
                return redirect(reverse("holdings:queue") + f"?municipality={municipality.code}")
            except (ValidationError, QueuedRow.DoesNotExist, Holding.DoesNotExist) as error:
                error_row = request.POST.get("row")
                resolve_error = (
                    " ".join(m for texts in error.message_dict.values() for m in texts)
                    if isinstance(error, ValidationError)
                    else _("Unknown row or holding.")
                )
    rows = list(selectors.queue_list(user=request.user, municipality=municipality)[:200])
    candidates = _candidates(rows)
    for row in rows:
        row.candidate_holdings = [candidates[pk] for pk in row.candidates if pk in candidates]
        row.candidate_ids = ",".join(str(h.pk) for h in row.candidate_holdings if h.geom)
    map_config = {
        "tiles": settings.LEAFLET_CONFIG["TILES"],
        "extent": spatial_selectors.municipality_extent(user=request.user),
        "candidates": _footprints(rows, candidates),
    }
    context = {
        "municipality": municipality,
        "map_config": map_config,
        "rows": rows,
        "total": selectors.queue_list(user=request.user, municipality=municipality).count(),
        "error_row": error_row,
        "resolve_error": resolve_error,
        "states": QueueState,
    }
    return render(request, "holdings/queue.html", context, status=status)


def _transfer(request: HttpRequest, holding: Holding, form: TransferForm) -> bool:
    """Record the transfer the form describes (with its scan); False when refused."""
    if not form.is_valid():
        return False
    data, owners = form.cleaned_data, form.owners()
    try:
        with transaction.atomic():
            change = services.ownership_transfer(
                user=request.user,
                holding=holding,
                owners=owners,
                happened_on=data["happened_on"],
                evidence_reference=data.get("evidence_reference", ""),
            )
            if data.get("evidence"):
                services.change_attach_evidence(change=change, upload=data["evidence"])
    except ValidationError as error:
        add_service_errors(form, error, aliases={"owners": "name"})
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def holding_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A holding: its buildings, owners (ID numbers and phones masked; shown whole to the
    roles that may see them, on asking, logged), tax years, water, solid-waste fee,
    trade licences and the changes that made it."""
    try:
        holding = selectors.holding_get(user=request.user, holding_id=pk)
    except Holding.DoesNotExist:
        raise Http404 from None
    may_unmask = privacy.may_unmask(
        request.user, municipality_id=holding.municipality_id, ward_id=holding.ward_id
    )
    may_edit = selectors.may_edit(
        user=request.user, municipality_id=holding.municipality_id, ward_id=holding.ward_id
    )
    shown, status = {}, 200
    transfer = TransferForm() if may_edit else None
    if request.method == "POST" and request.POST.get("action") == "transfer":
        if not may_edit:
            raise PermissionDenied
        transfer = TransferForm(request.POST, request.FILES)
        if _transfer(request, holding, transfer):
            messages.success(request, _("The transfer is recorded."))
            return redirect(reverse("holdings:holding", args=[holding.pk]))
        status = 400
    elif request.method == "POST":
        if not may_unmask:
            raise PermissionDenied
        try:
            ownership = holding.ownerships.select_related("owner").get(
                pk=int(request.POST.get("ownership", ""))
            )
        except (ValueError, Ownership.DoesNotExist):
            raise Http404 from None
        shown[ownership.pk] = privacy.owner_unmasked(
            user=request.user,
            owner=ownership.owner,
            client_address=request.META.get("REMOTE_ADDR"),
        )
    ownerships = list(holding.ownerships.select_related("owner").order_by("until", "pk"))
    for ownership in ownerships:
        ownership.masked = privacy.owner_masked(ownership.owner)
        ownership.shown = shown.get(ownership.pk)
    context = {
        "holding": holding,
        "ownerships": ownerships,
        "may_unmask": may_unmask,
        "transfer": transfer,
        "tax": holding.tax_years.order_by("-fiscal_year"),
        "water": holding.water_accounts.order_by("account_number"),
        "waste": holding.waste_fees.order_by("-fiscal_year"),
        "licences": holding.trade_licences.order_by("-valid_until"),
        "changes": selectors.holding_changes(holding=holding).prefetch_related("before", "after"),
        "buildings": holding.placements.select_related("building").order_by("building__bin"),
    }
    response = render(request, "holdings/holding.html", context, status=status)
    if shown:
        response["Cache-Control"] = "no-store"
    return response
