"""Inspections of a containment under /api/v1/."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.files import NAMED_PHOTO_UPLOAD, PhotoUploadView, PrivatePhotoView
from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from spatial.api.serializers import StrictFieldsMixin

from .. import inspections, selectors
from ..choices import ComplianceStatus
from ..models import Inspection, InspectionPhoto
from .serializers import ContainmentPropertiesSerializer


class InspectionInputSerializer(StrictFieldsMixin, serializers.Serializer):
    visited_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=ComplianceStatus.choices)
    findings = serializers.DictField(child=serializers.DictField(), required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    observed = serializers.DictField(required=False)
    # The phone's name for the visit (the inspector's page sends it): sent again, the visit
    # is kept once and the answer is 200 with it.
    client_uuid = serializers.UUIDField(required=False)


class InspectionSerializer(serializers.ModelSerializer):
    inspector = serializers.CharField(source="inspector.get_username", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "containment",
            "inspector",
            "visited_on",
            "outcome",
            "findings",
            "notes",
            "changes",
            "client_uuid",
            "photos",
            "created_at",
        ]

    def get_photos(self, obj: Inspection) -> list[str]:
        return [photo_url(photo) for photo in obj.photos.all()]


def _require_inspector(user: Any, containment) -> None:
    if not selectors.can_inspect(user=user, containment=containment):
        raise exceptions.PermissionDenied(_("Only an inspector may record inspections."))


class ContainmentInspectionsView(APIView):
    @extend_schema(
        operation_id="containment_inspections_list",
        tags=["containments"],
        parameters=PAGE_PARAMETERS,
        responses={200: page_schema(InspectionSerializer)},
    )
    def get(self, request: Request, pk: int) -> Response:
        containment = selectors.containment_get(user=request.user, containment_id=pk)
        found = selectors.inspection_list(containment=containment)
        return paged_response(request, found, InspectionSerializer)

    @extend_schema(
        operation_id="containment_inspections_create",
        tags=["containments"],
        request=InspectionInputSerializer,
        responses={201: InspectionSerializer, 200: InspectionSerializer},
        summary="Record an inspection; observed facts update the containment (200: a visit "
        "sent again under the same client_uuid, kept once)",
    )
    def post(self, request: Request, pk: int) -> Response:
        containment = selectors.containment_get(user=request.user, containment_id=pk)
        _require_inspector(request.user, containment)
        data = InspectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        observed = dict(data.validated_data.get("observed") or {})
        # Parse observed facts with the register's own field rules.
        parsed = ContainmentPropertiesSerializer(data=observed, partial=True)
        parsed.is_valid(raise_exception=True)
        values = {**data.validated_data, "observed": dict(parsed.validated_data)}
        if values.get("client_uuid") is not None:
            inspection, created = inspections.inspection_record_once(
                containment=containment, inspector=request.user, **values
            )
        else:
            inspection = inspections.inspection_record(
                containment=containment, inspector=request.user, **values
            )
            created = True
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(InspectionSerializer(inspection).data, status=code)


@extend_schema_view(
    post=extend_schema(
        operation_id="inspection_photos_create",
        tags=["containments"],
        request=NAMED_PHOTO_UPLOAD,
        responses={201: OpenApiTypes.OBJECT},
        description="One photo (multipart `image`, JPEG or PNG). With `client_uuid` (the "
        "phone's own name for it) a photo sent again is kept once.",
    )
)
class InspectionPhotoView(PhotoUploadView):
    def record_for(self, request: Request, pk: int) -> Inspection:
        inspection = selectors.inspection_get(user=request.user, inspection_id=pk)
        _require_inspector(request.user, inspection.containment)
        return inspection

    def add_photo(self, request: Request, record: Inspection, upload) -> InspectionPhoto:
        name = request.data.get("client_uuid") or None
        if name is not None:
            try:
                name = uuid.UUID(str(name))
            except ValueError:
                raise ValidationError({"client_uuid": [_("Must be a valid UUID.")]}) from None
        return inspections.inspection_add_photo(inspection=record, upload=upload, client_uuid=name)

    def photo_url(self, photo: InspectionPhoto) -> str:
        return photo_url(photo)


def photo_url(photo: InspectionPhoto) -> str:
    return reverse("containment-api:inspection-photo-file", args=[photo.pk])


@extend_schema_view(
    get=extend_schema(
        operation_id="inspection_photos_file",
        tags=["containments"],
        responses={200: OpenApiTypes.BINARY},
        summary="One inspection photo (for whoever may read the containment)",
    )
)
class InspectionPhotoFileView(PrivatePhotoView):
    photo_get = selectors.inspection_photo_get
