"""Response headers every page gets: a Content-Security-Policy that allows scripts, styles
and connections only from this site (and map tiles from the configured tile servers), so
user text that slipped into a page as markup could still not run. The admin's map widget
(django-leaflet) writes inline scripts with a per-response nonce (CspNonce)."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import error_response, too_large_message


def content_security_policy() -> str:
    tile_hosts = sorted(
        {
            f"{urlsplit(url).scheme}://{urlsplit(url).hostname}"
            for _name, url, *_rest in settings.LEAFLET_CONFIG.get("TILES", [])
            if urlsplit(url).hostname and "{s}" not in urlsplit(url).hostname
        }
    )
    images = " ".join(["'self'", "data:", "blob:", *tile_hosts])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # Leaflet and Chart.js position elements with style attributes.
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class CspNonce:
    """A nonce made when a template first writes it (`request.csp_nonce`, the name
    django-leaflet's admin map widget reads): only that response's policy then allows the
    inline scripts carrying it. Pages that write none keep `script-src 'self'` alone."""

    def __init__(self):
        self.value: str | None = None

    def __str__(self) -> str:
        if self.value is None:
            self.value = secrets.token_urlsafe(18)
        return self.value


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        request.csp_nonce = nonce = CspNonce()
        response = self.get_response(request)
        policy = self.policy
        # A page may load images from more hosts (a municipality's own imagery).
        hosts = getattr(request, "csp_image_hosts", None)
        if hosts:
            policy = policy.replace(
                "img-src 'self'", "img-src 'self' " + " ".join(sorted(hosts)), 1
            )
        if nonce.value is not None:
            policy = policy.replace(
                "script-src 'self'", f"script-src 'self' 'nonce-{nonce.value}'", 1
            )
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class PlainInputMiddleware:
    """Refuses a NUL character in the path, the query string, a cookie or a header with a
    400 before anything reads it: PostgreSQL cannot hold one in text, so it would otherwise
    fail at the database (a session lookup, a token, a filter) as a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = _nul_in_request(request)
        if where is not None:
            return error_response(
                request,
                400,
                _("%(where)s may not contain the NUL character (U+0000).") % {"where": where},
            )
        return self.get_response(request)


def _nul_in_request(request) -> str | None:
    if "\x00" in request.path:
        return "path"
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query:
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "") or "query"
    for name, value in request.META.items():
        if (name.startswith("HTTP_") or name == "CONTENT_TYPE") and "\x00" in str(value):
            return name.removeprefix("HTTP_").replace("_", "-").title()
    return None


# A refused body up to this size is read to its end before the 413 is sent: a server that
# answers while the client is still sending and closes the connection makes the client see
# a reset, not the answer. Past it, the web server in front refuses first (deploy/nginx).
DRAIN_MAX_BYTES = 64 * 1024**2


class RequestSizeMiddleware:
    """A body over the limit gets a 413 saying the limit and how to send more (a file to the
    import job), before anything reads it: DATA_UPLOAD_MAX_MEMORY_SIZE for a JSON or form
    body, IMIS["MAX_IMPORT_BYTES"] more for a file upload."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        size = int(declared) if declared.isdigit() else 0
        limit = body_limit(request)
        if limit is not None and size > limit:
            drain(request.META.get("wsgi.input"), size)
            return too_large(request, size, limit)
        return self.get_response(request)


def body_limit(request) -> int | None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return None
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        return limit + settings.IMIS["MAX_IMPORT_BYTES"]
    return limit


def drain(stream, size: int) -> None:
    """Reads and drops up to `size` bytes (at most DRAIN_MAX_BYTES) of the request body."""
    if stream is None or size > DRAIN_MAX_BYTES:
        return
    left = size
    while left > 0:
        chunk = stream.read(min(left, 64 * 1024))
        if not chunk:
            break
        left -= len(chunk)


def too_large(request, size: int | None, limit: int):
    return error_response(request, 413, too_large_message(size, limit))
