"""The desludging chain under /api/v1/: requests and their steps, plants, providers."""

from __future__ import annotations

from decimal import Decimal
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
from rest_framework_gis.fields import GeometryField

from config.pagination import PAGE_PARAMETERS, page_schema, paged_response
from config.permissions import require_role_anywhere
from spatial.api.serializers import StrictFieldsMixin
from spatial.choices import DESLUDGING_DESK_ROLES
from spatial.layers import COORDINATE_DECIMALS

from .. import desludging, planner, selectors
from ..choices import RequestStatus
from ..models import (
    Containment,
    DesludgingPlan,
    EmptyingRequest,
    PlannedVisit,
    ServiceProvider,
    TreatmentPlant,
    Vehicle,
)


# ---------------------------------------------------------------- serializers
class RequestInputSerializer(StrictFieldsMixin, serializers.Serializer):
    containment = serializers.PrimaryKeyRelatedField(queryset=Containment.objects.all())
    applicant_name = serializers.CharField(max_length=120)
    applicant_phone = serializers.CharField(max_length=30)
    owner_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    owner_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    proposed_date = serializers.DateField(required=False, allow_null=True)
    is_emergency = serializers.BooleanField(required=False, default=False)


class ScheduleInputSerializer(StrictFieldsMixin, serializers.Serializer):
    scheduled_for = serializers.DateField()
    provider = serializers.PrimaryKeyRelatedField(queryset=ServiceProvider.objects.all())


class EmptyingInputSerializer(StrictFieldsMixin, serializers.Serializer):
    emptied_on = serializers.DateField()
    volume_m3 = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    vehicle = serializers.PrimaryKeyRelatedField(queryset=Vehicle.objects.all())
    trips = serializers.IntegerField(min_value=1, max_value=50, default=1)
    crew = serializers.CharField(max_length=200, required=False, allow_blank=True)
    cost_bdt = serializers.DecimalField(
        max_digits=9, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    receipt_number = serializers.CharField(max_length=40, required=False, allow_blank=True)


class DeliveryInputSerializer(StrictFieldsMixin, serializers.Serializer):
    plant = serializers.PrimaryKeyRelatedField(queryset=TreatmentPlant.objects.all())
    volume_m3 = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    delivered_at = serializers.DateTimeField()


class FeedbackInputSerializer(StrictFieldsMixin, serializers.Serializer):
    service_quality = serializers.IntegerField(min_value=1, max_value=5)
    ppe_worn = serializers.BooleanField()
    comments = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CancelInputSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class EmptyingRequestSerializer(serializers.ModelSerializer):
    containment_code = serializers.CharField(source="containment.code", read_only=True)
    ward_number = serializers.IntegerField(
        source="containment.ward.number", read_only=True, default=None
    )
    emptying = serializers.SerializerMethodField()
    delivery = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = EmptyingRequest
        fields = [
            "id",
            "containment",
            "containment_code",
            "ward_number",
            "status",
            "owner_name",
            "owner_phone",
            "applicant_name",
            "applicant_phone",
            "proposed_date",
            "is_emergency",
            "provider",
            "scheduled_for",
            "cancel_reason",
            "requested_at",
            "scheduled_at",
            "emptied_at",
            "delivered_at",
            "closed_at",
            "cancelled_at",
            "emptying",
            "delivery",
            "feedback",
        ]

    def get_emptying(self, obj: EmptyingRequest) -> dict[str, Any] | None:
        emptying = getattr(obj, "emptying", None)
        if emptying is None:
            return None
        return {
            "emptied_on": emptying.emptied_on,
            "volume_m3": str(emptying.volume_m3),
            "vehicle": emptying.vehicle.registration,
            "trips": emptying.trips,
            "crew": emptying.crew,
            "cost_bdt": emptying.cost_bdt and str(emptying.cost_bdt),
            "receipt_number": emptying.receipt_number,
        }

    def get_delivery(self, obj: EmptyingRequest) -> dict[str, Any] | None:
        delivery = getattr(getattr(obj, "emptying", None), "delivery", None)
        if delivery is None:
            return None
        return {
            "plant": delivery.plant.name,
            "volume_m3": str(delivery.volume_m3),
            "delivered_at": delivery.delivered_at,
        }

    def get_feedback(self, obj: EmptyingRequest) -> dict[str, Any] | None:
        feedback = getattr(obj, "feedback", None)
        if feedback is None:
            return None
        return {
            "service_quality": feedback.service_quality,
            "ppe_worn": feedback.ppe_worn,
            "comments": feedback.comments,
        }


class TreatmentPlantSerializer(serializers.ModelSerializer):
    geom = GeometryField(precision=COORDINATE_DECIMALS, read_only=True)

    class Meta:
        model = TreatmentPlant
        fields = ["id", "name", "plant_type", "capacity_m3_per_day", "is_active", "geom"]


class ServiceProviderSerializer(serializers.ModelSerializer):
    vehicles = serializers.SerializerMethodField()
    wards = serializers.SerializerMethodField()

    class Meta:
        model = ServiceProvider
        fields = ["id", "name", "phone", "is_active", "wards", "vehicles"]

    def get_vehicles(self, obj: ServiceProvider) -> list[dict[str, Any]]:
        return [
            {
                "id": v.pk,
                "registration": v.registration,
                "capacity_m3": str(v.capacity_m3),
                "is_active": v.is_active,
            }
            for v in obj.vehicles.all()
        ]

    def get_wards(self, obj: ServiceProvider) -> list[int]:
        return [ward.number for ward in obj.wards.all()]


class RequestQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)
    ward = serializers.IntegerField(min_value=1, required=False)
    # Read by config.pagination (the most a page holds is its limit, not an error).
    limit = serializers.IntegerField(min_value=1, required=False)
    offset = serializers.IntegerField(min_value=0, required=False)


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
        _same_municipality(request_obj, plant=values["plant"])
        desludging.request_record_delivery(request=request_obj, **values)


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


# ---------------------------------------------------------------- scheduled desludging
class PlanInputSerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.SlugField(required=False)
    start_date = serializers.DateField()
    days = serializers.IntegerField()
    daily_trips = serializers.IntegerField(required=False)
    trip_volume_m3 = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)


class PlannedVisitSerializer(serializers.ModelSerializer):
    containment_code = serializers.CharField(source="containment.code", read_only=True)
    ward_number = serializers.IntegerField(
        source="containment.ward.number", read_only=True, default=None
    )

    class Meta:
        model = PlannedVisit
        fields = [
            "position",
            "visit_date",
            "containment",
            "containment_code",
            "ward_number",
            "band",
            "years_since_emptying",
            "plant_distance_m",
            "trips",
        ]


class PlanSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    visits = serializers.SerializerMethodField()

    class Meta:
        model = DesludgingPlan
        fields = [
            "id",
            "municipality",
            "start_date",
            "working_days",
            "daily_trips",
            "trip_volume_m3",
            "created_at",
            "visits",
        ]

    def get_visits(self, obj: DesludgingPlan) -> list[dict[str, Any]]:
        visits = obj.visits.select_related("containment", "containment__ward")
        return PlannedVisitSerializer(visits, many=True).data


class PlanListView(APIView):
    @extend_schema(
        operation_id="desludging_plans_create",
        tags=["desludging"],
        request=PlanInputSerializer,
        responses={201: PlanSerializer},
        summary="Run the scheduled-desludging planner",
    )
    def post(self, request: Request) -> Response:
        from .views import resolve_municipality

        require_role_anywhere(request.user, DESLUDGING_DESK_ROLES)
        data = PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        municipality = resolve_municipality(
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
        return Response(PlanSerializer(plan).data)
