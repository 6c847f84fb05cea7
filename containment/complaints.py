"""Complaints beyond emptying (issue 25): the desk takes one (where, what, who called) and
hands it to a role; whoever holds that role there, the desk and the admin move it on (in
progress, resolved or dismissed with what was done, reopened). Every change is kept in its
history (core/history.py). Reads are scoped by municipality, ward and role."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import record_history
from core.local import latin_digits
from core.roles import COMPLAINT_READER_ROLES, DESLUDGING_DESK_ROLES
from core.scope import user_scope
from spatial.models import Building, Municipality
from spatial.selectors import record_in_scope

from . import selectors
from .choices import ComplaintStatus
from .models import Complaint, ComplaintPhoto, Containment

C = ComplaintStatus
CHANGES: dict[str, set[str]] = {
    C.OPEN: {C.OPEN, C.IN_PROGRESS, C.RESOLVED, C.DISMISSED},
    C.IN_PROGRESS: {C.IN_PROGRESS, C.RESOLVED, C.DISMISSED},
    C.RESOLVED: {C.RESOLVED, C.OPEN},
    C.DISMISSED: {C.DISMISSED, C.OPEN},
}
CLOSED = (C.RESOLVED, C.DISMISSED)


# ---------------------------------------------------------------- reads
def complaint_list(
    *, user: Any, status: list[str] | None = None, kind: str | None = None
) -> QuerySet[Complaint]:
    complaints = user_scope(user, COMPLAINT_READER_ROLES).filter(
        Complaint.objects.select_related("ward", "building", "containment", "created_by")
    )
    if status:
        complaints = complaints.filter(status__in=status)
    if kind:
        complaints = complaints.filter(kind=kind)
    return complaints


def complaint_get(*, user: Any, complaint_id: int) -> Complaint:
    """Complaint.DoesNotExist when unknown or out of the user's scope."""
    return complaint_list(user=user).get(pk=complaint_id)


def complaint_photo_get(*, user: Any, photo_id: int) -> ComplaintPhoto:
    """A complaint's photo, if the user reads the complaint."""
    return ComplaintPhoto.objects.get(
        pk=photo_id, complaint__in=complaint_list(user=user, status=None, kind=None)
    )


def may_take_complaints(*, user: Any, municipality_id: int) -> bool:
    return user_scope(user, DESLUDGING_DESK_ROLES).touches(municipality_id)


def may_handle(*, user: Any, complaint: Complaint) -> bool:
    """The desk and the admin of the complaint's ward, and whoever holds its assigned role
    there."""
    return record_in_scope(
        scope=user_scope(user, DESLUDGING_DESK_ROLES), record=complaint
    ) or record_in_scope(scope=user_scope(user, [complaint.assigned_role]), record=complaint)


def place_of(*, user: Any, text: str) -> tuple[Building | None, Containment | None]:
    """The building (BIN or holding number) or containment (code) a caller names, in the
    user's scope; (None, None) when nothing matches exactly."""
    text = latin_digits(text).strip()
    if not text:
        return None, None
    containment = selectors.containment_list(user=user).filter(code__iexact=text).first()
    if containment is not None:
        link = containment.building_links.order_by("-is_responsible", "building_id").first()
        return (link.building if link else None), containment
    buildings = user_scope(user).filter(Building.objects.all())
    building = (
        buildings.filter(bin__iexact=text).first()
        or buildings.filter(holding_number__iexact=text).order_by("pk").first()
    )
    return building, None


# ---------------------------------------------------------------- writes
@transaction.atomic
def complaint_create(
    *,
    municipality: Municipality,
    kind: str,
    assigned_role: str,
    description: str,
    created_by: Any,
    building: Building | None = None,
    containment: Containment | None = None,
    **details: Any,
) -> Complaint:
    """Take a complaint; where it is comes from the containment, else the building."""
    for record in (building, containment):
        if record is not None and record.municipality_id != municipality.pk:
            raise ValidationError({"where": [_("This place is in another municipality.")]})
    anchor = containment or building
    # Without a record, where it is: the point a citizen placed, and its ward.
    point, ward = details.pop("location", None), details.pop("ward", None)
    complaint = Complaint(
        municipality=municipality,
        kind=kind,
        assigned_role=assigned_role,
        description=description.strip(),
        building=building,
        containment=containment,
        ward_id=getattr(anchor, "ward_id", None) if anchor else getattr(ward, "pk", None),
        location=(
            containment.geom
            if containment
            else building.geom.point_on_surface
            if building
            else point
        ),
        created_by=created_by,
        **details,
    )
    complaint.full_clean(exclude=["municipality", "building", "containment", "ward", "created_by"])
    complaint.save()
    return complaint


@transaction.atomic
def complaint_change(
    *, complaint: Complaint, status: str, assigned_role: str, resolution: str = ""
) -> Complaint:
    """Move a complaint on: its status (CHANGES) and the role it is assigned to; resolving
    or dismissing says what was done."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if status not in CHANGES[complaint.status]:
        raise ValidationError(
            {
                "status": [
                    _("A complaint that is %(current)s cannot become %(target)s.")
                    % {"current": C(complaint.status).label, "target": C(status).label}
                ]
            }
        )
    resolution = resolution.strip()
    if status in CLOSED and not resolution:
        raise ValidationError({"resolution": [_("Say what was done.")]})
    complaint.status, complaint.assigned_role = status, assigned_role
    if resolution:
        complaint.resolution = resolution
    complaint.closed_at = timezone.now() if status in CLOSED else None
    complaint.full_clean(exclude=["municipality", "building", "containment", "ward", "created_by"])
    complaint.save()
    return complaint


SHOWN_CHANGES = ("status", "assigned_role", "resolution", "kind", "description")


def complaint_history(complaint: Complaint) -> list[dict[str, Any]]:
    """Oldest first: when, who, and what changed, in words (field names and choice labels
    as the page shows them)."""
    fields = {name: Complaint._meta.get_field(name) for name in SHOWN_CHANGES}

    def label(name: str, value: Any) -> str:
        choices = dict(fields[name].choices or [])
        return str(choices.get(value, value or "–"))

    events = []
    for event in reversed(record_history(complaint, limit=50)):
        changes = [
            {
                "field": str(fields[name].verbose_name),
                "before": label(name, change[0]),
                "after": label(name, change[1]),
            }
            for name, change in event["changes"].items()
            if name in fields
        ]
        if event["event"] == "insert" or changes:
            events.append({**event, "taken": event["event"] == "insert", "shown": changes})
    return events
