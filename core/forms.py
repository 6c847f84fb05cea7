"""The one way a page's form hands its input to a service (views stay thin): the form
checks the shape, the service decides, and what the service refuses is shown on the form
beside the field it names (or above the form)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def add_service_errors(
    form, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Put a service's ValidationError on `form`: each message on the field it names (a
    service's name for it may be aliased to the form's), the rest above the form."""
    for name, texts in error.message_dict.items():
        name = (aliases or {}).get(name, name)
        form.add_error(name if name in form.fields else None, texts)


def submit(
    request: HttpRequest,
    form,
    action: Callable[[dict[str, Any]], Any],
    *,
    done: str,
    aliases: Mapping[str, str] | None = None,
) -> bool:
    """Validate `form` and run `action(cleaned_data)`; True (with the `done` message) when
    it went through, False when the form or the service refused it (the form then holds
    why, and the caller answers 400)."""
    if not form.is_valid():
        return False
    try:
        action(dict(form.cleaned_data))
    except ValidationError as error:
        add_service_errors(form, error, aliases)
        return False
    messages.success(request, done)
    return True


def answer_post(
    request: HttpRequest,
    form,
    action: Callable[[dict[str, Any]], Any],
    *,
    done: str,
    then: str,
) -> tuple[HttpResponse | None, int]:
    """A page's POST in one place: (None, 200) for a GET; on a POST, 403 when the page gave
    this reader no form (he may read, not act), a redirect to `then` when the service took
    the input, else (None, 400) with the form holding why."""
    if request.method != "POST":
        return None, 200
    if form is None:
        raise PermissionDenied
    if submit(request, form, action, done=done, aliases=None):
        return redirect(then), 302
    return None, 400
