"""/api/v1/exports/{layer}/: download a layer, whole or filtered by ward or bbox."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from core import io, reads, registry
from core.features import stream_feature_collection
from core.pagination import MAX_OFFSET
from core.reads import FeatureRead, layer_query
from core.registry import collections

from .. import selectors
from ..models import Ward
from .serializers import AreaField, BBoxField, StrictFieldsMixin

CHOICES = ["gpkg", "shp", "geojson", "csv", "xlsx"]


class ExportQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    export = serializers.ChoiceField(choices=CHOICES, required=False, default="gpkg")
    bbox = BBoxField(required=False)
    ward = serializers.IntegerField(min_value=1, required=False)
    area = AreaField(required=False)
    crs = serializers.ChoiceField(choices=list(io.FILE_CRS), required=False, default="EPSG:4326")


class ExportView(APIView):
    @extend_schema(
        operation_id="layer_export",
        tags=["exports"],
        parameters=[
            OpenApiParameter(
                "export",
                str,
                enum=CHOICES,
                description="gpkg (default), shp (zip), geojson, csv, xlsx",
            ),
            OpenApiParameter("bbox", str),
            OpenApiParameter("ward", int),
            OpenApiParameter(
                "area", str, description="GeoJSON Polygon or MultiPolygon (a drawn area)"
            ),
            OpenApiParameter(
                "crs",
                str,
                enum=list(io.FILE_CRS),
                description="EPSG:4326 (longitude, latitude; the default) or EPSG:3106 "
                "(Bangladesh Transverse Mercator, metres)",
            ),
        ],
        responses={200: OpenApiTypes.BINARY},
        summary="Download a layer (GeoPackage, Shapefile zip, GeoJSON, CSV or XLSX)",
    )
    def get(self, request: Request, name: str):
        layer = collections().get(name)
        if layer is None or not reads.readable(name, request.user):
            raise exceptions.NotFound(_("Unknown layer."))
        params = ExportQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        query = layer_query(
            user=request.user,
            roles=registry.readers(name),
            read=FeatureRead(bbox=values.get("bbox"), ward_id=values.get("ward")),
            area_wkb=bytes(values["area"].wkb) if "area" in values else None,
            limit=MAX_OFFSET,
            crs=io.FILE_CRS[values["crs"]],
        )
        ward = Ward.objects.get(pk=query.ward_id) if query.ward_id else None
        fmt = values["export"]
        filename = f"{name}{'-ward-' + str(ward.number) if ward else ''}"
        if values["crs"] != "EPSG:4326":
            filename += "-" + values["crs"].replace(":", "").lower()
        if fmt == "geojson":
            matched = selectors.layer_count(layer=layer, query=query)
            response = StreamingHttpResponse(
                stream_feature_collection(
                    layer, query, number_matched=matched, links=[], crs_member=True, copy=True
                ),
                content_type="application/geo+json",
            )
            extension = "geojson"
        elif fmt == "csv":
            response = StreamingHttpResponse(
                io.iter_csv(layer, query), content_type=io.FORMATS["csv"][0]
            )
            extension = "csv"
        elif fmt == "xlsx":
            response = HttpResponse(io.xlsx_bytes(layer, query), content_type=io.FORMATS["xlsx"][0])
            extension = "xlsx"
        else:
            content_type, extension = io.FORMATS[fmt]
            response = FileResponse(io.export_file(layer, query, fmt), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
        return response
