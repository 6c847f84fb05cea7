"""The map analysis page (issue 30): area summaries, hard-to-reach buildings and
containments near water on a map, drawn and read in the browser. The page only draws: the
figures come from the analysis API (dashboards/api/areas.py, containment/api/access.py),
which keeps to the reader's wards."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from core.local import ward_label
from spatial import selectors as spatial_selectors
from spatial.models import LowIncomeCommunity, Ward

from .areas import MAX_BUFFER_M


def _towns(user) -> list[dict]:
    towns = []
    for municipality in spatial_selectors.municipality_list(user=user).order_by("name"):
        limit = spatial_selectors.ward_limit(user=user, municipality=municipality)
        wards = Ward.objects.filter(municipality=municipality).order_by("number")
        if limit is not None:
            wards = wards.filter(pk__in=limit)
        towns.append(
            {
                "code": municipality.code,
                "name": municipality.local_name,
                "hose": municipality.hose_length_m,
                "wards": [
                    {"id": w.pk, "label": ward_label({"number": w.number, "name_bn": w.name_bn})}
                    for w in wards
                ],
                "communities": [
                    {"id": c.pk, "label": c.local_name}
                    for c in LowIncomeCommunity.objects.filter(municipality=municipality).order_by(
                        "name"
                    )
                ],
            }
        )
    return towns


@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    basemaps, hosts = spatial_selectors.basemaps(user=request.user)
    request.csp_image_hosts = hosts
    config = {
        "extent": spatial_selectors.municipality_extent(user=request.user),
        "basemaps": basemaps,
        "language": get_language(),
        "maxBuffer": MAX_BUFFER_M,
        "municipalities": _towns(request.user),
        "urls": {
            "area": reverse("analysis-area-summary"),
            "hard": reverse("containment-api:analysis-hard-to-reach"),
            "water": reverse("containment-api:analysis-near-water"),
            "buildings": reverse("spatial-api:building-list"),
            "saved": reverse("analysis-saved-list"),
        },
    }
    return render(request, "dashboards/analysis.html", {"analysis_config": config})
