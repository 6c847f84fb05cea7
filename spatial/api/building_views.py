"""Split and merge of buildings (the map editor's tools, issue 21): each is one request, one
transaction and one history entry per building it changes, guarded by the building's ETag as
every edit is."""

from __future__ import annotations

from typing import Any, ClassVar

import pghistory
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.reads import GEOJSON
from core.versions import etag_of

from .. import selectors, services
from .layer_views import IF_MATCH, PRECONDITIONS, LayerDetailView, require_record_editor
from .serializers import GeometryInputField, StrictFieldsMixin


class SplitSerializer(StrictFieldsMixin, serializers.Serializer):
    line = GeometryInputField(
        allowed_types=("LineString",),
        help_text="A line (GeoJSON, EPSG:4326) crossing the footprint from side to side",
    )


class MergeSerializer(StrictFieldsMixin, serializers.Serializer):
    other = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="Id of the building merged into this one"
    )


def _schema(name: str, request: type, summary: str, description: str) -> Any:
    return extend_schema_view(
        post=extend_schema(
            operation_id=f"buildings_{name}",
            request=request,
            parameters=[IF_MATCH],
            responses={200: OpenApiTypes.OBJECT, **PRECONDITIONS},
            tags=["buildings"],
            summary=summary,
            description=description,
        )
    )


class BuildingToolView(LayerDetailView):
    """POST to a building: who may, then what is sent, then the tool under the building's
    lock and ETag, in one transaction with the user in its history."""

    register_name = "buildings"
    http_method_names = ["post", "options"]
    body: ClassVar[type[serializers.Serializer]]

    def act(self, request: Request, building: Any, data: dict) -> Response:
        raise NotImplementedError

    @pghistory.context()
    def post(self, request: Request, pk: int) -> Response:
        pghistory.context(user=request.user.pk)
        self.editable(request, pk)  # who may, before what is sent
        body = self.body(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            return self.act(request, self._locked(request, pk), body.validated_data)


@_schema(
    "split",
    SplitSerializer,
    "Split a building along a line: the larger part keeps the BIN",
    "Returns a FeatureCollection of the two parts: the building with its BIN, then the new "
    "building. Containment links go with the part nearer the containment.",
)
class BuildingSplitView(BuildingToolView):
    body = SplitSerializer

    def act(self, request: Request, building: Any, data: dict) -> Response:
        kept, created = services.building_split(building=building, line=data["line"])
        require_record_editor(request.user, created)
        output = self.register.output_serializer
        features = [output(kept).data, output(created).data]
        return Response({"type": "FeatureCollection", "features": features}, content_type=GEOJSON)


@_schema(
    "merge",
    MergeSerializer,
    "Merge another building into this one, which keeps its BIN",
    "The other building is retired with a pointer to this one; its containment links and "
    "households move here.",
)
class BuildingMergeView(BuildingToolView):
    body = MergeSerializer

    def act(self, request: Request, building: Any, data: dict) -> Response:
        other = selectors.building_get(user=request.user, building_id=data["other"])
        require_record_editor(request.user, other)
        survivor = services.building_merge(building=building, other=other)
        output = self.register.output_serializer(survivor).data
        response = Response(output, content_type=GEOJSON)
        response["ETag"] = etag_of(output)
        return response
