"""Background tasks of the dashboards (run by `manage.py procrastinate worker`)."""

from procrastinate.contrib.django import app

from . import services


@app.periodic(cron="*/5 * * * *")
@app.task(queue="dashboards", name="dashboards.refresh_stale_figures")
def refresh_stale_figures(timestamp: int) -> int:
    """Recompute the running year's figures of municipalities written to since their last
    computation, so that dashboard readers seldom wait for it."""
    return services.figures_refresh()
