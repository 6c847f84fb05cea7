"""Exports and imports as background jobs: queued through the API, run by the procrastinate
worker (in-process via jobs.run_job, and as a real `manage.py procrastinate worker`),
progress recorded, files read back with GDAL, access limited to the job's owner."""

import io
import json
import subprocess
import zipfile

import pyogrio
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import load_workbook

from core import jobs
from core.models import LayerJob
from core.roles import MembershipRole
from spatial.models import Building
from tests.conftest import client_for, worker_command, worker_environment
from tests.factories import SPLIT, BuildingFactory, MembershipFactory, square

EXPORTS = "/api/v1/jobs/exports/"
IMPORTS = "/api/v1/jobs/imports/"


@pytest.fixture
def officer(town):
    return MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user


def _geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _feature(geometry, **properties):
    return {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(geometry),
        "properties": properties,
    }


def _good_file() -> bytes:
    return _geojson(
        _feature(
            shapely.box(SPLIT - 0.01, 22.94, SPLIT - 0.0099, 22.9401), holding_number="01-0001"
        ),
        _feature(
            shapely.box(SPLIT + 0.01, 22.94, SPLIT + 0.0101, 22.9401), holding_number="02-0001"
        ),
    )


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in entries:
            bundle.writestr(name, content)
    return buffer.getvalue()


def _start_import(user, content: bytes, name="buildings.geojson", **data):
    return client_for(user).post(
        IMPORTS,
        {"layer": "buildings", "file": SimpleUploadedFile(name, content), **data},
        format="multipart",
    )


def _queued_task_ids() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (args->>'job_id')::int FROM procrastinate_jobs"
            " WHERE task_name = 'spatial.run_layer_job' AND status = 'todo' ORDER BY id"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
class TestInProcess:
    def test_export_is_queued_then_written_with_progress(self, town, officer, job_files):
        BuildingFactory.create_batch(
            3, municipality=town.municipality, geom=square(SPLIT - 0.01, 22.94)
        )
        response = client_for(officer).post(
            EXPORTS, {"layer": "buildings", "format": "geojson"}, format="json"
        )
        assert response.status_code == 202, response.content
        body = response.json()
        assert body["status"] == "queued"
        assert response["Location"] == body["url"]
        assert _queued_task_ids() == [body["id"]]

        jobs.run_job(body["id"])
        done = client_for(officer).get(body["url"]).json()
        assert done["status"] == "done", done
        assert (done["done"], done["total"], done["percent"]) == (3, 3, 100)
        download = client_for(officer).get(done["file_url"])
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith(
            'attachment; filename="buildings.geojson"'
        )
        collection = json.loads(b"".join(download.streaming_content))
        assert len(collection["features"]) == 3 == collection["numberReturned"]

    def test_xlsx_and_csv_exports_of_one_ward(self, town, officer, job_files):
        BuildingFactory(municipality=town.municipality, geom=square(SPLIT - 0.01, 22.94))
        BuildingFactory(municipality=town.municipality, geom=square(SPLIT + 0.01, 22.94))
        client = client_for(officer)
        for fmt in ("xlsx", "csv"):
            job = client.post(
                EXPORTS, {"layer": "buildings", "format": fmt, "ward": town.west.pk}, format="json"
            ).json()
            jobs.run_job(job["id"])
            path = jobs.job_file(LayerJob.objects.get(pk=job["id"]))
            assert path.name == f"buildings-ward-{town.west.pk}.{fmt}"
            if fmt == "xlsx":
                rows = list(load_workbook(path, read_only=True).active.values)
            else:
                rows = path.read_text(encoding="utf-8-sig").strip().splitlines()
            assert len(rows) == 2  # header + the one building of the west ward

    def test_export_of_a_drawn_area(self, town, officer, job_files):
        inside = BuildingFactory(municipality=town.municipality, geom=square(90.81, 22.93))
        BuildingFactory(municipality=town.municipality, geom=square(90.85, 22.96))
        area = {
            "type": "Polygon",
            "coordinates": [
                [[90.805, 22.925], [90.815, 22.925], [90.815, 22.935], [90.805, 22.925]]
            ],
        }
        client = client_for(officer)
        job = client.post(
            EXPORTS, {"layer": "buildings", "format": "geojson", "area": area}, format="json"
        ).json()
        jobs.run_job(job["id"])
        path = jobs.job_file(LayerJob.objects.get(pk=job["id"]))
        features = json.loads(path.read_bytes())["features"]
        assert [f["properties"]["bin"] for f in features] == [inside.bin]
        # The same area on the direct download, as JSON text in the query string.
        response = client.get(
            "/api/v1/exports/buildings/", {"export": "csv", "area": json.dumps(area)}
        )
        lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 2
        assert inside.bin in lines[1]
        bowtie = {
            "type": "Polygon",
            "coordinates": [
                [[90.81, 22.93], [90.82, 22.94], [90.82, 22.93], [90.81, 22.94], [90.81, 22.93]]
            ],
        }
        refused = client.post(EXPORTS, {"layer": "buildings", "area": bowtie}, format="json")
        assert refused.status_code == 400
        assert "area" in refused.json()["errors"]
        point = client.get(
            "/api/v1/exports/buildings/",
            {"area": '{"type": "Point", "coordinates": [90.81, 22.93]}'},
        )
        assert point.status_code == 400

    def test_export_of_chosen_records_read_back_with_gdal(self, town, officer, job_files):
        chosen = [
            BuildingFactory(municipality=town.municipality, geom=square(90.81 + n * 0.01, 22.93))
            for n in range(3)
        ]
        client = client_for(officer)
        body = {"layer": "buildings", "format": "geojson", "ids": [chosen[0].pk, chosen[2].pk]}
        job = client.post(EXPORTS, body, format="json").json()
        jobs.run_job(job["id"])
        path = jobs.job_file(LayerJob.objects.get(pk=job["id"]))
        frame = pyogrio.read_dataframe(path)
        assert sorted(frame["bin"]) == sorted([chosen[0].bin, chosen[2].bin])
        too_big = {"layer": "buildings", "ids": [2**64]}
        assert client.post(EXPORTS, too_big, format="json").status_code == 400

    def test_import_check_reports_problems_and_cannot_be_committed(self, officer, job_files):
        bad = _geojson(
            _feature(
                shapely.box(SPLIT - 0.01, 22.94, SPLIT - 0.0099, 22.9401), holding_number="01-1"
            ),
            _feature(
                shapely.Polygon([(90.81, 22.94), (90.82, 22.95), (90.82, 22.94), (90.81, 22.95)]),
                holding_number="01-2",
            ),
            _feature(shapely.box(91.5, 23.5, 91.5001, 23.5001), holding_number="01-3"),
        )
        job = _start_import(officer, bad).json()
        assert job["status"] == "queued"
        assert job["parameters"]["file"] == "buildings.geojson"
        jobs.run_job(job["id"])
        checked = client_for(officer).get(job["url"]).json()
        assert checked["status"] == "done"
        report = checked["result"]
        assert report["rows"] == 3
        assert report["problem_count"] == 2
        assert {p["row"] for p in report["problems"]} == {2, 3}
        assert checked["commit_url"] is None
        refused = client_for(officer).post(f"/api/v1/jobs/{job['id']}/commit/")
        assert refused.status_code == 409
        assert Building.objects.count() == 0

    def test_check_then_commit_then_the_same_file_again_changes_nothing(self, officer, job_files):
        client = client_for(officer)
        job = _start_import(officer, _good_file()).json()
        jobs.run_job(job["id"])
        checked = client.get(job["url"]).json()
        assert checked["result"]["created"] == 2
        assert checked["commit_url"]
        assert Building.objects.count() == 0

        commit = client.post(checked["commit_url"])
        assert commit.status_code == 202
        assert client.get(job["url"]).json()["commit_url"] is None
        assert client.post(checked["commit_url"]).status_code == 409  # a second click
        jobs.run_job(commit.json()["id"])
        committed = client.get(commit.json()["url"]).json()
        assert committed["result"]["committed"] is True, committed
        assert Building.objects.count() == 2
        # The import is in each building's history, in the name of who imported it.
        from core.history import record_history

        (event,) = record_history(Building.objects.get(holding_number="01-0001"))
        assert (event["event"], event["user"]) == ("insert", officer.username)

        again = _start_import(officer, _good_file()).json()
        jobs.run_job(again["id"])
        result = client.get(again["url"]).json()["result"]
        assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 2)

    def test_an_unreadable_file_fails_the_job_with_its_reason_and_the_next_job_runs(
        self, officer, job_files
    ):
        broken = _start_import(officer, b"PK\x03\x04 not a zip", name="layer.zip").json()
        good = _start_import(officer, _good_file()).json()
        jobs.run_job(broken["id"])
        jobs.run_job(good["id"])
        failed = LayerJob.objects.get(pk=broken["id"])
        assert failed.status == LayerJob.Status.FAILED
        assert "zip" in failed.error.lower()
        assert LayerJob.objects.get(pk=good["id"]).status == LayerJob.Status.DONE

    def test_a_job_is_its_owners_alone(self, town, other_town, officer, job_files):
        job = (
            client_for(officer)
            .post(EXPORTS, {"layer": "wards", "format": "csv"}, format="json")
            .json()
        )
        jobs.run_job(job["id"])
        colleague = MembershipFactory(
            municipality=town.municipality, role=MembershipRole.GIS_OFFICER
        ).user
        for url in (job["url"], f"{job['url']}file/"):
            assert client_for(colleague).get(url).status_code == 404
        assert all(
            j["id"] != job["id"]
            for j in client_for(colleague).get("/api/v1/jobs/").json()["results"]
        )
        assert [j["id"] for j in client_for(officer).get("/api/v1/jobs/").json()["results"]] == [
            job["id"]
        ]

    def test_bad_requests_get_clear_4xx(self, town, other_town, officer, job_files):
        client = client_for(officer)
        assert client.post(EXPORTS, {"layer": "nope"}, format="json").json()["errors"]["layer"]
        other_ward = client.post(
            EXPORTS, {"layer": "wards", "ward": other_town.west.pk}, format="json"
        )
        assert other_ward.status_code == 400
        assert "ward" in other_ward.json()["errors"]
        extra = client.post(EXPORTS, {"layer": "wards", "municipality_id": 1}, format="json")
        assert extra.status_code == 400
        bbox = client.post(EXPORTS, {"layer": "wards", "bbox": "nan,0,1,1"}, format="json")
        assert bbox.status_code == 400
        executive = MembershipFactory(
            municipality=town.municipality, role=MembershipRole.EXECUTIVE
        ).user
        assert _start_import(executive, _good_file()).status_code == 403
        assert client_for(officer).post("/api/v1/jobs/999999/commit/").status_code == 404
        assert LayerJob.objects.count() == 0

    def test_anonymous_users_get_nothing(self, client):
        assert client.get("/api/v1/jobs/").status_code in (401, 403)
        assert client.post(EXPORTS, {"layer": "wards"}).status_code in (401, 403)

    def test_old_jobs_and_their_files_are_purged(self, officer, job_files):
        from datetime import timedelta

        from django.utils import timezone

        job = _start_import(officer, _good_file()).json()
        folder = job_files / str(job["id"])
        assert (folder / jobs.UPLOAD_NAME).is_file()
        assert jobs.jobs_purge(now=timezone.now()) == 0
        assert jobs.jobs_purge(now=timezone.now() + timedelta(hours=49)) == 1
        assert not folder.exists()
        assert not LayerJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_runs_the_queue(town, officer, job_files, tmp_path):
    """`manage.py procrastinate worker` (what `make run` and docker-compose start) takes the
    queued jobs: a GeoPackage export that GDAL reads back, and an import commit."""
    BuildingFactory.create_batch(
        5, municipality=town.municipality, geom=square(SPLIT + 0.01, 22.95)
    )
    client = client_for(officer)
    # Hostile files first: each fails with its reason and the worker goes on.
    hostile = {
        "bomb.zip": (_zip([("bomb.shp", b"\0" * 50_000_000)]), "zip bomb"),
        "evil.zip": (_zip([("../../evil.shp", b"x")]), "outside the archive"),
        "broken.geojson": (b'{"type": "FeatureCollection", "features": [', "could not be read"),
    }
    hostile_jobs = {
        name: _start_import(officer, content, name=name).json()
        for name, (content, _message) in hostile.items()
    }
    export = client.post(EXPORTS, {"layer": "buildings", "format": "gpkg"}, format="json").json()
    check = _start_import(officer, _good_file()).json()

    def run_worker():
        result = subprocess.run(  # our own manage.py
            worker_command("--one-shot"),
            env=worker_environment(job_files),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]

    run_worker()
    for name, job in hostile_jobs.items():
        failed = client.get(job["url"]).json()
        assert failed["status"] == "failed", failed
        assert hostile[name][1] in failed["error"]
    assert not list(job_files.parent.glob("**/evil.shp"))
    exported = client.get(export["url"]).json()
    assert exported["status"] == "done", exported
    assert exported["done"] == exported["total"] == 5
    target = tmp_path / "buildings.gpkg"
    target.write_bytes(b"".join(client.get(exported["file_url"]).streaming_content))
    frame = pyogrio.read_dataframe(target)
    assert len(frame) == 5
    assert frame.crs.to_epsg() == 4326

    checked = client.get(check["url"]).json()
    commit = client.post(checked["commit_url"]).json()
    run_worker()
    assert client.get(commit["url"]).json()["result"]["committed"] is True
    assert set(Building.objects.values_list("holding_number", flat=True)) >= {"01-0001", "02-0001"}
