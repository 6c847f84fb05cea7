"""The planner's page (issue 26): run the scheduled-desludging planner for the municipality
and read a plan day by day, on a table and a map. Thin: containment/planner.py plans,
selectors read (a ward-limited reader sees his wards' visits)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.gis.db.models.functions import Transform
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.forms import submit
from core.roles import DESLUDGING_DESK_ROLES
from core.scope import user_scope
from spatial import selectors as spatial_selectors

from . import planner, selectors
from .models import DesludgingPlan

DAY_LIMIT = 500
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
    made = {}
    if request.method == "POST":

        def run(data):
            made["plan"] = planner.plan_create(
                municipality=municipality, created_by=request.user, **data
            )

        if submit(request, form, run, done=_("The plan is made.")):
            return redirect(reverse("containment:office-planner") + f"?plan={made['plan'].pk}")
    plans = DesludgingPlan.objects.filter(municipality=municipality).order_by("-created_at")
    wanted = request.GET.get("plan", "")
    plan = plans.filter(pk=int(wanted)).first() if wanted.isdigit() else plans.first()
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
        located = (
            visits.filter(visit_date=day)
            .annotate(point=Transform("containment__geom", 4326))
            .order_by("position")[:DAY_LIMIT]
        )
        points = [
            {
                "lon": round(v.point.x, 6),
                "lat": round(v.point.y, 6),
                "label": v.containment.code,
                "kind": v.band,
                "url": reverse("record-containments", kwargs={"key": v.containment.code}),
            }
            for v in located
        ]
    return render(
        request,
        "containment/planner.html",
        {
            "municipality": municipality,
            "form": form,
            "plans": plans[:10],
            "plan": plan,
            "days": days,
            "day": day,
            "visits": points,
            "config": {
                "points": points,
                "colours": BAND_COLOURS,
                "basemaps": settings.LEAFLET_CONFIG["TILES"],
            },
        },
        status=400 if request.method == "POST" else 200,
    )
