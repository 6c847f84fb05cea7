"""Logins: a lockout after repeated failures, a record of every attempt, and API tokens that
expire.

The lockout lives in the authentication backend, so it covers every door that checks a
password (the web form, POST /api/v1/auth/token/, HTTP Basic for QGIS and GDAL): after
IMIS_LOGIN_MAX_FAILURES failed attempts for one user name within IMIS_LOGIN_LOCKOUT_MINUTES,
further attempts are refused, right password or not, until the window has passed.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from core.models import LoginEvent
from core.parsers import LimitedJSONParser, PlainFormParser, PlainMultiPartParser

from .authentication import token_expires_at
from .scope import active_user


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _record(request, username: str, outcome: str, user=None) -> None:
    LoginEvent.objects.create(
        user=user,
        username=(username or "")[:150],
        outcome=outcome,
        ip_address=_client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        path=(request.path if request else "")[:200],
    )


def lockout_remaining(username: str) -> int:
    """Minutes until `username` may try again; 0 when not locked out."""
    window = timedelta(minutes=settings.IMIS["LOGIN_LOCKOUT_MINUTES"])
    since = timezone.now() - window
    failures = LoginEvent.objects.filter(
        username=username, outcome=LoginEvent.Outcome.FAILURE, at__gte=since
    ).order_by("-at")
    last_success = (
        LoginEvent.objects.filter(username=username, outcome=LoginEvent.Outcome.SUCCESS)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last_success is not None:
        failures = failures.filter(at__gt=last_success)
    recent = list(failures.values_list("at", flat=True)[: settings.IMIS["LOGIN_MAX_FAILURES"]])
    if len(recent) < settings.IMIS["LOGIN_MAX_FAILURES"]:
        return 0
    unlocks = recent[0] + window
    return max(1, int((unlocks - timezone.now()).total_seconds() // 60) + 1)


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None
        if lockout_remaining(username):
            _record(request, username, LoginEvent.Outcome.LOCKED)
            # Django stops at PermissionDenied: no other backend is tried.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        outcome = LoginEvent.Outcome.SUCCESS if user else LoginEvent.Outcome.FAILURE
        _record(request, username, outcome, user=user)
        return user

    def get_user(self, user_id):
        """The session's user, with his memberships read in the same statement (every page
        and API call of a logged-in user starts here; core.scope.active_user)."""
        return active_user(user_id)


def lockout_message(minutes: int) -> str:
    return ngettext(
        "Too many failed attempts. Try again in %(minutes)s minute.",
        "Too many failed attempts. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


class LoginForm(AuthenticationForm):
    """The login form, telling a locked-out user why and for how long."""

    locked_out = False

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            minutes = lockout_remaining(username)
            if minutes:
                self.locked_out = True
                _record(self.request, username, LoginEvent.Outcome.LOCKED)
                raise forms.ValidationError(lockout_message(minutes), code="locked")
        return super().clean()


# ------------------------------------------------------------------------------ API tokens
class ObtainExpiringToken(ObtainAuthToken):
    """POST username and password: a token (a fresh one when the old has expired) and when
    it expires. Locked-out users get 400 with the reason."""

    # ObtainAuthToken's own parsers skip the project's checks (body size, nesting, NUL).
    parser_classes = (LimitedJSONParser, PlainFormParser, PlainMultiPartParser)

    def post(self, request, *args, **kwargs):
        # A body that is not an object is refused by the serializer below (400).
        data = request.data if hasattr(request.data, "get") else {}
        username = str(data.get("username", ""))
        minutes = lockout_remaining(username) if username else 0
        if minutes:
            _record(request, username, LoginEvent.Outcome.LOCKED)
            raise exceptions.ValidationError({"username": [lockout_message(minutes)]})
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        if timezone.now() >= token_expires_at(token):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires_at": token_expires_at(token)})
