"""Web pages of the survey workflow: campaigns, and one page per campaign with the
coverage map and the supervisor's review queue."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from spatial.views import choice_labels

from . import selectors
from .choices import Flag, SubmissionStatus
from .models import SurveyCampaign


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = selectors.campaign_list(user=request.user)
    return render(request, "surveys/campaigns.html", {"campaigns": campaigns})


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
