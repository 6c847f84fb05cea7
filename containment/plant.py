"""The treatment plant's desk (issue 25): the plants a user operates, the loads waiting at
their gate, the daily log and the laboratory samples, and the yearly laboratory figures
behind CWIS SF-1f and SF-1g."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import MembershipRole
from spatial.models import Municipality

from . import lab_standards, selectors
from .choices import DeliveryStatus, LabSampleType
from .models import LabResult, LabSample, PlantDailyLog, SludgeDelivery, TreatmentPlant

LOG_FIELDS = ("operating", "hours_operated", "effluent_m3", "sludge_removed_m3", "notes")


def operated_plants(*, user: Any) -> QuerySet[TreatmentPlant]:
    """The plants whose desk the user keeps: those he operates (every plant for a
    superuser)."""
    plants = TreatmentPlant.objects.select_related("municipality").order_by("name", "pk")
    if user.is_superuser:
        return plants
    return plants.filter(
        pk__in=selectors.operated_ids(user=user, role=MembershipRole.PLANT_OPERATOR)
    )


def plant_loads(*, user: Any, plant: TreatmentPlant, decided_since: dt.date) -> dict[str, Any]:
    """The loads waiting for the plant's decision (oldest first), and those it decided
    since `decided_since` (newest first)."""
    loads = selectors.sludge_delivery_list(user=user, plant_id=plant.pk)
    return {
        "waiting": list(loads.filter(status=DeliveryStatus.DISCHARGED).order_by("delivered_at")),
        "decided": list(
            loads.filter(
                status__in=(DeliveryStatus.CONFIRMED, DeliveryStatus.REJECTED),
                reviewed_at__date__gte=decided_since,
            ).order_by("-reviewed_at")[:50]
        ),
    }


def plant_day(*, plant: TreatmentPlant, day: dt.date) -> dict[str, Any]:
    """The day's log (or None) and the loads the plant confirmed as received that day."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    received = SludgeDelivery.objects.filter(
        plant=plant,
        status=DeliveryStatus.CONFIRMED,
        received_at__gte=start,
        received_at__lt=start + dt.timedelta(days=1),
    ).aggregate(loads=Count("pk"), volume=Sum("volume_received_m3"))
    return {
        "log": PlantDailyLog.objects.filter(plant=plant, day=day).first(),
        "loads": received["loads"],
        "volume_m3": received["volume"] or Decimal(0),
    }


def lab_samples(*, plant: TreatmentPlant, limit: int = 20) -> list[LabSample]:
    return list(
        LabSample.objects.filter(plant=plant)
        .prefetch_related("results")
        .order_by("-sampled_on", "-pk")[:limit]
    )


def _not_future(field: str, day: dt.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: [_("The date lies in the future.")]})


@transaction.atomic
def daily_log_save(
    *, plant: TreatmentPlant, day: dt.date, recorded_by: Any, **values: Any
) -> PlantDailyLog:
    """Write (or correct) the plant's log of `day`; history keeps the earlier version."""
    unknown = set(values) - set(LOG_FIELDS)
    if unknown:
        raise ValidationError({"__all__": [_("Unknown fields: %s.") % ", ".join(sorted(unknown))]})
    _not_future("day", day)
    log = PlantDailyLog.objects.select_for_update().filter(plant=plant, day=day).first()
    log = log or PlantDailyLog(plant=plant, day=day)
    for name, value in values.items():
        setattr(log, name, value)
    if not log.operating and log.hours_operated:
        raise ValidationError(
            {"hours_operated": [_("A day the plant did not operate has no hours operated.")]}
        )
    log.recorded_by = recorded_by
    log.full_clean(exclude=["plant", "recorded_by"], validate_constraints=False)
    log.save()
    return log


@transaction.atomic
def lab_sample_record(
    *,
    plant: TreatmentPlant,
    sample_type: str,
    sampled_on: dt.date,
    results: dict[str, Decimal],
    recorded_by: Any,
    laboratory: str = "",
    notes: str = "",
) -> LabSample:
    """Record a sample and its results; each result is judged against the standard of its
    parameter (lab_standards.STANDARDS), and keeps that limit."""
    if sample_type not in LabSampleType.values:
        raise ValidationError({"sample_type": [_("Unknown kind of sample.")]})
    _not_future("sampled_on", sampled_on)
    given = {code: value for code, value in results.items() if value is not None}
    if not given:
        raise ValidationError({"__all__": [_("Enter at least one result.")]})
    errors = {}
    for code, value in given.items():
        if lab_standards.parameter(sample_type, code) is None:
            errors[code] = [_("This parameter is not tested on this kind of sample.")]
        elif value < 0:
            errors[code] = [_("A result cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    sample = LabSample(
        plant=plant,
        sample_type=sample_type,
        sampled_on=sampled_on,
        laboratory=laboratory.strip(),
        notes=notes.strip(),
        recorded_by=recorded_by,
    )
    sample.full_clean(exclude=["plant", "recorded_by"])
    sample.save()
    for code, value in given.items():
        standard = lab_standards.parameter(sample_type, code)
        LabResult.objects.create(
            sample=sample,
            parameter=code,
            value=value,
            unit=standard.unit,
            limit=standard.limit_text,
            meets_standard=standard.meets(value),
        )
    return sample


def lab_figures(*, municipality: Municipality, years: list[int]) -> dict[int, dict[str, int]]:
    """{year: {"sludge_samples", "sludge_meeting", "effluent_samples", "effluent_meeting"}}
    over the municipality's plants: a sample meets the standards when every parameter
    tested on it does. One query."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH samples AS (
                SELECT extract(year FROM s.sampled_on)::int AS year, s.sample_type,
                       bool_and(r.meets_standard) AS meets
                  FROM containment_labsample s
                  JOIN containment_labresult r ON r.sample_id = s.id
                  JOIN containment_treatmentplant p ON p.id = s.plant_id
                 WHERE p.municipality_id = %(municipality)s
                   AND extract(year FROM s.sampled_on)::int = ANY(%(years)s)
                 GROUP BY s.id
            )
            SELECT year,
                   count(*) FILTER (WHERE sample_type = 'treated_sludge'),
                   count(*) FILTER (WHERE sample_type = 'treated_sludge' AND meets),
                   count(*) FILTER (WHERE sample_type = 'effluent'),
                   count(*) FILTER (WHERE sample_type = 'effluent' AND meets)
              FROM samples GROUP BY year
            """,
            {"municipality": municipality.pk, "years": years},
        )
        names = ("sludge_samples", "sludge_meeting", "effluent_samples", "effluent_meeting")
        found = {row[0]: dict(zip(names, row[1:], strict=True)) for row in cursor.fetchall()}
    return {year: found.get(year, dict.fromkeys(names, 0)) for year in years}
