"""Field submissions under /api/v1/surveys/: one by one and in batches (idempotent), and the
supervisor's decisions (photos: photos.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_errors import api_exception_handler
from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from core.serializers import PresentFieldsMixin, reused
from spatial.api.serializers import GeometryInputField, StrictFieldsMixin
from spatial.models import Ward

from .. import selectors, services
from ..models import Submission, SurveyCampaign
from .review import QUEUE_PARAMETERS, queue_from

MAX_BATCH = 500


class SubmissionInputSerializer(StrictFieldsMixin, PresentFieldsMixin, serializers.Serializer):
    client_uuid = serializers.UUIDField()
    campaign = serializers.PrimaryKeyRelatedField(queryset=SurveyCampaign.objects.all())
    device_time = serializers.DateTimeField()
    geometry = GeometryInputField(allowed_types=("Point",))
    gps_accuracy_m = serializers.FloatField(min_value=0, max_value=10_000)
    answers = serializers.DictField()
    corrects = serializers.PrimaryKeyRelatedField(
        queryset=Submission.objects.all(), required=False, allow_null=True
    )
    ward = serializers.PrimaryKeyRelatedField(
        queryset=Ward.objects.all(),
        required=False,
        allow_null=True,
        help_text="The ward the enumerator says he surveys; it must be assigned to him.",
    )
    footprint = GeometryInputField(
        allowed_types=("Polygon",),
        required=False,
        allow_null=True,
        help_text="A building not on the map, drawn by the enumerator (GeoJSON Polygon): "
        "approval adds it to the register.",
    )


class SubmissionSerializer(serializers.ModelSerializer):
    enumerator = serializers.CharField(source="enumerator.get_username", read_only=True)
    building_bin = serializers.CharField(source="building.bin", read_only=True, default=None)
    ward_number = serializers.IntegerField(source="ward.number", read_only=True, default=None)
    point = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "client_uuid",
            "campaign",
            "enumerator",
            "status",
            "device_time",
            "received_at",
            "point",
            "gps_accuracy_m",
            "ward",
            "ward_number",
            "building",
            "building_bin",
            "match_kind",
            "match_distance_m",
            "flags",
            "answers",
            "corrects",
            "reviewed_at",
            "review_reason",
        ]

    def get_point(self, obj: Submission) -> list[float]:
        return [round(obj.geom.x, 7), round(obj.geom.y, 7)]


class SubmissionAckSerializer(serializers.ModelSerializer):
    """What a phone needs back after a sync: no names, so no further queries."""

    class Meta:
        model = Submission
        fields = [
            "id",
            "client_uuid",
            "status",
            "ward",
            "building",
            "match_kind",
            "match_distance_m",
            "flags",
            "received_at",
        ]


def _require_submitter(user: Any) -> None:
    if not selectors.may_submit(user=user):
        raise exceptions.PermissionDenied(_("Only enumerators submit surveys."))


def _conflict_body(conflict: services.SubmissionConflict) -> dict[str, Any]:
    return {
        "detail": _("This UUID was already used for a different submission."),
        "errors": {"client_uuid": [str(conflict.submission.client_uuid)]},
        "id": conflict.submission.pk,
    }


def _receive(user: Any, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for one submission: 201 stored, 200 resend acknowledged,
    409 UUID reused with another payload."""
    values = dict(reused(SubmissionInputSerializer).run_validation(data))
    try:
        received = services.submission_receive(
            enumerator=user,
            campaign=values["campaign"],
            client_uuid=values["client_uuid"],
            device_time=values["device_time"],
            point=values["geometry"],
            gps_accuracy_m=values["gps_accuracy_m"],
            answers=values["answers"],
            corrects=values.get("corrects"),
            ward=values.get("ward"),
            footprint=values.get("footprint"),
        )
    except services.SubmissionConflict as conflict:
        return status.HTTP_409_CONFLICT, _conflict_body(conflict)
    body = reused(SubmissionAckSerializer).to_representation(received.submission)
    return (status.HTTP_201_CREATED if received.created else status.HTTP_200_OK), body


class SubmissionListView(APIView):
    @extend_schema(
        operation_id="survey_submissions_list",
        tags=["surveys"],
        parameters=[*QUEUE_PARAMETERS, *PAGE_PARAMETERS],
        responses={200: page_schema(SubmissionSerializer)},
    )
    def get(self, request: Request) -> Response:
        """The caller's submissions (an enumerator's own, a supervisor's wards): the
        review queue, filtered, sorted and paged."""
        return paged_response(request, queue_from(request), SubmissionSerializer)

    @extend_schema(
        operation_id="survey_submissions_create",
        tags=["surveys"],
        request=SubmissionInputSerializer,
        responses={201: SubmissionSerializer, 200: SubmissionSerializer},
        summary="Send one submission (a resend of the same UUID is acknowledged)",
    )
    def post(self, request: Request) -> Response:
        _require_submitter(request.user)
        code, body = _receive(request.user, request.data)
        return Response(body, status=code)


def _positive(value: str, field: str) -> int:
    if not value.isdigit():
        raise ValidationError({field: [_("A positive number is expected.")]})
    return int(value)


class BatchInputSerializer(StrictFieldsMixin, serializers.Serializer):
    submissions = serializers.ListField(
        child=serializers.DictField(), max_length=MAX_BATCH, allow_empty=False
    )


class SubmissionBatchView(APIView):
    @extend_schema(
        operation_id="survey_submissions_batch",
        tags=["surveys"],
        request=BatchInputSerializer,
        responses={200: OpenApiTypes.OBJECT},
        summary="A phone's offline queue: each item answered on its own",
    )
    def post(self, request: Request) -> Response:
        _require_submitter(request.user)
        batch = BatchInputSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        raw = batch.validated_data["submissions"]
        results: list[dict[str, Any] | None] = [None] * len(raw)
        checked = _BatchItems()
        for k, data in enumerate(raw):
            try:
                item = checked.item(data)
            except (ValidationError, PermissionDenied, exceptions.APIException) as exc:
                results[k] = self._refused(request, data, exc)
                continue
            if item is None:  # a correction: through the one-by-one path
                results[k] = self._one(request, data)
            else:
                checked.add(k, item)
        outcomes = services.submissions_receive_batch(
            enumerator=request.user, items=[item for _, item in checked.items]
        )
        received = [o for o in outcomes if isinstance(o, services.Received)]
        # One serializer for every acknowledgement: DRF builds a ModelSerializer's fields
        # anew for each instance, which cost more than storing the submission.
        acks = iter(SubmissionAckSerializer([r.submission for r in received], many=True).data)
        for (k, _item), outcome in zip(checked.items, outcomes, strict=True):
            results[k] = self._answer(request, raw[k], outcome, acks)
        return Response({"results": results})

    def _one(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        uuid_text = str(data.get("client_uuid", ""))
        try:
            with transaction.atomic():
                code, body = _receive(request.user, data)
        except (ValidationError, PermissionDenied, exceptions.APIException) as exc:
            return self._refused(request, data, exc)
        return {
            "client_uuid": uuid_text,
            "status": code,
            **({"submission": body} if code < 300 else body),
        }

    def _refused(self, request: Request, data: dict[str, Any], exc: Exception) -> dict[str, Any]:
        response = api_exception_handler(exc, {"request": request})
        return {
            "client_uuid": str(data.get("client_uuid", "")),
            "status": response.status_code,
            **response.data,
        }

    def _answer(
        self, request: Request, data: dict[str, Any], outcome: Any, acks: Any
    ) -> dict[str, Any]:
        if isinstance(outcome, services.SubmissionConflict):
            return {
                "client_uuid": str(data.get("client_uuid", "")),
                "status": status.HTTP_409_CONFLICT,
                **_conflict_body(outcome),
            }
        if isinstance(outcome, Exception):
            return self._refused(request, data, outcome)
        return {
            "client_uuid": str(data.get("client_uuid", "")),
            "status": status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK,
            "submission": next(acks),
        }


class _BatchItemSerializer(SubmissionInputSerializer):
    """An item of a batch: campaign and ward as ids, looked up once for the whole batch."""

    campaign = serializers.IntegerField(min_value=1)
    ward = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    corrects = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class _BatchItems:
    """Checks a batch's items with one serializer instance (DRF copies its fields on every
    instantiation) and resolves campaigns and wards with a query per new id."""

    def __init__(self) -> None:
        self.serializer = _BatchItemSerializer()
        self.campaigns: dict[int, SurveyCampaign | None] = {}
        self.wards: dict[int, Ward | None] = {}
        self.items: list[tuple[int, services.BatchItem]] = []

    def add(self, k: int, item: services.BatchItem) -> None:
        self.items.append((k, item))

    def item(self, data: dict[str, Any]) -> services.BatchItem | None:
        values = self.serializer.run_validation(data)
        if values.get("corrects") is not None:
            return None
        campaign = self._get(self.campaigns, SurveyCampaign, values["campaign"], "campaign")
        ward = None
        if values.get("ward") is not None:
            ward = self._get(self.wards, Ward, values["ward"], "ward")
        return services.BatchItem(
            campaign=campaign,
            client_uuid=values["client_uuid"],
            device_time=values["device_time"],
            point=values["geometry"],
            gps_accuracy_m=values["gps_accuracy_m"],
            answers=values["answers"],
            ward=ward,
            footprint=values.get("footprint"),
        )

    @staticmethod
    def _get(cache: dict, model: Any, pk: int, field: str) -> Any:
        if pk not in cache:
            cache[pk] = model.objects.filter(pk=pk).first()
        if cache[pk] is None:
            message = serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"]
            raise exceptions.ValidationError({field: [message.format(pk_value=pk)]})
        return cache[pk]


class DecisionInputSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class _DecisionView(APIView):
    decision: str

    def post(self, request: Request, pk: int) -> Response:
        submission = selectors.submission_get(user=request.user, submission_id=pk)
        if not selectors.can_review(user=request.user, submission=submission):
            raise exceptions.PermissionDenied(_("You do not review this ward."))
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data.get("reason", "")
        if self.decision == "approve":
            decided = services.submission_approve(submission=submission, reviewer=request.user)
        elif self.decision == "reject":
            decided = services.submission_reject(
                submission=submission, reviewer=request.user, reason=reason
            )
        else:
            decided = services.submission_return(
                submission=submission, reviewer=request.user, reason=reason
            )
        return Response(SubmissionSerializer(decided).data)


def _decision_schema(name: str) -> dict:
    return {
        "post": extend_schema(
            operation_id=f"survey_submissions_{name}",
            tags=["surveys"],
            request=DecisionInputSerializer,
            responses={200: SubmissionSerializer},
        )
    }


@extend_schema_view(**_decision_schema("approve"))
class ApproveView(_DecisionView):
    decision = "approve"


@extend_schema_view(**_decision_schema("reject"))
class RejectView(_DecisionView):
    decision = "reject"


@extend_schema_view(**_decision_schema("return"))
class ReturnView(_DecisionView):
    decision = "return"
