import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from core.copying import close_kept_connections
from core.roles import MembershipRole
from spatial.models import Municipality, Ward

from .factories import (
    EAST,
    NORTH,
    SOUTH,
    SPLIT,
    WEST,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
    WardFactory,
    box,
)

# Playwright's sync API runs an event loop in the test thread; Django's ORM is used from
# the same thread only, so its async-safety guard can be relaxed for browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _copying_connections_closed(django_db_setup):
    """The copying connections that threads keep (core.copying) are closed before the test
    database is dropped, which it could not be while they are open."""
    yield
    close_kept_connections()


@dataclass
class Town:
    municipality: Municipality
    west: Ward
    east: Ward


def make_town(code: str | None = None, offset: float = 0.0) -> Town:
    kwargs = {"code": code} if code else {}
    municipality = MunicipalityFactory(
        boundary=box(WEST + offset, SOUTH, EAST + offset, NORTH), **kwargs
    )
    west = WardFactory(
        municipality=municipality, number=1, geom=box(WEST + offset, SOUTH, SPLIT + offset, NORTH)
    )
    east = WardFactory(
        municipality=municipality, number=2, geom=box(SPLIT + offset, SOUTH, EAST + offset, NORTH)
    )
    return Town(municipality, west, east)


@pytest.fixture
def town(db) -> Town:
    return make_town()


@pytest.fixture
def other_town(db) -> Town:
    """A second municipality, 0.2 degrees east, with its own users and data."""
    return make_town(offset=0.2)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def gis_officer(town):
    return MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user


@pytest.fixture
def executive(town):
    return MembershipFactory(municipality=town.municipality, role=MembershipRole.EXECUTIVE).user


@pytest.fixture
def gis_client(gis_officer) -> APIClient:
    return client_for(gis_officer)


@pytest.fixture
def outsider(db):
    return UserFactory()


# ---------------------------------------------------------------- browser tests
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-gpu",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    # Anything leaving the test server would be a tile or CDN fetch: fail loudly instead.
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A Content-Security-Policy violation is reported on the console: fail on it too.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    # Let the page's last requests finish first: a request the server is still answering
    # when the test database is flushed holds locks the TRUNCATE waits for (a deadlock).
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("networkidle", timeout=5000)
    context.close()
    assert not outside, f"page fetched from outside the test server: {outside[:3]}"
    assert not errors, f"JavaScript errors: {errors}"


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    # Each role lands on its own start page (core.navigation.LANDING).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.wait_for_load_state()


# ---------------------------------------------------------------- background worker
def database_url(name: str | None = None) -> str:
    """A libpq URL of the test database server (the test database, or `name` on it)."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgresql://{credentials}@{host}/{name or db['NAME']}"


def worker_environment(job_files: Path) -> dict[str, str]:
    """Environment for a `manage.py procrastinate worker` subprocess on the test database."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "IMIS_JOB_FILES_DIR": str(job_files),
    }


def worker_command(*extra: str) -> list[str]:
    import sys

    manage = Path(__file__).resolve().parent.parent / "manage.py"
    return [sys.executable, str(manage), "procrastinate", "worker", "--queues", "layers", *extra]


@pytest.fixture
def job_files(settings, tmp_path) -> Path:
    """A private folder for the jobs' files, shared with any worker subprocess."""
    folder = tmp_path / "jobs"
    settings.IMIS = {**settings.IMIS, "JOB_FILES_DIR": folder}
    return folder


@pytest.fixture
def worker(job_files, transactional_db):
    """A real worker process on the test database, stopped after the test."""
    import subprocess

    process = subprocess.Popen(  # our own manage.py
        worker_command("--fetch-job-polling-interval", "0.2"),
        env=worker_environment(job_files),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def if_match(client, url: str) -> dict[str, str]:
    """The If-Match header of a fresh read of `url`, as keyword arguments for a test client."""
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return {"HTTP_IF_MATCH": response["ETag"]}


def gpkg_round_trip(client, register: str, tmp_path: Path):
    """A GIS officer's round trip of `register`: its GeoPackage export read back with GDAL,
    then imported again as it is (committed). Returns the frame GDAL read and the import's
    report. The records must be committed: the export reads PostGIS over its own
    connection."""
    import pyogrio
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    response = client.get(reverse("spatial-api:export", args=[register]), {"export": "gpkg"})
    assert response.status_code == 200, register
    path = tmp_path / f"{register}.gpkg"
    path.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    again = client.post(
        f"/api/v1/imports/{register}/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "commit": "true"},
        format="multipart",
    )
    assert again.status_code == 200, again.content
    return pyogrio.read_dataframe(path), again.json()
