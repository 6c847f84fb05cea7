"""`make backup` / `make restore`: a backup restored into a fresh database holds the same
rows and the same geometries, table by table."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from containment.models import Containment
from spatial.models import Building

from .conftest import database_url
from .factories import BuildingFactory, ContainmentFactory, RoadFactory
from .fingerprints import fingerprint

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_restores_into_a_fresh_database(town, tmp_path):
    buildings = BuildingFactory.create_batch(5, municipality=town.municipality)
    ContainmentFactory(municipality=town.municipality, buildings=buildings[:1])
    RoadFactory(municipality=town.municipality)
    assert Building.objects.count() == 5
    assert Containment.objects.count() == 1
    source = database_url()
    env = {**os.environ, "DATABASE_URL": source}
    dump = tmp_path / "imis.dump"
    subprocess.run(["bash", str(ROOT / "scripts/backup.sh"), str(dump)], env=env, check=True)
    assert dump.stat().st_size > 0

    fresh = connection.settings_dict["NAME"] + "_restore"
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored = subprocess.run(
            ["bash", str(ROOT / "scripts/restore.sh"), str(dump)],
            env={**os.environ, "DATABASE_URL": database_url(fresh)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert restored.returncode == 0, restored.stderr[-2000:]
        before, after = fingerprint(source), fingerprint(database_url(fresh))
        assert after == before
        assert before["spatial_building"][0] == 5
        assert before["spatial_buildingevent"][0] >= 5  # the history came along
    finally:
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')


def test_the_scheduled_backup_keeps_the_newest(tmp_path):
    """The nightly backup (no FILE) writes a complete dump and keeps IMIS_BACKUP_KEEP."""
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in ("20250101", "20250102", "20250103"):
        (folder / f"imis-{day}-020000.dump").write_bytes(b"an older backup")
    (folder / "notes.txt").write_text("not a backup")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "IMIS_BACKUP_DIR": str(folder),
        "IMIS_BACKUP_KEEP": "2",
    }
    subprocess.run(["bash", str(ROOT / "scripts/backup.sh")], env=env, check=True)
    kept = sorted(path.name for path in folder.iterdir())
    assert kept[0] == "imis-20250103-020000.dump"
    assert kept[1].startswith("imis-2")
    assert kept[1] != kept[0]
    assert kept[2] == "notes.txt"
    assert len(kept) == 3
    assert (folder / kept[1]).read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
