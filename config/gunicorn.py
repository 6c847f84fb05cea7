"""Gunicorn's settings for production (`gunicorn -c config/gunicorn.py config.wsgi`), each
overridable from the environment. The web server in front (deploy/nginx) terminates TLS,
serves static and private files and buffers slow clients."""

import os

bind = os.environ.get("IMIS_BIND", "127.0.0.1:8001")
# Sync workers: each request is short (the database does the work, big layers stream).
workers = int(os.environ.get("IMIS_WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
timeout = int(os.environ.get("IMIS_WEB_TIMEOUT", "120"))
graceful_timeout = 30
# Recycle workers now and then, so that a slow leak cannot grow for months.
max_requests = 2000
max_requests_jitter = 200
# The proxy on this machine sets X-Forwarded-Proto; trust only it.
forwarded_allow_ips = os.environ.get("IMIS_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
logger_class = (
    "core.logs.GunicornJsonLogger"
    if os.environ.get("IMIS_LOG_FORMAT", "json") == "json"
    else "gunicorn.glogging.Logger"
)
