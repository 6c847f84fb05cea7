"""Compliance rule sets (versioned per municipality) and the assessments made under them."""

from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from spatial.models import (
    Municipality,
)

from ..choices import (
    ComplianceStatus,
    ContainmentType,
    Outlet,
)
from .registers import Containment


def _default_approved_types() -> list[str]:
    return [
        ContainmentType.SEPTIC_TANK,
        ContainmentType.FULLY_LINED_TANK,
        ContainmentType.TWIN_PIT,
        ContainmentType.ONSITE_TREATMENT,
    ]


def _default_forbidden_outlets() -> list[str]:
    return [Outlet.OPEN_DRAIN, Outlet.WATER_BODY, Outlet.OPEN_GROUND]


def _default_outlets_by_type() -> dict[str, list[str]]:
    # A septic tank needs a soak pit (or a sewer) where there is no sewer: "no outlet" fails.
    return {ContainmentType.SEPTIC_TANK: [Outlet.SOAK_PIT, Outlet.SEWER]}


def _default_emptying_not_applicable() -> list[str]:
    # Single pits are closed when full; twin pits alternate and rest: no emptying interval.
    return [
        ContainmentType.UNLINED_PIT,
        ContainmentType.LINED_PIT_OPEN_BOTTOM,
        ContainmentType.TWIN_PIT,
    ]


@tracked()
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
    outlets_by_type = models.JSONField(
        _("allowed outlets per containment type"),
        default=_default_outlets_by_type,
        blank=True,
        help_text=_("For the types listed, only these outlets pass."),
    )
    max_years_since_emptying = models.DecimalField(
        _("maximum years since last emptying"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("3"),
    )
    # The planner: a tank is due when its sludge (users x the national accumulation rate x
    # years) reaches this share of its effective volume, or at the maximum above if sooner.
    sludge_share_to_empty = models.DecimalField(
        _("share of the tank filled with sludge when it is due for emptying"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
    )
    emptying_not_applicable = ArrayField(
        models.CharField(max_length=30, choices=ContainmentType.choices),
        default=_default_emptying_not_applicable,
        blank=True,
        verbose_name=_("types with no emptying interval"),
    )
    # Wards where groundwater is at significant risk: pits, twin pits and soak pits there
    # leach into it (SFD: not contained).
    groundwater_risk_wards = ArrayField(
        models.PositiveSmallIntegerField(),
        default=list,
        blank=True,
        verbose_name=_("wards at significant groundwater risk (numbers)"),
    )
    min_well_distance_m = models.DecimalField(
        _("minimum distance from a tube well or dug well (m)"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("10"),
    )
    # Design practice: 0.13-0.2 m³ of liquid and sludge store per user, and a minimum size.
    min_volume_per_user_m3 = models.DecimalField(
        _("minimum effective volume per user (m³)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("0.130"),
    )
    min_total_volume_m3 = models.DecimalField(
        _("minimum effective volume in all (m³)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1.00"),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Why this version was published (the municipal admin's words, issue 26).
    publish_reason = models.CharField(_("reason for publishing"), max_length=300, blank=True)
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
                & Q(sludge_share_to_empty__gt=0)
                & Q(sludge_share_to_empty__lte=1)
                & Q(min_well_distance_m__gte=0)
                & Q(min_well_distance_m__lte=100)
                & Q(min_volume_per_user_m3__gte=0)
                & Q(min_total_volume_m3__gte=0),
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
    # The rules whose outcome is "fail", sorted: written with the outcomes by the assessment
    # statement, so lists and dashboards need not unpack every outcome document.
    failed_rules = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, verbose_name=_("failed rules")
    )
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
        # The dashboards read every containment's status under one rule set: from this
        # index alone, not from the table (about 1.4 kB a row with its rule outcomes).
        indexes = [
            models.Index(
                fields=["rule_set", "containment"],
                include=["status"],
                name="assessment_status_idx",
            )
        ]


class ComplianceRun(models.Model):
    """One re-assessment of every containment of a municipality under a rule set. A run
    writes only the assessments whose outcome changed, so a containment was last assessed
    at the later of its assessment's `assessed_at` and its rule set's latest run."""

    rule_set = models.ForeignKey(ComplianceRuleSet, on_delete=models.CASCADE, related_name="runs")
    assessed_at = models.DateTimeField(_("assessed at"))
    as_of = models.DateField(_("as of"))
    containments = models.PositiveIntegerField(_("containments assessed"))
    changed = models.PositiveIntegerField(_("assessments changed"))

    class Meta:
        verbose_name = _("compliance run")
        verbose_name_plural = _("compliance runs")
        indexes = [models.Index(fields=["rule_set", "-assessed_at"], name="compliance_run_latest")]

    def __str__(self) -> str:
        return f"{self.rule_set} @ {self.assessed_at:%Y-%m-%d %H:%M}"


class RuleSetDraft(models.Model):
    """The next version of a municipality's rules while the admin works on it: the values a
    new ComplianceRuleSet would take (containment/rule_office.py), kept until published."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="rule_set_draft"
    )
    values = models.JSONField(_("values"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rule set draft")
        verbose_name_plural = _("rule set drafts")
