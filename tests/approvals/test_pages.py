"""The building approval pages as their users meet them: an application taken in with
its footprint as a GeoJSON file, its documents, each step by its owner, the design check's
reasons shown, a rejection, and the certificate in both languages."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from approvals.choices import Document, Stage
from approvals.models import Application
from tests.factories import SOUTH, WEST, square
from tests.pdf_reading import pdf_text

from .conftest import submitted, with_documents

pytestmark = pytest.mark.django_db


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**changes) -> dict:
    footprint = json.dumps(
        {"type": "Feature", "geometry": json.loads(square(WEST + 0.004, SOUTH + 0.004, 11).json)}
    )
    return {
        "applicant_name": "Nasrin Akter",
        "plot": "Mouza Bagbari, dag 77",
        "floors": "2",
        "functional_use": "residential",
        "occupants": "8",
        "containment_type": "septic_tank",
        "volume_m3": "3.5",
        "outlet": "soak_pit",
        "well_distance_m": "12",
        "footprint_file": SimpleUploadedFile("footprint.geojson", footprint.encode()),
        **changes,
    }


def test_an_application_is_taken_in_with_its_footprint_file(town, officer):
    client = _session(officer)
    assert client.get(reverse("approvals:new")).status_code == 200
    answer = client.post(reverse("approvals:new"), _form())
    assert answer.status_code == 302, answer.context["form"].errors
    application = Application.objects.get()
    assert (application.ward, application.occupants) == (town.west, 8)
    page = client.get(answer["Location"])
    assert application.reference.encode() in page.content
    assert b"document-form" in page.content


def test_a_file_that_is_not_a_polygon_is_refused_and_nothing_kept(town, officer):
    line = {"type": "LineString", "coordinates": [[90.81, 22.93], [90.82, 22.94]]}
    upload = SimpleUploadedFile("f.geojson", json.dumps(line).encode())
    answer = _session(officer).post(reverse("approvals:new"), _form(footprint_file=upload))
    assert answer.status_code == 400
    assert "footprint_file" in answer.context["form"].errors
    assert not Application.objects.exists()


def test_each_step_is_offered_to_its_owner_only(town, officer, inspector, mayor):
    application = with_documents(submitted(town, officer), officer)
    url = reverse("approvals:application", args=[application.pk])
    assert b'id="advance-form"' in _session(officer).get(url).content
    assert b'id="advance-form"' not in _session(inspector).get(url).content
    refused = _session(inspector).post(url, {"action": "advance"})
    assert refused.status_code == 403
    for _ in range(3):
        assert _session(officer).post(url, {"action": "advance"}).status_code == 302
    page = _session(inspector).get(url)
    assert b'id="design-outcomes"' in page.content
    assert b'data-outcome="pass"' in page.content
    assert _session(inspector).post(url, {"action": "advance"}).status_code == 302
    rejected = _session(mayor).post(url, {"action": "reject", "reasons": ""})
    assert rejected.status_code == 400
    assert _session(mayor).post(url, {"action": "advance", "note": "Approved."}).status_code == 302
    application.refresh_from_db()
    assert application.stage == Stage.APPROVED
    for language in ("en", "bn"):
        pdf = _session(mayor).get(
            reverse("approvals:certificate", args=[application.pk]), {"lang": language}
        )
        assert pdf.status_code == 200
        text = pdf_text(pdf.content)
        assert application.plot in text
    assert "সেপটিক" in pdf_text(pdf.content) or "অনুমোদন" in pdf_text(pdf.content)


def test_the_design_checks_reasons_are_shown_when_it_fails(town, officer):
    application = with_documents(submitted(town, officer, outlet="open_drain"), officer)
    url = reverse("approvals:application", args=[application.pk])
    for _ in range(3):
        _session(officer).post(url, {"action": "advance"})
    page = _session(officer).get(url)
    assert b'data-outcome="fail"' in page.content
    assert b"forbidden outlet" in page.content
    application.refresh_from_db()
    assert application.stage == Stage.PLAN_REVIEWED


def test_documents_are_recorded_from_the_page(town, officer):
    application = submitted(town, officer)
    url = reverse("approvals:application", args=[application.pk])
    answer = _session(officer).post(url, {"action": "document", "kind": Document.PLOT_MAP})
    assert answer.status_code == 302
    assert list(application.documents.values_list("kind", flat=True)) == [Document.PLOT_MAP]


def test_other_roles_do_not_open_the_desk(town, gis_officer, officer):
    application = submitted(town, officer)
    assert _session(gis_officer).get(reverse("approvals:office")).status_code == 403
    url = reverse("approvals:application", args=[application.pk])
    assert _session(gis_officer).get(url).status_code == 404
