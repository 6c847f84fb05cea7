"""A health facility's table of waterborne disease cases as the facility's system exports it
(issue 28, item 7): uploaded as CSV or XLSX, checked in a dry run that reports each line's
problems and writes nothing, recorded all or nothing; the counts downloaded with the columns
an upload takes (so a download edited and uploaded again replaces, not duplicates); a count
recorded in error withdrawn, its history kept; and the page a GIS officer does it on."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core.roles import MembershipRole
from spatial.models import DiseaseCaseCount
from tests.conftest import client_for, log_in, make_town
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

FILE_URL = "/api/v1/disease-cases/file/"
EXPORT_URL = "/api/v1/disease-cases/export/"
HEADER = "ward,month,disease,cases,source\n"


def _upload(client, text: str, name: str = "cases.csv", **extra):
    upload = SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)
    return client.post(FILE_URL, {"file": upload, **extra}, format="multipart")


def test_a_csv_with_bangla_digits_and_labels_is_checked_then_recorded(gis_client):
    text = (
        "source,Disease,ward,month,cases\n"  # any order, any case
        "Upazila Health Complex,cholera,১,২০২৬-০৯,৪\n"
        "Upazila Health Complex,Typhoid,2,2026-09-01,7\n"
    )
    checked = _upload(gis_client, text, dry_run="true")
    assert checked.status_code == 200, checked.content
    assert checked.json() == {"created": 2, "updated": 0, "dry_run": True}
    assert not DiseaseCaseCount.objects.exists()
    done = _upload(gis_client, text)
    assert done.json() == {"created": 2, "updated": 0, "dry_run": False}
    assert sorted(DiseaseCaseCount.objects.values_list("ward__number", "disease", "cases")) == [
        (1, "cholera", 4),
        (2, "typhoid", 7),
    ]


def test_every_bad_line_is_reported_by_line_and_column_and_nothing_is_kept(gis_client):
    text = HEADER + (
        "1,2026-09,cholera,4,Clinic\n"
        "1,September,cholera,4,Clinic\n"  # line 3: no month
        "9,2026-09,cholera,4,Clinic\n"  # line 4: no ward 9
        "2,2026-09,flu,2.5,Clinic\n"  # line 5: no such disease, no half case
    )
    refused = _upload(gis_client, text)
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert {"3.month", "5.disease", "5.cases"} <= set(errors), errors
    assert not DiseaseCaseCount.objects.exists()
    # Once the cells read, the rows are checked against the town: ward 9 on line 4.
    fixed = text.replace("September", "2026-08").replace("flu,2.5", "typhoid,2")
    refused = _upload(gis_client, fixed)
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"4.ward"}
    assert not DiseaseCaseCount.objects.exists()
    lacking = _upload(gis_client, "ward,month,cases\n1,2026-09,3\n")
    assert lacking.status_code == 400
    assert "disease" in str(lacking.json()["errors"]["file"])
    assert _upload(gis_client, b"\xff\xfe\x00garbage", name="cases.csv").status_code == 400
    assert _upload(gis_client, b"PK\x03\x04broken", name="cases.xlsx").status_code == 400


def test_an_xlsx_table_is_read_from_its_first_sheet(gis_client):
    book = Workbook()
    sheet = book.active
    sheet.append(["ward", "month", "disease", "cases", "source"])
    sheet.append([2, "2026-10", "Dysentery (bloody diarrhoea)", 3, "Clinic"])
    buffer = io.BytesIO()
    book.save(buffer)
    done = _upload(gis_client, buffer.getvalue(), name="cases.xlsx")
    assert done.status_code == 200, done.content
    assert DiseaseCaseCount.objects.get().disease == "dysentery"


def test_a_download_edited_and_uploaded_again_replaces_what_it_held(gis_client, town):
    _upload(gis_client, HEADER + "1,2026-09,cholera,4,Clinic\n2,2026-09,typhoid,1,Clinic\n")
    csv_text = b"".join(gis_client.get(EXPORT_URL).streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [(r["municipality"], r["ward"], r["month"], r["cases"]) for r in rows] == [
        (town.municipality.code, "1", "2026-09", "4"),
        (town.municipality.code, "2", "2026-09", "1"),
    ]
    again = _upload(gis_client, csv_text.replace(",4,Clinic", ",5,Clinic"))
    assert again.json() == {"created": 0, "updated": 2, "dry_run": False}
    assert DiseaseCaseCount.objects.get(ward__number=1).cases == 5
    sheet = load_workbook(
        io.BytesIO(gis_client.get(EXPORT_URL, {"file_format": "xlsx"}).content)
    ).active
    assert [c.value for c in sheet[1]] == ["municipality", "ward", "month", "disease",
                                           "cases", "source"]  # fmt: skip
    assert sheet.max_row == 3
    assert gis_client.get(EXPORT_URL, {"file_format": "shp"}).status_code == 400


def test_a_count_is_withdrawn_by_who_records_its_ward_and_its_history_kept(gis_client, town):
    _upload(gis_client, HEADER + "1,2026-09,cholera,4,Clinic\n")
    count = DiseaseCaseCount.objects.get()
    east = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    east.wards.set([town.east])
    east_client = client_for(east.user)
    assert east_client.delete(f"/api/v1/disease-cases/{count.pk}/").status_code in (403, 404)
    assert DiseaseCaseCount.objects.exists()
    assert gis_client.delete(f"/api/v1/disease-cases/{count.pk}/").status_code == 204
    assert not DiseaseCaseCount.objects.exists()
    events = DiseaseCaseCount.pgh_event_models["delete"].objects.filter(pgh_obj_id=count.pk)
    assert list(events.values_list("pgh_label", "cases")) == [("insert", 4), ("delete", 4)]
    assert gis_client.delete(f"/api/v1/disease-cases/{count.pk}/").status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_gis_officer_checks_and_records_a_facilitys_table_in_the_browser(
    page, live_server, tmp_path
):
    town = make_town()
    user = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user
    log_in(page, live_server, user)
    page.click("text=Disease cases")
    page.wait_for_url("**/health/cases/")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "1,2026-09,cholera,4,Clinic\n7,2026-09,cholera,2,Clinic\n")
    page.set_input_files("#disease-table-form input[type=file]", str(bad))
    page.click("#disease-table-form button[value=check]")
    problems = page.locator("#disease-table-problems")
    problems.wait_for()
    assert "Line 3" in problems.inner_text()
    assert not DiseaseCaseCount.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "1,2026-09,cholera,4,Clinic\n2,2026-09,typhoid,2,Clinic\n")
    page.set_input_files("#disease-table-form input[type=file]", str(good))
    page.click("#disease-table-form button[value=check]")
    page.locator("#disease-table-checked").wait_for()
    assert "2 new counts" in page.locator("#disease-table-checked").inner_text()
    assert not DiseaseCaseCount.objects.exists()
    page.click("#disease-table-checked button[value=record]")
    page.locator("#disease-latest").wait_for()
    assert DiseaseCaseCount.objects.count() == 2
    assert "Recorded: 2 new counts" in page.locator(".imis-messages").inner_text()
    by_month = page.locator("#disease-by-month").inner_text()
    assert "Cholera" in by_month
    assert "Typhoid" in by_month
    page.locator("#disease-latest button[value=withdraw]").first.click()
    page.locator(".imis-messages").wait_for()
    assert DiseaseCaseCount.objects.count() == 1
