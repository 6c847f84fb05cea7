"""The production path as an IT officer runs it: scripts/serve-production.sh (gunicorn with
the production settings, nginx with TLS in front, the worker) on a PostgreSQL cluster of the
test's own, which the test stops and starts to see how the server answers an outage.

Real parts only: nginx and openssl from Debian, PostgreSQL's own initdb and pg_ctl, HTTPS
requests from a separate client. Skips with the reason when nginx or PostgreSQL's server
programs are missing (`make setup-test` installs them).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import database_url

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(f"/usr/lib/postgresql/{os.environ.get('PG_VERSION', '15')}/bin")
AS_ROOT = os.geteuid() == 0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed"),
    pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="PostgreSQL's initdb is missing"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster (run as the postgres user when the test runs as root,
    as initdb requires)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="imis-prod-pg-"))
        self.port = free_port()
        if AS_ROOT:
            shutil.chown(self.folder, "postgres")
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._run(PG_BIN / "initdb", "-D", self.data, "-U", "imis", "--auth=trust", "-E", "UTF8")
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql://imis@127.0.0.1:{self.port}/imis"

    def _run(self, *command):
        command = [str(part) for part in command]
        if AS_ROOT:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd="/")

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start")

    def stop(self, mode: str = "immediate"):
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("fast")
        shutil.rmtree(self.folder, ignore_errors=True)


def https(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the stack's own self-signed certificate
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=60, context=context)
    return _ask(connection, method, path, body, headers)


def direct(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    """Straight to gunicorn, as nginx asks it (X-Forwarded-Proto: https)."""
    headers = {**(headers or {}), "X-Forwarded-Proto": "https"}
    return plain(port, method, path, body, headers)


def plain(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    return _ask(
        http.client.HTTPConnection("127.0.0.1", port, timeout=60), method, path, body, headers
    )


def _ask(connection, method, path, body, headers):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), content


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """The production stack on a cluster holding the test database's schema."""
    with django_db_blocker.unblock():
        source = database_url()
    cluster = Cluster()
    folder = tmp_path_factory.mktemp("production")
    process = None
    try:
        subprocess.run(
            [PG_BIN / "psql", f"postgresql://imis@127.0.0.1:{cluster.port}/postgres", "-qc",
             "CREATE DATABASE imis"], check=True, capture_output=True,
        )  # fmt: skip
        # The schema, and which migrations made it (readiness checks them).
        schema = subprocess.run(
            [PG_BIN / "pg_dump", "--schema-only", "--no-owner", source],
            check=True, capture_output=True,
        ).stdout  # fmt: skip
        schema += subprocess.run(
            [PG_BIN / "pg_dump", "--data-only", "--table=django_migrations", source],
            check=True, capture_output=True,
        ).stdout  # fmt: skip
        subprocess.run(
            [PG_BIN / "psql", "-q", "-v", "ON_ERROR_STOP=1", cluster.url],
            input=schema, check=True, capture_output=True,
        )  # fmt: skip
        ports = {"https": free_port(), "http": free_port(), "web": free_port()}
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url,
            "DJANGO_SECRET_KEY": "test-production-stack",
            "IMIS_HTTPS_PORT": str(ports["https"]),
            "IMIS_HTTP_PORT": str(ports["http"]),
            "IMIS_BIND": f"127.0.0.1:{ports['web']}",
            "IMIS_RUN_DIR": str(folder / "run"),
            "IMIS_WEB_WORKERS": "1",  # one process: the outage must be logged once
            "DJANGO_STATIC_ROOT": str(folder / "static"),
            "DJANGO_MEDIA_ROOT": str(folder / "media"),
            "IMIS_JOB_FILES_DIR": str(folder / "media" / "jobs"),
            "DJANGO_LOG_LEVEL": "INFO",
            "PY": sys.executable,
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        subprocess.run(
            [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "root",
             "--email", "root@example.org"],
            cwd=ROOT, check=True, capture_output=True,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production",
                 "DJANGO_SUPERUSER_PASSWORD": "a-long-test-password"},
        )  # fmt: skip
        log = folder / "stack.log"
        process = subprocess.Popen(
            ["bash", "scripts/serve-production.sh"], cwd=ROOT, env=env,
            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                if https(ports["https"], "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        yield {"ports": ports, "cluster": cluster, "log": log, "media": folder / "media"}
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        cluster.remove()


def token(stack) -> str:
    status, _headers, body = https(
        stack["ports"]["https"], "POST", "/api/v1/auth/token/",
        json.dumps({"username": "root", "password": "a-long-test-password"}).encode(),
        {"Content-Type": "application/json"},
    )  # fmt: skip
    assert status == 200, body
    return json.loads(body)["token"]


def test_https_in_front_static_files_and_health(stack):
    ports = stack["ports"]
    status, headers, _body = plain(ports["http"], "GET", "/accounts/login/")
    assert status == 301
    assert headers["Location"] == f"https://127.0.0.1:{ports['https']}/accounts/login/"
    status, headers, body = https(ports["https"], "GET", "/accounts/login/")
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert b'name="csrfmiddlewaretoken"' in body
    static = body.split(b'href="/static/css/')[1].split(b'"')[0].decode()
    assert static.count(".") == 2, static  # the manifest's hashed name
    status, headers, css = https(ports["https"], "GET", f"/static/css/{static}")
    assert status == 200
    assert headers["Server"].startswith("nginx")
    assert "immutable" in headers["Cache-Control"]
    assert b".imis-header" in css
    status, _headers, body = https(ports["https"], "GET", "/healthz")
    assert (status, json.loads(body)["checks"]) == (200, {"database": "ok"})
    status, _headers, body = https(ports["https"], "GET", "/readyz")
    assert status == 200
    assert json.loads(body)["checks"] == {"database": "ok", "migrations": "ok"}


def test_a_body_over_the_limit_gets_413_with_the_way_to_send_it(stack):
    """Directly to gunicorn (the client is still sending when Django refuses) and through
    nginx: a 413 with the limit and the import job, not a reset connection."""
    body = json.dumps({"type": "Feature", "pad": "x" * 12_000_000}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token(stack)}"}
    for ask, port in ((direct, stack["ports"]["web"]), (https, stack["ports"]["https"])):
        status, _headers, content = ask(port, "POST", "/api/v1/buildings/", body, headers)
        assert status == 413, content[:300]
        detail = json.loads(content)["detail"]
        assert "5.0 MB" in detail
        assert "/api/v1/jobs/imports/" in detail


def test_private_files_leave_through_nginx(stack):
    """An export file: Django checks who asks and hands the sending to nginx."""
    headers = {"Authorization": f"Token {token(stack)}", "Content-Type": "application/json"}
    port = stack["ports"]["https"]
    status, _h, body = https(
        port, "POST", "/api/v1/jobs/exports/",
        json.dumps({"layer": "wards", "format": "geojson"}).encode(), headers,
    )  # fmt: skip
    assert status in (200, 201, 202), body
    job = json.loads(body)
    deadline = time.monotonic() + 90
    while job["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = json.loads(https(port, "GET", f"/api/v1/jobs/{job['id']}/", None, headers)[2])
    assert job["status"] == "done", job
    path = f"/api/v1/jobs/{job['id']}/file/"
    status, handed, content = direct(stack["ports"]["web"], "GET", path, None, headers)
    assert status == 200
    assert handed["X-Accel-Redirect"].startswith("/private-files/")
    assert content == b""
    status, served, content = https(port, "GET", path, None, headers)
    assert status == 200
    assert json.loads(content)["type"] == "FeatureCollection"
    assert "X-Accel-Redirect" not in served
    status, _h, _c = https(port, "GET", handed["X-Accel-Redirect"])
    assert status == 404  # the internal location is not reachable from outside


def test_a_database_outage_answers_503_and_is_logged_once(stack):
    ports, cluster, log = stack["ports"], stack["cluster"], stack["log"]
    login = json.dumps({"username": "root", "password": "wrong"}).encode()
    json_body = {"Content-Type": "application/json"}
    seen = log.stat().st_size
    cluster.stop("immediate")
    try:
        for _ in range(3):
            status, headers, body = https(ports["https"], "POST", "/api/v1/auth/token/", login,
                                          json_body)  # fmt: skip
            assert status == 503, body[:300]
            assert int(headers["Retry-After"]) > 0
            assert "database" in json.loads(body)["detail"]
        status, headers, body = https(
            ports["https"], "GET", "/public/", None, {"Accept": "text/html"}
        )
        assert status == 503
        assert headers["Content-Type"].startswith("text/html")
        assert b"<h1>" in body
        assert "Retry-After" in headers
        status, _headers, body = https(ports["https"], "GET", "/healthz")
        assert status == 503
        assert json.loads(body)["checks"]["database"] == "unreachable"
    finally:
        cluster.start()
    deadline = time.monotonic() + 30
    while https(ports["https"], "GET", "/healthz")[0] != 200:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    status, _headers, body = https(ports["https"], "POST", "/api/v1/auth/token/", login, json_body)
    assert status == 400, body
    time.sleep(0.5)
    with log.open("rb") as lines:
        lines.seek(seen)
        written = lines.read().decode(errors="replace")
    assert written.count("database unavailable") == 1, written[-3000:]
    assert written.count("database available again") == 1, written[-3000:]
    assert "Internal Server Error" not in written
