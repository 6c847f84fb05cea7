"""Targets the municipality sets for its indicators. The dashboards read them; they are
edited in the admin by municipal admins."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from spatial.history import tracked
from spatial.models import Municipality


@tracked()
class IndicatorTarget(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="indicator_targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(
        _("indicator code"), max_length=12, help_text=_("For example SF-1a or KPI-3.")
    )
    value = models.DecimalField(
        _("target"),
        max_digits=8,
        decimal_places=4,
        help_text=_("Shares as a fraction (0.8 for 80%), ratios and days as they are."),
    )

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "indicator"], name="one_target_per_indicator_year"
            )
        ]
        ordering = ["municipality", "year", "indicator"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"
