"""What the enumerator's field app reads (issue 23): a questionnaire version as it renders
it, and a ward's offline package (HEAD first for its size). Thin: check, select, answer."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import MAX_OFFSET
from spatial.api.serializers import StrictFieldsMixin
from spatial.models import Ward

from .. import selectors
from ..form import definition
from ..package import ward_package
from ..questionnaire import QUESTIONNAIRES


class QuestionnaireView(APIView):
    @extend_schema(
        operation_id="survey_questionnaire",
        tags=["surveys"],
        responses={200: OpenApiTypes.OBJECT},
        summary="A questionnaire version as the field app renders it (questions, code "
        "lists, limits, skip logic)",
    )
    def get(self, request: Request, version: str) -> Response:
        if version not in QUESTIONNAIRES:
            raise exceptions.NotFound(_("No such questionnaire version."))
        return Response(definition(version))


class PackageQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    ward = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET)


class WardPackageView(APIView):
    @extend_schema(
        operation_id="survey_ward_package",
        tags=["surveys"],
        parameters=[OpenApiParameter("ward", int, required=True)],
        responses={200: OpenApiTypes.OBJECT},
        summary="A ward of the campaign to survey offline: its outline, buildings with "
        "their current answers, roads, and the campaign's questionnaire (HEAD: its size)",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
        query = PackageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            ward = Ward.objects.get(pk=query.validated_data["ward"])
        except Ward.DoesNotExist:
            raise exceptions.ValidationError({"ward": [_("Unknown ward.")]}) from None
        if not selectors.may_download_ward(user=request.user, campaign=campaign, ward=ward):
            raise exceptions.PermissionDenied(
                _("Only the enumerators assigned to this ward take it offline.")
            )
        head = {
            "campaign": {
                "id": campaign.pk,
                "name": campaign.name,
                "starts_on": campaign.starts_on.isoformat(),
                "ends_on": campaign.ends_on.isoformat(),
                "questionnaire_version": campaign.questionnaire_version,
            },
            "questionnaire": definition(campaign.questionnaire_version),
        }
        package = ward_package(ward_id=ward.pk, municipality_id=campaign.municipality_id)
        # One JSON object: the campaign's part, then the ward's as PostGIS wrote it.
        body = json.dumps(head, ensure_ascii=False)[:-1] + "," + package[1:]
        response = HttpResponse(body.encode(), content_type="application/json")
        # Personal data (households): kept by the app itself, never by a shared cache.
        response["Cache-Control"] = "private, no-store"
        return response


class AssignmentsView(APIView):
    @extend_schema(
        operation_id="survey_my_assignments",
        tags=["surveys"],
        responses={200: OpenApiTypes.OBJECT},
        summary="The wards the caller surveys in open campaigns, each with its offline "
        "package's address",
    )
    def get(self, request: Request) -> Response:
        rows = []
        for assignment in selectors.assignments_of(user=request.user):
            campaign, ward = assignment.campaign, assignment.ward
            rows.append(
                {
                    "campaign": {
                        "id": campaign.pk,
                        "name": campaign.name,
                        "ends_on": campaign.ends_on.isoformat(),
                        "questionnaire_version": campaign.questionnaire_version,
                    },
                    "ward": {"id": ward.pk, "number": ward.number, "name": ward.local_name},
                    "package": reverse("surveys-api:ward-package", args=[campaign.pk])
                    + f"?ward={ward.pk}",
                }
            )
        return Response({"assignments": rows})
