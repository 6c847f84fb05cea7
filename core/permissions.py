"""Access checks that come before reading a request's body: a user whose roles cannot allow
the action gets 403 at once, whatever he sent (so a refused caller learns nothing from
validation messages, and the access matrix sees a clear refusal)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions

from .scope import holds_role_anywhere


def require_role_anywhere(user: Any, roles: Iterable[str], message: str | None = None) -> None:
    if not holds_role_anywhere(user=user, roles=roles):
        raise exceptions.PermissionDenied(message or _("Your role does not allow this."))
