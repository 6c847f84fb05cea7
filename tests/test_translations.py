"""Every user-facing string has a Bangla translation, and the catalogue is current."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "bn" / "LC_MESSAGES" / "django.po"
# Strings of the scripts (gettext() in static/js, served by /jsi18n/).
JS_CATALOGUE = ROOT / "locale" / "bn" / "LC_MESSAGES" / "djangojs.po"


def entries(text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, continuation lines joined; header skipped.
    A fuzzy entry counts as untranslated (compilemessages leaves it out)."""
    pairs = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            # Plural entries: every msgstr[N] must be filled; they are joined here.
            match = re.match(r'^(msgid|msgstr)(?:\[\d+\])? "(.*)"$', line)
            if match and match[1] == "msgstr" and "[" in line.split(" ")[0]:
                index = line.split(" ")[0]
                fields[index] = match[2]
                fields.setdefault("msgstr", "")
                current = index
                continue
            if match:
                current = match[1]
                fields[current] = match[2]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
            elif line.startswith("#~"):
                current = None
        if fields.get("msgid"):
            fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
            plural = [v for k, v in fields.items() if k.startswith("msgstr[")]
            translated = all(plural) if plural else fields.get("msgstr", "")
            pairs.append((fields["msgid"], "" if fuzzy or not translated else "ok"))
    return pairs


def test_every_string_has_a_bangla_translation():
    for catalogue in (CATALOGUE, JS_CATALOGUE):
        untranslated = [msgid for msgid, msgstr in entries(catalogue.read_text()) if not msgstr]
        assert not untranslated, catalogue.name


def test_catalogue_holds_every_marked_string(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".local",
            ".git",
            "test-artifacts",
            "__pycache__",
            "tests",
            "vendor",
            "node_modules",
        ),
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"}
    for domain, catalogue in (("django", CATALOGUE), ("djangojs", JS_CATALOGUE)):
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-d", domain, "-l", "bn", "-v", "0"],
            cwd=copy,
            check=True,
            env=env,
        )
        fresh = {msgid for msgid, _ in entries((copy / catalogue.relative_to(ROOT)).read_text())}
        known = {msgid for msgid, _ in entries(catalogue.read_text())}
        assert fresh <= known, f"run `make messages` and translate: {sorted(fresh - known)}"
