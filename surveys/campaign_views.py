"""Pages where a supervisor sets up and follows a campaign (issue 24): a new campaign, its
team and targets, its progress, and the import of Kobo/ODK exports. Thin: forms check the
input, services write, selectors read."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors
from spatial.views import choice_labels

from . import selectors, services
from .campaign_forms import AssignForm, CampaignForm, TargetsForm
from .choices import Flag, SubmissionStatus
from .models import Assignment, SurveyCampaign
from .views import managed_campaign


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    """A new campaign: in the supervisor's municipality (chosen first when he has several),
    his wards, a questionnaire version; then on to its team."""
    municipalities = selectors.supervised_municipalities(user=request.user)
    if not municipalities.exists():
        raise PermissionDenied
    wanted = request.POST.get("municipality") or request.GET.get("municipality") or ""
    municipality = municipalities.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if municipality is None and municipalities.count() == 1:
        municipality = municipalities.first()
    if municipality is None:
        return render(
            request, "surveys/campaign_new.html", {"municipalities": municipalities, "form": None}
        )
    form = CampaignForm(
        request.POST or None,
        initial={"municipality": municipality},
        municipalities=municipalities.filter(pk=municipality.pk),
        wards=selectors.supervised_wards(user=request.user, municipality=municipality),
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Campaign created. Now assign its enumerators."))
            return redirect("surveys:team", campaign.pk)
    return render(
        request,
        "surveys/campaign_new.html",
        {"form": form, "municipality": municipality},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_team(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's enumerators per ward and its targets: assign, take off, set targets."""
    campaign = managed_campaign(request, pk)
    wards = selectors.supervised_wards(
        user=request.user, municipality=campaign.municipality
    ).filter(pk__in=campaign.wards.values("pk"))
    enumerators = selectors.municipality_enumerators(municipality=campaign.municipality)
    targets = dict(campaign.ward_targets.values_list("ward_id", "buildings"))
    action = request.POST.get("action")
    assign = AssignForm(
        request.POST if action == "assign" else None, enumerators=enumerators, wards=wards
    )
    target_form = TargetsForm(
        request.POST if action == "targets" else None, wards=wards, targets=targets
    )
    if action == "assign" and assign.is_valid():
        try:
            for ward in assign.cleaned_data["wards"]:
                services.assignment_create(
                    campaign=campaign, enumerator=assign.cleaned_data["enumerator"], ward=ward
                )
        except ValidationError as error:
            add_service_errors(assign, error)
        else:
            messages.success(request, _("Enumerator assigned."))
            return redirect("surveys:team", campaign.pk)
    elif action == "unassign":
        assignment = Assignment.objects.filter(
            campaign=campaign, pk=request.POST.get("assignment") or 0, ward__in=wards
        ).first()
        if assignment is None:
            raise Http404
        services.assignment_delete(assignment=assignment)
        messages.success(request, _("Assignment removed."))
        return redirect("surveys:team", campaign.pk)
    elif action == "targets" and target_form.is_valid():
        services.ward_targets_set(campaign=campaign, targets=target_form.targets())
        messages.success(request, _("Targets saved."))
        return redirect("surveys:team", campaign.pk)
    status = 400 if request.method == "POST" else 200
    coverage = {row["ward"]: row for row in selectors.campaign_coverage(campaign=campaign)}
    rows = [
        {
            "ward": ward,
            "buildings": coverage.get(ward.pk, {}).get("buildings", 0),
            "target_field": target_form[f"ward_{ward.pk}"],
            "assignments": [a for a in campaign.assignments.all() if a.ward_id == ward.pk],
        }
        for ward in wards.prefetch_related(None)
    ]
    return render(
        request,
        "surveys/campaign_team.html",
        {
            "campaign": campaign,
            "assign": assign,
            "targets": target_form,
            "rows": rows,
            "has_enumerators": enumerators.exists(),
        },
        status=status,
    )


@login_required
def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress per enumerator and day (chart), the day's points on a map, and coverage per
    ward against the real building count and the targets."""
    try:
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
    except SurveyCampaign.DoesNotExist:
        raise Http404 from None
    config = {
        "basemaps": settings.LEAFLET_CONFIG["TILES"],
        "urls": {
            "progress": reverse("surveys-api:progress", args=[campaign.pk]),
            "coverage": reverse("surveys-api:coverage", args=[campaign.pk]),
            "points": reverse("surveys-api:day-points", args=[campaign.pk]),
            "wards": reverse("spatial-api:ward-list")
            + f"?municipality={campaign.municipality.code}",
        },
        "statusLabels": choice_labels(SubmissionStatus),
        "flagLabels": choice_labels(Flag),
    }
    return render(
        request, "surveys/campaign_progress.html", {"campaign": campaign, "config": config}
    )
