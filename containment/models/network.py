"""Drains and sewers, and the buildings' sewer connections (issue 28, item 2): placed
records of the municipality (spatial.records).

A segment is drawn in the direction its water flows, from upstream to downstream: its last
vertex is where it discharges, into another segment, a water body (`outfall_water_body`) or
a treatment plant (`outfall_plant`). Where each segment's flow ends up (`reaches`, and the
plant it reaches) is followed downstream through the network by the database whenever a
segment changes (migration 0033); a segment whose end touches nothing on record ends
"open", which the network check reports. Whether a sewered containment's sewage is treated
follows from its building's connection (containment.classification.sewer_treated_sql)."""

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import FloatField, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from spatial.models import SRID, Building, GeographyLength, WaterBody
from spatial.records import PlacedRecord

from ..choices import DrainCondition, DrainMaterial, NetworkEnd, NetworkType


@tracked(exclude=["updated_at", "length_m", "reaches", "reaches_plant"])
class DrainSegment(PlacedRecord):
    """A stretch of drain or sewer between two junctions, drawn downstream."""

    network_type = models.CharField(_("type"), max_length=20, choices=NetworkType.choices)
    # Width of a drain, diameter of a pipe.
    size_mm = models.PositiveIntegerField(
        _("width or diameter (mm)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(50), MaxValueValidator(5000)],
    )
    material = models.CharField(
        _("material"), max_length=20, choices=DrainMaterial.choices, blank=True
    )
    condition = models.CharField(
        _("condition"), max_length=20, choices=DrainCondition.choices, blank=True
    )
    outfall_water_body = models.ForeignKey(
        WaterBody,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outfalls",
        verbose_name=_("discharges into water body"),
    )
    outfall_plant = models.ForeignKey(
        "containment.TreatmentPlant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inflows",
        verbose_name=_("discharges into treatment plant"),
    )
    geom = models.LineStringField(_("route (drawn downstream)"), srid=SRID)
    length_m = models.GeneratedField(
        expression=GeographyLength("geom"), output_field=FloatField(), db_persist=True
    )
    # Derived by the database (migration 0033), never written by the application.
    reaches = models.CharField(
        _("flow ends"), max_length=20, choices=NetworkEnd.choices, blank=True, editable=False
    )
    reaches_plant = models.ForeignKey(
        "containment.TreatmentPlant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("plant reached"),
    )

    class Meta(PlacedRecord.Meta):
        verbose_name = _("drain or sewer segment")
        verbose_name_plural = _("drains and sewers")
        ordering = ["municipality", "id"]
        constraints = [
            *PlacedRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(outfall_water_body__isnull=True) | Q(outfall_plant__isnull=True),
                name="drainsegment_one_outfall",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"{self.get_network_type_display()} {self.pk}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        for name in ("outfall_water_body", "outfall_plant"):
            other = getattr(self, name) if getattr(self, f"{name}_id") else None
            if other is not None and other.municipality_id != self.municipality_id:
                errors[name] = [_("It is not in this municipality.")]
        if self.outfall_water_body_id and self.outfall_plant_id:
            errors["outfall_plant"] = [_("A segment discharges into one place only.")]
        if errors:
            raise ValidationError(errors)


@tracked(exclude=["updated_at"])
class SewerConnection(PlacedRecord):
    """A building's connection to a sewer segment, placed where it joins the sewer (the
    inspection chamber), with the date it was connected."""

    building = models.ForeignKey(
        Building,
        on_delete=models.CASCADE,
        related_name="sewer_connections",
        verbose_name=_("building"),
    )
    segment = models.ForeignKey(
        DrainSegment,
        on_delete=models.CASCADE,
        related_name="connections",
        verbose_name=_("sewer segment"),
    )
    connected_on = models.DateField(_("connected on"), null=True, blank=True)
    geom = models.PointField(_("junction"), srid=SRID)

    class Meta(PlacedRecord.Meta):
        verbose_name = _("sewer connection")
        verbose_name_plural = _("sewer connections")
        ordering = ["municipality", "id"]

    def __str__(self) -> str:
        return self.code or f"{_('sewer connection')} {self.pk}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.building_id and self.building.municipality_id != self.municipality_id:
            errors["building"] = [_("The building is not in this municipality.")]
        if self.segment_id:
            if self.segment.municipality_id != self.municipality_id:
                errors["segment"] = [_("The segment is not in this municipality.")]
            elif self.segment.network_type != NetworkType.SEWER:
                errors["segment"] = [_("A building connects to a sewer, not to a drain.")]
        if self.connected_on and self.connected_on > timezone.localdate():
            errors["connected_on"] = [_("The date lies in the future.")]
        if errors:
            raise ValidationError(errors)
