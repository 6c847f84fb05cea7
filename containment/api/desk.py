"""The help desk's call card under /api/v1/desk/ (issue 25): a building, or the building a
containment serves, with what the desk needs while the caller waits."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import require_role_anywhere
from core.roles import DESLUDGING_DESK_ROLES
from spatial.api.serializers import StrictFieldsMixin
from spatial.models import Building

from .. import desk, selectors
from ..models import Containment

MAX_ID = 2**31 - 1


class CallCardQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    building = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    containment = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def validate(self, attrs: dict) -> dict:
        if len(attrs) != 1:
            raise serializers.ValidationError(_("Name either a building or a containment."))
        return attrs


class CallCardView(APIView):
    @extend_schema(
        operation_id="desk_call_card",
        tags=["desludging"],
        parameters=[
            OpenApiParameter("building", int),
            OpenApiParameter("containment", int, description="or: the building it serves"),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="A caller's building: its containments, compliance, last emptying, the open "
        "request and the last ones (the help desk)",
    )
    def get(self, request: Request) -> Response:
        require_role_anywhere(
            request.user, DESLUDGING_DESK_ROLES, _("Only the FSM help desk may do this.")
        )
        query = CallCardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        try:
            if "containment" in values:
                building = desk.building_of(user=request.user, containment_id=values["containment"])
                if building is None:
                    raise exceptions.NotFound(_("This containment serves no building."))
                building_id = building.pk
            else:
                building_id = values["building"]
            return Response(desk.call_card(user=request.user, building_id=building_id))
        except (Building.DoesNotExist, Containment.DoesNotExist):
            raise exceptions.NotFound() from None


class ProviderDayQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    provider = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    day = serializers.DateField()


class ProviderDayView(APIView):
    @extend_schema(
        operation_id="desk_provider_day",
        tags=["desludging"],
        parameters=[
            OpenApiParameter("provider", int, required=True),
            OpenApiParameter("day", OpenApiTypes.DATE, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="How full a provider's day is: jobs scheduled to it and vehicles in service",
    )
    def get(self, request: Request) -> Response:
        require_role_anywhere(
            request.user, DESLUDGING_DESK_ROLES, _("Only the FSM help desk may do this.")
        )
        query = ProviderDayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        provider = (
            selectors.service_provider_list(user=request.user)
            .filter(pk=query.validated_data["provider"])
            .first()
        )
        if provider is None:
            raise exceptions.NotFound()
        return Response(desk.provider_day(provider=provider, day=query.validated_data["day"]))
