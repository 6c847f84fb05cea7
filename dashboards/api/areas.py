"""/api/v1/analysis/area-summary/ (issue 30, tool 1): what lies in an area, a buffer, a ward
or a low-income community, as JSON, or as a table (CSV or XLSX) of the same figures. A
drawn area is POSTed (it may be long); a ward, a community or a registered feature may be
asked with GET. Nothing is written."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import tables
from spatial import selectors as spatial_selectors
from spatial.api.serializers import GeometryInputField, StrictFieldsMixin

from .. import areas

SHAPES = ("Polygon", "MultiPolygon", "Point", "LineString", "MultiLineString")
WAYS = ("geometry", "ward", "low_income_community", "feature")


class AreaAskedSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.CharField(required=False, help_text="The municipality's code")
    geometry = GeometryInputField(
        allowed_types=SHAPES,
        required=False,
        help_text="A drawn area, or a point or line to buffer (GeoJSON, EPSG:4326)",
    )
    ward = serializers.IntegerField(min_value=1, required=False, help_text="A ward's id")
    low_income_community = serializers.IntegerField(
        min_value=1, required=False, help_text="A low-income community's id"
    )
    layer = serializers.ChoiceField(
        choices=areas.BUFFERED_LAYERS, required=False, help_text="The layer of `feature`"
    )
    feature = serializers.IntegerField(
        min_value=1, required=False, help_text="A feature's id in `layer`, to buffer"
    )
    sewers = serializers.BooleanField(
        required=False, help_text="The municipality's existing sewers (with a buffer)"
    )
    buffer_m = serializers.FloatField(
        min_value=0,
        max_value=areas.MAX_BUFFER_M,
        default=0,
        help_text="Metres on the ground around the area, point, line or feature",
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    file_format = serializers.ChoiceField(choices=tables.FILE_FORMATS, default="json")

    def validate(self, attrs: dict) -> dict:
        if (attrs.get("feature") is None) != (attrs.get("layer") is None):
            raise serializers.ValidationError(
                {"layer": [_("A feature is named by its layer and its id.")]}
            )
        given = [way for way in WAYS if attrs.get(way) is not None]
        given += ["sewers"] if attrs.get("sewers") else []
        if len(given) != 1:
            raise serializers.ValidationError(
                {
                    "geometry": [
                        _(
                            "Give one of: a geometry, a ward, a low-income community, the "
                            "sewers, or a layer and a feature."
                        )
                    ]
                }
            )
        return attrs


def _rows(found: dict) -> Iterator[list]:
    """The summary as a table: section, item, label, value."""
    area = found["area"]
    yield ["area", "described", _("Area"), area["described"]]
    yield ["area", "area_m2", _("Area (m²)"), area["area_m2"]]
    for key, label in (
        ("buildings", _("Buildings")),
        ("holdings", _("Holdings")),
        ("households", _("Households")),
        ("containments", _("Containments")),
    ):
        yield ["register", key, label, found[key]]
    for key, value in found["people"].items():
        yield ["people", key, key, value]
    for rung in found["ladder"]:
        yield ["jmp", rung["rung"], rung["label"], rung["people"]]
    for fate in found["sfd"]["fates"]:
        yield ["sfd", fate["fate"], fate["label"], fate["people"]]
    for kind in found["containment_types"]:
        yield ["containment_type", kind["type"], kind["label"], kind["containments"]]
    for section in ("sfd_classes", "compliance", "emptying"):
        for key, value in found[section].items():
            yield [section, key, key, value]
    yield ["computed", "computed_at", _("Computed at"), found["computed_at"]]


PARAMETERS = [
    OpenApiParameter("municipality", str, description="The municipality's code"),
    OpenApiParameter("ward", int, description="A ward's id"),
    OpenApiParameter("low_income_community", int, description="A low-income community's id"),
    OpenApiParameter("layer", str, enum=list(areas.BUFFERED_LAYERS)),
    OpenApiParameter("feature", int, description="A feature's id in `layer`"),
    OpenApiParameter("sewers", bool, description="Around the existing sewers"),
    OpenApiParameter("buffer_m", float, description="Metres around it (0-5000)"),
    OpenApiParameter("year", int, description="As of the end of this year (default: today)"),
    OpenApiParameter("file_format", str, enum=tables.FILE_FORMATS, default="json"),
]


class AreaSummaryView(APIView):
    def answer(self, request: Request, data) -> Response | HttpResponse:
        """The answer to `data` (a request's, or a saved analysis's parameters)."""
        asked = AreaAskedSerializer(data=data)
        asked.is_valid(raise_exception=True)
        found = asked.validated_data
        municipality = spatial_selectors.resolve_municipality(
            user=request.user, code=found.get("municipality")
        )
        try:
            area = areas.area_of(
                user=request.user,
                municipality=municipality,
                geometry=found.get("geometry"),
                ward=found.get("ward"),
                low_income_community=found.get("low_income_community"),
                layer=found.get("layer"),
                feature=found.get("feature"),
                sewers=found.get("sewers", False),
                buffer_m=found["buffer_m"],
            )
            result = areas.summary(
                user=request.user, municipality=municipality, area=area, year=found.get("year")
            )
        except areas.AreaRefused as refused:
            raise serializers.ValidationError({refused.field: [refused.message]}) from None
        kind = found["file_format"]
        if kind == "json":
            return Response(result | {"geometry": json.loads(area.geojson)})
        if kind == "gpkg":
            # One feature: the area, with each figure as a column.
            table = list(_rows(result))
            header = [f"{section}_{item}" for section, item, _label, _value in table]
            values = [[value for _section, _item, _label, value in table]]
            return tables.file_response(
                kind, header, values, name="area-summary", geometries=[json.loads(area.geojson)]
            )
        header = ["section", "item", "label", "value"]
        return tables.file_response(kind, header, _rows(result), name="area-summary")

    @extend_schema(
        operation_id="analysis_area_summary",
        tags=["analysis"],
        parameters=PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
        summary="What lies in a ward, a low-income community or a buffer around a feature",
    )
    def get(self, request: Request):
        return self.answer(request, request.query_params.dict())

    @extend_schema(
        operation_id="analysis_area_summary_drawn",
        tags=["analysis"],
        request=AreaAskedSerializer,
        responses={200: OpenApiTypes.OBJECT},
        summary="What lies in a drawn area, or a buffer around a drawn point, line or area",
    )
    def post(self, request: Request):
        return self.answer(request, request.data)
