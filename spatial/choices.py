"""Code lists of the building and road registers (shared design: domain reference).

Stored values are stable English codes; labels are translatable (English and Bangla).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StructureType(models.TextChoices):
    RCC_FRAMED = "rcc_framed", _("RCC framed")
    LOAD_BEARING = "load_bearing", _("Load bearing")
    CGI_SHEET = "cgi_sheet", _("CGI sheet")
    WOODEN_MUD = "wooden_mud", _("Wooden / mud")


class FunctionalUse(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    MIXED = "mixed", _("Mixed (residential and commercial)")
    EDUCATIONAL = "educational", _("Educational")
    HEALTH = "health", _("Health")
    COMMERCIAL = "commercial", _("Commercial")
    INDUSTRIAL = "industrial", _("Industrial")
    AGRICULTURE = "agriculture", _("Agriculture / livestock")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    GOVERNMENT = "government", _("Government")
    RECREATIONAL = "recreational", _("Recreational")
    SOCIAL = "social", _("Social")
    RELIGIOUS = "religious", _("Cultural / religious")
    FINANCIAL = "financial", _("Financial")
    VACANT = "vacant", _("Vacant / under construction")


class WaterSource(models.TextChoices):
    MUNICIPAL_SUPPLY = "municipal_supply", _("Municipal supply")
    DEEP_BORING = "deep_boring", _("Deep boring")
    TUBE_WELL = "tube_well", _("Tube well")
    DUG_WELL = "dug_well", _("Dug well")
    TANKER = "tanker", _("Tanker")
    JAR = "jar", _("Jar")
    RIVER_CANAL = "river_canal", _("River / canal")
    POND = "pond", _("Pond")
    RAINWATER = "rainwater", _("Rainwater")
    OTHER = "other", _("Other")


class RoadHierarchy(models.TextChoices):
    STRATEGIC_URBAN = "strategic_urban", _("Strategic urban road")
    FEEDER = "feeder", _("Feeder road")
    OTHER = "other", _("Other road")


class RoadSurface(models.TextChoices):
    EARTHEN = "earthen", _("Earthen")
    GRAVELLED = "gravelled", _("Gravelled")
    METALLED = "metalled", _("Metalled")
    BRICK_PAVED = "brick_paved", _("Brick paved")


class WaterPointType(models.TextChoices):
    TUBE_WELL = "tube_well", _("Tube well")
    DEEP_TUBE_WELL = "deep_tube_well", _("Deep tube well")
    DUG_WELL = "dug_well", _("Dug well")
    STANDPIPE = "standpipe", _("Public standpipe")
    PRODUCTION_WELL = "production_well", _("Municipal production well")


class WaterPointOwnership(models.TextChoices):
    PUBLIC = "public", _("Public (municipality, DPHE)")
    COMMUNITY = "community", _("Community")
    PRIVATE = "private", _("Private (a household's own)")
    INSTITUTIONAL = "institutional", _("Institution (school, mosque, clinic)")


class WaterBodyType(models.TextChoices):
    POND = "pond", _("Pond (pukur)")
    TANK = "tank", _("Tank (dighi)")
    WETLAND = "wetland", _("Wetland or lake (beel, haor)")
    CANAL = "canal", _("Canal (khal)")
    RIVER = "river", _("River")
    DITCH = "ditch", _("Ditch or borrow pit")


class WaterBodyOwnership(models.TextChoices):
    PUBLIC = "public", _("Public (khas, municipality)")
    COMMUNITY = "community", _("Community")
    PRIVATE = "private", _("Private")


class PipeRole(models.TextChoices):
    TRANSMISSION = "transmission", _("Transmission main")
    DISTRIBUTION = "distribution", _("Distribution pipe")
    SERVICE = "service", _("Service line")


class PipeMaterial(models.TextChoices):
    UPVC = "upvc", _("uPVC")
    HDPE = "hdpe", _("HDPE")
    GI = "gi", _("Galvanised iron")
    DI = "di", _("Ductile iron")
    CI = "ci", _("Cast iron")
    AC = "ac", _("Asbestos cement")
    OTHER = "other", _("Other")


class ArsenicStatus(models.TextChoices):
    """Derived from a water point's latest arsenic test against the national standard."""

    SAFE = "safe", _("Water point tested arsenic-safe")
    UNSAFE = "unsafe", _("Water point above the arsenic standard")
    NOT_TESTED = "not_tested", _("Water point not tested for arsenic")


class WaterSampleResult(models.TextChoices):
    """Derived from a water sample's tested parameters against the national standard
    (spatial.water_standards)."""

    MEETS = "meets", _("Sample meets the drinking-water standard")
    FAILS = "fails", _("Sample fails the drinking-water standard")
    PENDING = "pending", _("Sample awaiting results")


class WaterborneDisease(models.TextChoices):
    """Waterborne and excreta-related diseases a health facility reports (issue 28)."""

    ACUTE_WATERY_DIARRHOEA = "acute_watery_diarrhoea", _("Acute watery diarrhoea")
    CHOLERA = "cholera", _("Cholera")
    DYSENTERY = "dysentery", _("Dysentery (bloody diarrhoea)")
    TYPHOID = "typhoid", _("Typhoid")
    HEPATITIS = "hepatitis", _("Hepatitis A or E")
    OTHER = "other", _("Other waterborne disease")


class DiseaseLevel(models.TextChoices):
    """A ward's waterborne disease cases per 1,000 people against the whole town's, over the
    last three months (spatial.health_layers)."""

    HOTSPOT = "hotspot", _("Hotspot: at least twice the town's rate")
    RAISED = "raised", _("Above the town's rate")
    USUAL = "usual", _("At or below the town's rate")
    UNKNOWN = "unknown", _("No residents on record")


# Water points a containment must keep its distance from (domain reference: compliance).
GROUNDWATER_WELL_TYPES = frozenset(
    {
        WaterPointType.TUBE_WELL,
        WaterPointType.DEEP_TUBE_WELL,
        WaterPointType.DUG_WELL,
        WaterPointType.PRODUCTION_WELL,
    }
)
