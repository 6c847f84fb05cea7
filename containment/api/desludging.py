"""The desludging chain under /api/v1/: requests and their steps, plants, providers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from core.permissions import require_role_anywhere
from core.roles import DESLUDGING_DESK_ROLES

from .. import calls, desludging, selectors
from ..choices import DeliveryStatus
from ..models import (
    Containment,
    EmptyingRequest,
    SludgeDelivery,
)
from .desludging_serializers import (
    CancelInputSerializer,
    ConfirmDeliveryInputSerializer,
    DeliveryInputSerializer,
    DeliveryQuerySerializer,
    EmptyingInputSerializer,
    EmptyingRequestSerializer,
    FeedbackInputSerializer,
    RejectDeliveryInputSerializer,
    RequestInputSerializer,
    RequestQuerySerializer,
    RequestUpdateSerializer,
    ScheduleInputSerializer,
    ServiceProviderSerializer,
    SludgeDeliverySerializer,
    TreatmentPlantSerializer,
)


# ---------------------------------------------------------------- views
def _require_desk(user: Any, municipality_id: int, containment: Any = None) -> None:
    if not selectors.can_run_desludging(
        user=user, municipality_id=municipality_id, containment=containment
    ):
        raise exceptions.PermissionDenied(_("Only the FSM help desk may record this."))


def _same_municipality(request_obj: EmptyingRequest, **objects: Any) -> None:
    for field, obj in objects.items():
        municipality_id = getattr(obj, "municipality_id", None) or getattr(
            getattr(obj, "provider", None), "municipality_id", None
        )
        if obj is not None and municipality_id != request_obj.municipality_id:
            raise ValidationError({field: [_("Unknown %(field)s.") % {"field": field}]})


class EmptyingRequestListView(APIView):
    @extend_schema(
        operation_id="emptying_requests_list",
        tags=["desludging"],
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("ward", int),
            *PAGE_PARAMETERS,
        ],
        responses={200: page_schema(EmptyingRequestSerializer)},
    )
    def get(self, request: Request) -> Response:
        query = RequestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        requests = selectors.emptying_request_list(
            user=request.user, status=params.get("status"), ward_id=params.get("ward")
        )
        return paged_response(request, requests, EmptyingRequestSerializer)

    @extend_schema(
        operation_id="emptying_requests_create",
        tags=["desludging"],
        request=RequestInputSerializer,
        responses={201: EmptyingRequestSerializer, 409: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        require_role_anywhere(request.user, DESLUDGING_DESK_ROLES)
        data = RequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        containment = values.pop("containment")
        try:
            selectors.containment_get(user=request.user, containment_id=containment.pk)
        except Containment.DoesNotExist:
            raise ValidationError({"containment": [_("Unknown containment.")]}) from None
        _require_desk(request.user, containment.municipality_id, containment)
        try:
            created = desludging.request_create(containment=containment, **values)
        except desludging.RequestConflict as conflict:
            existing = conflict.existing
            return Response(
                {
                    "detail": _(
                        "Containment %(code)s already has an open request (%(id)s, %(status)s)."
                    )
                    % {
                        "code": containment.code,
                        "id": existing.pk,
                        "status": existing.get_status_display(),
                    },
                    "existing": {
                        "id": existing.pk,
                        "status": existing.status,
                        "url": reverse("containment-api:request-detail", args=[existing.pk]),
                    },
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(EmptyingRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class EmptyingRequestDetailView(APIView):
    @extend_schema(
        operation_id="emptying_requests_retrieve",
        tags=["desludging"],
        responses={200: EmptyingRequestSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        found = selectors.emptying_request_get(user=request.user, request_id=pk)
        return Response(EmptyingRequestSerializer(found).data)

    @extend_schema(
        operation_id="emptying_requests_update",
        tags=["desludging"],
        request=RequestUpdateSerializer,
        responses={200: EmptyingRequestSerializer, 400: OpenApiTypes.OBJECT},
        summary="A later call about the containment: change the open request's caller, "
        "phone, proposed date, emergency or access notes",
    )
    def patch(self, request: Request, pk: int) -> Response:
        found = selectors.emptying_request_get(user=request.user, request_id=pk)
        _require_desk(request.user, found.municipality_id, found.containment)
        data = RequestUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        calls.request_update(request=found, **data.validated_data)
        fresh = selectors.emptying_request_get(user=request.user, request_id=pk)
        return Response(EmptyingRequestSerializer(fresh).data)


class _StepView(APIView):
    """POST one step of the chain; the body is parsed by `input_serializer`."""

    input_serializer: type[serializers.Serializer]
    # The provider's own operators may record this step for the jobs scheduled to them.
    provider_operators_may = False

    def step(self, request_obj: EmptyingRequest, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        request_obj = selectors.emptying_request_get(user=request.user, request_id=pk)
        if not (
            self.provider_operators_may
            and selectors.operates_provider(user=request.user, provider_id=request_obj.provider_id)
        ):
            _require_desk(request.user, request_obj.municipality_id, request_obj.containment)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.step(request_obj, dict(data.validated_data))
        fresh = selectors.emptying_request_get(user=request.user, request_id=pk)
        return Response(EmptyingRequestSerializer(fresh).data)


def _step_schema(name: str, body: type[serializers.Serializer]) -> Any:
    return extend_schema(
        operation_id=f"emptying_requests_{name}",
        tags=["desludging"],
        request=body,
        responses={200: EmptyingRequestSerializer},
    )


class ScheduleView(_StepView):
    input_serializer = ScheduleInputSerializer

    @_step_schema("schedule", ScheduleInputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request_obj, values):
        _same_municipality(request_obj, provider=values["provider"])
        desludging.request_schedule(request=request_obj, **values)


class EmptyingView(_StepView):
    input_serializer = EmptyingInputSerializer
    provider_operators_may = True

    @_step_schema("record_emptying", EmptyingInputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request_obj, values):
        _same_municipality(request_obj, vehicle=values["vehicle"])
        desludging.request_record_emptying(request=request_obj, **values)


class DeliveryView(_StepView):
    input_serializer = DeliveryInputSerializer
    provider_operators_may = True

    @_step_schema("record_delivery", DeliveryInputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request_obj, values):
        _same_municipality(request_obj, plant=values.get("plant"))
        desludging.request_record_delivery(
            request=request_obj, recorded_by=self.request.user, **values
        )


class FeedbackView(_StepView):
    input_serializer = FeedbackInputSerializer

    @_step_schema("record_feedback", FeedbackInputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request_obj, values):
        desludging.request_record_feedback(request=request_obj, **values)


class CancelView(_StepView):
    input_serializer = CancelInputSerializer

    @_step_schema("cancel", CancelInputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request_obj, values):
        desludging.request_cancel(request=request_obj, **values)


# ---------------------------------------------------------------- loads at the plant
class SludgeDeliveryListView(APIView):
    @extend_schema(
        operation_id="sludge_deliveries_list",
        tags=["desludging"],
        parameters=[
            OpenApiParameter("status", str, enum=DeliveryStatus.values),
            OpenApiParameter("plant", int),
            *PAGE_PARAMETERS,
        ],
        responses={200: page_schema(SludgeDeliverySerializer)},
        summary="Loads discharged at treatment plants (the plant's queue with ?status=discharged)",
    )
    def get(self, request: Request) -> Response:
        query = DeliveryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        loads = selectors.sludge_delivery_list(
            user=request.user, status=params.get("status"), plant_id=params.get("plant")
        )
        return paged_response(request, loads, SludgeDeliverySerializer)


class SludgeDeliveryDetailView(APIView):
    @extend_schema(
        operation_id="sludge_deliveries_retrieve",
        tags=["desludging"],
        responses={200: SludgeDeliverySerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        load = selectors.sludge_delivery_get(user=request.user, delivery_id=pk)
        return Response(SludgeDeliverySerializer(load).data)


class _PlantDecisionView(APIView):
    """The plant's operators decide on a load discharged at their plant; nobody else does,
    the help desk included (the point is a record the crew did not write)."""

    input_serializer: type[serializers.Serializer]

    def decide(self, load: SludgeDelivery, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        load = selectors.sludge_delivery_get(user=request.user, delivery_id=pk)
        if not (
            request.user.is_superuser
            or selectors.operates_plant(user=request.user, plant_id=load.plant_id)
        ):
            raise exceptions.PermissionDenied(
                _("Only the operators of %(plant)s may decide on this load.")
                % {"plant": load.plant.name}
                if load.plant
                else _("A load taken elsewhere than a plant is not decided on.")
            )
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.decide(load, dict(data.validated_data))
        fresh = selectors.sludge_delivery_get(user=request.user, delivery_id=pk)
        return Response(SludgeDeliverySerializer(fresh).data)


class ConfirmDeliveryView(_PlantDecisionView):
    input_serializer = ConfirmDeliveryInputSerializer

    @extend_schema(
        operation_id="sludge_deliveries_confirm",
        tags=["desludging"],
        request=ConfirmDeliveryInputSerializer,
        responses={200: SludgeDeliverySerializer},
        summary="The plant confirms a load: volume received and time",
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def decide(self, load, values):
        desludging.delivery_confirm(delivery=load, reviewed_by=self.request.user, **values)


class RejectDeliveryView(_PlantDecisionView):
    input_serializer = RejectDeliveryInputSerializer

    @extend_schema(
        operation_id="sludge_deliveries_reject",
        tags=["desludging"],
        request=RejectDeliveryInputSerializer,
        responses={200: SludgeDeliverySerializer},
        summary="The plant rejects a load, with the reason",
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def decide(self, load, values):
        desludging.delivery_reject(delivery=load, reviewed_by=self.request.user, **values)


class TreatmentPlantListView(APIView):
    @extend_schema(
        operation_id="treatment_plants_list",
        tags=["desludging"],
        parameters=PAGE_PARAMETERS,
        responses={200: page_schema(TreatmentPlantSerializer)},
    )
    def get(self, request: Request) -> Response:
        plants = selectors.treatment_plant_list(user=request.user).order_by("name", "pk")
        return paged_response(request, plants, TreatmentPlantSerializer)


class ServiceProviderListView(APIView):
    @extend_schema(
        operation_id="service_providers_list",
        tags=["desludging"],
        parameters=PAGE_PARAMETERS,
        responses={200: page_schema(ServiceProviderSerializer)},
    )
    def get(self, request: Request) -> Response:
        providers = selectors.service_provider_list(user=request.user).order_by("name", "pk")
        return paged_response(request, providers, ServiceProviderSerializer)
