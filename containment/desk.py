"""Reads for the help desk's call intake (issue 25): what the desk needs on screen while a
caller waits — the building, each containment it uses with its compliance and last
emptying, the request it is waiting on (with the caller's details, which only the desk
reads) and its last requests. Scoped like every read: the building and containments the
user reads, the requests his role may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from spatial import selectors as spatial_selectors
from spatial.models import Building

from . import selectors
from .choices import RequestStatus
from .desludging import OPEN
from .models import ContainmentBuilding, EmptyingRequest, PlannedVisit, ServiceProvider

RECENT_REQUESTS = 3


def _request_row(request: EmptyingRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "status": request.status,
        "status_label": request.get_status_display(),
        "origin": request.origin,
        "applicant_name": request.applicant_name,
        "applicant_phone": request.applicant_phone,
        "proposed_date": request.proposed_date,
        "is_emergency": request.is_emergency,
        "access_notes": request.access_notes,
        "scheduled_for": request.scheduled_for,
        "provider": request.provider.name if request.provider else None,
        "requested_at": request.requested_at,
        "emptied_at": request.emptied_at,
    }


def building_of(*, user: Any, containment_id: int) -> Building | None:
    """The building a containment serves (the responsible one first), as the desk opens a
    call found by the containment's code; Containment.DoesNotExist outside the scope."""
    containment = selectors.containment_get(user=user, containment_id=containment_id)
    link = (
        ContainmentBuilding.objects.filter(containment=containment)
        .order_by("-is_responsible", "building_id")
        .first()
    )
    return link.building if link else None


def call_card(*, user: Any, building_id: int) -> dict[str, Any]:
    """The building and its containments as the desk sees them during a call; raises
    Building.DoesNotExist outside the user's scope."""
    building = spatial_selectors.building_get(user=user, building_id=building_id)
    requests = selectors.emptying_request_list(user=user).order_by("-requested_at")
    containments = (
        selectors.containment_list(user=user)
        .filter(building_links__building=building, retired_at=None)
        .prefetch_related(Prefetch("emptying_requests", queryset=requests, to_attr="seen"))
        .order_by("code")
    )
    planned = _planned_dates([c.pk for c in containments])
    rows = []
    for containment in containments:
        assessment = selectors.current_assessment(containment=containment)
        waiting = next((r for r in containment.seen if r.status in OPEN), None)
        rows.append(
            {
                "id": containment.pk,
                "code": containment.code,
                "containment_type": containment.get_containment_type_display(),
                "compliance": assessment.get_status_display() if assessment else None,
                "compliance_status": assessment.status if assessment else None,
                "last_emptied_on": containment.last_emptied_on,
                "volume_m3": containment.volume_m3,
                "planned_date": planned.get(containment.pk),
                "open_request": _request_row(waiting) if waiting else None,
                "recent_requests": [
                    _request_row(r) for r in containment.seen if r.status not in OPEN
                ][:RECENT_REQUESTS],
            }
        )
    road = building.access_road
    return {
        "building": {
            "id": building.pk,
            "bin": building.bin,
            "holding_number": building.holding_number,
            "ward": building.ward.number if building.ward_id else None,
            "road": (road.name or road.code) if road else None,
            "functional_use": building.get_functional_use_display(),
        },
        "containments": rows,
        "providers": providers_serving(building=building),
    }


def _planned_dates(containment_ids: list[int]) -> dict[int, dt.date]:
    """The planner's next visit date of each containment (from today), if it has one."""
    dates: dict[int, dt.date] = {}
    visits = PlannedVisit.objects.filter(
        containment_id__in=containment_ids, visit_date__gte=timezone.localdate()
    ).order_by("containment_id", "-plan__created_at", "visit_date")
    for containment_id, visit_date in visits.values_list("containment_id", "visit_date"):
        dates.setdefault(containment_id, visit_date)
    return dates


def providers_serving(*, building: Building) -> list[dict[str, Any]]:
    """The active providers serving the building's ward, with their vehicles in service."""
    providers = (
        ServiceProvider.objects.filter(
            municipality_id=building.municipality_id, is_active=True, wards=building.ward_id
        )
        .annotate(vehicles_in_service=Count("vehicles", filter=Q(vehicles__is_active=True)))
        .order_by("name")
    )
    return [{"id": p.pk, "name": p.name, "vehicles": p.vehicles_in_service} for p in providers]


def provider_day(*, provider: ServiceProvider, day: dt.date) -> dict[str, Any]:
    """How full a provider's day is: the jobs scheduled to it that day (all wards, names
    aside) and its vehicles in service."""
    return {
        "provider": provider.pk,
        "day": day,
        "jobs": EmptyingRequest.objects.filter(
            provider=provider, scheduled_for=day, status=RequestStatus.SCHEDULED
        ).count(),
        "vehicles": provider.vehicles.filter(is_active=True).count(),
    }


# The job sheet's sketch: what stands within this many metres of the containment.
SKETCH_RADIUS_M = 60


def job_sheet_sketch(*, containment_id: int, served: list[int]) -> dict[str, Any]:
    """An SVG sketch for the crew's printed job sheet, drawn by PostGIS in metres (UTM 46N):
    the buildings around the containment (those it serves marked) and the containment.
    The viewBox is SKETCH_RADIUS_M around the containment; SVG's y runs downwards, as
    ST_AsSVG writes it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH c AS (SELECT geom, ST_Transform(geom, 32646) AS m
                         FROM containment_containment WHERE id = %(id)s)
            SELECT ST_X(c.m), ST_Y(c.m),
                   (SELECT coalesce(json_agg(json_build_object(
                              'd', ST_AsSVG(ST_Transform(b.geom, 32646), 0, 1),
                              'served', b.id = ANY(%(served)s))), '[]'::json)
                      FROM spatial_building b
                     WHERE b.retired_at IS NULL
                       AND b.geom && ST_Expand(c.geom, 0.0015)
                       AND ST_DWithin(ST_Transform(b.geom, 32646), c.m, %(r)s))
              FROM c
            """,
            {"id": containment_id, "served": served, "r": SKETCH_RADIUS_M},
        )
        x, y, buildings = cursor.fetchone()
    r = SKETCH_RADIUS_M
    return {
        "viewbox": f"{x - r:.1f} {-y - r:.1f} {2 * r} {2 * r}",
        "x": round(x, 1),
        "y": round(-y, 1),
        "buildings": buildings if isinstance(buildings, list) else [],
        "scale_x": round(x - r + 5, 1),
        "scale_y": round(-y + r - 5, 1),
        "scale_end": round(x - r + 25, 1),
    }
