"""POST a file to import wards, buildings or roads: a dry run by default, `commit=true` to
write. Answers 200 with the report (per-row problems) or 400 when the file cannot be read."""

from __future__ import annotations

from dataclasses import asdict

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import imports, io
from core.imports import mapping
from core.parsers import LimitedJSONParser, PlainMultiPartParser
from core.permissions import require_role_anywhere
from core.roles import REGISTER_EDITOR_ROLES
from core.scope import user_scope

from .. import selectors
from ..models import Municipality
from .layer_views import require_editor

MUNICIPALITY_PARAMETER = OpenApiParameter(
    "municipality", str, description="The municipality's code (optional with one)"
)


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), required=False
    )
    layer = serializers.CharField(required=False, max_length=200)
    commit = serializers.BooleanField(default=False)
    crs = serializers.ChoiceField(
        choices=list(io.FILE_CRS),
        required=False,
        help_text="The CRS of a CSV's coordinates (other formats say their own); default EPSG:4326",
    )


class FileTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


def import_upload(request: Request, serializer: type[serializers.Serializer]):
    """What every import upload checks before reading the file (now or in a job): the
    user edits registers, the form is valid, the municipality is one he edits, and the file
    is within IMIS_MAX_IMPORT_BYTES (413). Returns the form's values and the municipality."""
    require_role_anywhere(request.user, REGISTER_EDITOR_ROLES)
    form = serializer(data=request.data)
    form.is_valid(raise_exception=True)
    values = form.validated_data
    municipality = selectors.municipality_for_new_record(
        user=request.user, requested=values.get("municipality")
    )
    require_editor(request.user, municipality)
    limit = settings.IMIS["MAX_IMPORT_BYTES"]
    if values["file"].size > limit:
        raise FileTooLarge(_("The file is larger than %(limit)s MB.") % {"limit": limit >> 20})
    return values, municipality


class ImportApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [PlainMultiPartParser]

    @extend_schema(
        operation_id="imports_create",
        request={"multipart/form-data": ImportInputSerializer},
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        tags=["imports"],
        summary="Import a GeoJSON, GeoPackage, zipped Shapefile or CSV (dry run unless commit)",
    )
    def post(self, request: Request, name: str) -> Response:
        require_role_anywhere(request.user, REGISTER_EDITOR_ROLES)
        if name not in imports.importable_layers():
            raise exceptions.NotFound(_("No import for %(layer)s.") % {"layer": name})
        values, municipality = import_upload(request, ImportInputSerializer)
        upload = values["file"]
        limit = settings.IMIS["MAX_IMPORT_BYTES"]
        try:
            read = io.read_uploaded(
                upload,
                layer=values.get("layer"),
                limits=io.UploadLimits(max_bytes=limit),
                crs=values.get("crs"),
            )
        except io.UploadError as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from None
        with pghistory.context(user=request.user.pk):
            report = imports.import_layer(
                imports.ImportRequest.from_file(
                    read, municipality=municipality, layer=name, commit=values["commit"]
                )
            )
        body = asdict(report) | {"source_crs": read.source_crs}
        return Response(body, status=status.HTTP_200_OK)


class ImportMappingSerializer(serializers.Serializer):
    columns = serializers.DictField(
        child=serializers.CharField(max_length=60),
        required=False,
        help_text="The file's column -> the register's attribute",
    )
    values = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(max_length=60)),
        required=False,
        help_text="Per attribute: the file's word -> the register's code",
    )


def _mapping_town(request: Request, name: str) -> Municipality:
    """The municipality (`?municipality=`) whose mapping of layer `name` is asked for: its
    whole-town register editors keep it."""
    require_role_anywhere(request.user, REGISTER_EDITOR_ROLES)
    if name not in imports.importable_layers():
        raise exceptions.NotFound(_("No import for %(layer)s.") % {"layer": name})
    code = request.query_params.get("municipality")
    requested = Municipality.objects.filter(code=code).first() if code else None
    if code and requested is None:
        raise exceptions.ValidationError({"municipality": [_("Unknown municipality.")]})
    municipality = selectors.municipality_for_new_record(user=request.user, requested=requested)
    if not user_scope(request.user, REGISTER_EDITOR_ROLES).whole(municipality.pk):
        raise exceptions.PermissionDenied(
            _("Only an editor of the whole municipality keeps its import names.")
        )
    return municipality


def _mapping_body(municipality: Municipality, name: str) -> dict:
    found = mapping.mapping_get(municipality=municipality, layer=name)
    return {
        "layer": name,
        "municipality": municipality.code,
        "attributes": sorted(mapping.attributes(name)),
        "columns": found.columns if found else {},
        "values": found.values if found else {},
    }


class ImportMappingApi(APIView):
    """A town's own names for a layer's columns and codes, applied to its every import."""

    permission_classes = [IsAuthenticated]
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="imports_mapping_retrieve",
        parameters=[MUNICIPALITY_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
        tags=["imports"],
        summary="The town's names for a layer's columns and codes",
    )
    def get(self, request: Request, name: str) -> Response:
        return Response(_mapping_body(_mapping_town(request, name), name))

    @extend_schema(
        operation_id="imports_mapping_update",
        parameters=[MUNICIPALITY_PARAMETER],
        request=ImportMappingSerializer,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        tags=["imports"],
        summary="Save the town's names for a layer's columns and codes",
    )
    def put(self, request: Request, name: str) -> Response:
        municipality = _mapping_town(request, name)
        form = ImportMappingSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            mapping.mapping_set(
                municipality=municipality,
                layer=name,
                columns=form.validated_data.get("columns", {}),
                values=form.validated_data.get("values", {}),
                user=request.user,
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None
        return Response(_mapping_body(municipality, name))
