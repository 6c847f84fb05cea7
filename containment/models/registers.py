"""Containments, the buildings they serve, and the households using each toilet."""

from decimal import Decimal

from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from spatial.models import (
    SRID,
    Building,
    DatabaseFilledCharField,
    Municipality,
)
from spatial.records import Retirable, derived_ward

from ..choices import (
    ContainmentLocation,
    ContainmentType,
    EmptyingMethod,
    HouseholdSource,
    MembersGo,
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


@tracked(exclude=["effective_volume_m3", "updated_at"])
class Containment(Retirable):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="containments"
    )
    # Filled by the database: code from the municipality's own sequence, ward from the point.
    code = DatabaseFilledCharField(_("code"), max_length=20, blank=True, editable=False)
    ward = derived_ward("containments")
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

    class Meta(Retirable.Meta):
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
    # Members who go to a community or public toilet: which one (issue 28).
    public_toilet = models.ForeignKey(
        "containment.PublicToilet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("public or community toilet used"),
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
            models.CheckConstraint(
                condition=Q(public_toilet__isnull=True) | Q(members_go="public_toilet"),
                name="household_public_toilet_only_if_members_go_there",
            ),
        ]
        indexes = [models.Index(fields=["facility"], name="household_facility_idx")]

    @property
    def people(self) -> int:
        return (self.people_male or 0) + (self.people_female or 0) + (self.people_other or 0)

    def __str__(self) -> str:
        return f"{self.building} / {self.number}"
