"""Serializers of the desludging chain's API (containment/api/desludging.py): what a
request and each of its steps take and give, loads at the plant, providers, plans."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

from core.features import COORDINATE_DECIMALS
from core.local import bangladesh_mobile
from core.pagination import MAX_OFFSET
from spatial.api.serializers import StrictFieldsMixin

from .. import desludging
from ..choices import DeliveryStatus, EmptyingProblem, RequestStatus, SludgeDestination
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
    access_notes = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate_applicant_phone(self, value: str) -> str:
        return _mobile(value)

    def validate_owner_phone(self, value: str) -> str:
        return _mobile(value) if value else value


class RequestUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """What a later call changes on the open request; every field optional."""

    applicant_name = serializers.CharField(max_length=120, required=False)
    applicant_phone = serializers.CharField(max_length=30, required=False)
    owner_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    owner_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    proposed_date = serializers.DateField(required=False, allow_null=True)
    is_emergency = serializers.BooleanField(required=False)
    access_notes = serializers.CharField(max_length=300, required=False, allow_blank=True)

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
    finished_at = serializers.DateTimeField(required=False, allow_null=True)
    problems = serializers.ListField(
        child=serializers.ChoiceField(choices=EmptyingProblem.choices),
        required=False,
        max_length=len(EmptyingProblem.choices),
    )
    problem_notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DeliveryInputSerializer(StrictFieldsMixin, serializers.Serializer):
    destination = serializers.ChoiceField(
        choices=[c for c in SludgeDestination.choices if c[0] != SludgeDestination.DONT_KNOW],
        default=SludgeDestination.TREATMENT_PLANT,
    )
    plant = serializers.PrimaryKeyRelatedField(
        queryset=TreatmentPlant.objects.all(), required=False, allow_null=True
    )
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
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
        "destination": delivery.destination,
        "plant": delivery.plant_id,
        "plant_name": delivery.plant.name if delivery.plant else "",
        "place": delivery.place,
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
    plant_name = serializers.CharField(source="plant.name", read_only=True, default="")
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
            "destination",
            "plant",
            "plant_name",
            "place",
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
            "origin",
            "planned_visit",
            "owner_name",
            "owner_phone",
            "applicant_name",
            "applicant_phone",
            "proposed_date",
            "is_emergency",
            "access_notes",
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
        read_only_fields = ["origin", "planned_visit"]

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
            "finished_at": emptying.finished_at,
            "problems": emptying.problems,
            "problem_notes": emptying.problem_notes,
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
    # Read by core.pagination (the most a page holds is its limit, not an error).
    limit = serializers.IntegerField(min_value=1, required=False, max_value=MAX_OFFSET)
    offset = serializers.IntegerField(min_value=0, required=False, max_value=MAX_OFFSET)


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
