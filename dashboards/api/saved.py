"""/api/v1/analysis/saved/ (issue 30): map analyses kept by name, listed, withdrawn and
run again. The parameters are checked by the tool's own serializer when saved, and run
through the tool's own view, so a saved analysis answers exactly as the tool does."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from containment.api.access import (
    AssumptionSerializer,
    HardToReachView,
    NearWaterQuerySerializer,
    NearWaterView,
)
from core import tables
from core.api_errors import refuse_body
from spatial import selectors as spatial_selectors
from spatial.api.serializers import StrictFieldsMixin

from .. import saved_analyses
from ..models import AnalysisTool, SavedAnalysis
from .areas import AreaAskedSerializer, AreaSummaryView

# Each tool: the serializer of its parameters and the view that answers them.
TOOLS = {
    AnalysisTool.AREA: (AreaAskedSerializer, AreaSummaryView),
    AnalysisTool.HARD_TO_REACH: (AssumptionSerializer, HardToReachView),
    AnalysisTool.NEAR_WATER: (NearWaterQuerySerializer, NearWaterView),
}
# Kept apart from the parameters: where and how an answer is given.
NOT_KEPT = ("municipality", "file_format")


class SavedAnalysisSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code", read_only=True)
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = SavedAnalysis
        fields = ["id", "municipality", "name", "tool", "parameters", "created_by"]
        fields += ["created_at", "last_run_at"]


class SavedAnalysisInputSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.CharField(required=False)
    name = serializers.CharField(max_length=120)
    tool = serializers.ChoiceField(choices=AnalysisTool.choices)
    parameters = serializers.DictField()

    def validate(self, attrs: dict) -> dict:
        parameters = {k: v for k, v in attrs["parameters"].items() if k not in NOT_KEPT}
        checked = TOOLS[attrs["tool"]][0](data=parameters)
        if not checked.is_valid():
            raise serializers.ValidationError({"parameters": checked.errors})
        attrs["parameters"] = parameters
        return attrs


def _one(request: Request, pk: int) -> SavedAnalysis:
    try:
        return saved_analyses.saved_analysis_get(user=request.user, analysis_id=pk)
    except SavedAnalysis.DoesNotExist:
        raise exceptions.NotFound() from None


class SavedAnalysisListView(APIView):
    @extend_schema(
        operation_id="analysis_saved_list",
        tags=["analysis"],
        responses={200: SavedAnalysisSerializer(many=True)},
        summary="Saved analyses of your municipalities",
    )
    def get(self, request: Request) -> Response:
        found = saved_analyses.saved_analysis_list(user=request.user)
        return Response(SavedAnalysisSerializer(found, many=True).data)

    @extend_schema(
        operation_id="analysis_saved_create",
        tags=["analysis"],
        request=SavedAnalysisInputSerializer,
        responses={201: SavedAnalysisSerializer},
        summary="Save an analysis by name, with its tool and parameters",
    )
    def post(self, request: Request) -> Response:
        data = SavedAnalysisInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = data.validated_data
        municipality = spatial_selectors.resolve_municipality(
            user=request.user, code=found.get("municipality")
        )
        try:
            analysis = saved_analyses.saved_analysis_create(
                user=request.user,
                municipality=municipality,
                name=found["name"],
                tool=found["tool"],
                parameters=found["parameters"],
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return Response(SavedAnalysisSerializer(analysis).data, status=status.HTTP_201_CREATED)


class SavedAnalysisView(APIView):
    @extend_schema(
        operation_id="analysis_saved_get",
        tags=["analysis"],
        responses={200: SavedAnalysisSerializer},
        summary="One saved analysis",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(SavedAnalysisSerializer(_one(request, pk)).data)

    @extend_schema(
        operation_id="analysis_saved_delete",
        tags=["analysis"],
        responses={204: None},
        summary="Withdraw a saved analysis (its author, a GIS officer or an admin)",
    )
    def delete(self, request: Request, pk: int) -> Response:
        refuse_body(request)
        try:
            saved_analyses.saved_analysis_delete(user=request.user, analysis=_one(request, pk))
        except PermissionError as refused:
            raise exceptions.PermissionDenied(str(refused)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class SavedAnalysisRunView(APIView):
    @extend_schema(
        operation_id="analysis_saved_run",
        tags=["analysis"],
        parameters=[OpenApiParameter("file_format", str, enum=tables.FILE_FORMATS)],
        responses={200: OpenApiTypes.OBJECT},
        summary="Run a saved analysis again on today's registers",
    )
    def get(self, request: Request, pk: int):
        analysis = _one(request, pk)
        data = dict(analysis.parameters) | {"municipality": analysis.municipality.code}
        if "file_format" in request.query_params:
            data["file_format"] = request.query_params["file_format"]
        answer = TOOLS[analysis.tool][1]().answer(request, data)
        saved_analyses.saved_analysis_ran(analysis=analysis)
        return answer
