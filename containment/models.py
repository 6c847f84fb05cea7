"""On-site sanitation: containments, the buildings they serve, compliance rule sets and
assessments. Raw attributes are stored; every classification (JMP rung, SFD class,
compliance) is derived from them (containment/classification.py, containment/compliance.py).
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from spatial.history import tracked
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
    DeliveryStatus,
    EmptyingMethod,
    HouseholdSource,
    MembersGo,
    Outlet,
    RequestStatus,
    SludgeDestination,
    ToiletType,
    TreatmentPlantType,
)

POSITIVE = [MinValueValidator(Decimal("0.01"))]
PI = Value(Decimal("3.14159265"))


def _dimension(label: str) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=6, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )


@tracked(exclude=["effective_volume_m3", "updated_at"])
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
    emptied_by = models.CharField(
        _("last emptied how"), max_length=20, choices=EmptyingMethod.choices, blank=True
    )
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


@tracked()
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


@tracked()
class Household(models.Model):
    """A household living in a building and the toilet it usually uses. The JMP classifies
    people through their household: sharing is a property of the toilet the household
    uses, and a household without a toilet of its own says where its members go
    (`members_go`). A building may hold households on different rungs. A dwelling with no
    household record is unsurveyed: outside every figure's denominator (docs/indicators.md).
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="households"
    )
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="households")
    number = models.PositiveSmallIntegerField(_("household number in the building"), default=1)
    people_male = models.PositiveSmallIntegerField(_("male members"), null=True, blank=True)
    people_female = models.PositiveSmallIntegerField(_("female members"), null=True, blank=True)
    people_other = models.PositiveSmallIntegerField(_("other members"), null=True, blank=True)
    # The toilet (and so the containment) the household usually uses; its own or another's.
    facility = models.ForeignKey(
        Containment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("toilet used"),
    )
    toilet_shared = models.BooleanField(
        _("toilet shared with other households"), null=True, blank=True
    )
    sharing_households = models.PositiveSmallIntegerField(
        _("households sharing the toilet"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2)],
    )
    members_go = models.CharField(
        _("where members go without a toilet"),
        max_length=20,
        choices=MembersGo.choices,
        blank=True,
    )
    source = models.CharField(_("source"), max_length=20, choices=HouseholdSource.choices)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"], name="household_number_unique_in_building"
            ),
            # A household with a toilet does not say where members go without one.
            models.CheckConstraint(
                condition=Q(facility__isnull=True) | Q(members_go=""),
                name="household_members_go_only_without_toilet",
            ),
            models.CheckConstraint(
                condition=Q(sharing_households__isnull=True) | Q(toilet_shared=True),
                name="household_sharing_count_only_if_shared",
            ),
        ]
        indexes = [models.Index(fields=["facility"], name="household_facility_idx")]

    @property
    def people(self) -> int:
        return (self.people_male or 0) + (self.people_female or 0) + (self.people_other or 0)

    def __str__(self) -> str:
        return f"{self.building} / {self.number}"


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
        indexes = [models.Index(fields=["rule_set", "status"], name="assessment_status_idx")]


# ---------------------------------------------------------------- the desludging chain
@tracked()
class TreatmentPlant(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="treatment_plants"
    )
    name = models.CharField(_("name"), max_length=120)
    plant_type = models.CharField(_("type"), max_length=20, choices=TreatmentPlantType.choices)
    capacity_m3_per_day = models.DecimalField(
        _("capacity (m³/day)"), max_digits=7, decimal_places=1, validators=POSITIVE
    )
    is_active = models.BooleanField(_("in operation"), default=True)
    # The dated status: figures of a past year ask whether the plant was in operation then
    # (a plant closing today must not rewrite last year). No dates: in operation while
    # is_active, for all time.
    opened_on = models.DateField(_("in operation from"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    geom = models.PointField(_("location"), srid=SRID)
    # Users with the treatment-plant operator role at this plant: they see the deliveries to
    # it and record them.
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="operated_plants",
        blank=True,
        verbose_name=_("operators"),
    )

    class Meta:
        verbose_name = _("treatment plant")
        verbose_name_plural = _("treatment plants")
        ordering = ["municipality", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(is_active=False),
                name="treatmentplant_closed_is_not_active",
            ),
            models.CheckConstraint(
                condition=Q(opened_on__isnull=True)
                | Q(closed_on__isnull=True)
                | Q(opened_on__lt=F("closed_on")),
                name="treatmentplant_opened_before_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        # Out of operation without a date would rewrite every past year's figures.
        if not self.is_active and self.closed_on is None:
            raise ValidationError({"closed_on": _("Give the day the plant went out of operation.")})


@tracked()
class ServiceProvider(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="service_providers"
    )
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    wards = models.ManyToManyField(Ward, related_name="service_providers", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Users with the service-provider operator role who work for this provider: they see
    # and record its jobs only.
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="operated_providers",
        blank=True,
        verbose_name=_("operators"),
    )

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name


@tracked()
class Vehicle(models.Model):
    provider = models.ForeignKey(ServiceProvider, on_delete=models.CASCADE, related_name="vehicles")
    registration = models.CharField(_("registration number"), max_length=30)
    capacity_m3 = models.DecimalField(
        _("capacity (m³)"), max_digits=5, decimal_places=2, validators=POSITIVE
    )
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["provider", "registration"]

    def __str__(self) -> str:
        return self.registration


@tracked()
class EmptyingRequest(models.Model):
    """One desludging job from application to feedback. The status moves only through
    containment.desludging (a state machine); each step stamps its time."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="emptying_requests"
    )
    containment = models.ForeignKey(
        Containment, on_delete=models.PROTECT, related_name="emptying_requests"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.REQUESTED,
    )
    owner_name = models.CharField(_("owner"), max_length=120, blank=True)
    owner_phone = models.CharField(_("owner's phone"), max_length=30, blank=True)
    applicant_name = models.CharField(_("applicant"), max_length=120)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=30)
    proposed_date = models.DateField(_("proposed date"), null=True, blank=True)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    scheduled_at = models.DateTimeField(null=True, blank=True)
    emptied_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("emptying request")
        verbose_name_plural = _("emptying requests")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["municipality", "status"], name="request_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="request_cancelled_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "cancelled"])
                | (Q(scheduled_for__isnull=False) & Q(provider__isnull=False)),
                name="request_scheduled_has_date_and_provider",
            ),
            # A containment waits for one emptying at a time (containment.desludging).
            models.UniqueConstraint(
                fields=["containment"],
                condition=Q(status__in=["requested", "scheduled"]),
                name="request_one_open_per_containment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.containment} – {self.get_status_display()}"


@tracked()
class Emptying(models.Model):
    request = models.OneToOneField(
        EmptyingRequest, on_delete=models.CASCADE, related_name="emptying"
    )
    emptied_on = models.DateField(_("emptied on"))
    volume_m3 = models.DecimalField(
        _("volume emptied (m³)"), max_digits=6, decimal_places=2, validators=POSITIVE
    )
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="emptyings")
    crew = models.CharField(_("crew"), max_length=200, blank=True)
    trips = models.PositiveSmallIntegerField(_("trips"), default=1)
    cost_bdt = models.DecimalField(
        _("cost (BDT)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("emptying")
        verbose_name_plural = _("emptyings")
        constraints = [
            models.CheckConstraint(condition=Q(trips__gte=1), name="emptying_at_least_one_trip"),
        ]


@tracked()
class SludgeDelivery(models.Model):
    """A load discharged at a treatment plant. The crew records where and how much it
    discharged; the plant confirms the volume it received, or rejects the load with a
    reason (then the crew takes it elsewhere and records a new discharge). Only confirmed
    loads count as delivered to treatment (SFD F4)."""

    emptying = models.ForeignKey(Emptying, on_delete=models.CASCADE, related_name="deliveries")
    plant = models.ForeignKey(TreatmentPlant, on_delete=models.PROTECT, related_name="deliveries")
    volume_m3 = models.DecimalField(
        _("volume discharged (m³)"), max_digits=6, decimal_places=2, validators=POSITIVE
    )
    delivered_at = models.DateTimeField(_("discharged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.DISCHARGED,
    )
    volume_received_m3 = models.DecimalField(
        _("volume received (m³)"),
        max_digits=6,
        decimal_places=2,
        validators=POSITIVE,
        null=True,
        blank=True,
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejecting"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sludge delivery")
        verbose_name_plural = _("sludge deliveries")
        ordering = ["-delivered_at", "-id"]
        indexes = [models.Index(fields=["plant", "status"], name="delivery_plant_status_idx")]
        constraints = [
            # One load on its way or received per emptying; rejected loads stay on record.
            models.UniqueConstraint(
                fields=["emptying"],
                condition=~Q(status="rejected"),
                name="delivery_one_live_per_emptying",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed")
                | (Q(volume_received_m3__isnull=False) & Q(received_at__isnull=False)),
                name="delivery_confirmed_has_volume_and_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="delivery_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plant} – {self.get_status_display()}"


class ServiceFeedback(models.Model):
    request = models.OneToOneField(
        EmptyingRequest, on_delete=models.CASCADE, related_name="feedback"
    )
    service_quality = models.PositiveSmallIntegerField(
        _("service quality (1-5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    ppe_worn = models.BooleanField(_("crew wore protective equipment"))
    comments = models.TextField(_("comments"), blank=True)

    class Meta:
        verbose_name = _("service feedback")
        verbose_name_plural = _("service feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(service_quality__gte=1) & Q(service_quality__lte=5),
                name="feedback_quality_1_to_5",
            ),
        ]


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
    band = models.CharField(_("years since emptying"), max_length=10)
    years_since_emptying = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    plant_distance_m = models.FloatField(_("distance to the treatment plant (m)"), null=True)
    trips = models.PositiveSmallIntegerField(_("trips"))

    class Meta:
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "containment"], name="visit_once_per_plan"),
        ]


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-visited_on", "-id"]


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="inspections/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
