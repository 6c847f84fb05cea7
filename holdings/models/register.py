"""The holding register (issue 31): holdings (the unit holding tax, water bills and trade
licences are issued for) on the buildings of the spatial register, their owners, and the
transfers, splits and merges that change them, with history."""

import re

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from spatial.choices import FunctionalUse
from spatial.records import Retirable

from ..choices import ChangeKind

# The holding's own number (its key, holdings.numbers.key): up to six digits, then up to
# two parts of digits or letters (a flat, a sub-holding): 123, 123/A, 123/4/B.
DEFAULT_NUMBER_PATTERN = r"^[0-9]{1,6}(/[0-9A-Z\u0985-\u09B9]{1,4}){0,2}$"


def validate_pattern(value: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(
            _("Not a regular expression: %(reason)s"), params={"reason": exc}, code="pattern"
        ) from None


class HoldingSettings(models.Model):
    """What a municipality decides about its holdings: the format of its numbers, how its
    revenue systems write them, how long former owners' personal data is kept, and
    whether a trade licence is renewed only at premises whose tank was emptied in time."""

    municipality = models.OneToOneField(
        "spatial.Municipality",
        on_delete=models.CASCADE,
        related_name="holding_settings",
        verbose_name=_("municipality"),
    )
    number_pattern = models.CharField(
        _("holding number format"),
        max_length=200,
        default=DEFAULT_NUMBER_PATTERN,
        validators=[validate_pattern],
        help_text=_(
            "A regular expression the holding number's key (Latin digits, no leading zeros, "
            "parts joined by '/') must match."
        ),
    )
    number_example = models.CharField(_("example holding number"), max_length=40, default="123/A")
    ward_prefixed = models.BooleanField(
        _("revenue systems write the ward before the number"),
        default=False,
        help_text=_("For example 04-0123 for holding 123 of ward 4."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("years former owners' ID numbers and phones are kept"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    renewal_needs_emptying = models.BooleanField(
        _("trade licence renewal needs the premises' tank emptied in time"), default=False
    )

    class Meta:
        verbose_name = _("holding settings")
        verbose_name_plural = _("holding settings")

    def __str__(self) -> str:
        return str(self.municipality)

    def number_matches(self, number_key: str) -> bool:
        return re.fullmatch(self.number_pattern, number_key) is not None


# The footprint follows the buildings (their history has it); a holding's history keeps
# what people decide about it.
@tracked(exclude=["updated_at", "geom"])
class Holding(Retirable):
    municipality = models.ForeignKey(
        "spatial.Municipality",
        on_delete=models.CASCADE,
        related_name="holdings",
        verbose_name=_("municipality"),
    )
    ward = models.ForeignKey(
        "spatial.Ward", on_delete=models.PROTECT, related_name="holdings", verbose_name=_("ward")
    )
    number = models.CharField(_("holding number"), max_length=40)
    # holdings.numbers.key(number): what every feed is matched by.
    number_key = models.CharField(max_length=40, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    land_use = models.CharField(
        _("land use"), max_length=30, choices=FunctionalUse.choices, blank=True
    )
    annual_valuation = models.DecimalField(
        _("annual valuation (BDT)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    valuation_year = models.CharField(_("valuation fiscal year"), max_length=7, blank=True)
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # The union of its buildings' footprints in service, kept by the database (migration
    # 0002) whenever a building is placed, moved or retired: the map, tiles and exports.
    geom = models.MultiPolygonField(
        _("footprint"), srid=4326, null=True, blank=True, editable=False
    )
    buildings = models.ManyToManyField(
        "spatial.Building",
        through="HoldingBuilding",
        related_name="holdings",
        verbose_name=_("buildings"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        ordering = ["municipality", "ward", "number_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "ward", "number_key"],
                condition=Q(retired_at__isnull=True),
                name="holding_number_unique_in_ward",
            )
        ]
        indexes = [models.Index(fields=["municipality", "number_key"], name="holding_key_idx")]

    def __str__(self) -> str:
        return self.number


class HoldingBuilding(models.Model):
    """A building a holding is on: a building may carry several holdings (flats, shops)
    and a holding may span several buildings."""

    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="placements")
    building = models.ForeignKey(
        "spatial.Building", on_delete=models.CASCADE, related_name="holding_placements"
    )
    unit = models.CharField(_("flat or unit"), max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["holding", "building"], name="holding_building_once")
        ]

    def __str__(self) -> str:
        return f"{self.holding_id} @ {self.building_id}"


# History keeps who owned what, not the ID numbers and phones (personal data: masked,
# logged when shown, erased after the municipality's retention period).
@tracked(exclude=["national_id", "phone", "updated_at"])
class Owner(models.Model):
    municipality = models.ForeignKey(
        "spatial.Municipality",
        on_delete=models.CASCADE,
        related_name="owners",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=120)
    name_bn = models.CharField(_("name in Bangla"), max_length=120, blank=True)
    national_id = models.CharField(_("national ID number"), max_length=17, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    personal_data_erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HoldingChange(models.Model):
    """A transfer, split or merge: what it changed, when, on what evidence, and who
    recorded it."""

    municipality = models.ForeignKey("spatial.Municipality", on_delete=models.CASCADE)
    kind = models.CharField(_("change"), max_length=12, choices=ChangeKind.choices)
    happened_on = models.DateField(_("date"))
    evidence_reference = models.CharField(
        _("deed or mutation case number"), max_length=80, blank=True
    )
    evidence = models.FileField(_("evidence document"), upload_to="holdings/%Y/", blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    before = models.ManyToManyField(Holding, related_name="changes_out")
    after = models.ManyToManyField(Holding, related_name="changes_in")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("holding change")
        verbose_name_plural = _("holding changes")
        ordering = ["-happened_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"


@tracked()
class Ownership(models.Model):
    """An owner's part of a holding from `since` until `until` (open: owns it today)."""

    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="ownerships")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="ownerships")
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    started_by = models.ForeignKey(
        HoldingChange, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        HoldingChange, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            models.UniqueConstraint(
                fields=["holding", "owner"],
                condition=Q(until__isnull=True),
                name="ownership_current_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} / {self.holding_id}"


class HoldingAlias(models.Model):
    """A holding number as a revenue system writes it, tied to a holding by a person who
    resolved the row on the reconciliation queue: the next import matches it on its own."""

    municipality = models.ForeignKey("spatial.Municipality", on_delete=models.CASCADE)
    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="aliases")
    ward_number = models.PositiveSmallIntegerField(null=True, blank=True)
    number_key = models.CharField(max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number_key", "ward_number"],
                nulls_distinct=False,
                name="holding_alias_once",
            )
        ]

    def __str__(self) -> str:
        return self.number_key
