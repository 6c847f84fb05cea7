"""Web pages of the survey workflow: campaigns, and one page per campaign with the
coverage map and the supervisor's review queue."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from spatial.views import choice_labels

from . import selectors
from .choices import Flag, SubmissionStatus
from .models import SurveyCampaign


def managed_campaign(request: HttpRequest, pk: int) -> SurveyCampaign:
    """The campaign `pk` if the user may manage it: 404 when he does not see it, 403 when he
    sees it but supervises nothing there."""
    try:
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
    except SurveyCampaign.DoesNotExist:
        raise Http404 from None
    if not selectors.can_manage_campaigns(
        user=request.user, municipality_id=campaign.municipality_id
    ):
        raise PermissionDenied
    return campaign


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = selectors.campaign_list(user=request.user)
    can_create = selectors.supervised_municipalities(user=request.user).exists()
    return render(
        request, "surveys/campaigns.html", {"campaigns": campaigns, "can_create": can_create}
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
    except SurveyCampaign.DoesNotExist:
        raise Http404 from None
    config = {
        "tiles": [],
        "urls": {
            "wards": reverse("spatial-api:ward-list")
            + f"?municipality={campaign.municipality.code}",
            "coverage": reverse("surveys-api:coverage", args=[campaign.pk]),
            "buildings": reverse("surveys-api:campaign-buildings", args=[campaign.pk]),
            "queue": reverse("surveys-api:submission-list")
            + f"?campaign={campaign.pk}&status=pending",
            "decide": reverse("surveys-api:submission-list"),
        },
        "buildingsMinZoom": 17,
        # Words come from the JavaScript catalogue (/jsi18n/); the code lists from here.
        "labels": {
            "flagLabels": choice_labels(Flag),
            "statusLabels": choice_labels(SubmissionStatus),
        },
    }
    config["tiles"] = settings.LEAFLET_CONFIG["TILES"]
    can_review = selectors.can_manage_campaigns(
        user=request.user, municipality_id=campaign.municipality_id
    )
    return render(
        request,
        "surveys/campaign.html",
        {
            "campaign": campaign,
            "page_config": config,
            "can_review": can_review,
        },
    )


@login_required
def review_desk(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor's review desk (issue 24): the queue filtered and paged, a submission
    beside what the register holds now, decisions with a moment to undo them."""
    campaign = managed_campaign(request, pk)
    config = {
        "campaign": campaign.pk,
        "basemaps": [],
        "urls": {
            "queue": reverse("surveys-api:submission-list"),
            "review": reverse("surveys-api:submission-review", args=[0]),
            "approveClean": reverse("surveys-api:approve-clean"),
            "decide": reverse("surveys-api:submission-list"),
        },
        "undoSeconds": settings.IMIS.get("SURVEY_UNDO_SECONDS", 8),
        "flagLabels": choice_labels(Flag),
        "wards": [
            {"id": ward.pk, "number": ward.number} for ward in campaign.wards.order_by("number")
        ],
        "enumerators": sorted(
            {a.enumerator.get_username() for a in campaign.assignments.select_related("enumerator")}
        ),
    }
    return render(request, "surveys/review.html", {"campaign": campaign, "config": config})
