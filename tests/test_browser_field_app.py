"""The enumerator's field app in Chromium (issue 23), against a real application server that
the test stops and starts: download a ward, stop the server, reload the app (the service
worker serves it), fill five submissions (one with a photo, two of buildings not on the
map), close the browser, open the same profile again, start the server, sync: exactly five
submissions and their photo are stored, each once, however often the phone sends them."""

from __future__ import annotations

import contextlib
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zlib
from pathlib import Path

import pytest

from core.roles import MembershipRole
from surveys import services
from surveys.models import Submission, SubmissionPhoto

from .conftest import CHROMIUM, database_url, make_town
from .factories import BuildingFactory, MembershipFactory, UserFactory, square, town_campaign

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guide" / "images"
LAT, LON = 22.9412, 90.8150


def _png(width: int = 64, height: int = 48) -> bytes:
    """A small PNG made by hand (a camera photo's stand-in)."""
    row = b"\x00" + bytes([200, 120, 40]) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class Server:
    """`manage.py runserver` on the test database, stopped and started by the test."""

    def __init__(self, media: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://localhost:{self.port}"
        self.media = media
        self.process = None

    def start(self) -> None:
        env = {
            **__import__("os").environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DJANGO_MEDIA_ROOT": str(self.media),
        }
        self.process = subprocess.Popen(  # our own manage.py
            [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", "--insecure",
             f"127.0.0.1:{self.port}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError("the application server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture
def field_town(db):
    town = make_town()
    enumerator = UserFactory()
    MembershipFactory(
        user=enumerator, municipality=town.municipality, role=MembershipRole.ENUMERATOR
    ).wards.add(town.west)
    campaign = town_campaign(town, name="July household survey")
    services.assignment_create(campaign=campaign, enumerator=enumerator, ward=town.west)
    buildings = [
        BuildingFactory(municipality=town.municipality, geom=square(LON + i * 0.0003, LAT, 10))
        for i in range(3)
    ]
    return enumerator, campaign, buildings


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path / "media")
    running.start()
    yield running
    running.stop()


def _open(playwright, profile: Path, lon: float, lat: float):
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        viewport={"width": 360, "height": 640},
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 6},
        permissions=["geolocation"],
        locale="bn-BD",
    )
    page = context.pages[0] if context.pages else context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def _kill(profile: Path) -> None:
    """Kill the browser of `profile` outright (SIGKILL), as a phone's battery or the system
    would: nothing gets to close cleanly."""
    import os
    import signal

    mark = f"--user-data-dir={profile}".encode()
    killed = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if mark in command:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
    assert killed, "no browser process of the profile found"


def _fill(page, floors: str, *, photo: bytes | None = None) -> None:
    page.wait_for_selector("#field-form:not([hidden])")
    page.fill("#q-floor_count", floors)
    page.select_option("#q-functional_use", "residential")
    page.locator(".imis-q[data-name='has_toilet'] input").first.check()
    page.wait_for_function(
        "() => document.getElementById('field-main').dataset.draftSaved !== undefined"
    )
    if photo is not None:
        page.set_input_files(
            "#field-photo", files=[{"name": "house.png", "mimeType": "image/png", "buffer": photo}]
        )
        page.wait_for_selector("#field-photo-count:not(:empty)")
    page.click("#field-finish")
    page.wait_for_selector("#field-ward:not([hidden])")


def test_offline_campaign_day_then_sync_once(field_town, server, tmp_path):
    from playwright.sync_api import sync_playwright

    enumerator, campaign, buildings = field_town
    profile = tmp_path / "profile"
    with sync_playwright() as playwright:
        context, page, errors = _open(playwright, profile, LON, LAT)
        page.goto(f"{server.url}/accounts/login/?next=/field/")
        page.fill("#id_username", enumerator.username)
        page.fill("#id_password", "pw")
        page.click("button[type=submit]")
        page.wait_for_selector("#field-main[data-ready='1']")
        page.wait_for_selector("#field-main[data-offline-ready='1']", state="attached")
        # The size is said before the download.
        download = page.locator("#field-assignments button").first
        page.wait_for_function(
            "() => document.querySelector('#field-assignments button').dataset.bytes"
        )
        assert "KB" in download.inner_text()
        download.click()
        page.wait_for_selector(f"#field-main[data-downloaded='{campaign.wards.first().pk}']")
        GUIDE.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(GUIDE / "field-app-wards.png"))

        # The network is gone (the server, not the browser's switch: a service worker's
        # own fetches ignore that).
        server.stop()
        page.reload()
        page.wait_for_selector("#field-main[data-ready='1']")
        page.click("#field-assignments button.imis-button-primary")
        page.wait_for_selector("#field-map[data-ready='1']")
        assert page.get_attribute("#field-map", "data-buildings") == "3"
        for index, building in enumerate(buildings):
            centre = building.geom.point_on_surface
            context.set_geolocation({"longitude": centre.x, "latitude": centre.y, "accuracy": 6})
            page.wait_for_timeout(300)
            page.click("#field-nearest")
            _fill(page, str(index + 1), photo=_png() if index == 0 else None)
            if index == 0:
                page.screenshot(path=str(GUIDE / "field-app-map.png"))
        for n in range(2):
            context.set_geolocation({"longitude": LON + 0.002 + n * 0.001, "latitude": LAT})
            page.wait_for_timeout(300)
            page.click("#field-new")
            if n == 0:
                _draw(page)
            else:
                page.click("#field-drawing-skip")
            _fill(page, "1")
        page.click("#field-back")
        page.wait_for_selector("#field-main[data-queued='5']")
        assert not errors, errors
        _kill(profile)
        with contextlib.suppress(Exception):
            context.close()

        # The same phone the next morning: the app opens without the server.
        context, page, errors = _open(playwright, profile, LON, LAT)
        page.goto(f"{server.url}/field/")
        page.wait_for_selector("#field-main[data-queued='5']")
        assert Submission.objects.count() == 0
        server.start()
        page.click("#field-sync")
        _sent_after_login_if_asked(page, server, enumerator)
        # Sent twice more: nothing doubles.
        page.click("#field-sync")
        page.wait_for_function("() => document.getElementById('field-main').dataset.sent === '5'")
        page.screenshot(path=str(GUIDE / "field-app-sent.png"))
        assert not errors, errors
        context.close()

    stored = Submission.objects.filter(enumerator=enumerator)
    assert stored.count() == 5
    assert sorted(stored.values_list("answers__floor_count", flat=True)) == [1, 1, 1, 2, 3]
    assert SubmissionPhoto.objects.filter(submission__in=stored).count() == 1
    assert stored.filter(building__isnull=True).count() == 2
    # The drawn building came with its footprint: about 40 by 30 pixels at zoom 18.
    drawn = stored.get(footprint__isnull=False)
    assert drawn.match_kind == "new"
    assert 50 < drawn.footprint.transform(32646, clone=True).area < 500


def _draw(page) -> None:
    """Tap four corners of a building around the middle of the map, then Done."""
    box = page.locator("#field-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-20, -15), (20, -15), (20, 15), (-20, 15)):
        page.mouse.click(x + dx, y + dy)
    page.wait_for_selector("#field-map[data-corners='4']")
    page.click("#field-drawing-done")


def _sent_after_login_if_asked(page, server, user) -> None:
    """Wait for the queue to be sent. A killed browser may not have written its cookies
    yet: then the session is gone (the app says so, or the server asks for the login
    first) and the queue is not; logging in again sends it."""
    page.wait_for_selector(
        "#field-main[data-synced], #field-login:not([hidden]), #id_username", state="attached"
    )
    if page.is_visible("#field-login") or page.is_visible("#id_username"):
        _log_in(page, server, user)
    page.wait_for_selector("#field-main[data-queued='0']", state="attached")


def _queue(page, count: int) -> None:
    """Queue `count` submissions of new buildings around the ward's first building."""
    page.click("#field-assignments button.imis-button-primary")
    page.wait_for_selector("#field-map[data-ready='1']")
    for _ in range(count):
        page.click("#field-new")
        page.click("#field-drawing-skip")
        _fill(page, "2")
    page.click("#field-back")
    page.wait_for_selector(f"#field-main[data-queued='{count}']")


def _log_in(page, server, user) -> None:
    page.goto(f"{server.url}/accounts/login/?next=/field/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_selector("#field-main[data-ready='1']")


def test_a_lost_answer_and_a_lost_login_lose_nothing(field_town, server, tmp_path):
    """The server takes a batch but the browser is killed before its answer arrives: sent
    again when the app opens, nothing doubles. Logged out with items queued: the queue waits for the
    enumerator to log in again."""
    from django.contrib.sessions.models import Session
    from playwright.sync_api import sync_playwright

    enumerator, _campaign, buildings = field_town
    centre = buildings[0].geom.point_on_surface
    profile = tmp_path / "profile"
    with sync_playwright() as playwright:
        context, page, errors = _open(playwright, profile, centre.x, centre.y)
        _log_in(page, server, enumerator)
        page.locator("#field-assignments button").first.click()
        page.wait_for_selector("#field-main[data-downloaded]", state="attached")
        server.stop()  # so that nothing is sent while the queue fills
        _queue(page, 3)
        server.start()
        # The batch reaches the server; the browser dies before the answer arrives.
        reached = []

        def die(route):
            reached.append(route.fetch().status)
            _kill(profile)

        page.route("**/api/v1/surveys/submissions/batch/", die)
        with contextlib.suppress(Exception):
            page.click("#field-sync")
            page.wait_for_timeout(3000)
        assert reached == [200]
        assert Submission.objects.filter(enumerator=enumerator).count() == 3
        with contextlib.suppress(Exception):
            context.close()

        context, page, errors = _open(playwright, profile, centre.x, centre.y)
        page.goto(f"{server.url}/field/")
        _sent_after_login_if_asked(page, server, enumerator)
        assert Submission.objects.filter(enumerator=enumerator).count() == 3

        # Logged out (the session is gone) with two more queued: kept, then sent.
        server.stop()
        page.reload()
        page.wait_for_selector("#field-main[data-ready='1']")
        _queue(page, 2)
        Session.objects.all().delete()
        server.start()
        page.click("#field-sync")
        page.wait_for_selector("#field-login:not([hidden])")
        assert page.get_attribute("#field-main", "data-queued") == "2"
        _log_in(page, server, enumerator)
        page.wait_for_selector("#field-main[data-queued='0']")
        assert not errors, errors
        context.close()
    assert Submission.objects.filter(enumerator=enumerator).count() == 5


def test_a_returned_submission_comes_back_with_the_note_and_goes_back_corrected(
    field_town, server, tmp_path
):
    from playwright.sync_api import sync_playwright

    from core.roles import MembershipRole as Role

    enumerator, campaign, buildings = field_town
    supervisor = MembershipFactory(municipality=campaign.municipality, role=Role.SURVEY_SUPERVISOR)
    centre = buildings[1].geom.point_on_surface
    with sync_playwright() as playwright:
        context, page, errors = _open(playwright, tmp_path / "profile", centre.x, centre.y)
        _log_in(page, server, enumerator)
        page.locator("#field-assignments button").first.click()
        page.wait_for_selector("#field-main[data-downloaded]", state="attached")
        page.click("#field-assignments button.imis-button-primary")
        page.wait_for_selector("#field-map[data-ready='1']")
        page.wait_for_timeout(300)
        page.click("#field-nearest")
        _fill(page, "4")
        page.click("#field-back")
        page.wait_for_selector("#field-main[data-sent='1']")
        first = Submission.objects.get(enumerator=enumerator)
        services.submission_return(
            submission=first, reviewer=supervisor.user, reason="Count the floors again"
        )
        page.evaluate("() => { delete document.getElementById('field-main').dataset.synced; }")
        page.click("#field-sync")
        page.wait_for_selector("#field-main[data-synced]", state="attached")
        page.wait_for_selector("#field-queue li[data-status='returned'] button")
        page.click("#field-queue li[data-status='returned'] button")
        page.wait_for_selector("#field-form:not([hidden])")
        assert "Count the floors again" in page.inner_text("#field-form-note")
        assert page.input_value("#q-floor_count") == "4"
        page.fill("#q-floor_count", "5")
        page.click("#field-finish")
        page.wait_for_selector("#field-ward:not([hidden])")
        page.click("#field-back")
        page.wait_for_selector("#field-main[data-sent='2']")
        assert not errors, errors
        context.close()
    correction = Submission.objects.get(corrects=first)
    assert correction.answers["floor_count"] == 5
