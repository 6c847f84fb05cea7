"""Reads for record pages (core.registry.link): the containments a building uses, and the
inspections and emptying requests of a containment or of a building's containments."""

from __future__ import annotations

from django.db.models import QuerySet

from core import registry
from core.pages import record_url

from .models import Containment, ContainmentBuilding, EmptyingRequest, Inspection
from .selectors import current_assessment


def building_containment_rows(building) -> list[dict]:
    """The containments a building uses, for its page (core.registry.link)."""
    links = (
        ContainmentBuilding.objects.filter(building=building, containment__retired_at=None)
        .select_related("containment")
        .order_by("-is_responsible", "containment__code")
    )
    rows = []
    for link in links:
        containment = link.containment
        assessment = current_assessment(containment=containment)
        rows.append(
            {
                "code": containment.code,
                "containment_type": containment.get_containment_type_display(),
                "outlet": containment.get_outlet_display(),
                "compliance": assessment.get_status_display() if assessment else None,
                "is_responsible": link.is_responsible,
                "url": record_url(registry.get("containments"), containment.code),
            }
        )
    return rows


def _containments_of(record) -> QuerySet:
    if isinstance(record, Containment):
        return Containment.all_objects.filter(pk=record.pk)
    return Containment.all_objects.filter(building_links__building=record)


def inspection_rows(record) -> list[dict]:
    """Inspections of a containment, or of a building's containments, newest first."""
    inspections = (
        Inspection.objects.filter(containment__in=_containments_of(record))
        .select_related("containment", "inspector")
        .order_by("-visited_on", "-id")[:50]
    )
    return [
        {
            "containment": inspection.containment.code,
            "visited_on": inspection.visited_on,
            "outcome": inspection.get_outcome_display(),
            "inspector": inspection.inspector.get_username(),
            "notes": inspection.notes[:120],
        }
        for inspection in inspections
    ]


def emptying_request_rows(record) -> list[dict]:
    """Emptying requests of a containment, or of a building's containments, newest first;
    no names or phone numbers (a record's page is read more widely than the help desk)."""
    requests = (
        EmptyingRequest.objects.filter(containment__in=_containments_of(record))
        .select_related("containment")
        .order_by("-requested_at")[:50]
    )
    return [
        {
            "containment": request.containment.code,
            "requested_at": request.requested_at,
            "status": request.get_status_display(),
            "is_emergency": request.is_emergency,
            "scheduled_for": request.scheduled_for,
            "emptied_at": request.emptied_at,
        }
        for request in requests
    ]
