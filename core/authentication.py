"""API logins: expiring tokens, and HTTP Basic for desktop GIS (QGIS, GDAL) remembered briefly.

QGIS sends the same Basic credentials with every page of a layer, and checking a password
hash costs about 0.3 s by design, so a layer of 20,000 buildings in pages of 100 would
spend a minute hashing. A successful check is remembered for a few minutes under a keyed
digest of the credentials (never the password itself), together with the user's password
hash: a changed password or a deactivated user is not let in from the memory.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication, TokenAuthentication

from .scope import active_user, user_of_token

REMEMBER_SECONDS = 300


def _key(userid: str, password: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{userid}\0{password}".encode(), hashlib.sha256
    ).hexdigest()
    return f"imis:basic-auth:{digest}"


class RememberedBasicAuthentication(BasicAuthentication):
    def authenticate_credentials(self, userid, password, request=None):
        key = _key(userid, password)
        remembered = cache.get(key)
        if remembered is not None:
            user_id, password_hash = remembered
            # The user and his memberships in one statement (core.scope.active_user).
            user = active_user(user_id)
            if user is not None and user.password == password_hash:
                return (user, None)
            cache.delete(key)
        user, auth = super().authenticate_credentials(userid, password, request)
        cache.set(key, (user.pk, user.password), REMEMBER_SECONDS)
        return (user, auth)


def token_expires_at(token):
    return token.created + timedelta(days=settings.IMIS["TOKEN_DAYS"])


class ExpiringTokenAuthentication(TokenAuthentication):
    """Tokens of field apps and scripts last IMIS_TOKEN_DAYS; then the holder logs in again."""

    def authenticate_credentials(self, key):
        # The token, its user and his memberships in one statement (core.scope).
        found = user_of_token(self.get_model(), key)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, created = found
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = self.get_model()(key=key, user=user, created=created)
        if timezone.now() >= token_expires_at(token):
            raise exceptions.AuthenticationFailed(_("The token has expired; log in again."))
        return user, token
