"""The REST API of every register (core.registry), generated from its declaration: a list as
a streamed GeoJSON FeatureCollection built by PostGIS, a Feature per record, and writes
through the register's services. Thin: parse, call a selector or service, render.

Each app mounts its registers' routes with `register_urls(app)` in its api/urls.py; URL names
are `<route>-list` and `<route>-detail` in the app's namespace.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import registry
from core.features import stream_feature_collection
from core.permissions import require_role_anywhere
from core.reads import GEOJSON, REST_LIST, layer_query, page_links, parse_read
from core.registry import Register
from core.roles import REGISTER_EDITOR_ROLES
from core.versions import check_if_match, etag_of

from .. import selectors
from ..models import Municipality
from .bulk_views import BulkEditView, bulk_schema
from .serializers import AreaField, FeatureInputSerializer, RetireQuerySerializer

LIST_PARAMETERS = [
    OpenApiParameter("bbox", str, description="minLon,minLat,maxLon,maxLat (EPSG:4326)"),
    OpenApiParameter("ward", int, description="Only features in this ward (id)"),
    OpenApiParameter("municipality", str, description="Only this municipality (code)"),
    OpenApiParameter("limit", int, description="Page size (default 1000)"),
    OpenApiParameter("offset", int, description="Features to skip"),
    OpenApiParameter(
        "after",
        int,
        description=(
            "Only features whose id is greater (keyset paging, as the next link writes it;"
            " not with offset or sort)"
        ),
    ),
    OpenApiParameter("area", str, description="Only features touching this GeoJSON Polygon"),
    OpenApiParameter(
        "sort", str, description="A property to sort by; -property sorts from the largest"
    ),
    OpenApiParameter(
        "where",
        str,
        many=True,
        explode=True,
        description=(
            "property:operator:value, repeatable (all hold). Operators: eq, ne, lt, le, gt, "
            "ge, contains, starts (text, case aside), empty and filled (no value)"
        ),
    ),
    OpenApiParameter("ids", str, description="Only these records: ids, comma-separated"),
]
FEATURE_COLLECTION = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=(
        "RFC 7946 FeatureCollection with numberMatched, numberReturned and next/prev links."
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag of your last read of the record; 428 without it, 412 if stale",
)
RETIRE_REASON = OpenApiParameter(
    "reason",
    str,
    description=(
        "Why the record is retired (kept with it; up to 200 characters). Given a reason, "
        "a record is always retired, never deleted"
    ),
)
PRECONDITIONS = {412: OpenApiTypes.OBJECT, 428: OpenApiTypes.OBJECT}


def _parse_feature(request: Request, register: Register, *, partial: bool) -> dict[str, Any]:
    """Validate a Feature body into service keyword arguments (geometry -> geom)."""
    if isinstance(request.data, dict) and request.data.get("type") != "Feature":
        raise ValidationError({"type": [_('Send one GeoJSON Feature (type "Feature").')]})
    feature = FeatureInputSerializer(data=request.data, partial=partial)
    feature.is_valid(raise_exception=True)
    data = dict(feature.validated_data.get("properties") or {})
    if "geometry" in feature.validated_data:
        data["geometry"] = feature.validated_data["geometry"]
    properties = register.properties_serializer(data=data, partial=partial)
    properties.is_valid(raise_exception=True)
    values = dict(properties.validated_data)
    if "geometry" in values:
        values["geom"] = values.pop("geometry")
    elif not partial:
        raise ValidationError({"geometry": [_("This field is required.")]})
    return values


def require_editor(user: Any, municipality: Municipality) -> None:
    if not selectors.can_edit_registers(user=user, municipality=municipality):
        raise exceptions.PermissionDenied(
            _("You may not edit the registers of %(municipality)s.")
            % {"municipality": municipality.name}
        )


def require_record_editor(user: Any, record: Any) -> None:
    """The record (as it is, and as a write leaves it) must lie in the wards the user may
    edit: a ward-limited editor neither edits nor moves anything outside his wards."""
    if not selectors.can_edit_record(user=user, record=record):
        raise exceptions.PermissionDenied(
            _("You may not edit records outside your wards of %(municipality)s.")
            % {"municipality": record.municipality.name}
        )


class RegisterView(APIView):
    register_name: ClassVar[str]

    @property
    def register(self) -> Register:
        return registry.get(self.register_name)


def _area(request: Request) -> bytes | None:
    """The drawn area a list is limited to (`area`, GeoJSON Polygon or MultiPolygon)."""
    if "area" not in request.query_params:
        return None
    area = AreaField()
    try:
        return bytes(area.run_validation(request.query_params["area"]).wkb)
    except exceptions.ValidationError as error:
        raise exceptions.ValidationError({"area": error.detail}) from None


class LayerListView(RegisterView):
    def get(self, request: Request) -> StreamingHttpResponse:
        layer = self.register.features()
        read = parse_read(request.query_params, layer, REST_LIST)
        query = layer_query(
            user=request.user,
            read=read,
            area_wkb=_area(request),
            roles=self.register.readers,
        )
        # A continuation page (`after`) leaves numberMatched out: the first page counted.
        matched = (
            None if read.after is not None else selectors.layer_count(layer=layer, query=query)
        )
        links = page_links(request, read, query, layer)
        return StreamingHttpResponse(
            stream_feature_collection(layer, query, number_matched=matched, links=links),
            content_type=GEOJSON,
        )

    @pghistory.context()
    def post(self, request: Request) -> Response:
        pghistory.context(user=request.user.pk)
        register = self.register
        require_role_anywhere(request.user, REGISTER_EDITOR_ROLES)
        values = _parse_feature(request, register, partial=False)
        municipality = selectors.municipality_for_new_record(
            user=request.user, requested=values.pop("municipality", None)
        )
        require_editor(request.user, municipality)
        with transaction.atomic():
            created = register.create(municipality=municipality, **values)
            require_record_editor(request.user, created)
        body = register.output_serializer(created).data
        return Response(body, status=status.HTTP_201_CREATED, content_type=GEOJSON)


class LayerDetailView(RegisterView):
    def _object(self, pk: int) -> Any:
        register = self.register
        return register.get(user=self.request.user, **{f"{register.id_kwarg}_id": pk})

    def _represented(self, instance: Any) -> Response:
        body = self.register.output_serializer(instance).data
        response = Response(body, content_type=GEOJSON)
        response["ETag"] = etag_of(body)
        return response

    def editable(self, request: Request, pk: int) -> Any:
        """The record, if the user sees it and may edit it (404, 403 otherwise)."""
        instance = self._object(pk)
        require_editor(request.user, instance.municipality)
        require_record_editor(request.user, instance)
        return instance

    def _locked(self, request: Request, pk: int) -> Any:
        """The record, locked for this transaction, after checking the client's If-Match
        against what the record looks like now (inside the lock)."""
        instance = self.editable(request, pk)
        # Lock the row, then read it again as the API shows it (selectors annotate).
        list(type(instance).objects.select_for_update().filter(pk=instance.pk).values("pk"))
        instance = self._object(pk)
        current = etag_of(self.register.output_serializer(instance).data)
        check_if_match(request.headers.get("If-Match"), current, self.register.id_kwarg)
        return instance

    def get(self, request: Request, pk: int) -> Response:
        return self._represented(self._object(pk))

    @pghistory.context()
    def _update(self, request: Request, pk: int, *, partial: bool) -> Response:
        pghistory.context(user=request.user.pk)
        register = self.register
        with transaction.atomic():
            instance = self._locked(request, pk)
            values = _parse_feature(request, register, partial=partial)
            municipality = values.pop("municipality", None)
            if municipality is not None and municipality.pk != instance.municipality_id:
                raise ValidationError(
                    {"municipality": [_("A record cannot move to another municipality.")]}
                )
            updated = register.update(**{register.id_kwarg: instance}, **values)
            require_record_editor(request.user, updated)
            return self._represented(updated)

    def put(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=False)

    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    @pghistory.context()
    def delete(self, request: Request, pk: int) -> Response:
        pghistory.context(user=request.user.pk)
        register = self.register
        arguments = {}
        if _retires(register):
            reason = RetireQuerySerializer(data=request.query_params)
            reason.is_valid(raise_exception=True)
            arguments["reason"] = reason.validated_data.get("reason", "")
        with transaction.atomic():
            instance = self._locked(request, pk)
            register.delete(**{register.id_kwarg: instance}, **arguments)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _retires(register: Register) -> bool:
    """Whether the register's DELETE retires a record (soft delete) and takes a reason."""
    return "reason" in inspect.signature(register.delete).parameters


def _operation(register: Register) -> str:
    return register.name.replace("-", "_")


def _list_schema(register: Register) -> dict:
    name, tag = _operation(register), register.api_tag or register.name
    filters = [
        OpenApiParameter(key, str, enum=list(values))
        for key, values in register.features().filter_choices.items()
    ]
    schema = {
        "get": extend_schema(
            operation_id=f"{name}_list",
            parameters=[*LIST_PARAMETERS, *filters],
            responses={200: FEATURE_COLLECTION},
            tags=[tag],
            summary=register.summary or f"List {register.name} as a GeoJSON FeatureCollection",
        )
    }
    if register.editable:
        schema["post"] = extend_schema(
            operation_id=f"{name}_create",
            request=OpenApiTypes.OBJECT,
            responses={201: register.output_serializer},
            tags=[tag],
            summary=f"Create a {register.id_kwarg} from a GeoJSON Feature",
        )
    return schema


def _detail_schema(register: Register) -> dict:
    name, tag = _operation(register), register.api_tag or register.name
    output = register.output_serializer
    schema = {
        "get": extend_schema(operation_id=f"{name}_retrieve", responses={200: output}, tags=[tag])
    }
    if register.editable:
        for method, action, answer in (
            ("put", "update", output),
            ("patch", "partial_update", output),
            ("delete", "destroy", None),
        ):
            retire = [RETIRE_REASON] if method == "delete" and _retires(register) else []
            schema[method] = extend_schema(
                operation_id=f"{name}_{action}",
                request=OpenApiTypes.OBJECT if answer is not None else None,
                parameters=[IF_MATCH, *retire],
                responses={200 if answer is not None else 204: answer, **PRECONDITIONS},
                tags=[tag],
            )
    return schema


READ = ["get", "head", "options"]


def _view(register: Register, base: type, kind: str, schema: dict, methods: list[str]) -> Any:
    """A view class of the register, named for OpenAPI, with its operations described."""
    stem = register.name.title().replace("-", "")
    attributes = {"register_name": register.name, "http_method_names": methods}
    return extend_schema_view(**schema)(type(f"{stem}{kind}View", (base,), attributes))


def register_urls(app: str) -> list:
    """Routes of the app's registers: a list for each, a detail for those with a selector."""
    patterns = []
    for register in registry.registers(app=app):
        if not register.api:
            continue
        writes = register.editable
        listing = _view(
            register,
            LayerListView,
            "List",
            _list_schema(register),
            READ + (["post"] if writes else []),
        )
        patterns.append(
            path(f"{register.name}/", listing.as_view(), name=f"{register.url_name}-list")
        )
        if register.get is None:
            continue
        detail = _view(
            register,
            LayerDetailView,
            "Detail",
            _detail_schema(register),
            READ + (["put", "patch", "delete"] if writes else []),
        )
        route = f"{register.name}/<int:pk>/"
        patterns.append(path(route, detail.as_view(), name=f"{register.url_name}-detail"))
        if writes:
            bulk = _view(register, BulkEditView, "BulkEdit", bulk_schema(register), ["post"])
            patterns.append(
                path(
                    f"{register.name}/bulk-edit/",
                    bulk.as_view(),
                    name=f"{register.url_name}-bulk-edit",
                )
            )
    return patterns
