"""Background tasks of the dashboards (run by `manage.py procrastinate worker`)."""

from procrastinate.contrib.django import app

from spatial.models import Municipality

from . import services
from .stored import QUEUE, REFRESH_TASK


@app.periodic(cron="*/5 * * * *")
@app.task(queue=QUEUE, name="dashboards.refresh_stale_figures")
def refresh_stale_figures(timestamp: int) -> int:
    """Recompute the running year's figures of municipalities written to since their last
    computation, so that dashboard readers seldom wait for it."""
    return services.figures_refresh()


@app.task(queue=QUEUE, name=REFRESH_TASK)
def refresh_municipality_figures(municipality_id: int) -> int:
    """Deferred by a dashboard read that served figures written to since (stored.py)."""
    return services.figures_refresh(municipality_ids=[municipality_id])


@app.periodic(cron="30 2 * * *")
@app.task(queue=QUEUE, name="dashboards.take_quality_snapshots")
def take_quality_snapshots(timestamp: int) -> int:
    """Every night, each municipality's data quality per ward, so that its trend shows."""
    return sum(
        services.quality_snapshot_take(municipality=municipality)
        for municipality in Municipality.objects.order_by("pk")
    )
