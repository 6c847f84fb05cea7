"""One error shape for the whole API: {"detail": "...", "errors": {field: [messages]}}.

Domain code raises django.core.exceptions.ValidationError (or ObjectDoesNotExist) and never
thinks about HTTP; this handler turns them into 400 and 404 responses.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import value_refused_message


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body is too large."
    default_code = "payload_too_large"


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _summary(errors: dict) -> str:
    for field, messages in errors.items():
        first = messages
        while isinstance(first, list | dict) and first:
            first = first[0] if isinstance(first, list) else next(iter(first.values()))
        if field in ("non_field_errors", "__all__"):
            return str(first)
        return f"{field}: {first}"
    return _("Invalid input.")


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, DataError):
        # A safety net behind the checks where input enters (core.errors.handler500).
        logging.getLogger("imis.input").warning("value refused by the database: %s", exc)
        exc = exceptions.ParseError(value_refused_message())

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        errors = _flatten(errors)
        response.data = {"detail": _summary(errors), "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response


def refuse_body(request) -> None:
    """A deletion takes no body: one sent is refused with a 400 before anything is deleted
    (read through the parsers, so a malformed or oversized one is refused as such)."""
    if request.data:
        raise exceptions.ValidationError(_("A deletion takes no body."))
