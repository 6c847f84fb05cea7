"""The front-end libraries, from npm to static/vendor/ (and axe-core, which only the browser
tests load, to tests/vendor/):

    python scripts/assets.py          # `make assets`: install package-lock.json's versions
                                      # (npm ci, in a temporary folder) and copy their files
    python scripts/assets.py --check  # the same install, compared with static/vendor/

package.json pins each library, package-lock.json holds the exact versions and their
integrity hashes, and FILES below says which of each package's files the pages use. The
copies are committed, so neither the server nor the Docker image nor the test machine needs
npm; static/vendor/manifest.json records each file's path, package, version and SHA-256, and the
tests check the copies against it and, where npm is installed, against the registry.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
MANIFEST = VENDOR / "manifest.json"
# Where a package's files go when not to static/vendor/ (relative to the repository).
DESTINATION = {"axe-core": "tests/vendor"}
# The folder a package's files go to when not its npm name (a scoped package).
FOLDER = {
    "@geoman-io/leaflet-geoman-free": "leaflet-geoman",
    "@expo-google-fonts/noto-sans-bengali": "noto-sans-bengali",
}
# package -> its files the pages load (globs under the package), copied without "dist/".
FILES = {
    "axe-core": ["axe.min.js", "LICENSE"],
    # The source maps go along: the scripts name them, and collectstatic's hashed-name
    # storage fails on a named file that is missing.
    "chart.js": ["dist/chart.umd.min.js", "dist/chart.umd.min.js.map", "LICENSE.md"],
    "leaflet": [
        "dist/leaflet.js",
        "dist/leaflet.js.map",
        "dist/leaflet.css",
        "dist/images/*.png",
        "LICENSE",
    ],
    # The map editor (issue 21): drawing, reshaping, dragging and snapping.
    "@geoman-io/leaflet-geoman-free": [
        "dist/leaflet-geoman.min.js",
        "dist/leaflet-geoman.min.js.map",
        "dist/leaflet-geoman.css",
        "dist/leaflet-geoman.css.map",
        "LICENSE",
    ],
    # The web map's overview zooms (issue 22): the protocol buffer reader static/js/imis-tiles.js
    # decodes the project's own vector tiles with.
    "pbf": ["dist/pbf.js", "LICENSE"],
    # The PDF reports' typeface (issue 26, docs/decisions/0016-pdf-reports.md): Noto Sans
    # Bengali, whole (Bangla and Latin in one file, so one font shapes a mixed line), under
    # the SIL Open Font License.
    "@expo-google-fonts/noto-sans-bengali": [
        "400Regular/NotoSansBengali_400Regular.ttf",
        "700Bold/NotoSansBengali_700Bold.ttf",
        "LICENSE_FONT",
    ],
    "leaflet-draw": [
        "dist/leaflet.draw.js",
        "dist/leaflet.draw.css",
        "dist/images/*.png",
        "dist/images/*.svg",
        "package.json",  # its licence (MIT) is stated there; the package has no LICENSE file
    ],
}


def install(folder: Path) -> Path:
    """npm ci of the lock into `folder`; its node_modules."""
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / name, folder / name)
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not installed (Debian: apt-get install npm)")
    subprocess.run(  # noqa: S603
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        check=True,
    )
    return folder / "node_modules"


def wanted(modules: Path) -> dict[str, dict]:
    """package -> {"version", "files": {vendored path: source path}}."""
    out = {}
    for package, patterns in FILES.items():
        root = modules / package
        version = json.loads((root / "package.json").read_text())["version"]
        files = {}
        for pattern in patterns:
            matches = sorted(root.glob(pattern))
            if not matches:
                raise SystemExit(f"{package}@{version} has no {pattern}")
            for source in matches:
                relative = source.relative_to(root).as_posix().removeprefix("dist/")
                folder = DESTINATION.get(package, "static/vendor")
                files[f"{folder}/{FOLDER.get(package, package)}/{relative}"] = source
        out[package] = {"version": version, "files": files}
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy(modules: Path) -> None:
    shutil.rmtree(VENDOR, ignore_errors=True)
    for folder in set(DESTINATION.values()):
        for package in DESTINATION:
            shutil.rmtree(ROOT / folder / package, ignore_errors=True)
    manifest = {}
    for package, found in wanted(modules).items():
        entry = {"version": found["version"], "files": {}}
        for target, source in found["files"].items():
            destination = ROOT / target
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            entry["files"][target] = sha256(destination)
        manifest[package] = entry
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    print(f"Copied {sum(len(e['files']) for e in manifest.values())} files (manifest: {MANIFEST})")


def check(modules: Path) -> list[str]:
    """Differences between static/vendor/ and a fresh install of the lock."""
    problems = []
    manifest = json.loads(MANIFEST.read_text())
    for package, found in wanted(modules).items():
        recorded = manifest.get(package, {})
        if recorded.get("version") != found["version"]:
            problems.append(
                f"{package}: vendored {recorded.get('version')}, lock {found['version']}"
            )
        for target, source in found["files"].items():
            copy_ = ROOT / target
            if not copy_.is_file() or copy_.read_bytes() != source.read_bytes():
                problems.append(f"{target} differs from {package}@{found['version']}")
    return problems


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="imis-assets-") as folder:
        modules = install(Path(folder))
        if "--check" in argv:
            problems = check(modules)
            print("\n".join(problems) or "static/vendor/ matches package-lock.json")
            return 1 if problems else 0
        copy(modules)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
