"""Photos of field submissions: uploaded by the enumerator, read through a view that checks
who asks."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.request import Request

from core.files import PHOTO_UPLOAD, PhotoUploadView, PrivatePhotoView

from .. import selectors, services


@extend_schema_view(
    post=extend_schema(
        operation_id="survey_submission_photos_create",
        tags=["surveys"],
        request=PHOTO_UPLOAD,
        responses={201: OpenApiTypes.OBJECT},
    )
)
class SubmissionPhotoView(PhotoUploadView):
    def record_for(self, request: Request, pk: int):
        submission = selectors.submission_get(user=request.user, submission_id=pk)
        if submission.enumerator_id != request.user.pk:
            raise exceptions.PermissionDenied(
                _("Only the enumerator adds photos to his submission.")
            )
        return submission

    def add_photo(self, request: Request, record, upload):
        return services.submission_add_photo(
            submission=record, enumerator=request.user, upload=upload
        )

    def photo_url(self, photo) -> str:
        return reverse("surveys-api:photo-file", args=[photo.pk])


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
