"""Response headers every page gets: a Content-Security-Policy that allows scripts, styles
and connections only from this site (and map tiles from the configured tile servers), so
user text that slipped into a page as markup could still not run."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


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


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
