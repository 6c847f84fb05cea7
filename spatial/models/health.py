"""Waterborne disease cases, as health facilities report them (issue 28, item 7): counts per
ward, month and disease, never a person. The hotspot layer (spatial.health_layers) reads
them against the wards' residents."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked

from ..choices import WaterborneDisease
from .geography import Municipality, Ward


@tracked()
class DiseaseCaseCount(models.Model):
    """The cases of one disease a health facility saw from one ward in one month."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="disease_case_counts"
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, related_name="disease_case_counts", verbose_name=_("ward")
    )
    # The month, as its first day.
    month = models.DateField(_("month"))
    disease = models.CharField(_("disease"), max_length=30, choices=WaterborneDisease.choices)
    cases = models.PositiveIntegerField(_("cases"))
    # Who reported them: the upazila health complex, a clinic, the municipality's EPI ...
    source = models.CharField(_("reported by"), max_length=120)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("waterborne disease case count")
        verbose_name_plural = _("waterborne disease case counts")
        ordering = ["municipality", "-month", "ward", "disease"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "month", "disease", "source"],
                name="diseasecasecount_one_per_ward_month_disease_source",
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="diseasecasecount_month_is_its_first_day"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "month"])]

    def __str__(self) -> str:
        return f"{self.ward} {self.month:%Y-%m} {self.get_disease_display()}: {self.cases}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.ward_id and self.ward.municipality_id != self.municipality_id:
            errors["ward"] = [_("The ward is not in this municipality.")]
        if self.month:
            if self.month.day != 1:
                errors["month"] = [_("Give the month as its first day (YYYY-MM-01).")]
            elif self.month > timezone.localdate():
                errors["month"] = [_("The month lies in the future.")]
        if errors:
            raise ValidationError(errors)
