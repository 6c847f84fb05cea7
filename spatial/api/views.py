"""GeoJSON API for wards, buildings and roads. Thin: parse, call a selector or service,
render. Lists are FeatureCollections built by PostGIS and streamed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.pagination import PAGE_PARAMETERS, page_schema, paged_response
from config.permissions import require_role_anywhere
from config.versions import check_if_match, etag_of

from .. import selectors, services
from ..choices import REGISTER_EDITOR_ROLES
from ..layers import (
    BUILDINGS,
    LOW_INCOME_COMMUNITIES,
    ROADS,
    WARDS,
    Layer,
    stream_feature_collection,
)
from ..models import Municipality, Ward
from .serializers import (
    BuildingDetailSerializer,
    BuildingPropertiesSerializer,
    FeatureInputSerializer,
    LayerQuerySerializer,
    MunicipalitySerializer,
    RoadDetailSerializer,
    RoadPropertiesSerializer,
    WardDetailSerializer,
    WardPropertiesSerializer,
)

GEOJSON = "application/geo+json"


@dataclass(frozen=True)
class Resource:
    """What the generic layer views need to know about one register."""

    layer: Layer
    properties_serializer: type[serializers.Serializer]
    output_serializer: type[serializers.Serializer]
    get: Callable[..., Any] | None
    create: Callable[..., Any] | None
    update: Callable[..., Any] | None
    delete: Callable[..., Any] | None
    id_kwarg: str


RESOURCES = {
    "wards": Resource(
        WARDS,
        WardPropertiesSerializer,
        WardDetailSerializer,
        selectors.ward_get,
        services.ward_create,
        services.ward_update,
        services.ward_delete,
        "ward",
    ),
    "buildings": Resource(
        BUILDINGS,
        BuildingPropertiesSerializer,
        BuildingDetailSerializer,
        selectors.building_get,
        services.building_create,
        services.building_update,
        services.building_delete,
        "building",
    ),
    "low-income-communities": Resource(
        LOW_INCOME_COMMUNITIES,
        serializers.Serializer,
        serializers.Serializer,
        None,
        None,
        None,
        None,
        "low_income_community",
    ),
    "roads": Resource(
        ROADS,
        RoadPropertiesSerializer,
        RoadDetailSerializer,
        selectors.road_get,
        services.road_create,
        services.road_update,
        services.road_delete,
        "road",
    ),
}

LIST_PARAMETERS = [
    OpenApiParameter("bbox", str, description="minLon,minLat,maxLon,maxLat (EPSG:4326)"),
    OpenApiParameter("ward", int, description="Only features in this ward (id)"),
    OpenApiParameter("municipality", str, description="Only this municipality (code)"),
    OpenApiParameter("limit", int, description="Page size (default 1000)"),
    OpenApiParameter("offset", int, description="Features to skip"),
]
FEATURE_COLLECTION = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=(
        "RFC 7946 FeatureCollection with numberMatched, numberReturned and next/prev links."
    ),
)


def _parse_feature(request: Request, resource: Resource, *, partial: bool) -> dict[str, Any]:
    """Validate a Feature body into service keyword arguments (geometry -> geom)."""
    if isinstance(request.data, dict) and request.data.get("type") != "Feature":
        raise ValidationError({"type": [_('Send one GeoJSON Feature (type "Feature").')]})
    feature = FeatureInputSerializer(data=request.data, partial=partial)
    feature.is_valid(raise_exception=True)
    data = dict(feature.validated_data.get("properties") or {})
    if "geometry" in feature.validated_data:
        data["geometry"] = feature.validated_data["geometry"]
    properties = resource.properties_serializer(data=data, partial=partial)
    properties.is_valid(raise_exception=True)
    values = dict(properties.validated_data)
    if "geometry" in values:
        values["geom"] = values.pop("geometry")
    elif not partial:
        raise ValidationError({"geometry": [_("This field is required.")]})
    return values


def _require_editor(user: Any, municipality: Municipality) -> None:
    if not selectors.can_edit_registers(user=user, municipality=municipality):
        raise exceptions.PermissionDenied(
            _("You may not edit the registers of %(municipality)s.")
            % {"municipality": municipality.name}
        )


def _require_record_editor(user: Any, record: Any) -> None:
    """The record (as it is, and as a write leaves it) must lie in the wards the user may
    edit: a ward-limited editor neither edits nor moves anything outside his wards."""
    if not selectors.can_edit_record(user=user, record=record):
        raise exceptions.PermissionDenied(
            _("You may not edit records outside your wards of %(municipality)s.")
            % {"municipality": record.municipality.name}
        )


class LayerListView(APIView):
    resource_name: ClassVar[str]
    query_serializer: ClassVar[type[serializers.Serializer]] = LayerQuerySerializer

    @property
    def resource(self) -> Resource:
        return RESOURCES[self.resource_name]

    def _resolve_filters(self, params: dict) -> tuple[Ward | None, Municipality | None]:
        ward = municipality = None
        if "ward" in params:
            try:
                ward = selectors.ward_get(user=self.request.user, ward_id=params["ward"])
            except Ward.DoesNotExist:
                raise ValidationError(
                    {"ward": [_("Unknown ward %(ward)s.") % {"ward": params["ward"]}]}
                ) from None
        if "municipality" in params:
            try:
                municipality = selectors.municipality_get(
                    user=self.request.user, code=params["municipality"]
                )
            except Municipality.DoesNotExist:
                raise ValidationError(
                    {
                        "municipality": [
                            _("Unknown municipality %(code)s.") % {"code": params["municipality"]}
                        ]
                    }
                ) from None
        return ward, municipality

    def _links(self, request: Request, params: dict, matched: int, limit: int, offset: int):
        def page(new_offset: int) -> str:
            query = {k: v for k, v in request.query_params.items() if k != "offset"}
            query["offset"] = str(new_offset)
            query["limit"] = str(limit)
            return request.build_absolute_uri(request.path) + "?" + urlencode(query)

        links = [{"rel": "self", "type": GEOJSON, "href": request.build_absolute_uri()}]
        if offset + limit < matched:
            links.append({"rel": "next", "type": GEOJSON, "href": page(offset + limit)})
        if offset > 0:
            links.append({"rel": "prev", "type": GEOJSON, "href": page(max(0, offset - limit))})
        return links

    def get(self, request: Request) -> StreamingHttpResponse:
        query_input = self.query_serializer(data=request.query_params)
        query_input.is_valid(raise_exception=True)
        params = query_input.validated_data
        limit = min(
            params.get("limit", settings.IMIS["DEFAULT_PAGE_SIZE"]), settings.IMIS["MAX_PAGE_SIZE"]
        )
        ward, municipality = self._resolve_filters(params)
        query = selectors.layer_query(
            user=request.user,
            bbox=params.get("bbox"),
            ward=ward,
            municipality=municipality,
            limit=limit,
            offset=params["offset"],
            extra={k: params[k] for k in self.resource.layer.extra_filters if k in params},
        )
        matched = selectors.layer_count(layer=self.resource.layer, query=query)
        links = self._links(request, params, matched, limit, params["offset"])
        return StreamingHttpResponse(
            stream_feature_collection(
                self.resource.layer, query, number_matched=matched, links=links
            ),
            content_type=GEOJSON,
        )

    @pghistory.context()
    def post(self, request: Request) -> Response:
        pghistory.context(user=request.user.pk)
        require_role_anywhere(request.user, REGISTER_EDITOR_ROLES)
        values = _parse_feature(request, self.resource, partial=False)
        municipality = selectors.municipality_for_new_record(
            user=request.user, requested=values.pop("municipality", None)
        )
        _require_editor(request.user, municipality)
        with transaction.atomic():
            created = self.resource.create(municipality=municipality, **values)
            _require_record_editor(request.user, created)
        body = self.resource.output_serializer(created).data
        return Response(body, status=status.HTTP_201_CREATED, content_type=GEOJSON)


class LayerDetailView(APIView):
    resource_name: ClassVar[str]

    @property
    def resource(self) -> Resource:
        return RESOURCES[self.resource_name]

    def _object(self, pk: int) -> Any:
        return self.resource.get(user=self.request.user, **{f"{self.resource.id_kwarg}_id": pk})

    def _represented(self, instance: Any) -> Response:
        body = self.resource.output_serializer(instance).data
        response = Response(body, content_type=GEOJSON)
        response["ETag"] = etag_of(body)
        return response

    def _locked(self, request: Request, pk: int) -> Any:
        """The record, locked for this transaction, after checking the client's If-Match
        against what the record looks like now (inside the lock)."""
        instance = self._object(pk)
        _require_editor(request.user, instance.municipality)
        _require_record_editor(request.user, instance)
        # Lock the row, then read it again as the API shows it (selectors annotate).
        list(type(instance).objects.select_for_update().filter(pk=instance.pk).values("pk"))
        instance = self._object(pk)
        current = etag_of(self.resource.output_serializer(instance).data)
        check_if_match(request.headers.get("If-Match"), current, self.resource.id_kwarg)
        return instance

    def get(self, request: Request, pk: int) -> Response:
        return self._represented(self._object(pk))

    @pghistory.context()
    def _update(self, request: Request, pk: int, *, partial: bool) -> Response:
        pghistory.context(user=request.user.pk)
        with transaction.atomic():
            instance = self._locked(request, pk)
            values = _parse_feature(request, self.resource, partial=partial)
            municipality = values.pop("municipality", None)
            if municipality is not None and municipality.pk != instance.municipality_id:
                raise ValidationError(
                    {"municipality": [_("A record cannot move to another municipality.")]}
                )
            updated = self.resource.update(**{self.resource.id_kwarg: instance}, **values)
            _require_record_editor(request.user, updated)
            return self._represented(updated)

    def put(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=False)

    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    @pghistory.context()
    def delete(self, request: Request, pk: int) -> Response:
        pghistory.context(user=request.user.pk)
        with transaction.atomic():
            instance = self._locked(request, pk)
            self.resource.delete(**{self.resource.id_kwarg: instance})
        return Response(status=status.HTTP_204_NO_CONTENT)


def _list_schema(name: str) -> dict:
    resource = RESOURCES[name]
    return {
        "get": extend_schema(
            operation_id=f"{name}_list",
            parameters=LIST_PARAMETERS,
            responses={200: FEATURE_COLLECTION},
            tags=[name],
            summary=f"List {name} as a GeoJSON FeatureCollection",
        ),
        "post": extend_schema(
            operation_id=f"{name}_create",
            request=OpenApiTypes.OBJECT,
            responses={201: resource.output_serializer},
            tags=[name],
            summary=f"Create a {resource.id_kwarg} from a GeoJSON Feature",
        ),
    }


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag of your last read of the record; 428 without it, 412 if stale",
)
PRECONDITIONS = {412: OpenApiTypes.OBJECT, 428: OpenApiTypes.OBJECT}


def _detail_schema(name: str) -> dict:
    output = RESOURCES[name].output_serializer
    return {
        "get": extend_schema(operation_id=f"{name}_retrieve", responses={200: output}, tags=[name]),
        "put": extend_schema(
            operation_id=f"{name}_update",
            request=OpenApiTypes.OBJECT,
            parameters=[IF_MATCH],
            responses={200: output, **PRECONDITIONS},
            tags=[name],
        ),
        "patch": extend_schema(
            operation_id=f"{name}_partial_update",
            request=OpenApiTypes.OBJECT,
            parameters=[IF_MATCH],
            responses={200: output, **PRECONDITIONS},
            tags=[name],
        ),
        "delete": extend_schema(
            operation_id=f"{name}_destroy",
            parameters=[IF_MATCH],
            responses={204: None, **PRECONDITIONS},
            tags=[name],
        ),
    }


@extend_schema_view(**_list_schema("wards"))
class WardListView(LayerListView):
    resource_name = "wards"


@extend_schema_view(**_detail_schema("wards"))
class WardDetailView(LayerDetailView):
    resource_name = "wards"


@extend_schema_view(**_list_schema("buildings"))
class BuildingListView(LayerListView):
    resource_name = "buildings"


@extend_schema_view(**_detail_schema("buildings"))
class BuildingDetailView(LayerDetailView):
    resource_name = "buildings"


@extend_schema_view(**_list_schema("roads"))
class RoadListView(LayerListView):
    resource_name = "roads"


@extend_schema_view(**_detail_schema("roads"))
class RoadDetailView(LayerDetailView):
    resource_name = "roads"


@extend_schema_view(
    get=extend_schema(
        operation_id="low_income_communities_list",
        parameters=LIST_PARAMETERS,
        responses={200: FEATURE_COLLECTION},
        tags=["low-income-communities"],
        summary="List low-income communities as a GeoJSON FeatureCollection",
    )
)
class LowIncomeCommunityListView(LayerListView):
    """Read only for now: LIC boundaries come from the municipality's own mapping."""

    resource_name = "low-income-communities"
    http_method_names = ["get", "head", "options"]


class MunicipalityListView(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_schema(MunicipalitySerializer)},
        tags=["municipalities"],
    )
    def get(self, request: Request) -> Response:
        municipalities = selectors.municipality_list(user=request.user).order_by("name", "pk")
        return paged_response(request, municipalities, MunicipalitySerializer)
