import os

from django.core.asgi import get_asgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()
# Every view imported as the process starts, not on its first request (see config/wsgi.py).
get_resolver().url_patterns  # noqa: B018 (the import is the point)
