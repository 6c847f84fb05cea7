"""A desludging request's trail (issue 25): each step of the chain, when and by whom, read
from the change history the database keeps (core/history.py), for the request's page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.history import record_history

from .choices import DeliveryStatus, RequestStatus
from .models import EmptyingRequest

# Steps written in one transaction share its time; the chain's order breaks the tie.
RANK = {status: float(i) for i, status in enumerate(RequestStatus.values)}
DISCHARGE_RANK, DECISION_RANK = RANK["emptied"] + 0.5, RANK["delivered"] + 0.5


def request_trail(request: EmptyingRequest) -> list[dict[str, Any]]:
    """Oldest first: {at, step, user}. The request's status changes, each load discharged
    and the plant's decision on it."""
    steps = []
    for event in record_history(request, limit=100):
        if event["event"] == "insert":
            steps.append(
                {"at": event["at"], "rank": -1.0, "step": _("Requested"), "user": event["user"]}
            )
            continue
        status = event["changes"].get("status")
        if status:
            steps.append(
                {
                    "at": event["at"],
                    "rank": RANK[status[1]],
                    "step": RequestStatus(status[1]).label,
                    "user": event["user"],
                }
            )
    emptying = getattr(request, "emptying", None)
    for load in emptying.deliveries.select_related("plant") if emptying else []:
        where = load.plant.name if load.plant else load.get_destination_display()
        for event in record_history(load, limit=20):
            if event["event"] == "insert":
                step, rank = _("Load discharged: %(where)s") % {"where": where}, DISCHARGE_RANK
            elif "status" in event["changes"]:
                step = f"{DeliveryStatus(event['changes']['status'][1]).label}: {where}"
                rank = DECISION_RANK
            else:
                continue
            steps.append({"at": event["at"], "rank": rank, "step": step, "user": event["user"]})
    return sorted(steps, key=lambda step: (step["at"], step["rank"]))
