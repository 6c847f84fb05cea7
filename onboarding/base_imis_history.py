"""The desludging history of a town's move from Base IMIS (issue 35): its providers'
vehicles, and each application with what followed it: the emptying, the load the plant
received, the feedback. An application becomes an emptying request of this system at the
step Base IMIS reached, marked with its Base IMIS number so that a run again updates it.
Called by onboarding.base_imis.Move after the providers, plants and containments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from containment.choices import DeliveryStatus, RequestStatus
from containment.models import Containment, Emptying, EmptyingRequest, SludgeDelivery, Vehicle
from core.local import bangladesh_mobile

S = RequestStatus


def vehicles(move: Any) -> None:
    for row in move.data["vehicles"]:
        move.counts["vehicles"]["read"] += 1
        provider = move.ids["providers"].get(row["service_provider_id"])
        plate = (row["license_plate_number"] or "").strip()
        if provider is None or not plate or not row["capacity"]:
            move.hold("vehicles", row["id"], row, _("no provider, plate or capacity"))
            continue
        vehicle, created = Vehicle.objects.update_or_create(
            provider=provider,
            registration=plate[:30],
            defaults={"capacity_m3": row["capacity"], "width_m": row["width"]},
        )
        move.ids["vehicles"][row["id"]] = vehicle
        move.count("vehicles", created)


def _at(day: Any) -> dt.datetime | None:
    """A Base IMIS date as a time of that day in the municipality's time zone."""
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        return day if timezone.is_aware(day) else timezone.make_aware(day)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _applicant(row: dict) -> tuple[str, str]:
    name = (row["applicant_name"] or row["customer_name"] or "").strip()
    phone = (row["applicant_contact"] or row["customer_contact"] or "").strip()
    try:
        phone = bangladesh_mobile(phone)
    except ValueError:
        phone = phone[:30]
    return name[:120], phone


def requests(move: Any) -> None:
    emptied = {r["application_id"]: r for r in move.data["emptyings"]}
    received = {r["application_id"]: r for r in move.data["collections"]}
    rows = sorted(move.data["applications"], key=lambda r: (str(r["application_date"]), r["id"]))
    for row in rows:
        move.counts["requests"]["read"] += 1
        try:
            with transaction.atomic():
                created = _request(move, row, emptied.get(row["id"]), received.get(row["id"]))
        except (ValidationError, DatabaseError) as error:
            move.hold("requests", row["id"], row, _message(error))
            continue
        move.count("requests", created)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)[:300]
    return str(error).splitlines()[0][:300]


def _request(move: Any, row: dict, emptying: dict | None, load: dict | None) -> bool:
    containment = Containment.objects.filter(
        municipality=move.m, code=str(row["containment_id"] or "")[:20]
    ).first()
    if containment is None:
        raise ValidationError(_("its containment was not brought over"))
    name, phone = _applicant(row)
    if not name or not phone:
        raise ValidationError(_("no applicant's name or phone"))
    provider = move.ids["providers"].get(row["service_provider_id"])
    vehicle = move.ids["vehicles"].get((emptying or {}).get("desludging_vehicle_id"))
    if emptying is not None and vehicle is None:
        raise ValidationError(_("its emptying names no vehicle that was brought over"))
    if emptying is not None and not (
        emptying["volume_of_sludge"] or (load or {}).get("volume_of_sludge")
    ):
        raise ValidationError(_("its emptying gives no volume"))
    asked = _at(row["application_date"]) or timezone.now()
    day = (emptying or {}).get("emptied_date") or row["proposed_emptying_date"]
    status = (
        S.CLOSED if emptying and load and row["feedback_status"]
        else S.DELIVERED if emptying and load
        else S.EMPTIED if emptying
        else S.SCHEDULED if provider and day
        else S.REQUESTED
    )  # fmt: skip
    values = {
        "containment": containment,
        "status": status,
        "applicant_name": name,
        "applicant_phone": phone,
        "proposed_date": row["proposed_emptying_date"],
        "is_emergency": bool(row["emergency_desludging_status"]),
        "provider": provider if status != S.REQUESTED else None,
        "scheduled_for": day if status != S.REQUESTED else None,
        "requested_at": asked,
        "scheduled_at": asked if status != S.REQUESTED else None,
        "emptied_at": _at((emptying or {}).get("emptied_date")),
        "delivered_at": _at((load or {}).get("date")),
        "closed_at": _at((load or {}).get("date")) if status == S.CLOSED else None,
    }
    request, created = EmptyingRequest.objects.update_or_create(
        municipality=move.m, imported_from=f"base_imis:{row['id']}", defaults=values
    )
    if emptying is not None:
        _emptying(move, request, emptying, vehicle, load)
    return created


def _emptying(move: Any, request: EmptyingRequest, row: dict, vehicle: Any, load: dict | None):
    trips = row["no_of_trips"] or 1
    emptying, _created = Emptying.objects.update_or_create(
        request=request,
        defaults={
            "emptied_on": row["emptied_date"],
            "volume_m3": row["volume_of_sludge"] or (load or {}).get("volume_of_sludge"),
            "vehicle": vehicle,
            "trips": max(int(trips), 1),
            "cost_bdt": row["total_cost"],
            "receipt_number": (row["receipt_number"] or "")[:40],
        },
    )
    plant = move.ids["plants"].get((load or {}).get("treatment_plant_id"))
    if load is None or plant is None or not load["volume_of_sludge"]:
        return
    when = _at(load["date"])
    SludgeDelivery.objects.update_or_create(
        emptying=emptying,
        defaults={
            "plant": plant,
            "volume_m3": load["volume_of_sludge"],
            "delivered_at": when,
            "status": DeliveryStatus.CONFIRMED,
            "volume_received_m3": load["volume_of_sludge"],
            "received_at": when,
        },
    )
