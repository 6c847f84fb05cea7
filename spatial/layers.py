"""The registers of wards, buildings, roads and low-income communities, declared once
(core.registry): the features as SQL, and what the API, tiles, map and imports need. The
water registers are declared in spatial/water_layers.py and registered here."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.features import MUNICIPALITY_CODE, MUNICIPALITY_JOIN, VERSION, WARD_BY_PLACE, Layer
from core.imports import (
    as_code,
    as_count,
    as_metres,
    as_text,
    as_yes_no,
)
from core.registry import MapLayer, Register, Style, Tile, register

from . import selectors, services
from .api.serializers import (
    TIMESTAMPS,
    BuildingPropertiesSerializer,
    RoadPropertiesSerializer,
    WardPropertiesSerializer,
    building_households,
    record_feature_serializer,
)
from .choices import (
    FunctionalUse,
    RoadHierarchy,
    RoadSurface,
    StructureType,
    WaterSource,
)
from .health_layers import DISEASE_HOTSPOTS_REGISTER
from .imports import RegisterImport
from .models import Building, LowIncomeCommunity, Road, Ward
from .water_layers import (
    WATER_BODIES_REGISTER,
    WATER_POINTS_REGISTER,
    WATER_SUPPLY_LINES_REGISTER,
)
from .water_sample_layers import WATER_SAMPLES_REGISTER

WARDS = Layer(
    name="wards",
    title=_("Wards"),
    table="spatial_ward",
    joins=MUNICIPALITY_JOIN,
    properties={
        "municipality": MUNICIPALITY_CODE,
        "number": "t.number",
        "name": "t.name",
        "name_bn": "t.name_bn",
        "area_m2": "round(t.area_m2::numeric, 1)",
        "building_count": (
            "(SELECT count(*) FROM spatial_building b"
            " WHERE b.ward_id = t.id AND b.retired_at IS NULL)"
        ),
        "version": VERSION,
    },
    ward_condition="t.id = ANY(%s)",
    order_by="t.municipality_id, t.number",
    temporal="t.updated_at",
    read_only=("municipality", "area_m2", "building_count", "version"),
)

ROADS = Layer(
    name="roads",
    title=_("Roads"),
    table="spatial_road",
    joins=MUNICIPALITY_JOIN,
    properties={
        "municipality": MUNICIPALITY_CODE,
        "code": "t.code",
        "name": "t.name",
        "hierarchy": "t.hierarchy",
        "surface": "t.surface",
        "right_of_way_m": "t.right_of_way_m",
        "carriageway_width_m": "t.carriageway_width_m",
        "length_m": "round(t.length_m::numeric, 1)",
        "version": VERSION,
    },
    ward_condition=WARD_BY_PLACE,
    temporal="t.updated_at",
    read_only=("municipality", "length_m", "version"),
)

BUILDINGS = Layer(
    name="buildings",
    title=_("Buildings"),
    table="spatial_building",
    condition="t.retired_at IS NULL",
    joins=MUNICIPALITY_JOIN + "LEFT JOIN spatial_ward w ON w.id = t.ward_id",
    properties={
        "municipality": MUNICIPALITY_CODE,
        "bin": "t.bin",
        "holding_number": "t.holding_number",
        "ward": "t.ward_id",
        "ward_number": "w.number",
        "main_building": "t.main_building_id",
        "access_road": "t.access_road_id",
        "structure_type": "t.structure_type",
        "functional_use": "t.functional_use",
        "use_subcategory": "t.use_subcategory",
        "floor_count": "t.floor_count",
        "construction_year": "t.construction_year",
        "household_count": "t.household_count",
        # The sum of the three below, for reading; an import ignores it (read-only).
        "population": (
            "CASE WHEN num_nonnulls(t.population_male, t.population_female, t.population_other)"
            " = 0 THEN NULL ELSE coalesce(t.population_male, 0)"
            " + coalesce(t.population_female, 0) + coalesce(t.population_other, 0) END"
        ),
        "population_male": "t.population_male",
        "population_female": "t.population_female",
        "population_other": "t.population_other",
        "population_disabled": "t.population_disabled",
        "water_source": "t.water_source",
        "has_toilet": "t.has_toilet",
        "toilet_count": "t.toilet_count",
        "vacutug_accessible": "t.vacutug_accessible",
        "low_income_community": "t.low_income_community_id",
        "footprint_area_m2": "round(t.footprint_area_m2::numeric, 1)",
        "version": VERSION,
    },
    temporal="t.updated_at",
    # Look a building up by its BIN or its holding (several buildings may share one).
    extra_filters={"bin": "t.bin = %s", "holding_number": "t.holding_number = %s"},
    read_only=(
        "municipality",
        "ward",
        "ward_number",
        # Links to other records: edited on the map or through the API, not by a file.
        "main_building",
        "access_road",
        "population",
        "low_income_community",
        "footprint_area_m2",
        "version",
    ),
)

LOW_INCOME_COMMUNITIES = Layer(
    name="low-income-communities",
    title=_("Low-income communities"),
    table="spatial_lowincomecommunity",
    joins=MUNICIPALITY_JOIN,
    properties={
        "municipality": MUNICIPALITY_CODE,
        "name": "t.name",
        "name_bn": "t.name_bn",
        "household_count": "t.household_count",
        "population": "t.population",
        "area_m2": "round(t.area_m2::numeric, 1)",
    },
    ward_condition=WARD_BY_PLACE,
)

register(
    Register(
        "wards",
        WARDS,
        model=Ward,
        id_kwarg="ward",
        public=True,
        get=selectors.ward_get,
        create=services.ward_create,
        update=services.ward_update,
        delete=services.ward_delete,
        properties_serializer=WardPropertiesSerializer,
        output_serializer=record_feature_serializer(Ward, WARDS),
        importer=RegisterImport(
            Ward,
            ("Polygon", "MultiPolygon"),
            "number",
            {"number": as_count, "name": as_text(120), "name_bn": as_text(120)},
            required=("number",),
            export_layer=WARDS,
        ),
        tile=Tile({"number": "number", "name": "name"}, min_zoom=8, simplify_below=15),
        map=MapLayer(
            "area",
            Style("#2166ac", weight=2, fill_opacity=0.04),
            popup=("number", "building_count"),
            name_property="name",
            tooltip=True,
            order=10,
        ),
        labels={"number": _("Ward"), "building_count": _("Buildings")},
    ),
    Register(
        "buildings",
        BUILDINGS,
        model=Building,
        id_kwarg="building",
        page_key="bin",
        search=("t.bin", "t.holding_number"),
        get=selectors.building_get,
        create=services.building_create,
        update=services.building_update,
        delete=services.building_delete,
        restore=services.record_restore,
        properties_serializer=BuildingPropertiesSerializer,
        output_serializer=record_feature_serializer(
            Building,
            BUILDINGS,
            {
                "households": building_households,
                "overlaps": selectors.building_overlaps,
                **TIMESTAMPS,
            },
        ),
        importer=RegisterImport(
            Building,
            ("Polygon",),
            "bin",
            key_required=False,
            key_only=("bin",),
            key_must_exist=True,
            match_by_shape=True,
            fields={
                "bin": as_text(20),
                "holding_number": as_text(40),
                "structure_type": as_code(StructureType),
                "floor_count": as_count,
                "construction_year": as_count,
                "functional_use": as_code(FunctionalUse),
                "use_subcategory": as_text(80),
                "household_count": as_count,
                "population_male": as_count,
                "population_female": as_count,
                "population_other": as_count,
                "population_disabled": as_count,
                "water_source": as_code(WaterSource),
                "has_toilet": as_yes_no,
                "toilet_count": as_count,
                "vacutug_accessible": as_yes_no,
            },
            export_layer=BUILDINGS,
        ),
        tile=Tile({"bin": "bin", "use": "functional_use", "floors": "floor_count"}, min_zoom=14),
        map=MapLayer(
            "area",
            Style("#5e3c99", fill="#b2abd2"),
            popup=(
                "bin",
                "holding_number",
                "ward_number",
                "functional_use",
                "floor_count",
                "population",
                "footprint_area_m2",
            ),
            min_zoom=settings.IMIS["BUILDINGS_MIN_ZOOM"],
            limit=5000,
            extra="count",
            order=40,
        ),
        labels={
            "ward_number": _("Ward"),
            "population": _("Population"),
            "footprint_area_m2": _("Footprint area (m²)"),
            "overlaps": _("Overlapping footprints"),
            "overlap_m2": _("Shared area (m²)"),
        },
    ),
    Register(
        "roads",
        ROADS,
        model=Road,
        id_kwarg="road",
        page_key="id",
        search=("t.code", "t.name"),
        get=selectors.road_get,
        create=services.road_create,
        update=services.road_update,
        delete=services.road_delete,
        properties_serializer=RoadPropertiesSerializer,
        output_serializer=record_feature_serializer(Road, ROADS),
        importer=RegisterImport(
            Road,
            ("LineString",),
            "code",
            {
                "code": as_text(40),
                "name": as_text(160),
                "hierarchy": as_code(RoadHierarchy),
                "surface": as_code(RoadSurface),
                "right_of_way_m": as_metres,
                "carriageway_width_m": as_metres,
            },
            required=("code", "hierarchy"),
            export_layer=ROADS,
        ),
        tile=Tile(
            {"hierarchy": "hierarchy", "name": "name", "surface": "surface"},
            min_zoom=11,
            simplify_below=15,
        ),
        map=MapLayer(
            "line",
            Style("#878787", weight=1.5),
            popup=("hierarchy", "length_m"),
            name_property="name",
            classify="hierarchy",
            classes={
                RoadHierarchy.STRATEGIC_URBAN: Style("#b2182b", weight=5),
                RoadHierarchy.FEEDER: Style("#ef8a62", weight=3),
                RoadHierarchy.OTHER: Style("#878787", weight=1.5),
            },
            # Below zoom 16 the roads come from their tiles, drawn on canvas: a whole town's
            # roads as SVG paths cost the first view of the map half a second of drawing
            # (docs/performance.md, the web map at overview zooms).
            min_zoom=16,
            limit=50000,
            order=30,
        ),
        labels={"length_m": _("Length (m)")},
    ),
    Register(
        "low-income-communities",
        LOW_INCOME_COMMUNITIES,
        model=LowIncomeCommunity,
        id_kwarg="low_income_community",
        summary="List low-income communities as a GeoJSON FeatureCollection",
        # A town's own boundaries of its low-income communities, matched by name (issue 35).
        importer=RegisterImport(
            LowIncomeCommunity,
            ("Polygon", "MultiPolygon"),
            "name",
            {
                "name": as_text(120),
                "name_bn": as_text(120),
                "household_count": as_count,
                "population": as_count,
            },
            required=("name",),
            export_layer=LOW_INCOME_COMMUNITIES,
        ),
        map=MapLayer(
            "area",
            Style("#d95f02", fill="#fdb863", weight=1.5, fill_opacity=0.25, dash="4 3"),
            popup=("household_count", "population"),
            name_property="name",
            order=20,
        ),
        labels={"household_count": _("Households"), "population": _("Population")},
    ),
    WATER_POINTS_REGISTER,
    WATER_BODIES_REGISTER,
    WATER_SUPPLY_LINES_REGISTER,
    WATER_SAMPLES_REGISTER,
    DISEASE_HOTSPOTS_REGISTER,
    app="spatial",
)
