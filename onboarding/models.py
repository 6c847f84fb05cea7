"""What a town's move from Base IMIS keeps (issue 35): each run's report, and the rows
that could not be mapped, with their reason, until a later run maps them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MigrationRun(models.Model):
    municipality = models.ForeignKey(
        "spatial.Municipality", on_delete=models.CASCADE, related_name="migration_runs"
    )
    source = models.CharField(_("from"), max_length=20, default="base_imis")
    committed = models.BooleanField(_("written"), default=False)
    report = models.JSONField(_("report"), default=dict)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("migration run")
        verbose_name_plural = _("migration runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"


class HeldRow(models.Model):
    """A source row that did not map, as it was read, and why: fixed at the source (or by
    the town's names), it is mapped by the next run and leaves the holding area."""

    municipality = models.ForeignKey(
        "spatial.Municipality", on_delete=models.CASCADE, related_name="held_rows"
    )
    source = models.CharField(_("from"), max_length=20, default="base_imis")
    table = models.CharField(_("table"), max_length=80)
    key = models.CharField(_("key"), max_length=80)
    data = models.JSONField(_("row"), default=dict)
    reason = models.CharField(_("reason"), max_length=300)
    last_run = models.ForeignKey(MigrationRun, on_delete=models.SET_NULL, null=True)
    first_seen = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("held row")
        verbose_name_plural = _("held rows")
        ordering = ["table", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "source", "table", "key"], name="held_row_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.key}"
