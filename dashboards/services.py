"""Writes of the dashboards app: keeping the stored figures current."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from spatial.models import Municipality, Ward

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


def quality_current(
    *, municipality: Municipality, wards: list[int] | None, recount: bool = False
) -> tuple[list[dict], datetime.datetime]:
    """The wards' data quality (as `quality.ward_quality` gives it) and when it was counted:
    today's kept counts while younger than `IMIS["QUALITY_MAX_AGE_S"]`, else counted again
    for the whole municipality and kept (about 4 s at 150,000 buildings, docs/performance.md).
    `recount`: count again now."""
    wanted = Ward.objects.filter(municipality=municipality)
    if wards is not None:
        wanted = wanted.filter(pk__in=wards)
    ward_ids = set(wanted.values_list("pk", flat=True))
    snapshots = QualitySnapshot.objects.filter(
        ward_id__in=ward_ids, taken_on=timezone.localdate()
    ).select_related("ward")
    oldest = timezone.now() - datetime.timedelta(seconds=settings.IMIS["QUALITY_MAX_AGE_S"])
    kept = list(snapshots)
    if recount or len(kept) < len(ward_ids) or any(s.taken_at < oldest for s in kept):
        quality_snapshot_take(municipality=municipality)
        kept = list(snapshots.all())
    rows = [
        {
            "ward": snapshot.ward_id,
            "number": snapshot.ward.number,
            "name": snapshot.ward.name,
            "name_bn": snapshot.ward.name_bn,
            **snapshot.figures,
        }
        for snapshot in sorted(kept, key=lambda s: s.ward.number)
    ]
    counted_at = min((s.taken_at for s in kept), default=timezone.now())
    return rows, counted_at
