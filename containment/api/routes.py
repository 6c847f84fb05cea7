"""A vehicle's desludging route for a day under /api/v1/analysis/route/ (issue 30, tool 6):
for the help desk planning the day and the crew driving it (containment.routing). JSON with
the stops and the legs on the roads; CSV or GeoPackage of the stops for print or QGIS."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import tables

from .. import routing

STOP_HEADER = [
    "seq",
    "kind",
    "request",
    "containment",
    "ward",
    "plant",
    "distance_m",
    "volume_m3",
    "taken_m3",
    "access_notes",
    "lon",
    "lat",
]


class RouteQuerySerializer(serializers.Serializer):
    vehicle = serializers.IntegerField(min_value=1, help_text="The vehicle's id")
    day = serializers.DateField(required=False, help_text="By default today")
    requests = serializers.CharField(
        required=False,
        help_text="Comma-separated ids of the day's requests to route (by default all)",
    )
    earthen = serializers.BooleanField(default=False, help_text="Whether earthen roads do")
    file_format = serializers.ChoiceField(choices=tables.FILE_FORMATS, default="json")

    def validate_requests(self, value: str) -> list[int]:
        try:
            ids = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise serializers.ValidationError(_("Give request ids separated by commas.")) from None
        if not ids or len(ids) > 200 or min(ids) < 1:
            raise serializers.ValidationError(_("Give between 1 and 200 request ids."))
        return ids


def day_route(request: Request, params) -> dict:
    """The route the query `params` asks for, as containment.routing answers it; the
    refusals as API errors."""
    query = RouteQuerySerializer(data=params)
    query.is_valid(raise_exception=True)
    found = query.validated_data
    vehicle = routing.routable_vehicles(user=request.user).filter(pk=found["vehicle"]).first()
    if vehicle is None:
        raise exceptions.NotFound(_("No such vehicle of yours."))
    try:
        return routing.day_route(
            user=request.user,
            vehicle=vehicle,
            day=found.get("day") or timezone.localdate(),
            ids=found.get("requests"),
            earthen=found["earthen"],
        ) | {"file_format": found["file_format"]}
    except routing.RouteRefused as refused:
        raise serializers.ValidationError({"vehicle": [str(refused)]}) from None


class RouteView(APIView):
    @extend_schema(
        operation_id="analysis_route",
        tags=["analysis"],
        parameters=[
            OpenApiParameter("vehicle", int, required=True, description="The vehicle's id"),
            OpenApiParameter("day", OpenApiTypes.DATE, description="By default today"),
            OpenApiParameter("requests", str, description="Comma-separated request ids"),
            OpenApiParameter("earthen", bool, description="Vehicles may use earthen roads"),
            OpenApiParameter("file_format", str, enum=tables.FILE_FORMATS, default="json"),
        ],
        responses={200: OpenApiTypes.OBJECT, 501: OpenApiTypes.OBJECT},
        summary="The order and roads of a vehicle's scheduled emptyings of a day, from its "
        "depot through the jobs and the treatment plant",
    )
    def get(self, request: Request):
        try:
            route = day_route(request, request.query_params)
        except routing.RoutingUnavailable:
            return Response(
                {"detail": _("Routing needs pgRouting on the database server.")},
                status=status.HTTP_501_NOT_IMPLEMENTED,
            )
        kind = route.pop("file_format")
        if kind == "json":
            return Response(route)
        rows = ([stop.get(key) for key in STOP_HEADER] for stop in route["stops"])
        return tables.file_response(kind, STOP_HEADER, rows, name="desludging-route")
