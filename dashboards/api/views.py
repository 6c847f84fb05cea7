"""Dashboard figures as JSON: the same reports the pages draw."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from spatial import selectors as spatial_selectors
from spatial.models import Municipality

from .. import reports
from ..forms import FIRST_YEAR


class DashboardQuerySerializer(serializers.Serializer):
    municipality = serializers.SlugField(required=False)
    year = serializers.IntegerField(required=False, min_value=FIRST_YEAR)
    ward = serializers.IntegerField(required=False, min_value=1)

    def validate_year(self, year: int) -> int:
        if year > timezone.localdate().year:
            raise ValidationError(_("The year %(year)s has not begun.") % {"year": year})
        return year


PARAMETERS = [
    OpenApiParameter("municipality", str, description="Municipality code (default: your first)"),
    OpenApiParameter("year", int, description="Calendar year (default: this year)"),
]


def _parse(request: Request) -> tuple[Municipality, dict]:
    query = DashboardQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    municipalities = spatial_selectors.municipality_list(user=request.user)
    code = params.get("municipality")
    municipality = (
        municipalities.filter(code=code).first() if code else municipalities.order_by("pk").first()
    )
    if municipality is None:
        raise NotFound(_("Unknown municipality."))
    params.setdefault("year", timezone.localdate().year)
    return municipality, params


class OverviewApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[*PARAMETERS, OpenApiParameter("ward", int, description="One ward (id)")],
        responses={200: OpenApiTypes.OBJECT},
        tags=["dashboards"],
        summary="Overview figures: ladder, SFD, compliance, emptying by month, per ward",
    )
    def get(self, request: Request) -> Response:
        municipality, params = _parse(request)
        try:
            data = reports.overview(
                municipality=municipality,
                year=params["year"],
                ward_id=params.get("ward"),
                ward_ids=spatial_selectors.ward_limit(user=request.user, municipality=municipality),
            )
        except LookupError:
            raise NotFound(_("No such ward in this municipality.")) from None
        return Response(data)


class WardMapApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
        tags=["dashboards"],
        summary="Every ward's indicator values for the choropleth",
    )
    def get(self, request: Request) -> Response:
        municipality, params = _parse(request)
        return Response(
            reports.ward_map(
                municipality=municipality,
                year=params["year"],
                ward_ids=spatial_selectors.ward_limit(user=request.user, municipality=municipality),
            )
        )


class IndicatorReportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
        tags=["dashboards"],
        summary="CWIS indicators and FSM KPIs with numerator, denominator, rule and target",
    )
    def get(self, request: Request) -> Response:
        municipality, params = _parse(request)
        return Response(reports.indicator_report(municipality=municipality, year=params["year"]))


class PublicWardsApi(APIView):
    """Published ward aggregates, open to everyone; nothing about single buildings."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="Calendar year")],
        responses={200: OpenApiTypes.OBJECT},
        tags=["dashboards"],
        summary="Published ward aggregates of a municipality (public)",
    )
    def get(self, request: Request, code: str) -> Response:
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            municipality = spatial_selectors.publishing_municipality_get(code=code)
        except Municipality.DoesNotExist:
            raise Http404 from None
        return Response(
            reports.public_wards(
                municipality=municipality,
                year=query.validated_data.get("year", timezone.localdate().year),
                min_buildings=settings.IMIS["PUBLIC_MIN_BUILDINGS"],
            )
        )
