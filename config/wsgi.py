import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
# Import every view as the worker starts rather than on its first request: 1.3 s on the bench
# machine, which a desktop GIS paid once per worker, since its requests land on any of them.
get_resolver().url_patterns  # noqa: B018 (the import is the point)
