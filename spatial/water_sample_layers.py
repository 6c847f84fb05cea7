"""The drinking-water samples register (issue 28, item 6), declared once (core.registry)
on the placed-record frame (spatial/placed_layers.py): where and when a sample was taken,
from which water point (named by its code in a file, by id through the API), what each
parameter measured, and its result against the national standard (spatial.water_standards),
derived and never stored."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.imports import (
    Link,
    as_count,
    as_measure,
    as_micrograms_per_litre,
    as_past_date,
    as_text,
)
from core.registry import MapLayer, Register, Style, Tile
from core.standards import ParameterNames

from .choices import WaterSampleResult
from .models import WaterPoint, WaterSample
from .placed_layers import placed_layer, placed_register
from .water_standards import DRINKING_WATER, failing_sql, meets_sql

_RESULT = (
    f"CASE {meets_sql('t')} WHEN true THEN '{WaterSampleResult.MEETS}'"
    f" WHEN false THEN '{WaterSampleResult.FAILS}' ELSE '{WaterSampleResult.PENDING}' END"
)

WATER_SAMPLES = placed_layer(
    "water-samples",
    _("Water samples"),
    "spatial_watersample",
    {
        "sampled_on": "t.sampled_on",
        "water_point": "t.water_point_id",
        "water_point_code": (
            "(SELECT wp.code FROM spatial_waterpoint wp WHERE wp.id = t.water_point_id)"
        ),
        "laboratory": "t.laboratory",
        "e_coli_per_100ml": "t.e_coli_per_100ml",
        "arsenic_ug_l": "t.arsenic_ug_l",
        "chlorine_residual_mg_l": "t.chlorine_residual_mg_l",
        "turbidity_ntu": "t.turbidity_ntu",
        "result": _RESULT,
        "failing": failing_sql("t"),
    },
    # The water point is written through the API by id, and by an import by its code.
    read_only=("water_point", "result", "failing"),
)

WATER_SAMPLES_REGISTER = Register(
    "water-samples",
    WATER_SAMPLES,
    search=("t.code",),
    route="water-sample",
    **placed_register(
        WaterSample,
        WATER_SAMPLES,
        ("Point",),
        {
            "sampled_on": as_past_date,
            "water_point_code": as_text(40),
            "laboratory": as_text(120),
            "e_coli_per_100ml": as_count,
            "arsenic_ug_l": as_micrograms_per_litre,
            "chlorine_residual_mg_l": as_measure(2, 100),
            "turbidity_ntu": as_measure(1, 10_000),
        },
        required=("sampled_on",),
        api_only=("water_point",),
        links={"water_point_code": Link("water_point", WaterPoint, "code")},
    ),
    tile=Tile({"code": "code", "result": "result", "on": "sampled_on"}, min_zoom=13),
    map=MapLayer(
        "point",
        Style("#6a51a3", fill="#bcbddc", radius=4),
        popup=(
            "sampled_on",
            "water_point_code",
            "laboratory",
            "e_coli_per_100ml",
            "arsenic_ug_l",
            "chlorine_residual_mg_l",
            "turbidity_ntu",
            "result",
            "failing",
        ),
        classify="result",
        classes={
            WaterSampleResult.MEETS: Style("#1a9641", fill="#a6d96a", radius=4),
            WaterSampleResult.FAILS: Style("#b2182b", fill="#ef8a62", radius=5),
            WaterSampleResult.PENDING: Style("#6a51a3", fill="#bcbddc", radius=4),
        },
        order=46,
    ),
    labels={
        "ward_number": _("Ward"),
        "water_point_code": _("Water point"),
        "result": _("Result"),
        "failing": _("Parameters above or below the standard"),
    },
    choices={"result": WaterSampleResult, "failing": ParameterNames(DRINKING_WATER)},
)
