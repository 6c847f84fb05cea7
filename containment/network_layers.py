"""The drains and sewers register and the sewer connections (issue 28, item 2), declared
once (core.registry) on the placed-record frame (spatial/placed_layers.py). A segment is
drawn downstream; where its flow ends (`reaches`: a treatment plant, a water body, or
nothing on record) is derived by the database. A connection names its building by BIN and
its sewer segment by code in a file, by id through the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.imports import Link, as_code, as_past_date, as_text, as_whole_number
from core.registry import MapLayer, Register, Style, Tile
from spatial.models import Building, WaterBody
from spatial.placed_layers import placed_layer, placed_register

from .choices import DrainCondition, DrainMaterial, NetworkEnd, NetworkType
from .models import DrainSegment, SewerConnection

DRAINS = placed_layer(
    "drains",
    _("Drains and sewers"),
    "containment_drainsegment",
    {
        "network_type": "t.network_type",
        "size_mm": "t.size_mm",
        "material": "t.material",
        "condition": "t.condition",
        "outfall_water_body": "t.outfall_water_body_id",
        "outfall_water_body_code": "ob.code",
        "outfall_plant": "t.outfall_plant_id",
        "outfall_plant_name": "op.name",
        "reaches": "t.reaches",
        "reaches_plant_name": "rp.name",
        "connections": (
            "(SELECT count(*) FROM containment_sewerconnection sc"
            " WHERE sc.segment_id = t.id AND sc.retired_at IS NULL)"
        ),
        "length_m": "round(t.length_m::numeric, 1)",
    },
    read_only=(
        "outfall_water_body",
        "outfall_plant",
        "outfall_plant_name",
        "reaches",
        "reaches_plant_name",
        "connections",
        "length_m",
    ),
    joins=(
        "LEFT JOIN spatial_waterbody ob ON ob.id = t.outfall_water_body_id "
        "LEFT JOIN containment_treatmentplant op ON op.id = t.outfall_plant_id "
        "LEFT JOIN containment_treatmentplant rp ON rp.id = t.reaches_plant_id"
    ),
)

DRAINS_REGISTER = Register(
    "drains",
    DRAINS,
    search=("t.code",),
    route="drain",
    **placed_register(
        DrainSegment,
        DRAINS,
        ("LineString",),
        {
            "network_type": as_code(NetworkType),
            "size_mm": as_whole_number(50, 5000),
            "material": as_code(DrainMaterial),
            "condition": as_code(DrainCondition),
            "outfall_water_body_code": as_text(40),
        },
        required=("network_type",),
        api_only=("outfall_water_body", "outfall_plant"),
        links={"outfall_water_body_code": Link("outfall_water_body", WaterBody, "code")},
    ),
    tile=Tile({"code": "code", "type": "network_type", "reaches": "reaches"}, min_zoom=12),
    map=MapLayer(
        "line",
        Style("#8c510a", weight=2),
        popup=(
            "network_type",
            "size_mm",
            "material",
            "condition",
            "outfall_water_body_code",
            "outfall_plant_name",
            "reaches",
            "reaches_plant_name",
            "connections",
            "length_m",
        ),
        classify="network_type",
        classes={
            NetworkType.OPEN_DRAIN: Style("#8c510a", weight=2),
            NetworkType.COVERED_DRAIN: Style("#bf812d", weight=2, dash="6 3"),
            NetworkType.SEWER: Style("#762a83", weight=3),
            NetworkType.STORM_SEWER: Style("#35978f", weight=3),
        },
        order=32,
    ),
    labels={
        "ward_number": _("Ward"),
        "outfall_water_body_code": _("Discharges into water body"),
        "outfall_plant_name": _("Discharges into treatment plant"),
        "reaches": _("Flow ends"),
        "reaches_plant_name": _("Plant reached"),
        "connections": _("Sewer connections"),
        "length_m": _("Length (m)"),
    },
    choices={"reaches": NetworkEnd},
)

SEWER_CONNECTIONS = placed_layer(
    "sewer-connections",
    _("Sewer connections"),
    "containment_sewerconnection",
    {
        "building": "t.building_id",
        "building_bin": "cb.bin",
        "segment": "t.segment_id",
        "segment_code": "cs.code",
        "connected_on": "t.connected_on",
        "treated": (
            "(cs.reaches = 'plant' AND cp.is_active"
            " AND (cp.closed_on IS NULL OR cp.closed_on > current_date))"
        ),
    },
    read_only=("building", "segment", "treated"),
    joins=(
        "LEFT JOIN spatial_building cb ON cb.id = t.building_id "
        "LEFT JOIN containment_drainsegment cs ON cs.id = t.segment_id "
        "LEFT JOIN containment_treatmentplant cp ON cp.id = cs.reaches_plant_id"
    ),
)

SEWER_CONNECTIONS_REGISTER = Register(
    "sewer-connections",
    SEWER_CONNECTIONS,
    search=("t.code",),
    route="sewer-connection",
    **placed_register(
        SewerConnection,
        SEWER_CONNECTIONS,
        ("Point",),
        {
            "building_bin": as_text(20),
            "segment_code": as_text(40),
            "connected_on": as_past_date,
        },
        required=("building_bin", "segment_code"),
        api_only=("building", "segment"),
        links={
            "building_bin": Link("building", Building, "bin"),
            "segment_code": Link(
                "segment", DrainSegment, "code", where=(("network_type", NetworkType.SEWER),)
            ),
        },
    ),
    tile=Tile({"code": "code", "treated": "treated"}, min_zoom=15),
    map=MapLayer(
        "point",
        Style("#762a83", fill="#c2a5cf", radius=3),
        popup=("building_bin", "segment_code", "connected_on", "treated"),
        order=47,
    ),
    labels={
        "ward_number": _("Ward"),
        "building_bin": _("Building (BIN)"),
        "segment_code": _("Sewer segment"),
        "treated": _("Sewage reaches a treatment plant"),
    },
)
