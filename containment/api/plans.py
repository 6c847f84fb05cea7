"""Scheduled desludging under /api/v1/desludging-plans/: run the planner, read a plan."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import require_role_anywhere
from core.roles import DESLUDGING_DESK_ROLES
from spatial import selectors as spatial_selectors

from .. import planner, selectors
from .desludging import _require_desk
from .desludging_serializers import PlanInputSerializer, PlanSerializer


class PlanListView(APIView):
    @extend_schema(
        operation_id="desludging_plans_create",
        tags=["desludging"],
        request=PlanInputSerializer,
        responses={201: PlanSerializer},
        summary="Run the scheduled-desludging planner",
    )
    def post(self, request: Request) -> Response:
        require_role_anywhere(request.user, DESLUDGING_DESK_ROLES)
        data = PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        municipality = spatial_selectors.resolve_municipality(
            user=request.user, code=values.pop("municipality", None)
        )
        _require_desk(request.user, municipality.pk)
        plan = planner.plan_create(municipality=municipality, created_by=request.user, **values)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailView(APIView):
    @extend_schema(
        operation_id="desludging_plans_retrieve",
        tags=["desludging"],
        responses={200: PlanSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = selectors.desludging_plan_get(user=request.user, plan_id=pk)
        visits = selectors.planned_visit_list(user=request.user, plan=plan)
        return Response(PlanSerializer(plan, context={"visits": visits}).data)
