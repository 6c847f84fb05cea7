"""Waterborne disease case counts under /api/v1/disease-cases/: read by whoever reads the
wards, a health facility's monthly table recorded by the registers' editors."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

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


class DiseaseCaseCountSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code")
    ward = serializers.IntegerField(source="ward.number")
    month = MonthField()

    class Meta:
        model = DiseaseCaseCount
        fields = ["id", "municipality", "ward", "month", "disease", "cases", "source"]


class DiseaseCaseCountsView(APIView):
    @extend_schema(
        operation_id="disease_cases_list",
        tags=["disease-cases"],
        parameters=[
            *PAGE_PARAMETERS,
            OpenApiParameter("municipality", str, description="The municipality's code"),
            OpenApiParameter("from", str, description="First month, YYYY-MM"),
            OpenApiParameter("to", str, description="Last month, YYYY-MM"),
        ],
        responses={200: page_schema(DiseaseCaseCountSerializer)},
        summary="Waterborne disease cases by ward, month, disease and source",
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("municipality")
        municipality = selectors.municipality_get(user=request.user, code=code) if code else None
        since = request.query_params.get("from")
        until = request.query_params.get("to")
        found = health.disease_counts(
            user=request.user,
            municipality=municipality,
            since=_month(since, "from") if since else None,
            until=_month(until, "to") if until else None,
        )
        return paged_response(request, found, DiseaseCaseCountSerializer)

    @extend_schema(
        operation_id="disease_cases_record",
        tags=["disease-cases"],
        request=CountTableSerializer,
        responses={
            200: inline_serializer(
                "DiseaseCountsRecorded",
                {"created": serializers.IntegerField(), "updated": serializers.IntegerField()},
            )
        },
        summary="Record a health facility's table of cases (all rows or none; a count "
        "recorded again for the same ward, month, disease and source is replaced)",
    )
    def post(self, request: Request) -> Response:
        if not health.may_record(request.user):
            raise exceptions.PermissionDenied(_("You may not edit the registers."))
        data = CountTableSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        municipality = selectors.resolve_municipality(
            user=request.user, code=data.validated_data.get("municipality")
        )
        done = health.disease_counts_record(
            user=request.user, municipality=municipality, rows=data.validated_data["counts"]
        )
        return Response(done, status=status.HTTP_200_OK)
