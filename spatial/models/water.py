"""The water registers: water points (wells, standpipes), water bodies (ponds, tanks,
wetlands, canals, rivers), the piped supply's lines and drinking-water samples, placed
records of the municipality (spatial.records)."""

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import FloatField, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked

from ..choices import (
    PipeMaterial,
    PipeRole,
    WaterBodyOwnership,
    WaterBodyType,
    WaterPointOwnership,
    WaterPointType,
)
from ..records import PlacedRecord
from .geography import SRID, Building, GeographyArea, GeographyLength


@tracked(exclude=["updated_at"])
class WaterPoint(PlacedRecord):
    """A drinking-water source in the municipality (tube well, dug well, standpipe ...)."""

    point_type = models.CharField(_("type"), max_length=20, choices=WaterPointType.choices)
    depth_m = models.DecimalField(
        _("depth (m)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    ownership = models.CharField(
        _("ownership"), max_length=20, choices=WaterPointOwnership.choices, blank=True
    )
    # A household's own tube well: the building it belongs to (the compliance rule's "the
    # building's own tube well counts" then measures to the well itself).
    building = models.ForeignKey(
        Building,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_water_points",
        verbose_name=_("building whose own well it is"),
    )
    # The latest arsenic test (a field kit or a laboratory); whether that is safe is derived
    # against the national standard (settings IMIS["ARSENIC_STANDARD_UG_L"]), never stored.
    arsenic_ug_l = models.DecimalField(
        _("arsenic (µg/L)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    arsenic_tested_on = models.DateField(_("arsenic tested on"), null=True, blank=True)
    geom = models.PointField(_("location"), srid=SRID)

    class Meta(PlacedRecord.Meta):
        verbose_name = _("water point")
        verbose_name_plural = _("water points")
        ordering = ["municipality", "id"]
        constraints = [
            *PlacedRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(arsenic_ug_l__isnull=True) | Q(arsenic_ug_l__gte=0),
                name="waterpoint_arsenic_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(arsenic_ug_l__isnull=True, arsenic_tested_on__isnull=True)
                | Q(arsenic_ug_l__isnull=False, arsenic_tested_on__isnull=False),
                name="waterpoint_arsenic_result_with_its_date",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"{self.get_point_type_display()} {self.pk}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.building_id and self.building.municipality_id != self.municipality_id:
            errors["building"] = [_("The building is not in this municipality.")]
        if (self.arsenic_ug_l is None) != (self.arsenic_tested_on is None):
            field = "arsenic_tested_on" if self.arsenic_tested_on is None else "arsenic_ug_l"
            errors[field] = [
                _("An arsenic result needs its test date, and a test date its result.")
            ]
        if self.arsenic_tested_on and self.arsenic_tested_on > timezone.localdate():
            errors["arsenic_tested_on"] = [_("The test date lies in the future.")]
        if errors:
            raise ValidationError(errors)


@tracked(exclude=["area_m2", "updated_at"])
class WaterBody(PlacedRecord):
    """A pond, tank, wetland, canal or river, as the area of its water (issue 28): where
    drains discharge, and what "near water" analysis measures to."""

    name = models.CharField(_("name"), max_length=120, blank=True)
    name_bn = models.CharField(_("name in Bangla"), max_length=120, blank=True)
    body_type = models.CharField(_("type"), max_length=20, choices=WaterBodyType.choices)
    ownership = models.CharField(
        _("ownership"), max_length=20, choices=WaterBodyOwnership.choices, blank=True
    )
    # Holds water all year (not only in the monsoon).
    perennial = models.BooleanField(_("holds water all year"), null=True, blank=True)
    geom = models.PolygonField(_("area"), srid=SRID)
    area_m2 = models.GeneratedField(
        expression=GeographyArea("geom"), output_field=FloatField(), db_persist=True
    )

    class Meta(PlacedRecord.Meta):
        verbose_name = _("water body")
        verbose_name_plural = _("water bodies")
        ordering = ["municipality", "id"]

    def __str__(self) -> str:
        return self.name or self.code or f"{self.get_body_type_display()} {self.pk}"


@tracked(exclude=["length_m", "updated_at"])
class WaterSupplyLine(PlacedRecord):
    """A pipe of the piped water supply (issue 28): its role in the network, diameter,
    material, the year it was laid and who runs it."""

    pipe_role = models.CharField(_("role"), max_length=20, choices=PipeRole.choices)
    diameter_mm = models.PositiveIntegerField(
        _("diameter (mm)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(3000)],
    )
    material = models.CharField(
        _("material"), max_length=20, choices=PipeMaterial.choices, blank=True
    )
    installed_year = models.PositiveSmallIntegerField(
        _("year laid"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    operator = models.CharField(_("operator"), max_length=120, blank=True)
    geom = models.LineStringField(_("route"), srid=SRID)
    length_m = models.GeneratedField(
        expression=GeographyLength("geom"), output_field=FloatField(), db_persist=True
    )

    class Meta(PlacedRecord.Meta):
        verbose_name = _("water supply line")
        verbose_name_plural = _("water supply lines")
        ordering = ["municipality", "id"]

    def __str__(self) -> str:
        return self.code or f"{self.get_pipe_role_display()} {self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.installed_year and self.installed_year > timezone.localdate().year:
            raise ValidationError({"installed_year": [_("The year lies in the future.")]})


def _measure(label, max_digits: int, decimal_places: int):
    return models.DecimalField(
        label,
        max_digits=max_digits,
        decimal_places=decimal_places,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


@tracked(exclude=["updated_at"])
class WaterSample(PlacedRecord):
    """A drinking-water sample (issue 28, item 6): where and when it was taken, from which
    water point if any, by which laboratory or field kit, and what each parameter measured.
    A parameter left empty was not tested. Whether it meets the national standard is derived
    (spatial.water_standards), never stored; CWIS SF-9 counts them. A water point's arsenic
    follows its latest sample with an arsenic result (a trigger, migration 0027)."""

    water_point = models.ForeignKey(
        WaterPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="samples",
        verbose_name=_("water point"),
    )
    sampled_on = models.DateField(_("sampled on"))
    laboratory = models.CharField(_("laboratory or field kit"), max_length=120, blank=True)
    e_coli_per_100ml = models.PositiveIntegerField(
        _("E. coli or thermotolerant coliforms (per 100 mL)"), null=True, blank=True
    )
    arsenic_ug_l = _measure(_("arsenic (µg/L)"), 7, 1)
    chlorine_residual_mg_l = _measure(_("free residual chlorine (mg/L)"), 5, 2)
    turbidity_ntu = _measure(_("turbidity (NTU)"), 7, 1)
    geom = models.PointField(_("location"), srid=SRID)

    class Meta(PlacedRecord.Meta):
        verbose_name = _("water sample")
        verbose_name_plural = _("water samples")
        ordering = ["municipality", "id"]
        constraints = [
            *PlacedRecord.Meta.constraints,
            models.CheckConstraint(
                condition=(Q(arsenic_ug_l__isnull=True) | Q(arsenic_ug_l__gte=0))
                & (Q(chlorine_residual_mg_l__isnull=True) | Q(chlorine_residual_mg_l__gte=0))
                & (Q(turbidity_ntu__isnull=True) | Q(turbidity_ntu__gte=0)),
                name="watersample_measures_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["water_point", "sampled_on"])]

    def __str__(self) -> str:
        return self.code or f"{_('water sample')} {self.pk}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.water_point_id and self.water_point.municipality_id != self.municipality_id:
            errors["water_point"] = [_("The water point is not in this municipality.")]
        if self.sampled_on and self.sampled_on > timezone.localdate():
            errors["sampled_on"] = [_("The date lies in the future.")]
        if errors:
            raise ValidationError(errors)
