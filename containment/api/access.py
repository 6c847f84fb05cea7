"""Access analysis under /api/v1/analysis/ (issue 30, tools 2 and 5): which buildings a
desludging vehicle's hose cannot reach from a road it can use, per ward and one by one (as
JSON, or CSV for a spreadsheet), and one building's nearest usable road. Read by whoever
reads the buildings, within their wards."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import tables
from core.scope import user_scope
from spatial import selectors as spatial_selectors
from spatial.models import Building, Ward

from .. import access, near_water


class AssumptionSerializer(serializers.Serializer):
    municipality = serializers.CharField(required=False)
    ward = serializers.IntegerField(required=False, min_value=1, help_text="A ward's id")
    vehicle_width = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        min_value=1,
        max_value=5,
        required=False,
        help_text="Metres; by default the narrowest vehicle in service in the fleet",
    )
    hose_length = serializers.IntegerField(
        min_value=5, max_value=200, required=False, help_text="Metres; by default the setting"
    )
    earthen = serializers.BooleanField(
        default=False, help_text="Whether vehicles may use earthen roads"
    )
    file_format = serializers.ChoiceField(choices=tables.FILE_FORMATS, default="json")


ASSUMPTIONS = [
    OpenApiParameter("municipality", str, description="The municipality's code"),
    OpenApiParameter("ward", int, description="One ward's id"),
    OpenApiParameter("vehicle_width", float, description="Vehicle width in metres"),
    OpenApiParameter("hose_length", int, description="Hose length in metres"),
    OpenApiParameter("earthen", bool, description="Vehicles may use earthen roads"),
]


def _assumed(request: Request, params) -> tuple[dict, object, access.Assumed]:
    data = AssumptionSerializer(data=params)
    data.is_valid(raise_exception=True)
    found = data.validated_data
    municipality = spatial_selectors.resolve_municipality(
        user=request.user, code=found.get("municipality")
    )
    vehicle = access.vehicle_for(
        municipality,
        width_m=found.get("vehicle_width"),
        hose_length_m=found.get("hose_length"),
        earthen=found["earthen"],
    )
    return found, municipality, vehicle


class HardToReachView(APIView):
    @extend_schema(
        operation_id="analysis_hard_to_reach",
        tags=["analysis"],
        parameters=[
            *ASSUMPTIONS,
            OpenApiParameter("file_format", str, enum=tables.FILE_FORMATS, default="json"),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="Buildings no usable road lies within hose length of, per ward and listed",
    )
    def get(self, request: Request):
        return self.answer(request, request.query_params)

    def answer(self, request: Request, params):
        """The answer to `params` (a query, or a saved analysis's parameters)."""
        found, municipality, vehicle = _assumed(request, params)
        ward_id = found.get("ward")
        if ward_id is not None:
            ward = Ward.objects.filter(pk=ward_id, municipality=municipality).first()
            scope = user_scope(request.user)
            if ward is None or not scope.covers(municipality_id=municipality.pk, ward_id=ward_id):
                raise serializers.ValidationError({"ward": [_("No such ward of yours.")]})
        result = access.hard_to_reach(
            user=request.user, municipality=municipality, vehicle=vehicle, ward_id=ward_id
        )
        if found["file_format"] != "json":
            header = ["bin", "ward", "nearest_usable_road", "distance_m", "hose_m", "lon", "lat"]
            rows = (
                [b["bin"], b["ward"], b["road"], b["distance_m"], b["hose_m"], b["lon"], b["lat"]]
                for b in result["buildings"]
            )
            return tables.file_response(found["file_format"], header, rows, name="hard-to-reach")
        return Response(result)


class BuildingAccessView(APIView):
    @extend_schema(
        operation_id="analysis_building_access",
        tags=["analysis"],
        parameters=ASSUMPTIONS[2:],
        responses={
            200: inline_serializer(
                "BuildingAccess",
                {
                    "building": serializers.CharField(),
                    "road": serializers.DictField(allow_null=True),
                    "distance_m": serializers.FloatField(allow_null=True),
                    "hose_m": serializers.FloatField(allow_null=True),
                    "buildings_in_the_way": serializers.IntegerField(),
                    "reachable": serializers.BooleanField(),
                    "hose_length_m": serializers.FloatField(),
                    "vehicle_width_m": serializers.FloatField(),
                    "vehicle_width_source": serializers.CharField(),
                    "definition": serializers.CharField(),
                },
            )
        },
        summary="A building's nearest road a desludging vehicle can use, and whether its "
        "hose reaches",
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            building = spatial_selectors.building_get(user=request.user, building_id=pk)
        except Building.DoesNotExist:
            raise exceptions.NotFound() from None
        data = AssumptionSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        vehicle = access.vehicle_for(
            building.municipality,
            width_m=data.validated_data.get("vehicle_width"),
            hose_length_m=data.validated_data.get("hose_length"),
            earthen=data.validated_data["earthen"],
        )
        found = access.nearest_usable_road(building=building, vehicle=vehicle)
        return Response(
            {
                "building": building.bin,
                **found,
                "hose_length_m": vehicle.hose_length_m,
                "vehicle_width_m": vehicle.width_m,
                "vehicle_width_source": vehicle.source,
                "definition": vehicle.definition(),
            }
        )


class NearWaterQuerySerializer(serializers.Serializer):
    municipality = serializers.CharField(required=False)
    distance = serializers.FloatField(
        min_value=1,
        max_value=near_water.MAX_DISTANCE_M,
        required=False,
        help_text="Metres; by default the rule set's minimum distance from a well",
    )
    limit = serializers.IntegerField(
        min_value=1,
        max_value=near_water.MAX_LIMIT,
        default=near_water.DEFAULT_LIMIT,
        help_text="At most this many items in each JSON list (nearest first)",
    )
    file_format = serializers.ChoiceField(choices=tables.FILE_FORMATS, default="json")


class NearWaterView(APIView):
    @extend_schema(
        operation_id="analysis_near_water",
        tags=["analysis"],
        parameters=[
            OpenApiParameter("municipality", str, description="The municipality's code"),
            OpenApiParameter("distance", float, description="Metres (1-500)"),
            OpenApiParameter("limit", int, description="Items per JSON list (1-10000)"),
            OpenApiParameter("file_format", str, enum=tables.FILE_FORMATS, default="json"),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="Containments within a distance of wells, water bodies and buildings with "
        "their own well, and the water they put at risk",
    )
    def get(self, request: Request):
        return self.answer(request, request.query_params)

    def answer(self, request: Request, params):
        """The answer to `params` (a query, or a saved analysis's parameters)."""
        query = NearWaterQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        found = query.validated_data
        municipality = spatial_selectors.resolve_municipality(
            user=request.user, code=found.get("municipality")
        )
        if found["file_format"] != "json":
            rows = near_water.near_water_rows(
                user=request.user, municipality=municipality, distance_m=found.get("distance")
            )
            return tables.file_response(
                found["file_format"], near_water.LIST_HEADER, rows, name="near-water"
            )
        result = near_water.near_water(
            user=request.user,
            municipality=municipality,
            distance_m=found.get("distance"),
            limit=found["limit"],
        )
        return Response(result)
