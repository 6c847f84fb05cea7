"""pytest: a real PostGIS, no tile fetches, fast password hashing."""

from .base import *

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
LEAFLET_CONFIG = {**LEAFLET_CONFIG, "TILES": []}
DATABASES["default"]["CONN_MAX_AGE"] = 0
LOGGING["root"]["level"] = "WARNING"
# Django serves static files itself here; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# Tests and benchmarks read every write's effect on the dashboards at once; the tests of the
# age window set it themselves.
IMIS = {**IMIS, "DASHBOARD_MAX_AGE_S": 0}
