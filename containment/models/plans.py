"""The scheduled-desludging planner's runs and their visits (containment/planner.py)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from spatial.models import Municipality

from ..choices import VisitBand
from .registers import POSITIVE, Containment


class DesludgingPlan(models.Model):
    """A run of the scheduled-desludging planner: which containments to empty on which
    working day. Runs are kept; the newest is the plan in force."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="desludging_plans"
    )
    start_date = models.DateField(_("first day"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    daily_trips = models.PositiveSmallIntegerField(_("trips per day"))
    trip_volume_m3 = models.DecimalField(
        _("volume per trip (m³)"), max_digits=5, decimal_places=2, validators=POSITIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("desludging plan")
        verbose_name_plural = _("desludging plans")
        ordering = ["-created_at"]


class PlannedVisit(models.Model):
    plan = models.ForeignKey(DesludgingPlan, on_delete=models.CASCADE, related_name="visits")
    containment = models.ForeignKey(
        Containment, on_delete=models.CASCADE, related_name="planned_visits"
    )
    visit_date = models.DateField(_("visit date"))
    position = models.PositiveIntegerField(_("order"))
    band = models.CharField(_("why due"), max_length=10, choices=VisitBand.choices)
    years_since_emptying = models.DecimalField(
        _("years since emptying"), max_digits=5, decimal_places=1, null=True
    )
    # Its own emptying interval: the rule set's maximum, or sooner when its sludge is
    # predicted to fill the rule set's share of the tank first.
    interval_years = models.DecimalField(
        _("emptying interval (years)"), max_digits=5, decimal_places=1, null=True
    )
    plant_distance_m = models.FloatField(_("distance to the treatment plant (m)"), null=True)
    trips = models.PositiveSmallIntegerField(_("trips"))

    class Meta:
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "containment"], name="visit_once_per_plan"),
        ]
