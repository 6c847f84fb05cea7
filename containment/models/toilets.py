"""Public and community toilets (issue 28, item 5): toilet blocks serving people who have no
toilet of their own, placed records of the municipality (spatial.records), with the
containment their waste goes to and the counts of their users over time. The households
that depend on one say so in their household record (Household.public_toilet); CWIS SF-3
and SF-4 and the JMP's "limited" rung read them."""

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from spatial.models import SRID, LowIncomeCommunity
from spatial.records import PlacedRecord

from ..choices import ToiletCondition, ToiletKind


@tracked(exclude=["updated_at"])
class PublicToilet(PlacedRecord):
    """A public, community, school or institutional toilet block."""

    name = models.CharField(_("name"), max_length=120, blank=True)
    name_bn = models.CharField(_("name in Bangla"), max_length=120, blank=True)
    toilet_kind = models.CharField(_("kind"), max_length=20, choices=ToiletKind.choices)
    operator = models.CharField(_("operator"), max_length=120, blank=True)
    # Opening hours; a block open day and night opens and closes at 00:00.
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    separate_for_women = models.BooleanField(
        _("separate facilities for women"), null=True, blank=True
    )
    accessible = models.BooleanField(
        _("accessible to people with disabilities"), null=True, blank=True
    )
    # Per use, in taka; 0 is free.
    fee_bdt = models.DecimalField(
        _("fee per use (BDT)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    seats = models.PositiveSmallIntegerField(
        _("seats (toilet pans)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    condition = models.CharField(
        _("condition"), max_length=20, choices=ToiletCondition.choices, blank=True
    )
    # Where its excreta goes: the containment (septic tank, pit, sewer connection) on record.
    containment = models.ForeignKey(
        "containment.Containment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_toilets",
        verbose_name=_("containment"),
    )
    low_income_community = models.ForeignKey(
        LowIncomeCommunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_toilets",
        verbose_name=_("low-income community served"),
    )
    geom = models.PointField(_("location"), srid=SRID)

    class Meta(PlacedRecord.Meta):
        verbose_name = _("public or community toilet")
        verbose_name_plural = _("public and community toilets")
        ordering = ["municipality", "id"]
        constraints = [
            *PlacedRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(opens_at__isnull=False, closes_at__isnull=False),
                name="publictoilet_hours_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(fee_bdt__isnull=True) | Q(fee_bdt__gte=0),
                name="publictoilet_fee_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.code or f"{self.get_toilet_kind_display()} {self.pk}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.containment_id and self.containment.municipality_id != self.municipality_id:
            errors["containment"] = [_("The containment is not in this municipality.")]
        lic = self.low_income_community_id and self.low_income_community
        if lic and lic.municipality_id != self.municipality_id:
            errors["low_income_community"] = [
                _("The low-income community is not in this municipality.")
            ]
        if (self.opens_at is None) != (self.closes_at is None):
            field = "closes_at" if self.closes_at is None else "opens_at"
            errors[field] = [_("Give both the opening and the closing time, or neither.")]
        if errors:
            raise ValidationError(errors)


@tracked()
class PublicToiletCount(models.Model):
    """The users of a toilet block counted on a day (the caretaker's register or a spot
    count), with the users' rating: how its use and its users' satisfaction change."""

    toilet = models.ForeignKey(
        PublicToilet, on_delete=models.CASCADE, related_name="counts", verbose_name=_("toilet")
    )
    counted_on = models.DateField(_("counted on"))
    women = models.PositiveIntegerField(_("women and girls"))
    men = models.PositiveIntegerField(_("men and boys"))
    # The average of the users' ratings that day, 1 (very poor) to 5 (very good).
    rating = models.DecimalField(
        _("users' rating (1-5)"),
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("toilet user count")
        verbose_name_plural = _("toilet user counts")
        ordering = ["toilet", "-counted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["toilet", "counted_on"], name="publictoiletcount_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="publictoiletcount_rating_1_to_5",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.counted_on and self.counted_on > timezone.localdate():
            raise ValidationError({"counted_on": [_("The date lies in the future.")]})
