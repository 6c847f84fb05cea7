"""How the server answers when a request cannot be served: in the API's JSON shape for
programs (the API, the OGC API, tiles, or a client asking for JSON), as a page for browsers.

- `handler400/403/404/500` are the project's error views (config/urls.py).
- A database that cannot be reached is an outage, not a server error: every request answers
  503 with `Retry-After`, so field clients back off and send again, and the outage is logged
  once per process when it starts and once when the database is back, not once per request.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from django.db import DataError, InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.local import digits

log = logging.getLogger("imis.outage")

# Seconds a client should wait before sending again while the database is away.
RETRY_AFTER = 30
PROGRAM_PREFIXES = ("/api/", "/ogc", "/tiles/")
# SQLSTATE classes that mean "the server is not there": connection exceptions (08), and the
# server shutting down or starting (57P01-57P03). No SQLSTATE at all: the connection failed
# before the server answered.
OUTAGE_STATES = ("08", "57P01", "57P02", "57P03")


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith(PROGRAM_PREFIXES):
        return True
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


def error_response(
    request: HttpRequest, status: int, message: str, *, headers: dict | None = None
) -> HttpResponse:
    """`message` as {"detail": ...} (OGC API: {"code", "description"}) or as a page."""
    if wants_json(request):
        if request.path.startswith("/ogc"):
            body = {"code": _ogc_code(status), "description": message}
        else:
            body = {"detail": message}
        response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        # No request context: rendering must not need the database (an outage) or a
        # session (a refused request).
        page = render_to_string("error.html", {"status": status, "message": message})
        response = HttpResponse(page, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _ogc_code(status: int) -> str:
    return {
        400: "InvalidParameterValue",
        404: "NotFound",
        413: "PayloadTooLarge",
        503: "ServiceUnavailable",
    }.get(status, "ServerError")


# ---------------------------------------------------------------------------- outages
def is_outage(exc: BaseException | None) -> bool:
    """Whether `exc` says the database cannot be reached (rather than refusing a statement)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    state = getattr(exc.__cause__, "sqlstate", None)
    return state is None or state.startswith(OUTAGE_STATES)


class _Outage:
    """Per process: when the current outage began (None while the database answers)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.since: float | None = None

    def begin(self, exc: BaseException) -> None:
        with self.lock:
            if self.since is not None:
                return
            self.since = time.monotonic()
        log.error("database unavailable, answering 503 until it is back: %s", exc)

    def end(self) -> None:
        with self.lock:
            if self.since is None:
                return
            seconds = time.monotonic() - self.since
            self.since = None
        log.warning("database available again after %.0f s", seconds)


outage = _Outage()


def _connected(sender, connection, **kwargs) -> None:
    outage.end()


connection_created.connect(_connected, dispatch_uid="imis-outage-end")


class OutageLogFilter(logging.Filter):
    """Keeps Django's per-request error log quiet during an outage (logged once instead)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not is_outage(exc)


def service_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    outage.begin(exc)
    return error_response(
        request,
        503,
        _("The database is not reachable. Nothing was lost: send again in a minute."),
        headers={"Retry-After": str(RETRY_AFTER)},
    )


def too_large_message(size: int | None, limit: int) -> str:
    def mb(value: int) -> str:
        return digits(f"{value / 1024**2:.1f}")

    if size:
        said = _(
            "The request body is %(size)s MB; this server accepts at most %(limit)s MB in one "
            "request."
        ) % {"size": mb(size), "limit": mb(limit)}
    else:
        said = _(
            "The request body is over the %(limit)s MB this server accepts in one request."
        ) % {"limit": mb(limit)}
    how = _(
        "Send a large layer as a file to the import job (POST /api/v1/jobs/imports/), "
        "survey submissions in batches (POST /api/v1/surveys/submissions/batch/), and a "
        "revenue feed as its file (POST /api/v1/holdings/feeds/file/) or in pushes of "
        "fewer rows."
    )
    return f"{said} {how}"


def value_refused_message() -> str:
    return _("A value in the request is out of range or is not valid text.")


# ---------------------------------------------------------------------------- handlers
def handler400(request, exception=None):
    return error_response(request, 400, _("The request could not be understood."))


def handler403(request, exception=None):
    return error_response(request, 403, _("You do not have permission to do this."))


def handler404(request, exception=None):
    return error_response(request, 404, _("Not found."))


def handler500(request):
    exc = sys.exc_info()[1]
    if is_outage(exc):
        return service_unavailable(request, exc)
    if isinstance(exc, DataError):
        # The database refused a value the request carried (out of range, not text): the
        # checks where input enters should have caught it; logged so that they are added.
        logging.getLogger("imis.input").warning("value refused by the database: %s", exc)
        return error_response(request, 400, value_refused_message())
    return error_response(
        request, 500, _("Something went wrong on the server. It has been logged.")
    )
