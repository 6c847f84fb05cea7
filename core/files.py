"""Private files (inspection and survey photos, export files) leave the server only through
views that have checked who asks; there is no public /media/ route in any setting.

With IMIS_PRIVATE_FILES_ACCEL set (for example `/private-files/`), the view answers with an
`X-Accel-Redirect` to that prefix plus the file's path under the media folder, and nginx
sends the file (an `internal` location aliased to the media folder); otherwise Django
streams it itself.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import APIView

from .parsers import PlainMultiPartParser


def private_file_response(
    path: Path, *, filename: str, content_type: str | None = None, as_attachment: bool = False
) -> HttpResponse:
    """The file at `path` (under MEDIA_ROOT) for a caller already allowed to read it."""
    if not path.is_file():
        raise Http404(_("The file is no longer there."))
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    prefix = settings.IMIS.get("PRIVATE_FILES_ACCEL", "")
    media = Path(settings.MEDIA_ROOT).resolve()
    if prefix and path.resolve().is_relative_to(media):
        relative = path.resolve().relative_to(media)
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + relative.as_posix()
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    else:
        response = FileResponse(
            path.open("rb"), as_attachment=as_attachment, filename=filename,
            content_type=content_type,
        )  # fmt: skip
    # Photos and exports hold personal data: never in a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


class PrivatePhotoView(APIView):
    """GET one stored photo for a reader the selector lets through: `photo_get(user=,
    photo_id=)` returns the photo (a model with an `image` file) or raises DoesNotExist,
    which the API answers as 404."""

    photo_get: ClassVar[Callable[..., Any]]

    def get(self, request, pk: int):
        photo = type(self).photo_get(user=request.user, photo_id=pk)
        path = Path(photo.image.path)
        return private_file_response(path, filename=path.name)


PHOTO_UPLOAD = {
    "multipart/form-data": {
        "type": "object",
        "properties": {"image": {"type": "string", "format": "binary"}},
        "required": ["image"],
    }
}

# The same with the phone's own name for the photo: sent again, it is kept once.
NAMED_PHOTO_UPLOAD = {
    "multipart/form-data": {
        "type": "object",
        "properties": {
            **PHOTO_UPLOAD["multipart/form-data"]["properties"],
            "client_uuid": {"type": "string", "format": "uuid"},
        },
        "required": ["image"],
    }
}


class PhotoUploadView(APIView):
    """POST one photo (multipart field `image`, a JPEG or PNG) to a record: the subclass
    finds the record for the user (refusing whoever may not add to it), adds the photo
    through its app's service, and names where it is read. Answers 201 {id, url}."""

    parser_classes = [PlainMultiPartParser]

    def record_for(self, request, pk: int) -> Any:
        raise NotImplementedError

    def add_photo(self, request, record: Any, upload: UploadedFile) -> Any:
        raise NotImplementedError

    def photo_url(self, photo: Any) -> str:
        raise NotImplementedError

    def post(self, request, pk: int) -> Response:
        record = self.record_for(request, pk)
        upload = request.FILES.get("image")
        if upload is None:
            raise ValidationError({"image": [_("This field is required.")]})
        photo = self.add_photo(request, record, upload)
        return Response({"id": photo.pk, "url": self.photo_url(photo)}, status=201)
