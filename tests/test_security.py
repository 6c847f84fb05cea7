"""Deployment hardening: production settings pass `check --deploy`, every page carries a
Content-Security-Policy, and pages that show user text render it as text."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy():
    # conftest relaxes async safety for the browser tests; a deployment never does.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-test-only-secret-" + "x" * 40,
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_every_response_has_a_content_security_policy(client):
    for url in ("/accounts/login/", "/public/", "/api/v1/schema/", "/ogc/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_api_docs_render_under_the_policy(page, live_server):
    """Swagger UI is served as files (no inline script), so the CSP lets it run; the page
    fixture fails on any CSP violation."""
    # Swagger UI draws the operations a window shows (and a little more): a tall one.
    page.set_viewport_size({"width": 1280, "height": 4000})
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .information-container").wait_for(timeout=30_000)
    assert page.locator(".opblock").count() > 20


def test_collectstatic_works_with_the_production_storage(tmp_path):
    """The Dockerfile and deployments run collectstatic with WhiteNoise's manifest storage,
    which fails on any file a static file refers to but that is missing (a vendored
    library's source map, say)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a-long-random-test-only-secret-" + "x" * 40,
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").is_file()
