"""Targets the municipality sets for its indicators. The dashboards read them; they are
edited in the admin by municipal admins."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import tracked
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


class StoredFigures(models.Model):
    """Dashboard figures computed once per change instead of once per request
    (see dashboards/stored.py). One row per municipality, kind of figures and year."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="stored_figures"
    )
    kind = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    # The day the figures were cut at (a running year's figures are cut at today).
    as_of = models.DateField(null=True)
    # The classification settings the figures were computed under.
    settings_key = models.CharField(max_length=200)
    figures = models.JSONField()
    # Set when a later write was consumed by the computation of another kind or year: the
    # figures may predate it (still served within the age window, see stored.py).
    stale = models.BooleanField(default=False)
    # Figures kept per ward (`by_ward`) are stale only in the wards a later write touched:
    # those are recomputed and merged into the rest (stored.py).
    by_ward = models.BooleanField(default=False)
    stale_wards = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # What the last recomputation covered: every ward (null) or these.
    recomputed_wards = ArrayField(models.BigIntegerField(), null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)
    compute_ms = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "year"], name="one_stored_figures_per_kind_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} ({self.municipality_id})"


class FiguresChange(models.Model):
    """A write to a register the dashboards read, noted per statement and municipality by
    database triggers (migrations 0004 and 0007). Rows are consumed when the figures are recomputed.
    Append-only, so concurrent writers never wait on each other here."""

    municipality_id = models.BigIntegerField(db_index=True)
    # The wards whose figures the write may change (migration 0007); null: every ward.
    wards = ArrayField(models.BigIntegerField(), null=True, blank=True)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.changed_at:%Y-%m-%d %H:%M:%S}"


class QualitySnapshot(models.Model):
    """A ward's data quality (dashboards/quality.py) as it stood on a day: completeness
    counts and failing records per check, kept so that a campaign's effect shows."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="quality_snapshots"
    )
    ward = models.ForeignKey(
        "spatial.Ward", on_delete=models.CASCADE, related_name="quality_snapshots"
    )
    taken_on = models.DateField()
    # When it was counted (a day's snapshot is counted again when asked, see services).
    taken_at = models.DateTimeField(auto_now=True)
    figures = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ward", "taken_on"], name="one_quality_snapshot_a_day")
        ]
        ordering = ["municipality", "taken_on"]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.taken_on}"


class AnalysisTool(models.TextChoices):
    AREA = "area", _("What lies in an area")
    HARD_TO_REACH = "hard_to_reach", _("Buildings a vacutug cannot reach")
    NEAR_WATER = "near_water", _("Containments near water")


class SavedAnalysis(models.Model):
    """A map analysis kept by name (issue 30): its tool and parameters, to run again on
    today's registers."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="saved_analyses"
    )
    name = models.CharField(_("name"), max_length=120)
    tool = models.CharField(_("question"), max_length=20, choices=AnalysisTool.choices)
    parameters = models.JSONField(_("parameters"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)

    class Meta:
        verbose_name = _("saved analysis")
        verbose_name_plural = _("saved analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="saved_analysis_name_unique"
            )
        ]
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name
