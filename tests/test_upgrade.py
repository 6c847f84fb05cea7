"""A backup of an earlier release restores and migrates forward, losing nothing.

tests/data/main-e2a7d87.dump is `make backup` of a small demo town (150 buildings, the demo
accounts, a layer job, login events, edited memberships) made on main at e2a7d87, before the
platform's models moved from the spatial app to core (issue 18). Restored into a fresh
database and migrated with today's code, every table keeps its rows and every geometry its
bytes, and the moved models work: history is still recorded, once per change."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from .conftest import database_url
from .fingerprints import fingerprint

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "tests/data/main-e2a7d87.dump"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restored():
    """A fresh database holding the old backup, as `make restore` leaves it."""
    name = connection.settings_dict["NAME"] + "_upgrade"
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    try:
        result = subprocess.run(
            ["bash", str(ROOT / "scripts/restore.sh"), str(BACKUP)],
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        yield url
    finally:
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(url: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_old_backup_migrates_forward_with_every_row_and_geometry(restored):
    before = fingerprint(restored)
    assert before["spatial_building"][0] == 150
    assert before["spatial_membership"][0] > 0
    assert before["spatial_membershipevent"][0] > before["spatial_membership"][0]

    migrated = _manage(restored, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    assert "core.0001_platform_records_from_spatial" in migrated.stdout
    check = _manage(restored, "migrate", "--check")
    assert check.returncode == 0, check.stdout[-2000:]

    after = fingerprint(restored)
    for table in ("django_migrations", "django_content_type", "auth_permission"):
        # Models added since the backup add their content types and permissions.
        assert after.pop(table)[0] >= before.pop(table)[0], table
    # Tables added since the backup start empty; every other table is as it was.
    added = set(after) - set(before)
    assert {table: after[table][0] for table in added} == dict.fromkeys(added, 0)
    assert {table: _old_columns(after[table], before[table]) for table in before} == before


def _old_columns(after: tuple, before: tuple) -> tuple:
    """A table's fingerprint without the geometry columns added since the backup: they hold
    nothing yet (their checksum is None), and the others must be as they were."""
    checksums = list(after[1:])
    for _added in range(len(after) - len(before)):
        checksums.remove(None)
    return (after[0], *checksums)


def test_the_moved_models_keep_working_after_the_upgrade(restored):
    migrated = _manage(restored, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    with psycopg.connect(restored, autocommit=True) as conn:
        labels = dict(
            conn.execute(
                "SELECT model, app_label FROM django_content_type "
                "WHERE model IN ('membership', 'membershipevent', 'layerjob', 'loginevent')"
            ).fetchall()
        )
        assert labels == dict.fromkeys(
            ("membership", "membershipevent", "layerjob", "loginevent"), "core"
        )
        member = conn.execute("SELECT min(id) FROM spatial_membership").fetchone()[0]
        events = "SELECT count(*) FROM spatial_membershipevent WHERE pgh_obj_id = %s"
        before = conn.execute(events, [member]).fetchone()[0]
        conn.execute(
            "UPDATE spatial_membership SET role = CASE WHEN role = 'executive' "
            "THEN 'gis_officer' ELSE 'executive' END WHERE id = %s",
            [member],
        )
        # One event: core's trigger records it, spatial's old one is gone.
        assert conn.execute(events, [member]).fetchone()[0] == before + 1
        members = conn.execute("SELECT count(*) FROM spatial_membership").fetchone()[0]
    shell = _manage(
        restored,
        "shell",
        "-c",
        "from core.models import LayerJob, LoginEvent, Membership;"
        "print(Membership.objects.count(), LayerJob.objects.get().layer,"
        " LoginEvent.objects.filter(outcome='failure').count())",
    )
    assert shell.returncode == 0, shell.stderr[-2000:]
    assert shell.stdout.split()[-3:] == [str(members), "buildings", "1"]
