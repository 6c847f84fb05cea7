"""Web pages of the containment app."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.local import ward_label
from spatial import selectors as spatial_selectors

from . import compliance, selectors


@login_required
def compliance_overview(request: HttpRequest) -> HttpResponse:
    """Per ward: containments by compliance status, the rules that fail most, and the
    enforcement lists to download."""
    municipalities = list(spatial_selectors.municipality_list(user=request.user))
    code = request.GET.get("municipality") or (municipalities[0].code if municipalities else None)
    municipality = next((m for m in municipalities if m.code == code), None)
    if code and municipality is None:
        raise Http404(_("Unknown municipality."))
    rows = (
        selectors.compliance_summary_by_ward(
            municipality=municipality,
            ward_ids=spatial_selectors.ward_limit(user=request.user, municipality=municipality),
        )
        if municipality
        else []
    )
    for row in rows:
        row["label"] = ward_label(row)
        assessed = row["compliant"] + row["non_compliant"] + row["unknown"]
        row["compliant_share"] = round(100 * row["compliant"] / assessed) if assessed else None
        row["top_failures"] = [
            (compliance.RULE_LABELS.get(rule, rule), count)
            for rule, count in sorted(row["failed_rules"].items(), key=lambda kv: -kv[1])[:2]
        ]
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("containments", "compliant", "non_compliant", "unknown")
    }
    return render(
        request,
        "containment/compliance.html",
        {
            "municipality": municipality,
            "municipalities": municipalities,
            "rows": rows,
            "totals": totals,
            "rule_set": selectors.active_rule_set(municipality=municipality)
            if municipality
            else None,
        },
    )


@login_required
def call_desk(request: HttpRequest) -> HttpResponse:
    """The help desk's call intake (issue 25): find the caller's building, see what waits,
    take a request or update the open one."""
    if not selectors.may_run_desludging_anywhere(user=request.user):
        raise PermissionDenied
    config = {
        "urls": {
            "search": reverse("search"),
            "card": reverse("containment-api:call-card"),
            "requests": reverse("containment-api:request-list"),
            "providerDay": reverse("containment-api:provider-day"),
        },
    }
    return render(request, "containment/desk.html", {"config": config})
