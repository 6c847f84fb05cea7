"""The planner's page (issue 26): run the scheduled-desludging planner for the municipality,
read a plan day by day on a table and a map, move or drop a visit, and turn the plan into
scheduled requests with a provider. Thin: containment/planner.py plans,
containment/plan_requests.py adjusts and schedules, selectors read."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.db.models.functions import Transform
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from core.forms import submit
from core.local import digits
from core.roles import DESLUDGING_DESK_ROLES
from core.scope import user_scope
from spatial import selectors as spatial_selectors

from . import plan_requests, planner, selectors
from .models import DesludgingPlan, ServiceProvider

DAY_LIMIT = 500
POINT_KEYS = ("lon", "lat", "label", "kind", "url")
BAND_COLOURS = {
    "overdue": "#b91c1c",
    "unknown": "#6b7280",
    "due_soon": "#b45309",
    "recent": "#15803d",
}


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.Form):
    start_date = forms.DateField(label=gettext_lazy("First day"), widget=DateInput)
    days = forms.IntegerField(label=gettext_lazy("Working days"), min_value=1, max_value=260)
    daily_trips = forms.IntegerField(
        label=gettext_lazy("Trips per day"), min_value=1, max_value=500, required=False,
        help_text=gettext_lazy("Empty: the municipality's usual capacity."),
    )  # fmt: skip


class ScheduleForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=gettext_lazy("Provider"), queryset=ServiceProvider.objects.none()
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = ServiceProvider.objects.filter(
            municipality=municipality, is_active=True
        ).order_by("name")


class VisitForm(forms.Form):
    visit = forms.IntegerField(widget=forms.HiddenInput)
    visit_date = forms.DateField(label=gettext_lazy("Move to"), required=False)
    drop = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _municipality(request: HttpRequest):
    """The municipality whose plans the user runs as a whole (the desk or the admin)."""
    scope = user_scope(request.user, DESLUDGING_DESK_ROLES)
    for municipality in spatial_selectors.municipality_list(user=request.user):
        if scope.whole(municipality.pk):
            return municipality
    raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def planner_page(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    form = PlanForm(
        request.POST or None,
        initial={"start_date": timezone.localdate() + dt.timedelta(days=1), "days": 20},
    )
    plans = DesludgingPlan.objects.filter(municipality=municipality).order_by("-created_at")
    wanted = request.GET.get("plan", "")
    plan = plans.filter(pk=int(wanted)).first() if wanted.isdigit() else plans.first()
    schedule_form = ScheduleForm(
        request.POST if request.POST.get("action") == "schedule" else None,
        municipality=municipality,
    )
    visit_form = VisitForm(request.POST if request.POST.get("action") == "visit" else None)
    if request.method == "POST":
        answered = _act(request, municipality, plan, form, schedule_form, visit_form)
        if answered is not None:
            return answered
    days, points, day = [], [], None
    if plan is not None:
        visits = selectors.planned_visit_list(user=request.user, plan=plan)
        days = list(
            visits.values("visit_date")
            .annotate(visits=Count("pk"), trips=Sum("trips"))
            .order_by("visit_date")
        )
        try:
            day = dt.date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = days[0]["visit_date"] if days else None
        located = list(
            visits.filter(visit_date=day)
            .annotate(point=Transform("containment__geom", 4326))
            .order_by("position")[:DAY_LIMIT]
        )
        requests = plan_requests.requests_of([v.pk for v in located])
        points = [
            {
                "id": v.pk,
                "lon": round(v.point.x, 6),
                "lat": round(v.point.y, 6),
                "label": v.containment.code,
                "kind": v.band,
                "url": reverse("record-containments", kwargs={"key": v.containment.code}),
                "request": reverse("containment:request", args=[requests[v.pk]])
                if v.pk in requests
                else None,
            }
            for v in located
        ]
    return render(
        request,
        "containment/planner.html",
        {
            "municipality": municipality,
            "form": form,
            "schedule_form": schedule_form,
            "visit_form": visit_form,
            "scheduled": plan_requests.scheduled_count(plan) if plan else 0,
            "plans": plans[:10],
            "plan": plan,
            "days": days,
            "day": day,
            "visits": points,
            "config": {
                "points": [{k: p[k] for k in POINT_KEYS} for p in points],
                "colours": BAND_COLOURS,
                "basemaps": settings.LEAFLET_CONFIG["TILES"],
            },
        },
        status=400 if request.method == "POST" else 200,
    )


def _act(request, municipality, plan, form, schedule_form, visit_form) -> HttpResponse | None:
    """The page's POST: make a plan (the default), schedule the plan shown, or move or drop
    one of its visits. A redirect when the service took it, else None (the forms hold why
    and the page answers 400)."""
    action = request.POST.get("action", "plan")
    back = reverse("containment:office-planner")
    if action == "plan":
        made = {}

        def run(data):
            made["plan"] = planner.plan_create(
                municipality=municipality, created_by=request.user, **data
            )

        if submit(request, form, run, done=_("The plan is made.")):
            return redirect(f"{back}?plan={made['plan'].pk}")
        return None
    if plan is None:
        raise Http404
    if action == "schedule":
        outcome = {}

        def schedule(data):
            outcome.update(plan_requests.plan_schedule(plan=plan, **data))

        if submit(request, schedule_form, schedule, done=_("The plan is scheduled.")):
            for reason, count in outcome["skipped"].items():
                messages.warning(request, plan_requests.skip_message(reason, count))
            messages.info(
                request,
                ngettext(
                    "%(count)s request is scheduled.",
                    "%(count)s requests are scheduled.",
                    outcome["scheduled"],
                )
                % {"count": digits(outcome["scheduled"])},
            )
            return redirect(f"{back}?plan={plan.pk}")
        return None
    if action == "visit":
        day = request.POST.get("day", "")

        def change(data):
            visit = (
                selectors.planned_visit_list(user=request.user, plan=plan)
                .filter(pk=data["visit"])
                .first()
            )
            if visit is None:
                raise Http404
            if data["drop"]:
                plan_requests.visit_drop(visit=visit)
            elif data["visit_date"] is None:
                raise ValidationError({"visit_date": [_("Choose the day to move it to.")]})
            else:
                plan_requests.visit_move(visit=visit, visit_date=data["visit_date"])

        if submit(request, visit_form, change, done=_("The plan is changed.")):
            return redirect(f"{back}?plan={plan.pk}&day={day}")
        return None
    raise Http404
