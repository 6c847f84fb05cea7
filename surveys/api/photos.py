"""Photos of field submissions: uploaded by the enumerator, read through a view that checks
who asks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.files import PrivatePhotoView
from config.parsers import PlainMultiPartParser

from .. import selectors, services


class SubmissionPhotoView(APIView):
    parser_classes = [PlainMultiPartParser]

    @extend_schema(
        operation_id="survey_submission_photos_create",
        tags=["surveys"],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"image": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, pk: int) -> Response:
        submission = selectors.submission_get(user=request.user, submission_id=pk)
        if submission.enumerator_id != request.user.pk:
            raise exceptions.PermissionDenied(
                _("Only the enumerator adds photos to his submission.")
            )
        upload = request.FILES.get("image")
        if upload is None:
            raise ValidationError({"image": [_("This field is required.")]})
        photo = services.submission_add_photo(
            submission=submission, enumerator=request.user, upload=upload
        )
        url = reverse("surveys-api:photo-file", args=[photo.pk])
        return Response({"id": photo.pk, "url": url}, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="survey_photos_file",
        tags=["surveys"],
        responses={200: OpenApiTypes.BINARY},
        summary="One submission photo (for whoever may read the submission)",
    )
)
class SubmissionPhotoFileView(PrivatePhotoView):
    photo_get = selectors.submission_photo_get
