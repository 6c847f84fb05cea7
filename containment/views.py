"""Web pages of the containment app."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import offline
from core.local import ward_label
from core.roles import INSPECTION_ROLES
from core.scope import holds_role_anywhere
from spatial import selectors as spatial_selectors

from . import compliance, desk, inspector, selectors
from .choices import ComplianceStatus, RequestStatus
from .models import Containment, EmptyingRequest


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
            "sheet": reverse("containment:job-sheet", args=[0]),
        },
    }
    # Discharged loads wait for the desk to call the household back (feedback closes them).
    waiting_feedback = selectors.emptying_request_list(user=request.user).filter(
        status=RequestStatus.DELIVERED
    )
    return render(
        request,
        "containment/desk.html",
        {"config": config, "waiting_feedback": waiting_feedback.order_by("delivered_at")[:50]},
    )


@login_required
def job_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The crew's printed job sheet of a request (issue 25): who called and how to reach
    the tank, the containment, a sketch of the buildings around it, and blanks for what
    the crew records. For whoever reads the request with its caller (the desk, the
    provider's operators)."""
    try:
        job = selectors.emptying_request_get(user=request.user, request_id=pk)
    except EmptyingRequest.DoesNotExist:
        raise Http404 from None
    containment = job.containment
    served = list(containment.buildings.values_list("pk", flat=True))
    return render(
        request,
        "containment/job_sheet.html",
        {
            "job": job,
            "containment": containment,
            "buildings": containment.buildings.select_related("ward", "access_road"),
            "sketch": desk.job_sheet_sketch(containment_id=containment.pk, served=served),
            "radius": desk.SKETCH_RADIUS_M,
        },
    )


@login_required
def inspector_page(request: HttpRequest) -> HttpResponse:
    """The inspector's worklist on a list and a map, and the visit's form; visits are kept
    on the phone and sent with the field app's queue when the network answers (issue 25)."""
    if not holds_role_anywhere(user=request.user, roles=INSPECTION_ROLES):
        raise PermissionDenied
    field = Containment._meta.get_field
    config = {
        "points": inspector.inspection_worklist(user=request.user),
        "basemaps": settings.LEAFLET_CONFIG["TILES"],
        "rules": [[rule, str(compliance.RULE_LABELS[rule])] for rule in compliance.RULES],
        "outcomes": [[value, str(label)] for value, label in ComplianceStatus.choices],
        "types": [[value, str(label)] for value, label in field("containment_type").choices],
        "outlets": [[value, str(label)] for value, label in field("outlet").choices],
        "worker": reverse("containment:inspect-worker"),
        "urls": {
            "inspections": reverse("containment-api:containment-inspections", args=[0]),
            "photos": reverse("containment-api:inspection-photos", args=[0]),
        },
    }
    return render(request, "containment/inspect.html", {"config": config})


# What the inspector's page needs offline, besides itself and the JavaScript catalogue.
INSPECTOR_SHELL = (
    "css/imis.css",
    "js/imis.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "js/imis-map.js",
    "surveys/js/field-store.js",
    "containment/js/inspect.js",
)


def inspector_worker(request: HttpRequest) -> HttpResponse:
    """The inspector page's service worker: the page opens in the field without the
    network once it was opened with it (core/offline.py)."""
    page = reverse("containment:inspect")
    return offline.worker_response(
        request, name="inspect", page=page, kept=offline.shell(page, INSPECTOR_SHELL)
    )
