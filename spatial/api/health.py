"""Waterborne disease case counts under /api/v1/disease-cases/: read by whoever reads the
wards (as JSON pages, or as a CSV/XLSX table with the columns an upload takes); a health
facility's monthly table, sent as JSON or uploaded as CSV/XLSX, checked in a dry run and
recorded by the registers' editors; a count recorded in error withdrawn."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import tables
from core.api_errors import refuse_body
from core.pagination import PAGE_PARAMETERS, page_schema, paged_response

from .. import health, selectors
from ..choices import WaterborneDisease
from ..models import DiseaseCaseCount
from .serializers import StrictFieldsMixin


def _month(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{value.strip()[:7]}-01")
    except ValueError:
        raise serializers.ValidationError({name: [_("Give a month as YYYY-MM.")]}) from None


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2026-11"})
class MonthField(serializers.Field):
    """A month as YYYY-MM (or a date in it: its first day is kept)."""

    def to_internal_value(self, data) -> dt.date:
        return _month(str(data), "month")

    def to_representation(self, value: dt.date) -> str:
        return value.strftime("%Y-%m")


class CountRowSerializer(StrictFieldsMixin, serializers.Serializer):
    ward = serializers.IntegerField(min_value=1, help_text="The ward's number")
    month = MonthField()
    disease = serializers.ChoiceField(choices=WaterborneDisease.choices)
    cases = serializers.IntegerField(min_value=0, max_value=1_000_000)
    source = serializers.CharField(max_length=120)


class CountTableSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.CharField(required=False)
    counts = CountRowSerializer(many=True, allow_empty=False)
    dry_run = serializers.BooleanField(
        default=False, help_text="Check every row and report what would change; write nothing"
    )


class CountFileSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.CharField(required=False)
    file = serializers.FileField(
        help_text="CSV (UTF-8) or XLSX with the columns ward, month (YYYY-MM), disease (code "
        "or label), cases and source, in any order"
    )
    dry_run = serializers.BooleanField(default=False)


RECORDED = inline_serializer(
    "DiseaseCountsRecorded",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "dry_run": serializers.BooleanField(),
    },
)


class DiseaseCaseCountSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code")
    ward = serializers.IntegerField(source="ward.number")
    month = MonthField()

    class Meta:
        model = DiseaseCaseCount
        fields = ["id", "municipality", "ward", "month", "disease", "cases", "source"]


def _found(request: Request):
    """The counts the user reads, within the municipality and months asked for."""
    code = request.query_params.get("municipality")
    municipality = selectors.municipality_get(user=request.user, code=code) if code else None
    since = request.query_params.get("from")
    until = request.query_params.get("to")
    return health.disease_counts(
        user=request.user,
        municipality=municipality,
        since=_month(since, "from") if since else None,
        until=_month(until, "to") if until else None,
    )


FILTERS = [
    OpenApiParameter("municipality", str, description="The municipality's code"),
    OpenApiParameter("from", str, description="First month, YYYY-MM"),
    OpenApiParameter("to", str, description="Last month, YYYY-MM"),
]


class DiseaseCaseCountsView(APIView):
    @extend_schema(
        operation_id="disease_cases_list",
        tags=["disease-cases"],
        parameters=[
            *PAGE_PARAMETERS,
            *FILTERS,
        ],
        responses={200: page_schema(DiseaseCaseCountSerializer)},
        summary="Waterborne disease cases by ward, month, disease and source",
    )
    def get(self, request: Request) -> Response:
        return paged_response(request, _found(request), DiseaseCaseCountSerializer)

    @extend_schema(
        operation_id="disease_cases_record",
        tags=["disease-cases"],
        request=CountTableSerializer,
        responses={200: RECORDED},
        summary="Record a health facility's table of cases (all rows or none; a count "
        "recorded again for the same ward, month, disease and source is replaced)",
    )
    def post(self, request: Request) -> Response:
        data = _checked(request, CountTableSerializer)
        return _recorded(request, data, data["counts"], first_line=1)


def _checked(request: Request, serializer: type) -> dict:
    if not health.may_record(request.user):
        raise exceptions.PermissionDenied(_("You may not edit the registers."))
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _recorded(request: Request, data: dict, rows: list, first_line: int) -> Response:
    municipality = selectors.resolve_municipality(user=request.user, code=data.get("municipality"))
    done = health.disease_counts_record(
        user=request.user,
        municipality=municipality,
        rows=rows,
        dry_run=data["dry_run"],
        first_line=first_line,
    )
    return Response(done | {"dry_run": data["dry_run"]}, status=status.HTTP_200_OK)


class DiseaseCaseFileView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="disease_cases_upload",
        tags=["disease-cases"],
        request={"multipart/form-data": CountFileSerializer},
        responses={200: RECORDED},
        summary="Record a health facility's table uploaded as CSV or XLSX (problems "
        "reported by line and column, all rows or none; dry_run checks only)",
    )
    def post(self, request: Request) -> Response:
        data = _checked(request, CountFileSerializer)
        upload = data["file"]
        if upload.size > health.MAX_BYTES:
            raise ValidationError({"file": [_("The file is larger than 5 MB.")]})
        rows = health.rows_from_file(upload.read(), upload.name)
        return _recorded(request, data, rows, first_line=2)


class DiseaseCaseExportView(APIView):
    @extend_schema(
        operation_id="disease_cases_export",
        tags=["disease-cases"],
        parameters=[
            *FILTERS,
            OpenApiParameter("file_format", str, enum=["csv", "xlsx"], default="csv"),
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="The counts the user reads as a table with the columns an upload takes",
    )
    def get(self, request: Request) -> HttpResponse:
        kind = request.query_params.get("file_format", "csv")
        if kind not in ("csv", "xlsx"):
            raise serializers.ValidationError({"file_format": [_("Choose csv or xlsx.")]})
        header = ["municipality", *health.COLUMNS]
        rows = (
            [c.municipality.code, c.ward.number, f"{c.month:%Y-%m}", c.disease, c.cases, c.source]
            for c in _found(request).iterator(chunk_size=2000)
        )
        name = "disease-cases"
        if kind == "xlsx":
            response = HttpResponse(
                tables.xlsx_bytes(header, rows, title=name), content_type=tables.XLSX_TYPE
            )
        else:
            response = StreamingHttpResponse(
                tables.csv_lines(header, rows), content_type=tables.CSV_TYPE
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
        return response


class DiseaseCaseCountView(APIView):
    @extend_schema(
        operation_id="disease_cases_withdraw",
        tags=["disease-cases"],
        responses={204: None},
        summary="Withdraw a count recorded in error (its history keeps it)",
    )
    def delete(self, request: Request, pk: int) -> Response:
        refuse_body(request)
        try:
            health.disease_count_withdraw(user=request.user, count_id=pk)
        except DiseaseCaseCount.DoesNotExist:
            raise exceptions.NotFound() from None
        return Response(status=status.HTTP_204_NO_CONTENT)
