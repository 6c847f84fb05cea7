"""Writes of the dashboards app: keeping the stored figures current."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from spatial.models import Municipality

from . import quality, selectors, stored
from .models import QualitySnapshot, StoredFigures


def figures_refresh(*, municipality_ids: list[int] | None = None) -> int:
    """Recompute the stored figures (every ward's figures, the emptying by month, the failing
    rules) of the given municipalities, or of every municipality with writes noted since:
    the running year's, and every other year someone has looked at. Returns how many
    municipalities were refreshed."""
    if municipality_ids is None:
        municipality_ids = stored.stale_municipality_ids()
    refreshed = 0
    for municipality in Municipality.objects.filter(pk__in=municipality_ids).order_by("pk"):
        years = {selectors.default_year()} | set(
            StoredFigures.objects.filter(municipality=municipality, year__gt=0).values_list(
                "year", flat=True
            )
        )
        with stored.forced():
            for year in sorted(years, reverse=True):
                selectors.ward_figures(municipality=municipality, year=year)
                selectors.emptying_by_month(municipality=municipality, year=year)
            selectors.failing_rules_by_ward(municipality=municipality)
        refreshed += 1
    return refreshed


def quality_snapshot_take(*, municipality: Municipality) -> int:
    """Keep today's data quality of every ward of the municipality (replacing an earlier one
    of the same day). Returns how many wards were kept."""
    today = timezone.localdate()
    rows = quality.ward_quality(municipality=municipality, wards=None)
    with transaction.atomic():
        for row in rows:
            QualitySnapshot.objects.update_or_create(
                ward_id=row["ward"],
                taken_on=today,
                defaults={
                    "municipality": municipality,
                    "figures": {
                        key: row[key]
                        for key in ("buildings", "containments", "completeness", "checks")
                    },
                },
            )
    return len(rows)
