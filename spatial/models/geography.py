"""The municipality's geography: municipality, wards, buildings, roads, low-income communities.

Geometry is stored in EPSG:4326 (see docs/decisions/0002-srid-policy.md). Values that follow
from the geometry are computed by PostGIS, never typed: areas and lengths in metres are
generated columns over `geography`, and a building's BIN, ward and low-income community are
filled by a database trigger (migration 0002) so every write path, ORM, COPY or import, gets them.
"""

from urllib.parse import urlsplit

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import FloatField, Func, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from core.local import LocalName

from ..choices import (
    FunctionalUse,
    RoadHierarchy,
    RoadSurface,
    StructureType,
    WaterSource,
)
from ..records import (
    DatabaseFilledCharField,
    DatabaseFilledForeignKey,
    Retirable,
    derived_ward,
)

SRID = 4326


class GeographyArea(Func):
    """Area in square metres on the spheroid (immutable, so usable in a generated column)."""

    template = "ST_Area(%(expressions)s::geography)"
    output_field = FloatField()


class GeographyLength(Func):
    """Length in metres on the spheroid."""

    template = "ST_Length(%(expressions)s::geography)"
    output_field = FloatField()


def validate_tile_url(value: str) -> None:
    """An https (or this site's own, /...) tile URL template naming {z}, {x} and {y}."""
    parts = urlsplit(value.replace("{", "").replace("}", ""))
    own = value.startswith("/") and not value.startswith("//")
    if not (own or (parts.scheme == "https" and parts.hostname)) or any(
        key not in value for key in ("{z}", "{x}", "{y}")
    ):
        raise ValidationError(
            _("Give an https address with {z}, {x} and {y} in it."), code="tile_url"
        )


@tracked(exclude=["area_m2"])
class Municipality(LocalName, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_bn = models.CharField(_("name in Bangla"), max_length=120, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=SRID)
    area_m2 = models.GeneratedField(
        expression=GeographyArea("boundary"), output_field=FloatField(), db_persist=True
    )
    # Ward-level aggregates (never records) appear on the public page when set.
    publishes_dashboard = models.BooleanField(
        _("publish ward figures on the public page"), default=False
    )
    # The municipality's own imagery (drone or satellite), offered as a basemap on its maps.
    imagery_url = models.CharField(
        _("imagery tile URL"),
        max_length=300,
        blank=True,
        validators=[validate_tile_url],
        help_text=_(
            "An https address of image tiles with {z}, {x} and {y}, for example "
            "https://imagery.example.org/town/{z}/{x}/{y}.png. Leave blank for none."
        ),
    )
    imagery_attribution = models.CharField(
        _("imagery credit"), max_length=200, blank=True, help_text=_("Who made the imagery.")
    )
    # How far the desludging vehicles' hose reaches from a road they can use: beyond it a
    # building is hard to reach (containment.access).
    hose_length_m = models.PositiveSmallIntegerField(
        _("hose length (m)"),
        default=40,
        validators=[MinValueValidator(5), MaxValueValidator(200)],
        help_text=_("How far the desludging vehicles' hose reaches from the road."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@tracked(exclude=["area_m2", "updated_at"])
class Ward(LocalName, models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="wards", verbose_name=_("municipality")
    )
    number = models.PositiveSmallIntegerField(_("ward number"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    name_bn = models.CharField(_("name in Bangla"), max_length=120, blank=True)
    geom = models.MultiPolygonField(_("boundary"), srid=SRID)
    area_m2 = models.GeneratedField(
        expression=GeographyArea("geom"), output_field=FloatField(), db_persist=True
    )
    # The record's version for a file round trip (exports carry it; spatial.imports). The
    # database fills it for writers that bypass the model (the demo's COPY).
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        ordering = ["municipality", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="ward_number_unique_in_municipality"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="ward_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {_('Ward')} {self.number}"


@tracked(exclude=["area_m2"])
class LowIncomeCommunity(LocalName, models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="low_income_communities"
    )
    name = models.CharField(_("name"), max_length=120)
    name_bn = models.CharField(_("name in Bangla"), max_length=120, blank=True)
    household_count = models.PositiveIntegerField(_("households"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    geom = models.MultiPolygonField(_("boundary"), srid=SRID)
    area_m2 = models.GeneratedField(
        expression=GeographyArea("geom"), output_field=FloatField(), db_persist=True
    )

    class Meta:
        verbose_name = _("low-income community")
        verbose_name_plural = _("low-income communities")
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name


@tracked(exclude=["length_m", "updated_at"])
class Road(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="roads")
    code = models.CharField(_("road code"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=160, blank=True)
    hierarchy = models.CharField(_("hierarchy"), max_length=20, choices=RoadHierarchy.choices)
    surface = models.CharField(_("surface"), max_length=20, choices=RoadSurface.choices, blank=True)
    right_of_way_m = models.DecimalField(
        _("right of way (m)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    carriageway_width_m = models.DecimalField(
        _("carriageway width (m)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    geom = models.LineStringField(_("centreline"), srid=SRID)
    length_m = models.GeneratedField(
        expression=GeographyLength("geom"), output_field=FloatField(), db_persist=True
    )
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("road")
        verbose_name_plural = _("roads")
        ordering = ["municipality", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(carriageway_width_m__isnull=True)
                | Q(right_of_way_m__isnull=True)
                | Q(carriageway_width_m__lte=models.F("right_of_way_m")),
                name="road_carriageway_within_right_of_way",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.code or f"{_('Road')} {self.pk}"


@tracked(exclude=["footprint_area_m2", "updated_at"])
class Building(Retirable):
    """A building footprint. Its BIN, ward and low-income community are filled by the
    database. Deleting one that survey submissions or containments refer to retires it
    instead (Retirable: with a reason, restorable, history kept)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="buildings"
    )
    # Filled by the database: BIN from the municipality's own sequence, ward and LIC from
    # the point on the footprint's surface.
    bin = DatabaseFilledCharField(_("BIN"), max_length=20, blank=True, editable=False)
    ward = derived_ward("buildings")
    low_income_community = DatabaseFilledForeignKey(
        LowIncomeCommunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="buildings",
        verbose_name=_("low-income community"),
    )
    holding_number = models.CharField(_("holding number"), max_length=40, blank=True)
    main_building = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="auxiliary_buildings",
        verbose_name=_("main building"),
    )
    access_road = models.ForeignKey(
        Road,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name=_("access road"),
    )
    structure_type = models.CharField(
        _("structure type"), max_length=20, choices=StructureType.choices, blank=True
    )
    floor_count = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    construction_year = models.PositiveSmallIntegerField(
        _("construction year"), null=True, blank=True
    )
    functional_use = models.CharField(
        _("functional use"), max_length=30, choices=FunctionalUse.choices, blank=True
    )
    use_subcategory = models.CharField(_("use sub-category"), max_length=80, blank=True)
    household_count = models.PositiveSmallIntegerField(_("households"), null=True, blank=True)
    population_male = models.PositiveIntegerField(_("male population"), null=True, blank=True)
    population_female = models.PositiveIntegerField(_("female population"), null=True, blank=True)
    population_other = models.PositiveIntegerField(_("other population"), null=True, blank=True)
    population_disabled = models.PositiveIntegerField(
        _("people with disabilities"), null=True, blank=True
    )
    water_source = models.CharField(
        _("water source"), max_length=20, choices=WaterSource.choices, blank=True
    )
    has_toilet = models.BooleanField(_("has toilet"), null=True, blank=True)
    toilet_count = models.PositiveSmallIntegerField(_("toilets"), null=True, blank=True)
    vacutug_accessible = models.BooleanField(
        _("desludging vehicle can reach"), null=True, blank=True
    )
    geom = models.PolygonField(_("footprint"), srid=SRID)
    # Set when the building was merged into another (and retired): its successor.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    footprint_area_m2 = models.GeneratedField(
        expression=GeographyArea("geom"), output_field=FloatField(), db_persist=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Retirable.Meta):
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["municipality", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "bin"], name="building_bin_unique_in_municipality"
            ),
            models.CheckConstraint(
                condition=Q(toilet_count__isnull=True) | Q(has_toilet=True) | Q(toilet_count=0),
                name="building_toilets_only_if_has_toilet",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "holding_number"], name="building_holding_idx"),
        ]

    def __str__(self) -> str:
        return self.bin or f"{_('Building')} {self.pk}"

    @property
    def population(self) -> int | None:
        parts = [self.population_male, self.population_female, self.population_other]
        if all(part is None for part in parts):
            return None
        return sum(part or 0 for part in parts)
