"""Service workers for the pages that work offline (the enumerator's field app, the
inspector's page): one template (templates/offline-sw.js), each worker named for its page
and for the shell it keeps, so a new release (new static names) is a new worker that
replaces the old cache, and one page's worker never clears another's."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse


def shell(page: str, static_paths: Iterable[str]) -> list[str]:
    """What a page needs offline: itself, the JavaScript catalogue and its static files."""
    return [page, reverse("javascript-catalog"), *(static(path) for path in static_paths)]


def worker_response(request: HttpRequest, *, name: str, page: str, kept: list[str]) -> HttpResponse:
    version = hashlib.sha256(json.dumps(kept).encode()).hexdigest()[:12]
    response = render(
        request,
        "offline-sw.js",
        {
            "name": name,
            "shell": json.dumps(kept),
            "version": version,
            "scope": page,
            "words": reverse("javascript-catalog"),
        },
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    return response
