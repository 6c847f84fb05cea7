"""The supervisor's review queue and one submission in context (issue 24): filters, order
and paging of the submissions list, and a submission beside what the register holds now."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError as DjangoValidationError
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

from .. import selectors, services
from ..choices import Flag, SubmissionStatus
from ..review import SORTS, submission_changes, submission_queue

QUEUE_PARAMETERS = [
    OpenApiParameter("status", str, enum=SubmissionStatus.values),
    OpenApiParameter("campaign", int),
    OpenApiParameter("ward", int, description="Ward id"),
    OpenApiParameter("enumerator", str, description="The enumerator's user name"),
    OpenApiParameter(
        "flag", str, enum=[*Flag.values, "none"], description="A flag, or none for clean ones"
    ),
    OpenApiParameter("day", str, description="The device's date, YYYY-MM-DD"),
    OpenApiParameter("version", str, description="Questionnaire version"),
    OpenApiParameter(
        "sort",
        str,
        enum=[*SORTS, *(f"-{s}" for s in SORTS)],
        description="Order (default -received_at, the newest first)",
    ),
]


class QueueQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=SubmissionStatus.values, required=False)
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET, required=False)
    ward = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET, required=False)
    enumerator = serializers.CharField(max_length=150, required=False)
    flag = serializers.ChoiceField(choices=[*Flag.values, "none"], required=False)
    day = serializers.DateField(required=False)
    version = serializers.CharField(max_length=30, required=False)
    sort = serializers.ChoiceField(
        choices=[*SORTS, *(f"-{s}" for s in SORTS)], required=False, default="-received_at"
    )
    # Paging, read by the paginator.
    limit = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET, required=False)
    offset = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET, required=False)


def queue_from(request: Request):
    query = QueueQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    filters = {k: v for k, v in query.validated_data.items() if k not in ("limit", "offset")}
    return submission_queue(selectors.submission_list(user=request.user), **filters)


class SubmissionReviewView(APIView):
    @extend_schema(
        operation_id="survey_submission_review",
        tags=["surveys"],
        responses={200: OpenApiTypes.OBJECT},
        summary="A submission beside what the register holds now: what approval would change",
    )
    def get(self, request: Request, pk: int) -> Response:
        submission = selectors.submission_get(user=request.user, submission_id=pk)
        if not selectors.can_review(user=request.user, submission=submission) and (
            submission.enumerator_id != request.user.pk
        ):
            raise exceptions.PermissionDenied()
        building = submission.building
        return Response(
            {
                "id": submission.pk,
                "status": submission.status,
                "flags": [{"code": f, "label": str(Flag(f).label)} for f in submission.flags],
                "point": [round(submission.geom.x, 7), round(submission.geom.y, 7)],
                "gps_accuracy_m": submission.gps_accuracy_m,
                "match_kind": submission.match_kind,
                "match_distance_m": submission.match_distance_m,
                "building": None
                if building is None
                else {"id": building.pk, "bin": building.bin, "footprint": _geojson(building.geom)},
                "footprint": _geojson(submission.footprint),
                "answers": submission_changes(submission),
                "households": submission.answers.get("households"),
                "photos": [
                    reverse("surveys-api:photo-file", args=[photo.pk])
                    for photo in submission.photos.order_by("id")
                ],
            }
        )


def _geojson(geometry):
    return None if geometry is None else json.loads(geometry.geojson)


MAX_CLEAN = 500


class ApproveCleanInputSerializer(StrictFieldsMixin, serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET)
    ward = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET, required=False)
    enumerator = serializers.CharField(max_length=150, required=False)
    day = serializers.DateField(required=False)
    version = serializers.CharField(max_length=30, required=False)


class ApproveCleanView(APIView):
    @extend_schema(
        operation_id="survey_submissions_approve_clean",
        tags=["surveys"],
        request=ApproveCleanInputSerializer,
        responses={200: OpenApiTypes.OBJECT},
        summary="Approve the clean pending submissions of a filter (no flag), each on its own",
    )
    def post(self, request: Request) -> Response:
        """Each clean pending submission of the filter that the caller reviews is approved
        as a single approval would (its own transaction and history); one that cannot be is
        named with the reason and the others go on. At most MAX_CLEAN a request."""
        if not selectors.may_review_anything(user=request.user):
            raise exceptions.PermissionDenied(_("You do not review survey submissions."))
        body = ApproveCleanInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = submission_queue(
            selectors.submission_list(user=request.user),
            status=SubmissionStatus.PENDING,
            flag="none",
            sort="received_at",
            **body.validated_data,
        )[:MAX_CLEAN]
        approved, refused = [], []
        for submission in found:
            if not selectors.can_review(user=request.user, submission=submission):
                continue
            try:
                services.submission_approve(submission=submission, reviewer=request.user)
            except DjangoValidationError as error:
                refused.append({"id": submission.pk, "detail": " ".join(error.messages)})
                continue
            approved.append(submission.pk)
        return Response({"approved": approved, "refused": refused})
