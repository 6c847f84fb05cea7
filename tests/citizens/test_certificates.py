"""Certificates (issue 33): applied for by the holding's citizen, approved or refused by
the councillor of its ward, issued as PDF in Bangla and English with a QR code whose page
says what the certificate states; a changed link, a changed record or a revoked
certificate fails."""

import re
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from citizens import certificates, services
from citizens.choices import CertificateStatus
from citizens.models import Certificate, CitizenCase

from .conftest import opened

pytestmark = pytest.mark.django_db


def applied(client, town, home, kind="holding"):
    opened(client, town, "12/A", home.code)
    answer = client.post(
        f"/citizen/{town.municipality.code}/holding/mine/certificate/",
        {"kind": kind, "applicant_name": "Rahima Begum", "applicant_phone": "01711000333",
         "purpose": "Bank loan"},
    )  # fmt: skip
    assert answer.status_code == 302
    return CitizenCase.objects.filter(kind="certificate").latest("pk").certificate


def test_the_councillor_of_the_ward_approves_and_the_citizen_downloads_it(
    town, home, councillor, other_councillor
):
    citizen = Client()
    certificate = applied(citizen, town, home)
    reference = certificate.cases.get().reference
    assert certificate.status == CertificateStatus.APPLIED
    # Nothing to download yet.
    assert Client().get(f"/citizen/track/{reference}/certificate.pdf").status_code == 404
    # The other ward's councillor neither sees nor decides it.
    other = Client()
    other.force_login(other_councillor)
    assert other.get(f"/office/certificates/{certificate.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.certificate_approve(certificate=certificate, user=other_councillor)
    staff = Client()
    staff.force_login(councillor)
    listed = staff.get("/office/certificates/").content.decode()
    assert f"/office/certificates/{certificate.pk}/" in listed
    answer = staff.post(f"/office/certificates/{certificate.pk}/", {"step": "approve"})
    assert answer.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED
    assert re.fullmatch(rf"{town.municipality.code.upper()}-HC-\d{{4}}-00001", certificate.number)
    assert certificate.statement["owners"] == ["Rahima Begum"]
    assert certificate.statement["tax_arrears"] == "600.00"
    for language in ("bn", "en"):
        pdf = Client().get(f"/citizen/track/{reference}/certificate.pdf?lang={language}")
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        assert certificates.verify_path(certificate) in text.replace("\n", "")
    # A second decision is refused.
    again = staff.post(f"/office/certificates/{certificate.pk}/", {"step": "approve"})
    assert again.status_code == 400


def test_a_refusal_needs_a_reason_and_is_shown_to_the_citizen(town, home, councillor):
    certificate = applied(Client(), town, home, kind="residence")
    staff = Client()
    staff.force_login(councillor)
    url = f"/office/certificates/{certificate.pk}/"
    assert staff.post(url, {"step": "reject"}).status_code == 400
    assert staff.post(url, {"step": "reject", "reason": "Not living here"}).status_code == 302
    page = Client().get(f"/citizen/track/{certificate.cases.get().reference}/")
    assert "Not living here" in page.content.decode()


def issued(town, home, councillor) -> Certificate:
    certificate = applied(Client(), town, home)
    return services.certificate_approve(certificate=certificate, user=councillor)


def test_the_qr_code_page_says_valid_and_what_the_certificate_states(town, home, councillor):
    certificate = issued(town, home, councillor)
    page = Client().get(certificates.verify_path(certificate))
    text = page.content.decode()
    assert page.status_code == 200
    assert "imis-citizen-valid" in text
    assert certificate.number in text
    assert "Rahima Begum" in text
    assert "12/A" in text


def test_a_changed_link_fails(town, home, councillor):
    certificate = issued(town, home, councillor)
    path = certificates.verify_path(certificate)
    signed = path.rstrip("/").rsplit("/", 1)[1]
    forged = path.replace(signed, ("a" if signed[0] != "a" else "b") + signed[1:])
    answer = Client().get(forged)
    assert answer.status_code == 404
    assert "imis-citizen-invalid" in answer.content.decode()
    assert "Rahima" not in answer.content.decode()
    # Another certificate's number with this one's signature fails as well.
    other = issued(town, home, councillor)
    assert Client().get(f"/citizen/verify/{other.pk}/{signed}/").status_code == 404


def test_a_certificate_changed_in_the_database_fails(town, home, councillor):
    certificate = issued(town, home, councillor)
    path = certificates.verify_path(certificate)
    statement = {**certificate.statement, "owners": ["Someone Else"]}
    Certificate.objects.filter(pk=certificate.pk).update(statement=statement)
    assert Client().get(path).status_code == 404


def test_a_revoked_certificate_says_so(town, home, councillor):
    certificate = issued(town, home, councillor)
    path = certificates.verify_path(certificate)
    staff = Client()
    staff.force_login(councillor)
    url = f"/office/certificates/{certificate.pk}/"
    assert staff.post(url, {"step": "revoke"}).status_code == 400  # a reason is needed
    assert staff.post(url, {"step": "revoke", "reason": "Holding sold"}).status_code == 302
    page = Client().get(path).content.decode()
    assert "imis-citizen-revoked" in page
    assert "Holding sold" in page
    reference = certificate.cases.get().reference
    assert Client().get(f"/citizen/track/{reference}/certificate.pdf").status_code == 404


def test_numbers_count_within_the_municipality_and_year(town, home, councillor):
    first, second = issued(town, home, councillor), issued(town, home, councillor)
    assert first.number.endswith("-00001")
    assert second.number.endswith("-00002")
