"""Developer machine: `make run`."""

from .base import *

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
# Django serves static files itself here; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# The login page names the demo accounts that `make run` creates.
IMIS = {**IMIS, "SHOW_DEMO_ACCOUNTS": True}
