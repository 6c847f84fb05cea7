"""Survey campaigns under /api/v1/surveys/: set-up, assignments, coverage, the buildings
to visit, progress, and Kobo imports."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from core.permissions import require_role_anywhere
from spatial import selectors as spatial_selectors
from spatial.api.serializers import BBoxField, StrictFieldsMixin
from spatial.models import Ward

from .. import selectors, services
from ..models import SurveyCampaign


class CampaignInputSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.SlugField(required=False)
    name = serializers.CharField(max_length=120)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    wards = serializers.PrimaryKeyRelatedField(queryset=Ward.objects.all(), many=True)
    questionnaire_version = serializers.CharField(max_length=30)


class CampaignSerializer(serializers.ModelSerializer):
    wards = serializers.SerializerMethodField()

    class Meta:
        model = SurveyCampaign
        fields = ["id", "name", "starts_on", "ends_on", "status", "questionnaire_version", "wards"]

    def get_wards(self, obj: SurveyCampaign) -> list[int]:
        return [ward.pk for ward in obj.wards.all()]


class CampaignListView(APIView):
    @extend_schema(
        operation_id="survey_campaigns_list",
        tags=["surveys"],
        parameters=PAGE_PARAMETERS,
        responses={200: page_schema(CampaignSerializer)},
    )
    def get(self, request: Request) -> Response:
        return paged_response(
            request, selectors.campaign_list(user=request.user), CampaignSerializer
        )

    @extend_schema(
        operation_id="survey_campaigns_create",
        tags=["surveys"],
        request=CampaignInputSerializer,
        responses={201: CampaignSerializer},
    )
    def post(self, request: Request) -> Response:
        require_role_anywhere(
            request.user, selectors.SUPERVISING_ROLES, _("Only a survey supervisor may do this.")
        )
        data = CampaignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        municipality = spatial_selectors.resolve_municipality(
            user=request.user, code=values.pop("municipality", None)
        )
        if not selectors.can_manage_campaigns(user=request.user, municipality_id=municipality.pk):
            raise exceptions.PermissionDenied(_("Only a survey supervisor may do this."))
        campaign = services.campaign_create(
            municipality=municipality, created_by=request.user, **values
        )
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class AssignmentInputSerializer(StrictFieldsMixin, serializers.Serializer):
    enumerator = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all()
    )
    ward = serializers.PrimaryKeyRelatedField(queryset=Ward.objects.all())


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.IntegerField(source="campaign_id")
    enumerator = serializers.CharField(source="enumerator.get_username")
    ward = serializers.IntegerField(source="ward_id")
    ward_number = serializers.IntegerField(source="ward.number")


class AssignmentView(APIView):
    @extend_schema(
        operation_id="survey_assignments_create",
        tags=["surveys"],
        request=AssignmentInputSerializer,
        responses={201: AssignmentSerializer},
        summary="Assign an enumerator of the municipality to one of the campaign's wards",
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
        if not selectors.can_manage_campaigns(
            user=request.user, municipality_id=campaign.municipality_id
        ):
            raise exceptions.PermissionDenied(_("Only a survey supervisor may do this."))
        data = AssignmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not selectors.can_manage_ward(user=request.user, ward=data.validated_data["ward"]):
            raise exceptions.PermissionDenied(_("You do not supervise this ward."))
        assignment = services.assignment_create(campaign=campaign, **data.validated_data)
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class CoverageRowSerializer(serializers.Serializer):
    ward = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    buildings = serializers.IntegerField()
    surveyed = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True)
    pending = serializers.IntegerField()
    returned = serializers.IntegerField()
    rejected = serializers.IntegerField()
    flagged_pending = serializers.IntegerField()
    target = serializers.IntegerField(allow_null=True)


class CoverageView(APIView):
    @extend_schema(
        operation_id="survey_campaign_coverage",
        tags=["surveys"],
        responses={200: CoverageRowSerializer(many=True)},
        summary="Per ward: buildings with an approved submission / buildings",
    )
    def get(self, request: Request, pk: int) -> Response:
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
        return Response(
            selectors.campaign_coverage(campaign=campaign, ward_ids=_ward_limit(request, campaign))
        )


class CampaignBuildingsView(APIView):
    @extend_schema(
        operation_id="survey_campaign_buildings",
        tags=["surveys"],
        parameters=[OpenApiParameter("bbox", str, required=True)],
        responses={200: OpenApiTypes.OBJECT},
        summary="Buildings in a bbox with their survey status (GeoJSON)",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
        query = BBoxQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = selectors.campaign_building_status_geojson(
            campaign=campaign,
            bbox=query.validated_data["bbox"],
            ward_ids=_ward_limit(request, campaign),
        )
        return HttpResponse(body, content_type="application/geo+json")


def _ward_limit(request: Request, campaign: SurveyCampaign) -> frozenset[int] | None:
    """The campaign's wards a ward-limited reader sees (None: all of them)."""
    return spatial_selectors.ward_limit(user=request.user, municipality=campaign.municipality)


class BBoxQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    bbox = BBoxField()


class ProgressView(APIView):
    @extend_schema(
        operation_id="survey_campaign_progress",
        tags=["surveys"],
        responses={200: OpenApiTypes.OBJECT},
        summary="Submissions per enumerator and per day, by status",
    )
    def get(self, request: Request, pk: int) -> Response:
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
        return Response(
            selectors.campaign_progress(campaign=campaign, ward_ids=_ward_limit(request, campaign))
        )


class DayQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    day = serializers.DateField()


MAX_DAY_POINTS = 5000


class DayPointsView(APIView):
    @extend_schema(
        operation_id="survey_campaign_day_points",
        tags=["surveys"],
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, required=True)],
        responses={200: OpenApiTypes.OBJECT},
        summary="The submissions of one day as GeoJSON points (who, status, flags), at most 5,000",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = selectors.campaign_day_points_geojson(
            campaign=campaign,
            day=query.validated_data["day"],
            ward_ids=_ward_limit(request, campaign),
            limit=MAX_DAY_POINTS,
        )
        return HttpResponse(body, content_type="application/geo+json")
