"""Inspections of containments and their photos."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.history import tracked

from ..choices import (
    ComplianceStatus,
)
from .registers import Containment


@tracked()
class Inspection(models.Model):
    """A sanitation inspector's visit: findings per compliance rule, an outcome, notes, and
    the facts observed, which update the containment (the changes are kept here, before and
    after)."""

    containment = models.ForeignKey(
        Containment, on_delete=models.CASCADE, related_name="inspections"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections"
    )
    visited_on = models.DateField(_("visited on"))
    findings = models.JSONField(_("findings per rule"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ComplianceStatus.choices)
    notes = models.TextField(_("notes"), blank=True)
    changes = models.JSONField(_("changes to the register"), default=dict, blank=True)
    # The phone's own name for the visit: sent again after a lost answer, it is kept once.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-visited_on", "-id"]


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="inspections/%Y/%m/")
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
