"""Building approval (issue 32): an application for a new building, from intake to the
approval certificate, with the septic-tank design it proposes checked by the compliance
rule set existing tanks are assessed by.

The proposed building is not in the building register: its footprint and planned
containment stay here, on the application, until an inspector confirms it was built; the
confirmation creates the building and its containment in the registers (decision 0019).
So nothing approved but unbuilt reaches coverage, figures, OGC collections, tiles or
exports: those read the registers only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from containment.choices import ComplianceStatus, ContainmentType, Outlet
from core.history import tracked
from core.roles import MembershipRole
from spatial.choices import FunctionalUse

from .choices import Document, Stage

SRID = 4326


def _metres(label):
    return models.DecimalField(
        label,
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


@tracked(exclude=["updated_at"])
class Application(models.Model):
    municipality = models.ForeignKey(
        "spatial.Municipality", on_delete=models.CASCADE, related_name="building_applications"
    )
    # BA-2026-0001: the number the applicant quotes, from the municipality's own count.
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    applicant_name = models.CharField(_("applicant"), max_length=120)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=11, blank=True)
    holding = models.ForeignKey(
        "holdings.Holding",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="building_applications",
        verbose_name=_("holding"),
    )
    plot = models.CharField(_("plot (mouza, dag and khatian)"), max_length=200)
    # The proposed building.
    floors = models.PositiveSmallIntegerField(_("floors"), validators=[MinValueValidator(1)])
    functional_use = models.CharField(_("use"), max_length=30, choices=FunctionalUse.choices)
    occupants = models.PositiveIntegerField(_("people who will live or work in it"))
    footprint = models.PolygonField(_("proposed footprint"), srid=SRID)
    ward = models.ForeignKey(
        "spatial.Ward", on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    # The proposed containment, checked by the compliance rule set.
    containment_type = models.CharField(
        _("proposed containment"), max_length=30, choices=ContainmentType.choices
    )
    volume_m3 = models.DecimalField(
        _("effective volume (m³)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    outlet = models.CharField(_("outlet"), max_length=20, choices=Outlet.choices)
    tank_location = models.PointField(_("tank location"), srid=SRID, null=True, blank=True)
    well_distance_m = _metres(_("distance to the nearest well, as designed (m)"))
    water_body_distance_m = _metres(_("distance to the nearest water body, as designed (m)"))
    # The design check's last result, under the rule set it was run with.
    design_status = models.CharField(
        _("design check"), max_length=20, choices=ComplianceStatus.choices, blank=True
    )
    design_rule_set = models.ForeignKey(
        "containment.ComplianceRuleSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    design_outcomes = models.JSONField(default=dict, blank=True)
    design_checked_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.RECEIVED
    )
    decision_reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate"), max_length=30, blank=True)
    # After the building was confirmed built: what entered the registers.
    building = models.ForeignKey(
        "spatial.Building", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    containment = models.ForeignKey(
        "containment.Containment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    built_as_approved = models.BooleanField(_("built as approved"), null=True, blank=True)
    differences = models.TextField(_("what differs from the approval"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("building application")
        verbose_name_plural = _("building applications")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="application_reference_once"
            )
        ]
        indexes = [models.Index(fields=["municipality", "stage"], name="application_stage_idx")]

    def __str__(self) -> str:
        return self.reference


class ApplicationDocument(models.Model):
    """A document of the checklist, received (with its scan, when one was taken)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=30, choices=Document.choices)
    file = models.FileField(_("scan"), upload_to="approvals/%Y/", blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="document_once")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"


class StageEvent(models.Model):
    """An application moved into a stage (or was rejected): by whom, in which role, when,
    and what they noted (a rejection's reasons; a design check's outcomes in `data`)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    role = models.CharField(_("as"), max_length=30, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("stage of an application")
        verbose_name_plural = _("stages of applications")
        ordering = ["at", "id"]

    @property
    def role_label(self) -> str:
        return str(dict(MembershipRole.choices).get(self.role, self.role))

    def __str__(self) -> str:
        return f"{self.application_id} {self.stage}"
