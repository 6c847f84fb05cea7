"""The monthly FSM report (issue 26): what the desludging service did in one month of one
municipality, for the mayor's office and the development partners, printed as PDF.

Counts come from the registers when asked (not from the stored dashboard figures), so the
report states the moment it was made; the ward table is the dashboards' own monthly
statement (selectors.emptying_by_month_computed) cut to the month."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from containment.choices import DeliveryStatus, SludgeDestination
from containment.models import (
    Complaint,
    Emptying,
    EmptyingRequest,
    LabSample,
    PlantDailyLog,
    SludgeDelivery,
)
from core.local import ward_label
from spatial.models import Municipality, Ward

from . import selectors


def _number(value) -> float:
    return float(value or 0)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    """First and last day of the month, and its start and end as moments in local time."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    return first, last, start, end


def monthly_fsm_report(*, municipality: Municipality, year: int, month: int) -> dict:
    """Requests, emptyings by provider, loads by plant and destination, the wards, complaints
    and the plants' logs and laboratory samples of one month. Eight queries."""
    first, last, start, end = month_bounds(year, month)
    requests = EmptyingRequest.objects.filter(
        municipality=municipality, requested_at__gte=start, requested_at__lt=end
    ).aggregate(
        received=Count("id"),
        emergencies=Count("id", filter=Q(is_emergency=True)),
        cancelled=Count("id", filter=Q(cancelled_at__isnull=False)),
    )
    emptyings = (
        Emptying.objects.filter(
            request__municipality=municipality, emptied_on__gte=first, emptied_on__lte=last
        )
        .values("request__provider__name")
        .annotate(jobs=Count("id"), volume=Sum("volume_m3"), fees=Sum("cost_bdt"))
        .order_by("request__provider__name")
    )
    providers = [
        {
            "name": row["request__provider__name"] or "–",
            "jobs": row["jobs"],
            "volume": _number(row["volume"]),
            "fees": _number(row["fees"]),
        }
        for row in emptyings
    ]
    loads = (
        SludgeDelivery.objects.filter(
            emptying__request__municipality=municipality,
            delivered_at__gte=start,
            delivered_at__lt=end,
        )
        .values("status", "plant__name", "destination")
        .annotate(loads=Count("id"), volume=Sum("volume_m3"), received=Sum("volume_received_m3"))
        .order_by("status", "plant__name", "destination")
    )
    deliveries = [
        {
            "status": DeliveryStatus(row["status"]).label,
            "status_code": row["status"],
            "where": row["plant__name"]
            or (SludgeDestination(row["destination"]).label if row["destination"] else "–"),
            "loads": row["loads"],
            "volume": _number(row["volume"]),
            "received": _number(row["received"]),
        }
        for row in loads
    ]
    wards = {w.pk: w for w in Ward.objects.filter(municipality=municipality)}
    ward_rows = []
    for row in selectors.emptying_by_month_computed(municipality=municipality, year=year):
        if row["month"] != month:
            continue
        ward = wards.get(row["ward"])
        label = ward_label({"number": ward.number, "name_bn": ward.name_bn}) if ward else "–"
        ward_rows.append({**row, "label": label, "number": ward.number if ward else 10**6})
    ward_rows.sort(key=lambda row: row["number"])
    complaints = Complaint.objects.filter(municipality=municipality).aggregate(
        received=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
        closed=Count("id", filter=Q(closed_at__gte=start, closed_at__lt=end)),
    )
    logs = (
        PlantDailyLog.objects.filter(
            plant__municipality=municipality, day__gte=first, day__lte=last
        )
        .values("plant__name")
        .annotate(
            days=Count("id"),
            operated=Count("id", filter=Q(operating=True)),
            hours=Sum("hours_operated"),
        )
        .order_by("plant__name")
    )
    samples = LabSample.objects.filter(
        plant__municipality=municipality, sampled_on__gte=first, sampled_on__lte=last
    ).aggregate(
        taken=Count("id", distinct=True),
        failing=Count("id", filter=Q(results__meets_standard=False), distinct=True),
    )
    emptied_volume = sum(p["volume"] for p in providers)
    treated = sum(d["received"] for d in deliveries if d["status_code"] == "confirmed")
    return {
        "year": year,
        "month": month,
        "first": first,
        "last": last,
        "made_at": timezone.now(),
        "requests": requests,
        "providers": providers,
        "jobs": sum(p["jobs"] for p in providers),
        "emptied_volume": emptied_volume,
        "fees": sum(p["fees"] for p in providers),
        "deliveries": deliveries,
        "treated_volume": treated,
        "treated_share": round(100 * treated / emptied_volume) if emptied_volume else None,
        "wards": ward_rows,
        "complaints": complaints,
        "plants": [
            {**row, "hours": _number(row["hours"]), "name": row["plant__name"]} for row in logs
        ],
        "samples": samples,
    }
