"""The desludging chain: plants, providers, vehicles, requests, emptyings, deliveries,
feedback and the planner's plans."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from spatial.models import (
    SRID,
    Municipality,
    Ward,
)

from ..choices import (
    DeliveryStatus,
    EmptyingProblem,
    RequestOrigin,
    RequestStatus,
    SludgeDestination,
    TreatmentPlantType,
)
from .registers import POSITIVE, Containment


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
    # Whether the vehicle fits the lanes: the planner and the desk compare it with the
    # access road's width.
    width_m = models.DecimalField(
        _("width (m)"), max_digits=4, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    depot = models.PointField(_("depot"), srid=SRID, null=True, blank=True)
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
    # Who asked: the caller of a call; nobody when the municipality's plan made the request
    # (the household is then reached through the owner's contact, when known).
    origin = models.CharField(
        _("origin"), max_length=10, choices=RequestOrigin.choices, default=RequestOrigin.CALL
    )
    planned_visit = models.OneToOneField(
        "containment.PlannedVisit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request",
    )
    applicant_name = models.CharField(_("applicant"), max_length=120, blank=True)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=30, blank=True)
    proposed_date = models.DateField(_("proposed date"), null=True, blank=True)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    # What the crew needs to find and reach the tank: lane width, gate, where the lid is.
    access_notes = models.CharField(_("access notes"), max_length=300, blank=True)
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
    # The request's number in the system it came from ("base_imis:123"), so that a move
    # run again finds it (onboarding.base_imis_history); empty for requests made here.
    imported_from = models.CharField(_("imported from"), max_length=60, blank=True, default="")

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
            models.CheckConstraint(
                condition=Q(origin="plan") | (~Q(applicant_name="") & ~Q(applicant_phone="")),
                name="request_call_has_caller",
            ),
            models.UniqueConstraint(
                fields=["municipality", "imported_from"],
                condition=~Q(imported_from=""),
                name="request_imported_once",
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
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    problems = ArrayField(
        models.CharField(max_length=20, choices=EmptyingProblem.choices),
        verbose_name=_("problems met"),
        default=list,
        blank=True,
    )
    problem_notes = models.CharField(_("notes on the problems"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("emptying")
        verbose_name_plural = _("emptyings")
        constraints = [
            models.CheckConstraint(condition=Q(trips__gte=1), name="emptying_at_least_one_trip"),
        ]


@tracked()
class SludgeDelivery(models.Model):
    """A load discharged at a treatment plant, or somewhere else. The crew records where and
    how much it discharged; a plant confirms the volume it received, or rejects the load
    with a reason (then the crew takes it elsewhere and records a new discharge). A load
    taken elsewhere (buried, open ground, a drain) waits for nobody. Only confirmed loads
    count as delivered to treatment (SFD F4)."""

    emptying = models.ForeignKey(Emptying, on_delete=models.CASCADE, related_name="deliveries")
    destination = models.CharField(
        _("where the sludge went"),
        max_length=20,
        choices=SludgeDestination.choices,
        default=SludgeDestination.TREATMENT_PLANT,
    )
    plant = models.ForeignKey(
        TreatmentPlant,
        on_delete=models.PROTECT,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
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
            # A plant's load names the plant; a load taken elsewhere names none and is
            # untreated.
            models.CheckConstraint(
                condition=(
                    Q(destination="treatment_plant", plant__isnull=False) & ~Q(status="untreated")
                )
                | (~Q(destination="treatment_plant") & Q(plant__isnull=True, status="untreated")),
                name="delivery_plant_or_elsewhere",
            ),
        ]

    def __str__(self) -> str:
        where = self.plant or self.get_destination_display()
        return f"{where} – {self.get_status_display()}"


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
