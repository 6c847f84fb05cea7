"""Input serializers parse and check request data; output serializers render small payloads
(detail views). No serializer writes: services do."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

from core.features import COORDINATE_DECIMALS, Layer, feature_text
from core.history import record_history

from ..geometry import parse_geojson_geometry
from ..models import Building, Municipality, Road, Ward


class StrictFieldsMixin:
    """Refuse unknown keys instead of silently dropping them (mass assignment, typos)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unknown or read-only field.")] for name in unknown}
                )
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON Polygon or MultiPolygon in EPSG:4326 (a drawn area)",
        "example": {
            "type": "Polygon",
            "coordinates": [[[90.81, 22.93], [90.82, 22.93], [90.82, 22.94], [90.81, 22.93]]],
        },
    }
)
class AreaField(serializers.Field):
    """A drawn area: a valid GeoJSON Polygon or MultiPolygon (object or JSON text)."""

    def to_internal_value(self, data: Any):
        try:
            return parse_geojson_geometry(
                data, allowed_types=("Polygon", "MultiPolygon"), field="area"
            )
        except DjangoValidationError as error:
            messages = error.message_dict.get("area") or error.messages
            raise serializers.ValidationError(messages) from None

    def to_representation(self, value):
        return json.loads(value.geojson)


@extend_schema_field({"type": "string", "example": "90.80,22.92,90.86,22.97"})
class BBoxField(serializers.Field):
    default_error_messages = {
        "format": _("bbox must be minLon,minLat,maxLon,maxLat (four numbers)."),
        "finite": _("bbox values must be finite numbers."),
        "range": _("bbox must be longitudes in [-180, 180] and latitudes in [-90, 90]."),
        "order": _("bbox minimum must be less than its maximum (minLon,minLat,maxLon,maxLat)."),
    }

    def to_internal_value(self, data: Any) -> tuple[float, float, float, float]:
        parts = str(data).split(",")
        if len(parts) != 4:
            self.fail("format")
        try:
            values = [float(part) for part in parts]
        except ValueError:
            self.fail("format")
        if not all(math.isfinite(value) for value in values):
            self.fail("finite")
        min_lon, min_lat, max_lon, max_lat = values
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            self.fail("range")
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            self.fail("range")
        if min_lon >= max_lon or min_lat >= max_lat:
            self.fail("order")
        return (min_lon, min_lat, max_lon, max_lat)

    def to_representation(self, value: Any) -> str:
        return ",".join(str(v) for v in value)


@extend_schema_field(
    {"type": "object", "description": "RFC 7946 geometry in EPSG:4326 (longitude, latitude)"}
)
class GeometryInputField(serializers.Field):
    """A GeoJSON geometry, parsed and checked by spatial.geometry."""

    def __init__(self, *, allowed_types: tuple[str, ...], **kwargs: Any) -> None:
        self.allowed_types = allowed_types
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        try:
            return parse_geojson_geometry(data, allowed_types=self.allowed_types, field="geometry")
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["geometry"]) from exc


class RetireQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    """DELETE of a register that retires its records: why (optional, kept with the record)."""

    reason = serializers.CharField(required=False, max_length=200, allow_blank=True)
    format = serializers.CharField(required=False)


class FeatureInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """An RFC 7946 Feature: {"type": "Feature", "geometry": {...}, "properties": {...}}."""

    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.JSONField(required=False)
    geometry = serializers.JSONField()
    properties = serializers.DictField(required=False, default=dict)


class WardPropertiesSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    geometry = GeometryInputField(allowed_types=("Polygon", "MultiPolygon"), required=False)
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), required=False
    )

    class Meta:
        model = Ward
        fields = ["municipality", "number", "name", "name_bn", "geometry"]
        validators: list = []  # uniqueness is checked by the service with the municipality


class BuildingPropertiesSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    geometry = GeometryInputField(allowed_types=("Polygon",), required=False)
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), required=False
    )
    floor_count = serializers.IntegerField(
        min_value=1, max_value=60, required=False, allow_null=True
    )
    construction_year = serializers.IntegerField(
        min_value=1800, max_value=2100, required=False, allow_null=True
    )
    household_count = serializers.IntegerField(
        min_value=0, max_value=500, required=False, allow_null=True
    )

    class Meta:
        model = Building
        fields = [
            "municipality",
            "holding_number",
            "main_building",
            "access_road",
            "structure_type",
            "floor_count",
            "construction_year",
            "functional_use",
            "use_subcategory",
            "household_count",
            "population_male",
            "population_female",
            "population_other",
            "population_disabled",
            "water_source",
            "has_toilet",
            "toilet_count",
            "vacutug_accessible",
            "geometry",
        ]
        validators: list = []


class RoadPropertiesSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    geometry = GeometryInputField(allowed_types=("LineString",), required=False)
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), required=False
    )

    class Meta:
        model = Road
        fields = [
            "municipality",
            "code",
            "name",
            "hierarchy",
            "surface",
            "right_of_way_m",
            "carriageway_width_m",
            "geometry",
        ]
        validators: list = []


def _geometry_field() -> GeometryField:
    return GeometryField(precision=COORDINATE_DECIMALS, read_only=True)


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "code", "name", "name_bn", "area_m2"]


def record_properties_serializer(
    model: type, fields: list[str], geometry_types: tuple[str, ...]
) -> type[serializers.Serializer]:
    """What a client may write of a placed register (spatial.records): its code (blank: the
    database gives one), its own attributes, its municipality by code, and its geometry."""

    class Meta:
        pass

    Meta.model = model
    Meta.fields = ["municipality", "code", *fields, "geometry"]
    Meta.validators = []
    return type(
        f"{model.__name__}PropertiesSerializer",
        (StrictFieldsMixin, serializers.ModelSerializer),
        {
            "Meta": Meta,
            "geometry": GeometryInputField(allowed_types=geometry_types, required=False),
            "municipality": serializers.SlugRelatedField(
                slug_field="code", queryset=Municipality.objects.all(), required=False
            ),
        },
    )


def building_households(building: Building) -> list[dict[str, Any]]:
    """The households on record and the toilet each uses (through the reverse relation: the
    register of households lives with the sanitation registers)."""
    return [
        {
            "number": h.number,
            "people_male": h.people_male,
            "people_female": h.people_female,
            "people_other": h.people_other,
            "toilet": h.facility.code if h.facility_id else None,
            "toilet_shared": h.toilet_shared,
            "sharing_households": h.sharing_households,
            "members_go": h.members_go,
            "source": h.source,
            "recorded_at": h.recorded_at.isoformat() if h.recorded_at else None,
        }
        for h in building.households.select_related("facility").order_by("number")
    ]


# A record's page shows when it was created and last changed (the layers carry `version`).
TIMESTAMPS: dict[str, Callable[[Any], Any]] = {
    "created_at": lambda record: record.created_at.isoformat(),
    "updated_at": lambda record: record.updated_at.isoformat(),
}


def record_feature_serializer(
    model: type,
    layer: Layer | Callable[[], Layer],
    extras: dict[str, Callable[[Any], Any]] | None = None,
) -> type[serializers.Serializer]:
    """A record as its register's layer renders it (core.features): the detail carries the
    same properties, written the same way, as the list, an OGC API item and an export, and
    besides them what only a record's page shows (`extras`: name -> function of the record,
    e.g. a building's households) and its latest changes (`history`), as every register's
    detail does. `layer` may be a function giving the layer (built with the settings in
    force)."""
    extras = {**(extras or {}), "history": record_history}
    current = layer if callable(layer) else (lambda: layer)

    def to_representation(self, instance: Any) -> dict:
        feature = json.loads(feature_text(current(), instance.pk))
        properties = feature["properties"]
        for name, extra in extras.items():
            properties[name] = extra(instance)
        return feature

    # For the OpenAPI schema: a Feature whose properties are the layer's and the extras.
    names = [*current().properties, *extras]
    properties = type(
        f"{model.__name__}Properties",
        (serializers.Serializer,),
        {name: serializers.JSONField(read_only=True) for name in names},
    )
    return extend_schema_serializer(component_name=f"{model.__name__}Feature")(
        type(
            f"{model.__name__}FeatureSerializer",
            (serializers.Serializer,),
            {
                "to_representation": to_representation,
                "type": serializers.CharField(read_only=True, default="Feature"),
                "id": serializers.IntegerField(read_only=True),
                "geometry": serializers.JSONField(read_only=True),
                "properties": properties(read_only=True),
            },
        )
    )
