"""Photos of field submissions: uploaded by the enumerator, read through a view that checks
who asks."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.files import NAMED_PHOTO_UPLOAD, PhotoUploadView, PrivatePhotoView

from .. import selectors, services

SURVEY_PHOTO_UPLOAD = NAMED_PHOTO_UPLOAD


@extend_schema_view(
    post=extend_schema(
        operation_id="survey_submission_photos_create",
        tags=["surveys"],
        request=SURVEY_PHOTO_UPLOAD,
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
        description=(
            "One photo (multipart `image`, JPEG or PNG). With `client_uuid` (the phone's own "
            "name for the photo) a resend answers 200 with the photo kept, and the photo is "
            "taken even after the submission was decided; without one, 201 while the "
            "submission waits for review."
        ),
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

    def post(self, request: Request, pk: int) -> Response:
        submission = self.record_for(request, pk)
        upload = request.FILES.get("image")
        if upload is None:
            raise exceptions.ValidationError({"image": [_("This field is required.")]})
        name = request.data.get("client_uuid") or None
        if name is not None:
            try:
                name = uuid.UUID(str(name))
            except ValueError:
                raise exceptions.ValidationError(
                    {"client_uuid": [_("Must be a valid UUID.")]}
                ) from None
        try:
            photo, created = services.submission_add_photo(
                submission=submission, enumerator=request.user, upload=upload, client_uuid=name
            )
        except services.PhotoConflict:
            return Response(
                {"detail": _("This photo's UUID names a photo of another submission.")},
                status=status.HTTP_409_CONFLICT,
            )
        body = {"id": photo.pk, "url": self.photo_url(photo), "client_uuid": photo.client_uuid}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

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
