"""Scheduled desludging: rank containments by their years since the last emptying (since
construction when never emptied) against their own emptying interval: overdue, then unknown,
then due within a year, then emptied recently. The interval is the newest rule set's maximum
years, or sooner when the people using the tank (national sludge accumulation rate) are
predicted to fill the rule set's share of it with sludge first. Then by the distance to the
nearest treatment plant (nearest first), then by code; fill working days (weekends and
holidays skipped, settings) up to a daily trip capacity, each containment taking as many
trips as its volume needs of the largest vehicle in service. Containments
with an open request are left to the help desk, those a vacutug cannot reach to manual
emptying, and types the rule set gives no emptying interval are not scheduled.
Deterministic for the same data and inputs; a transaction-level advisory lock lets one run
per municipality proceed at a time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from spatial.models import Municipality

from .models import DesludgingPlan, PlannedVisit, Vehicle

# Python weekday numbers: Bangladesh's weekend is Friday and Saturday.
DEFAULT_WEEKEND = (4, 5)
_LOCK_NAMESPACE = 7401  # advisory-lock class of the planner


def working_days(start: dt.date, count: int) -> Iterator[dt.date]:
    weekend = set(settings.IMIS.get("WEEKEND_DAYS", DEFAULT_WEEKEND))
    holidays = {dt.date.fromisoformat(day) for day in settings.IMIS.get("HOLIDAYS", [])}
    day, produced = start, 0
    while produced < count:
        if day.weekday() not in weekend and day not in holidays:
            yield day
            produced += 1
        day += dt.timedelta(days=1)


RANKED_SQL = """
WITH rules AS (
  SELECT coalesce(rs.max_years_since_emptying, 3) AS max_years,
         coalesce(rs.sludge_share_to_empty, 0.5) AS sludge_share,
         coalesce(rs.emptying_not_applicable, '{}') AS not_applicable
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (SELECT * FROM containment_complianceruleset
                        WHERE municipality_id = %(municipality)s
                        ORDER BY version DESC LIMIT 1) rs ON TRUE
)
SELECT c.id, c.code, y.years, CASE
         WHEN y.years IS NULL THEN 'unknown'
         WHEN y.years > d.interval THEN 'overdue'
         WHEN y.years >= d.interval - 1 THEN 'due_soon'
         ELSE 'recent' END AS band,
       d.interval, plant.distance, c.effective_volume_m3
  FROM containment_containment c
  CROSS JOIN rules
  CROSS JOIN LATERAL (SELECT CASE
         WHEN c.last_emptied_on IS NOT NULL
           THEN (%(as_of)s::date - c.last_emptied_on)::numeric / 365.25
         WHEN c.ever_emptied IS FALSE AND c.construction_year IS NOT NULL
           THEN (extract(year FROM %(as_of)s::date) - c.construction_year)::numeric
       END AS years) y
  -- Its own interval: the rule set's maximum, or sooner when its users' sludge (national
  -- accumulation rate) is predicted to fill the rule set's share of the tank first.
  CROSS JOIN LATERAL (SELECT least(rules.max_years, CASE
         WHEN c.users > 0 AND c.effective_volume_m3 > 0
           THEN rules.sludge_share * c.effective_volume_m3
                / (c.users * %(accumulation)s::numeric) END) AS interval) d
  LEFT JOIN LATERAL (
    SELECT min(ST_Distance(p.geom::geography, c.geom::geography)) AS distance
      FROM containment_treatmentplant p
     WHERE p.municipality_id = c.municipality_id AND p.is_active) plant ON TRUE
 WHERE c.municipality_id = %(municipality)s AND c.containment_type <> 'none'
   AND c.retired_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM containment_emptyingrequest r
                    WHERE r.containment_id = c.id AND r.status IN ('requested', 'scheduled'))
   -- Types the newest rule set gives no emptying interval (single pits closed when full,
   -- twin pits) are not scheduled.
   AND NOT c.containment_type = ANY(rules.not_applicable)
   -- A vacutug cannot reach the responsible building: left to manual emptying.
   AND NOT EXISTS (SELECT 1 FROM containment_containmentbuilding l
                     JOIN spatial_building b ON b.id = l.building_id
                    WHERE l.containment_id = c.id AND l.is_responsible
                      AND b.vacutug_accessible IS FALSE)
 ORDER BY CASE
         WHEN y.years IS NULL THEN 1
         WHEN y.years > d.interval THEN 0
         WHEN y.years >= d.interval - 1 THEN 2
         ELSE 3 END,
       plant.distance NULLS LAST, c.code
"""


def fleet_trip_volume(*, municipality: Municipality) -> Decimal:
    """What one trip carries: the largest vehicle in service with the municipality's active
    providers, else the setting TRIP_VOLUME_M3."""
    largest = (
        Vehicle.objects.filter(
            provider__municipality=municipality, provider__is_active=True, is_active=True
        )
        .order_by("-capacity_m3")
        .values_list("capacity_m3", flat=True)
        .first()
    )
    return largest or Decimal(str(settings.IMIS.get("TRIP_VOLUME_M3", 3)))


@transaction.atomic
def plan_create(
    *,
    municipality: Municipality,
    start_date: dt.date,
    days: int,
    daily_trips: int | None = None,
    trip_volume_m3: Decimal | None = None,
    created_by: Any = None,
) -> DesludgingPlan:
    """Plan `days` working days from `start_date`. Raises ValidationError for impossible
    inputs or when another run for the municipality is in progress."""
    if daily_trips is None:
        daily_trips = settings.IMIS.get("DAILY_TRIP_CAPACITY", 20)
    if trip_volume_m3 is None:
        trip_volume_m3 = fleet_trip_volume(municipality=municipality)
    errors: dict[str, list[str]] = {}
    if not 1 <= days <= 260:
        errors["days"] = [_("Plan between 1 and 260 working days.")]
    if not 1 <= daily_trips <= 500:
        errors["daily_trips"] = [_("Between 1 and 500 trips a day.")]
    if trip_volume_m3 <= 0:
        errors["trip_volume_m3"] = [_("The volume per trip must be positive.")]
    if errors:
        raise ValidationError(errors)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, municipality.pk]
        )
        if not cursor.fetchone()[0]:
            raise ValidationError(
                {"municipality": [_("Another planning run for this municipality is going on.")]}
            )
    plan = DesludgingPlan.objects.create(
        municipality=municipality,
        start_date=start_date,
        working_days=days,
        daily_trips=daily_trips,
        trip_volume_m3=trip_volume_m3,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    calendar = working_days(start_date, days)
    day, used, visits = next(calendar), 0, []
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            RANKED_SQL,
            {
                "municipality": municipality.pk,
                "as_of": start_date,
                "accumulation": settings.IMIS["SLUDGE_ACCUMULATION_M3_PER_PERSON_YEAR"],
            },
        )
        done = False
        while not done and (rows := cursor.fetchmany(1000)):
            for containment_id, _code, years, band, interval, distance, volume in rows:
                trips = max(1, math.ceil((volume or trip_volume_m3) / trip_volume_m3))
                trips = min(trips, daily_trips)
                if used + trips > daily_trips:
                    day = next(calendar, None)
                    used = 0
                    if day is None:
                        done = True
                        break
                used += trips
                visits.append(
                    PlannedVisit(
                        plan=plan,
                        containment_id=containment_id,
                        visit_date=day,
                        position=len(visits) + 1,
                        band=band,
                        years_since_emptying=None if years is None else round(years, 1),
                        interval_years=round(interval, 1),
                        plant_distance_m=distance,
                        trips=trips,
                    )
                )
    PlannedVisit.objects.bulk_create(visits, batch_size=2000)
    return plan
