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

from config.pagination import MAX_OFFSET, PAGE_PARAMETERS, page_schema, paged_response
from config.permissions import require_role_anywhere
from core.features import COORDINATE_DECIMALS
from core.local import bangladesh_mobile
from spatial import selectors as spatial_selectors
from spatial.api.serializers import StrictFieldsMixin
from spatial.choices import DESLUDGING_DESK_ROLES

from .. import desludging, planner, selectors
from ..choices import DeliveryStatus, RequestStatus
from ..models import (
    Containment,
    DesludgingPlan,
    EmptyingRequest,
    PlannedVisit,
    ServiceProvider,
    SludgeDelivery,
    TreatmentPlant,
    Vehicle,
)


def _mobile(value: str) -> str:
    """A Bangladeshi mobile number, normalised to 01XXXXXXXXX (the help desk calls it)."""
    try:
        return bangladesh_mobile(value)
    except ValueError:
        raise serializers.ValidationError(
            _("Give a mobile number of 11 digits starting 013 to 019, e.g. 01712345678.")
        ) from None


# ---------------------------------------------------------------- serializers
class RequestInputSerializer(StrictFieldsMixin, serializers.Serializer):
    containment = serializers.PrimaryKeyRelatedField(queryset=Containment.objects.all())
    applicant_name = serializers.CharField(max_length=120)
    applicant_phone = serializers.CharField(max_length=30)
    owner_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    owner_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    proposed_date = serializers.DateField(required=False, allow_null=True)
    is_emergency = serializers.BooleanField(required=False, default=False)

    def validate_applicant_phone(self, value: str) -> str:
        return _mobile(value)

    def validate_owner_phone(self, value: str) -> str:
        return _mobile(value) if value else value


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


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def load_summary(delivery: SludgeDelivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "plant": delivery.plant_id,
        "plant_name": delivery.plant.name,
        "volume_m3": str(delivery.volume_m3),
        "delivered_at": delivery.delivered_at,
        "status": delivery.status,
        "volume_received_m3": _decimal(delivery.volume_received_m3),
        "received_at": delivery.received_at,
        "reject_reason": delivery.reject_reason,
    }


class SludgeDeliverySerializer(serializers.ModelSerializer):
    """A load at the plant's gate: what the crew discharged and what the plant decided. No
    applicant or owner data: the plant needs the job, not the household."""

    request = serializers.IntegerField(source="emptying.request_id", read_only=True)
    containment_code = serializers.CharField(
        source="emptying.request.containment.code", read_only=True
    )
    ward_number = serializers.IntegerField(
        source="emptying.request.containment.ward.number", read_only=True, default=None
    )
    provider_name = serializers.CharField(
        source="emptying.request.provider.name", read_only=True, default=None
    )
    vehicle = serializers.CharField(source="emptying.vehicle.registration", read_only=True)
    emptied_on = serializers.DateField(source="emptying.emptied_on", read_only=True)
    volume_emptied_m3 = serializers.DecimalField(
        source="emptying.volume_m3", max_digits=6, decimal_places=2, read_only=True
    )
    plant_name = serializers.CharField(source="plant.name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = SludgeDelivery
        fields = [
            "id",
            "url",
            "request",
            "containment_code",
            "ward_number",
            "provider_name",
            "vehicle",
            "emptied_on",
            "volume_emptied_m3",
            "plant",
            "plant_name",
            "volume_m3",
            "delivered_at",
            "status",
            "volume_received_m3",
            "received_at",
            "reject_reason",
            "reviewed_at",
        ]

    def get_url(self, obj: SludgeDelivery) -> str:
        return reverse("containment-api:delivery-detail", args=[obj.pk])


class ConfirmDeliveryInputSerializer(StrictFieldsMixin, serializers.Serializer):
    volume_received_m3 = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0.01")
    )
    received_at = serializers.DateTimeField()


class RejectDeliveryInputSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class DeliveryQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    plant = serializers.IntegerField(min_value=1, required=False)
    limit = serializers.IntegerField(min_value=1, required=False, max_value=MAX_OFFSET)
    offset = serializers.IntegerField(min_value=0, required=False, max_value=MAX_OFFSET)


class EmptyingRequestSerializer(serializers.ModelSerializer):
    containment_code = serializers.CharField(source="containment.code", read_only=True)
    ward_number = serializers.IntegerField(
        source="containment.ward.number", read_only=True, default=None
    )
    emptying = serializers.SerializerMethodField()
    delivery = serializers.SerializerMethodField()
    deliveries = serializers.SerializerMethodField()
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
            "deliveries",
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
            "warnings": desludging.emptying_warnings(emptying, obj.containment),
        }

    def _deliveries(self, obj: EmptyingRequest) -> list[SludgeDelivery]:
        emptying = getattr(obj, "emptying", None)
        return [] if emptying is None else list(emptying.deliveries.all())

    def get_delivery(self, obj: EmptyingRequest) -> dict[str, Any] | None:
        """The load on its way or received (rejected ones are in `deliveries`)."""
        live = [d for d in self._deliveries(obj) if d.status != DeliveryStatus.REJECTED]
        return load_summary(live[-1]) if live else None

    def get_deliveries(self, obj: EmptyingRequest) -> list[dict[str, Any]]:
        return [load_summary(d) for d in self._deliveries(obj)]

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
    limit = serializers.IntegerField(min_value=1, required=False, max_value=MAX_OFFSET)
    offset = serializers.IntegerField(min_value=0, required=False, max_value=MAX_OFFSET)


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
        visits = self.context.get("visits")
        if visits is None:
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
