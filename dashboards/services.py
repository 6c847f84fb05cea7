"""Writes of the dashboards app: keeping the stored figures current."""

from __future__ import annotations

from spatial.models import Municipality

from . import selectors, stored


def figures_refresh(*, municipality_ids: list[int] | None = None) -> int:
    """Recompute the running year's stored figures (every ward's figures, the emptying by
    month, the failing rules) of the given municipalities, or of every municipality with
    writes noted since. Returns how many municipalities were refreshed."""
    if municipality_ids is None:
        municipality_ids = stored.stale_municipality_ids()
    year = selectors.default_year()
    refreshed = 0
    for municipality in Municipality.objects.filter(pk__in=municipality_ids).order_by("pk"):
        selectors.ward_figures(municipality=municipality, year=year)
        selectors.emptying_by_month(municipality=municipality, year=year)
        selectors.failing_rules_by_ward(municipality=municipality)
        refreshed += 1
    return refreshed
