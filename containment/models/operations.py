"""What the crews and the treatment plants record beyond the chain's steps: photos of an
emptying, the plant's daily log and its laboratory samples (CWIS SF-1f, SF-1g)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.history import tracked

from ..choices import LabSampleType
from ..lab_standards import parameter
from .desludging import Emptying, TreatmentPlant


class EmptyingPhoto(models.Model):
    emptying = models.ForeignKey(Emptying, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="emptyings/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("emptying photo")
        verbose_name_plural = _("emptying photos")


@tracked()
class PlantDailyLog(models.Model):
    """One day at a treatment plant, as its operator keeps it. The loads received that day
    are read from the confirmed deliveries, not typed again."""

    plant = models.ForeignKey(TreatmentPlant, on_delete=models.CASCADE, related_name="daily_logs")
    day = models.DateField(_("day"))
    operating = models.BooleanField(_("the plant operated"), default=True)
    hours_operated = models.DecimalField(
        _("hours operated"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    effluent_m3 = models.DecimalField(
        _("effluent discharged (m³)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    sludge_removed_m3 = models.DecimalField(
        _("treated sludge removed (m³)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes and incidents"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plant daily log")
        verbose_name_plural = _("plant daily logs")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["plant", "day"], name="plant_log_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(hours_operated__isnull=True)
                | models.Q(hours_operated__gte=0, hours_operated__lte=24),
                name="plant_log_hours_in_a_day",
            ),
        ]


@tracked()
class LabSample(models.Model):
    """A sample of a plant's treated sludge or effluent and the laboratory's results."""

    plant = models.ForeignKey(TreatmentPlant, on_delete=models.CASCADE, related_name="lab_samples")
    sample_type = models.CharField(_("sample of"), max_length=20, choices=LabSampleType.choices)
    sampled_on = models.DateField(_("sample date"))
    laboratory = models.CharField(_("laboratory"), max_length=120, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("laboratory sample")
        verbose_name_plural = _("laboratory samples")
        ordering = ["-sampled_on", "-id"]

    @property
    def meets_standards(self) -> bool:
        return all(result.meets_standard for result in self.results.all())


class LabResult(models.Model):
    """One parameter of a sample, with the limit it was judged against (copied from the
    standard in force when it was recorded: containment/lab_standards.py)."""

    sample = models.ForeignKey(LabSample, on_delete=models.CASCADE, related_name="results")
    parameter = models.CharField(_("parameter"), max_length=20)
    value = models.DecimalField(_("result"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20)
    limit = models.CharField(_("standard"), max_length=40)
    meets_standard = models.BooleanField(_("meets the standard"))

    class Meta:
        verbose_name = _("laboratory result")
        verbose_name_plural = _("laboratory results")
        constraints = [
            models.UniqueConstraint(fields=["sample", "parameter"], name="lab_result_once"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="lab_result_not_negative"
            ),
        ]

    @property
    def parameter_label(self) -> str:
        found = parameter(self.sample.sample_type, self.parameter)
        return str(found.label) if found else self.parameter


class HouseholdNotice(models.Model):
    """A message to the household about its request (containment/notices.py), kept as an
    outbox: what was said, to which number, and whether the backend took it."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    request = models.ForeignKey(
        "containment.EmptyingRequest", on_delete=models.CASCADE, related_name="notices"
    )
    event = models.CharField(_("event"), max_length=20)
    phone = models.CharField(_("phone"), max_length=30)
    text = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.CharField(_("error"), max_length=300, blank=True)
    backend = models.CharField(_("sent through"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household notice")
        verbose_name_plural = _("household notices")
        ordering = ["-created_at", "-id"]
