"""The servers the HTTP benchmarks run: gunicorn with the production settings on the bench
database, over plain HTTP/1.1. Imported after django.setup()."""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    # The bench's own key: sessions made by a benchmark are signed with it.
    "DJANGO_SECRET_KEY": settings.SECRET_KEY,
    "DJANGO_LOG_LEVEL": "WARNING",
    "IMIS_LOG_FORMAT": "plain",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 120) -> None:
    # make serve's certificate is self-signed.
    unverified = ssl._create_unverified_context()  # noqa: S323
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=unverified):  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


@contextlib.contextmanager
def gunicorn(*, workers: int, access_log: str = "/dev/null") -> Iterator[str]:
    """gunicorn with the project's own configuration (config/gunicorn.py) and the production
    settings (WhiteNoise serves the static files), over plain HTTP/1.1; yields its base URL.
    Every request is logged to `access_log` (a benchmark counts a client's requests there)."""
    port = free_port()
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "IMIS_BIND": f"127.0.0.1:{port}",
        "IMIS_WEB_WORKERS": str(workers),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py",
         "config.wsgi", "--access-logfile", access_log, "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def session_key(user) -> str:
    """A logged-in session of `user`, as the browser's cookie carries it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


@contextlib.contextmanager
def replay(upstream: str, served: list[str] | None = None) -> Iterator[str]:
    """A recording proxy in front of `upstream`: the first request of a URL is passed on (with
    the client's Host, so the links the server writes point back here), every later one is
    answered from memory. A client run twice through it meets, the second time, a server that
    costs nothing: what is left is the client's own time. Yields the proxy's base URL; each
    path it answers is appended to `served`."""
    import http.client
    import http.server
    import threading
    from urllib.parse import urlsplit

    target = urlsplit(upstream)
    recorded: dict[str, tuple[int, str, bytes]] = {}
    forwarded = ("Authorization", "Accept", "Cookie", "Host")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as from gunicorn

        def do_GET(self) -> None:
            if self.path not in recorded:
                origin = http.client.HTTPConnection(target.hostname, target.port, timeout=900)
                headers = {k: v for k in forwarded if (v := self.headers.get(k)) is not None}
                origin.request("GET", self.path, headers=headers)
                response = origin.getresponse()
                body = response.read()
                origin.close()
                recorded[self.path] = (
                    response.status,
                    response.getheader("Content-Type") or "",
                    body,
                )
            status, content_type, body = recorded[self.path]
            if served is not None:
                served.append(self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
