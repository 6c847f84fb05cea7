"""The water registers, declared once (core.registry) as spatial/layers.py declares the
others: water points (tube wells, dug wells, standpipes) with their owner, the household's
own well linked to its building, and the latest arsenic test; water bodies (ponds, tanks,
wetlands, canals, rivers) as areas; the piped supply's lines."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.imports import (
    Link,
    as_code,
    as_metres,
    as_micrograms_per_litre,
    as_past_date,
    as_past_year,
    as_text,
    as_whole_number,
    as_yes_no,
)
from core.registry import MapLayer, Register, Style, Tile

from .choices import (
    ArsenicStatus,
    PipeMaterial,
    PipeRole,
    WaterBodyOwnership,
    WaterBodyType,
    WaterPointOwnership,
    WaterPointType,
)
from .models import Building, WaterBody, WaterPoint, WaterSupplyLine
from .placed_layers import placed_layer, placed_register

# The national standard for arsenic in drinking water (ECR 1997 Schedule 3: 0.05 mg/L), a
# setting; WHO's guideline is 10 µg/L.
_ARSENIC_STATUS = (
    f"CASE WHEN t.arsenic_ug_l IS NULL THEN '{ArsenicStatus.NOT_TESTED}'"
    f" WHEN t.arsenic_ug_l <= {float(settings.IMIS['ARSENIC_STANDARD_UG_L'])}"
    f" THEN '{ArsenicStatus.SAFE}' ELSE '{ArsenicStatus.UNSAFE}' END"
)

WATER_POINTS = placed_layer(
    "water-points",
    _("Water points"),
    "spatial_waterpoint",
    {
        "point_type": "t.point_type",
        "depth_m": "t.depth_m",
        "ownership": "t.ownership",
        "building": "t.building_id",
        "building_bin": "(SELECT ob.bin FROM spatial_building ob WHERE ob.id = t.building_id)",
        "arsenic_ug_l": "t.arsenic_ug_l",
        "arsenic_tested_on": "t.arsenic_tested_on",
        "arsenic_status": _ARSENIC_STATUS,
    },
    # The building link is written through the API by id, and by an import by its BIN.
    read_only=("building", "arsenic_status"),
)

WATER_POINTS_REGISTER = Register(
    "water-points",
    WATER_POINTS,
    search=("t.code",),
    route="water-point",
    **placed_register(
        WaterPoint,
        WATER_POINTS,
        ("Point",),
        {
            "point_type": as_code(WaterPointType),
            "depth_m": as_metres,
            "ownership": as_code(WaterPointOwnership),
            "arsenic_ug_l": as_micrograms_per_litre,
            "arsenic_tested_on": as_past_date,
            "building_bin": as_text(20),
        },
        required=("point_type",),
        api_only=("building",),
        links={"building_bin": Link("building", Building, "bin")},
    ),
    tile=Tile({"code": "code", "type": "point_type", "arsenic": "arsenic_status"}, min_zoom=13),
    map=MapLayer(
        "point",
        Style("#08519c", fill="#6baed6", radius=4),
        popup=(
            "code",
            "point_type",
            "depth_m",
            "ownership",
            "arsenic_ug_l",
            "arsenic_tested_on",
            "building_bin",
            "ward_number",
        ),
        # Tested wells as their spouts are painted: green safe, red unsafe.
        classify="arsenic_status",
        classes={
            ArsenicStatus.SAFE: Style("#1a9641", fill="#a6d96a", radius=4),
            ArsenicStatus.UNSAFE: Style("#b2182b", fill="#ef8a62", radius=5),
            ArsenicStatus.NOT_TESTED: Style("#08519c", fill="#6baed6", radius=4),
        },
        order=45,
    ),
    labels={
        "ward_number": _("Ward"),
        "building_bin": _("Building (BIN)"),
        "arsenic_status": _("Arsenic"),
    },
    choices={"arsenic_status": ArsenicStatus},
)

WATER_BODIES = placed_layer(
    "water-bodies",
    _("Water bodies"),
    "spatial_waterbody",
    {
        "name": "t.name",
        "name_bn": "t.name_bn",
        "body_type": "t.body_type",
        "ownership": "t.ownership",
        "perennial": "t.perennial",
        "area_m2": "round(t.area_m2::numeric, 1)",
    },
    read_only=("area_m2",),
)

WATER_BODIES_REGISTER = Register(
    "water-bodies",
    WATER_BODIES,
    search=("t.code", "t.name", "t.name_bn"),
    route="water-body",
    **placed_register(
        WaterBody,
        WATER_BODIES,
        ("Polygon",),
        {
            "name": as_text(120),
            "name_bn": as_text(120),
            "body_type": as_code(WaterBodyType),
            "ownership": as_code(WaterBodyOwnership),
            "perennial": as_yes_no,
        },
        required=("body_type",),
    ),
    tile=Tile({"code": "code", "name": "name", "type": "body_type"}, min_zoom=12),
    map=MapLayer(
        "area",
        Style("#2171b5", fill="#9ecae1", weight=1, fill_opacity=0.6),
        popup=("name", "body_type", "ownership", "perennial", "area_m2", "ward_number"),
        name_property="name",
        order=15,
    ),
    labels={"area_m2": _("Area (m²)"), "ward_number": _("Ward")},
)


WATER_SUPPLY_LINES = placed_layer(
    "water-supply-lines",
    _("Water supply lines"),
    "spatial_watersupplyline",
    {
        "pipe_role": "t.pipe_role",
        "diameter_mm": "t.diameter_mm",
        "material": "t.material",
        "installed_year": "t.installed_year",
        "operator": "t.operator",
        "length_m": "round(t.length_m::numeric, 1)",
    },
    read_only=("length_m",),
)

WATER_SUPPLY_LINES_REGISTER = Register(
    "water-supply-lines",
    WATER_SUPPLY_LINES,
    search=("t.code",),
    route="water-supply-line",
    **placed_register(
        WaterSupplyLine,
        WATER_SUPPLY_LINES,
        ("LineString",),
        {
            "pipe_role": as_code(PipeRole),
            "diameter_mm": as_whole_number(10, 3000),
            "material": as_code(PipeMaterial),
            "installed_year": as_past_year,
            "operator": as_text(120),
        },
        required=("pipe_role",),
    ),
    tile=Tile({"code": "code", "role": "pipe_role", "diameter": "diameter_mm"}, min_zoom=13),
    map=MapLayer(
        "line",
        Style("#3182bd", weight=2),
        popup=("pipe_role", "diameter_mm", "material", "installed_year", "operator", "length_m"),
        classify="pipe_role",
        classes={
            PipeRole.TRANSMISSION: Style("#08519c", weight=4),
            PipeRole.DISTRIBUTION: Style("#3182bd", weight=2),
            PipeRole.SERVICE: Style("#6baed6", weight=1, dash="3 3"),
        },
        order=35,
    ),
    labels={"length_m": _("Length (m)"), "ward_number": _("Ward")},
)
