"""Web pages of the containment app."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import offline, pdf
from core.local import ward_label
from core.roles import INSPECTION_ROLES, PERSONAL_DATA_ROLES
from core.scope import holds_role_anywhere, user_scope
from spatial import selectors as spatial_selectors
from spatial.models import Ward

from . import compliance, desk, enforcement, inspector, selectors
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
    rule_set = selectors.active_rule_set(municipality=municipality) if municipality else None
    counts = enforcement.notice_counts_by_ward(rule_set_id=rule_set.pk if rule_set else None)
    for row in rows:
        row["label"] = ward_label(row)
        row["notice_parts"] = enforcement.parts(counts.get(row["id"], 0))
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
            "rule_set": rule_set,
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
def enforcement_notices_pdf(request: HttpRequest) -> HttpResponse:
    """A notice per non-compliant holding of a ward (`?ward=`) or of the municipality, as
    PDF (`?lang=`) in parts of enforcement.PER_PART (`?part=`), for those who read
    owners' details there."""
    municipalities = list(spatial_selectors.municipality_list(user=request.user))
    code = request.GET.get("municipality") or (municipalities[0].code if municipalities else None)
    municipality = next((m for m in municipalities if m.code == code), None)
    if municipality is None:
        raise Http404(_("Unknown municipality."))
    scope = user_scope(request.user, PERSONAL_DATA_ROLES)
    if not scope.touches(municipality.pk):
        raise PermissionDenied(_("Your role does not show owners' details."))
    ward_ids = None if scope.whole(municipality.pk) else scope.limited_ward_ids
    ward = None
    if request.GET.get("ward"):
        try:
            ward = spatial_selectors.ward_get(user=request.user, ward_id=int(request.GET["ward"]))
        except (ValueError, Ward.DoesNotExist):
            raise Http404(_("Unknown ward.")) from None
        if ward.municipality_id != municipality.pk or (
            ward_ids is not None and ward.pk not in ward_ids
        ):
            raise Http404(_("Unknown ward."))
        ward_ids = [ward.pk]
    try:
        part = int(request.GET.get("part", 1))
    except ValueError:
        raise BadRequest(_("The part is a number.")) from None
    with translation.override(pdf.language_of(request)):
        notices = enforcement.notices(
            selectors.enforcement_rows(municipality=municipality, ward_ids=ward_ids)
        )
    parts = enforcement.parts(len(notices)) or [1]
    if part not in parts:
        raise Http404(_("There is no such part."))
    context = {
        "municipality": municipality,
        "ward": ward,
        "notices": notices[(part - 1) * enforcement.PER_PART : part * enforcement.PER_PART],
        "part": part,
        "parts": len(parts),
        "rule_set": selectors.active_rule_set(municipality=municipality),
        "days": enforcement.NOTICE_DAYS,
    }
    name = f"notices-{municipality.code}" + (f"-ward-{ward.number}" if ward else "")
    if len(parts) > 1:
        name += f"-part-{part}"
    return pdf.pdf_response(
        request, "containment/enforcement_notices_pdf.html", context, filename=name
    )


def _job(request: HttpRequest, pk: int) -> dict:
    """A request the user reads with its caller, and its containment's buildings and sketch
    (the job sheet's and the receipt's facts)."""
    try:
        job = selectors.emptying_request_get(user=request.user, request_id=pk)
    except EmptyingRequest.DoesNotExist:
        raise Http404 from None
    containment = job.containment
    served = list(containment.buildings.values_list("pk", flat=True))
    return {
        "job": job,
        "containment": containment,
        "municipality": job.municipality,
        "buildings": containment.buildings.select_related("ward", "access_road"),
        "sketch": desk.job_sheet_sketch(containment_id=containment.pk, served=served),
        "radius": desk.SKETCH_RADIUS_M,
    }


@login_required
def job_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The crew's printed job sheet of a request (issue 25): who called and how to reach
    the tank, the containment, a sketch of the buildings around it, and blanks for what
    the crew records. For whoever reads the request with its caller (the desk, the
    provider's operators)."""
    return render(request, "containment/job_sheet.html", _job(request, pk))


@login_required
def job_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The job sheet as PDF, in English or Bangla (`?lang=`)."""
    context = _job(request, pk)
    return pdf.pdf_response(
        request, "containment/job_sheet_pdf.html", context, filename=f"job-sheet-{pk}"
    )


@login_required
def request_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The household's receipt for a request, as PDF (`?lang=`): its number, what was
    asked, the visit and, once emptied, the emptying and its fee."""
    context = _job(request, pk)
    # (A missing one-to-one record raises an AttributeError: None then.)
    context["emptying"] = getattr(context["job"], "emptying", None)
    return pdf.pdf_response(
        request, "containment/request_receipt_pdf.html", context, filename=f"receipt-{pk}"
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
