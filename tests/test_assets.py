"""Front-end libraries: pinned in package-lock.json, copied into static/vendor/ by
scripts/assets.py (`make assets`), served from this server only."""

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"


def test_vendored_files_are_the_locked_versions():
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    manifest = json.loads((VENDOR / "manifest.json").read_text())
    package = json.loads((ROOT / "package.json").read_text())
    pinned = {**package["dependencies"], **package.get("devDependencies", {})}
    assert set(manifest) == set(pinned)
    for package, entry in manifest.items():
        assert entry["version"] == pinned[package] == lock[f"node_modules/{package}"]["version"]
        assert lock[f"node_modules/{package}"]["integrity"].startswith("sha512-")
        for path, digest in entry["files"].items():
            assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == digest, path
    vendored = {
        p.relative_to(ROOT).as_posix()
        for folder in (VENDOR, ROOT / "tests" / "vendor")
        for p in folder.rglob("*")
        if p.is_file()
    }
    listed = {path for entry in manifest.values() for path in entry["files"]}
    assert vendored - {"static/vendor/manifest.json"} == listed  # nothing unaccounted for
    assert (
        "Leaflet " + manifest["leaflet"]["version"]
        in (VENDOR / "leaflet/leaflet.js").read_text()[:200]
    )


def test_pages_load_scripts_and_styles_from_this_server_only():
    templates = [p for p in ROOT.glob("*/templates/**/*.html")] + list(
        ROOT.glob("templates/**/*.html")
    )
    assert templates
    for template in templates:
        text = template.read_text()
        for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', text):
            assert not re.match(r"(https?:)?//", url), (template, url)  # no CDN
        assert "{% leaflet_js" not in text, template
        assert "'leaflet/" not in text, template


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_vendored_files_match_a_fresh_install_from_the_registry():
    """npm ci of package-lock.json (integrity checked by npm) gives the same bytes."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/assets.py"), "--check"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
