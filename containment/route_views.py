"""The day's route of a vehicle as a page (issue 30, tool 6): the stops in order on a map
and a list, to print for the crew. For the crew of the vehicle's provider and the help desk
(containment.routing.routable_vehicles)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import DESLUDGING_DESK_ROLES, MembershipRole
from core.scope import holds_role_anywhere

from . import crew, routing

# Who plans or drives a vehicle's day.
ROUTING_ROLES = DESLUDGING_DESK_ROLES | {MembershipRole.PROVIDER_OPERATOR}


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def crew_route(request: HttpRequest) -> HttpResponse:
    if not holds_role_anywhere(user=request.user, roles=ROUTING_ROLES):
        raise PermissionDenied
    vehicles = list(routing.routable_vehicles(user=request.user).filter(is_active=True))
    chosen = request.GET.get("vehicle", "")
    vehicle = next((v for v in vehicles if str(v.pk) == chosen), None)
    if chosen and vehicle is None:
        raise Http404(_("No such vehicle of yours."))
    vehicle = vehicle or (vehicles[0] if vehicles else None)
    day = _day(request)
    route, problem = None, None
    try:
        if vehicle is None:
            problem = _("No vehicle in service is recorded for your providers.")
        else:
            route = routing.day_route(user=request.user, vehicle=vehicle, day=day)
    except routing.RoutingUnavailable:
        problem = _("Routing needs pgRouting on the database server.")
    except routing.RouteRefused as refused:
        problem = str(refused)
    operated = set(crew.crew_providers(user=request.user).values_list("pk", flat=True))
    return render(
        request,
        "containment/crew_route.html",
        {
            "vehicles": vehicles,
            "vehicle": vehicle,
            "day": day,
            "route": route,
            "problem": problem,
            "crew": vehicle is not None and vehicle.provider_id in operated,
            "config": {
                "route": route["route"] if route else None,
                "stops": route["stops"] if route else [],
                "left_out": route["left_out"] if route else [],
                "basemaps": settings.LEAFLET_CONFIG["TILES"],
            },
        },
    )
