"""On-site sanitation: containments, the buildings they serve, compliance rule sets and
assessments. Raw attributes are stored; every classification (JMP rung, SFD class,
compliance) is derived from them (containment/classification.py, containment/compliance.py).
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from spatial.models import (
    SRID,
    Building,
    DatabaseFilledCharField,
    DatabaseFilledForeignKey,
    Municipality,
    Ward,
)

from .choices import (
    ComplianceStatus,
    ContainmentLocation,
    ContainmentType,
    Outlet,
    SludgeDestination,
    ToiletType,
)

POSITIVE = [MinValueValidator(Decimal("0.01"))]
PI = Value(Decimal("3.14159265"))


def _dimension(label: str) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=6, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )


class Containment(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="containments"
    )
    # Filled by the database: code from the municipality's own sequence, ward from the point.
    code = DatabaseFilledCharField(_("code"), max_length=20, blank=True, editable=False)
    ward = DatabaseFilledForeignKey(
        Ward,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="containments",
        verbose_name=_("ward"),
    )
    buildings = models.ManyToManyField(
        Building, through="ContainmentBuilding", related_name="containments"
    )
    containment_type = models.CharField(
        _("containment type"), max_length=30, choices=ContainmentType.choices
    )
    outlet = models.CharField(_("outlet"), max_length=20, choices=Outlet.choices, blank=True)
    toilet_type = models.CharField(
        _("toilet type"), max_length=20, choices=ToiletType.choices, blank=True
    )
    shared_facility = models.BooleanField(_("shared with other households"), null=True, blank=True)
    users = models.PositiveIntegerField(_("people using it"), null=True, blank=True)
    length_m = _dimension(_("length (m)"))
    width_m = _dimension(_("width (m)"))
    depth_m = _dimension(_("depth (m)"))
    diameter_m = _dimension(_("diameter (m)"))
    volume_m3 = models.DecimalField(
        _("volume (m³)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    # Entered volume, else L x W x D for tanks, else pi (d/2)² x depth for pits.
    effective_volume_m3 = models.GeneratedField(
        expression=Coalesce(
            F("volume_m3"),
            F("length_m") * F("width_m") * F("depth_m"),
            PI * F("diameter_m") * F("diameter_m") / Value(4) * F("depth_m"),
        ),
        output_field=models.DecimalField(max_digits=12, decimal_places=3),
        db_persist=True,
    )
    construction_year = models.PositiveSmallIntegerField(
        _("construction year"), null=True, blank=True
    )
    location = models.CharField(
        _("location"), max_length=10, choices=ContainmentLocation.choices, blank=True
    )
    ever_emptied = models.BooleanField(_("ever emptied"), null=True, blank=True)
    last_emptied_on = models.DateField(_("last emptied on"), null=True, blank=True)
    times_emptied = models.PositiveSmallIntegerField(_("times emptied"), null=True, blank=True)
    sludge_destination = models.CharField(
        _("where the sludge went"), max_length=20, choices=SludgeDestination.choices, blank=True
    )
    geom = models.PointField(_("location"), srid=SRID)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("containment")
        verbose_name_plural = _("containments")
        ordering = ["municipality", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="containment_code_unique_in_municipality"
            ),
            models.CheckConstraint(
                condition=~Q(ever_emptied=False)
                | (
                    Q(last_emptied_on__isnull=True)
                    & (Q(times_emptied__isnull=True) | Q(times_emptied=0))
                ),
                name="containment_never_emptied_has_no_emptying",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"{_('Containment')} {self.pk}"


class ContainmentBuilding(models.Model):
    """A building served by a containment; exactly one of them is responsible for it."""

    containment = models.ForeignKey(
        Containment, on_delete=models.CASCADE, related_name="building_links"
    )
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="containment_links"
    )
    is_responsible = models.BooleanField(_("responsible building"), default=False)

    class Meta:
        verbose_name = _("building served")
        verbose_name_plural = _("buildings served")
        constraints = [
            models.UniqueConstraint(
                fields=["containment", "building"], name="containment_building_unique"
            ),
            models.UniqueConstraint(
                fields=["containment"],
                condition=Q(is_responsible=True),
                name="containment_one_responsible_building",
            ),
        ]
        indexes = [models.Index(fields=["building"], name="containment_link_building_idx")]

    def __str__(self) -> str:
        return f"{self.containment} → {self.building}"


def _default_approved_types() -> list[str]:
    return [
        ContainmentType.SEPTIC_TANK,
        ContainmentType.FULLY_LINED_TANK,
        ContainmentType.TWIN_PIT,
        ContainmentType.ONSITE_TREATMENT,
    ]


def _default_forbidden_outlets() -> list[str]:
    return [Outlet.OPEN_DRAIN, Outlet.WATER_BODY, Outlet.OPEN_GROUND]


class ComplianceRuleSet(models.Model):
    """One version of a municipality's septic-tank rules. Versions are never edited: a change
    is a new version, and assessments name the version they applied."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="compliance_rule_sets"
    )
    version = models.PositiveIntegerField(_("version"))
    approved_types = ArrayField(
        models.CharField(max_length=30, choices=ContainmentType.choices),
        default=_default_approved_types,
        verbose_name=_("approved containment types"),
    )
    forbidden_outlets = ArrayField(
        models.CharField(max_length=20, choices=Outlet.choices),
        default=_default_forbidden_outlets,
        verbose_name=_("forbidden outlets"),
    )
    max_years_since_emptying = models.DecimalField(
        _("maximum years since last emptying"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("3"),
    )
    min_well_distance_m = models.DecimalField(
        _("minimum distance from a tube well or dug well (m)"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("10"),
    )
    min_volume_per_user_m3 = models.DecimalField(
        _("minimum effective volume per user (m³)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("0.050"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("compliance rule set")
        verbose_name_plural = _("compliance rule sets")
        ordering = ["municipality", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "version"], name="rule_set_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(max_years_since_emptying__gt=0)
                & Q(min_well_distance_m__gte=0)
                & Q(min_well_distance_m__lte=100)
                & Q(min_volume_per_user_m3__gte=0),
                name="rule_set_values_possible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {_('rules')} v{self.version}"


class ComplianceAssessment(models.Model):
    """The outcome of one rule set version for one containment. `outcomes` maps each rule to
    {"outcome": pass|fail|unknown, "code": reason code, "params": {...}}; words are rendered
    in the reader's language by containment.compliance.describe()."""

    containment = models.ForeignKey(
        Containment, on_delete=models.CASCADE, related_name="assessments"
    )
    rule_set = models.ForeignKey(
        ComplianceRuleSet, on_delete=models.CASCADE, related_name="assessments"
    )
    status = models.CharField(_("status"), max_length=20, choices=ComplianceStatus.choices)
    outcomes = models.JSONField(_("rule outcomes"))
    well_distance_m = models.FloatField(
        _("distance to the nearest well (m)"), null=True, blank=True
    )
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        verbose_name = _("compliance assessment")
        verbose_name_plural = _("compliance assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["containment", "rule_set"], name="assessment_unique_per_rule_set"
            ),
        ]
        indexes = [models.Index(fields=["rule_set", "status"], name="assessment_status_idx")]
