"""Production: everything secret or host-specific comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *

DEBUG = False
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY for production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True

# One JSON object per line (config/logs.py); IMIS_LOG_FORMAT=text for plain lines.
if os.environ.get("IMIS_LOG_FORMAT", "json") == "json":
    LOGGING["formatters"] = {"json": {"()": "core.logs.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
# Private files go out through nginx (deploy/nginx/imis.conf) unless set otherwise.
IMIS["PRIVATE_FILES_ACCEL"] = os.environ.get("IMIS_PRIVATE_FILES_ACCEL", "/private-files/")
