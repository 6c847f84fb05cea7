"""Checks for uploaded files, shared by the apps that take photos."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

PHOTO_MAX_BYTES = 8 * 1024 * 1024
_PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def check_photo(upload: UploadedFile) -> None:
    """A JPEG or PNG of at most 8 MiB, judged by its first bytes (not its name or declared
    type). Raises ValidationError on field `image`."""
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"image": [_("A photo may be at most 8 MB.")]})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in _PHOTO_SIGNATURES):
        raise ValidationError({"image": [_("Send a JPEG or PNG photo.")]})


DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
_DOCUMENT_SIGNATURES = (b"%PDF-", *_PHOTO_SIGNATURES)


def check_document(upload: UploadedFile, field: str = "evidence") -> None:
    """A scanned document as offices keep them: a PDF, JPEG or PNG of at most 10 MiB,
    judged by its first bytes. Raises ValidationError on `field`."""
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError({field: [_("A document may be at most 10 MB.")]})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in _DOCUMENT_SIGNATURES):
        raise ValidationError({field: [_("Send the document as a PDF, JPEG or PNG.")]})
