"""The enumerator's field app (issue 23): one page that works offline once opened, its web
manifest (so a phone installs it) and its service worker (which keeps the page and its
scripts on the phone). The data it works with (the ward's package, drafts, the queue of
submissions and photos) lives in the phone's IndexedDB, kept by static/.../field-app.js."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from core import offline

from .choices import SubmissionStatus
from .questionnaire import VERSION

# What the page needs offline, besides itself and the JavaScript catalogue.
SHELL_STATIC = (
    "css/imis.css",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "surveys/js/field-store.js",
    "surveys/js/field-form.js",
    "surveys/js/field-app.js",
    "surveys/img/field-icon.svg",
)


def _shell() -> list[str]:
    return offline.shell(reverse("surveys:field"), SHELL_STATIC)


@login_required
@ensure_csrf_cookie  # the app's writes send it; the page holds no form that would set it
def field_app(request: HttpRequest) -> HttpResponse:
    config = {
        "language": get_language(),
        "user": request.user.get_username(),
        "worker": reverse("surveys:field-worker"),
        "login": reverse("login") + "?next=" + reverse("surveys:field"),
        "maxAccuracy": settings.IMIS["SURVEY_MAX_GPS_ACCURACY_M"],
        "photoMaxSide": settings.IMIS.get("SURVEY_PHOTO_MAX_SIDE", 1280),
        "urls": {
            "assignments": reverse("surveys-api:my-assignments"),
            "batch": reverse("surveys-api:submission-batch"),
            "submissions": reverse("surveys-api:submission-list"),
            "photos": reverse("surveys-api:photos", args=[0]),
        },
        "statusLabels": {value: str(label) for value, label in SubmissionStatus.choices},
    }
    return render(request, "surveys/field.html", {"config": config, "version": VERSION})


def field_manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installable, opening on the field app."""
    manifest = {
        "name": _("Sanitation survey"),
        "short_name": _("Survey"),
        "start_url": reverse("surveys:field"),
        "scope": reverse("surveys:field"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5d99",
        "lang": get_language(),
        # PNGs of the sizes Android's launcher and splash screen take, and the SVG for the rest.
        "icons": [
            *(
                {
                    "src": static(f"surveys/img/field-icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any",
                }
                for size in (192, 512)
            ),
            {
                "src": static("surveys/img/field-icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            },
        ],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def field_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, named for the shell it keeps (core/offline.py)."""
    return offline.worker_response(
        request, name="field", page=reverse("surveys:field"), kept=_shell()
    )
