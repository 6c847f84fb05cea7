"""The PDF documents (issue 26) read back as their readers read them: pdftotext returns the
Bangla text unchanged, and every Bangla line carries the glyphs HarfBuzz shapes from the
bundled Noto Sans Bengali, drawn with its outlines (tests/pdf_reading.py)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from fontTools.ttLib import TTFont
from weasyprint.draw import text as weasyprint_text

from containment import desludging, enforcement, services
from containment.models import EmptyingRequest
from core import pdf
from core.roles import MembershipRole

from ..factories import BuildingFactory, ContainmentFactory, MembershipFactory, square
from ..pdf_reading import (
    check_bangla_glyphs,
    lines,
    needs_poppler,
    page_count,
    pdf_text,
    shaped,
)
from .conftest import page_client

pytestmark = [pytest.mark.django_db, needs_poppler]

# Words whose shaping goes wrong in naive PDF writers: reph, conjuncts with a vowel sign
# drawn before them, and a vowel sign split around its consonant (ো, ৌ).
CALLER = "কিশোর ক্ষমা স্ত্রী"
ACCESS = "দ্বিতীয় গলির ডানে, পৌরসভা মসজিদের পাশে"
TOWN_BN = "লক্ষ্মীপুর পৌরসভা"


@pytest.fixture
def desk(town):
    town.municipality.name_bn = TOWN_BN
    town.municipality.save()
    user = MembershipFactory(municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK).user
    return page_client(user)


@pytest.fixture
def emptied(chain):
    EmptyingRequest.objects.filter(pk=chain["job"].pk).update(
        applicant_name=CALLER, access_notes=ACCESS
    )
    job = EmptyingRequest.objects.get(pk=chain["job"].pk)
    desludging.request_record_emptying(
        request=job,
        emptied_on=timezone.localdate(),
        volume_m3=Decimal("2.5"),
        vehicle=chain["vehicle"],
        cost_bdt=Decimal("1500"),
        receipt_number="R-17",
    )
    return job


def test_receipt_reads_back_in_bangla_with_shaped_glyphs(desk, emptied):
    url = reverse("containment:request-receipt", args=[emptied.pk])
    response = desk.get(url, {"lang": "bn"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Language"] == "bn"
    assert f'filename="receipt-{emptied.pk}-bn.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    for words in (TOWN_BN, CALLER, "০১৭১২৩৪৫৬৭৮", "কলকারী", "খালি করা হয়েছে"):
        assert words in text
    assert "R-১৭" in text  # the receipt number, in Bangla digits
    assert check_bangla_glyphs(response.content) >= 8


def test_english_receipt(desk, emptied):
    response = desk.get(reverse("containment:request-receipt", args=[emptied.pk]), {"lang": "en"})
    text = pdf_text(response.content)
    assert "Receipt for emptying request" in text
    assert "01712345678" in text
    assert CALLER in text  # a Bangla name stays as written, in the English receipt too


def test_job_sheet_pdf_carries_the_access_notes_and_the_sketch(desk, emptied):
    response = desk.get(reverse("containment:job-sheet-pdf", args=[emptied.pk]), {"lang": "bn"})
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert ACCESS in text
    assert "কাজের শিট" in text
    assert check_bangla_glyphs(response.content) >= 8
    assert page_count(response.content) == 1


def test_the_lines_are_shaped_not_mapped_letter_by_letter(desk, emptied):
    """The glyphs of a conjunct line differ from one glyph per letter (the check can fail)."""
    response = desk.get(reverse("containment:request-receipt", args=[emptied.pk]), {"lang": "bn"})
    line = next(line for line in lines(response.content) if line.text.startswith(CALLER))
    assert line.glyphs == shaped(line.text, 400)
    letters = _cmap_glyphs(pdf.static_path(pdf.FONT_FACES[0][1]), line.text)
    assert len(letters) == len(line.text)  # the font has every letter of the line
    assert len(line.glyphs) < len(letters)  # conjuncts join
    assert line.glyphs[: len(letters)] != letters  # and vowel signs move


def _cmap_glyphs(path, text: str) -> list[int]:
    font = TTFont(path)
    cmap = font.getBestCmap()
    return [font.getGlyphID(cmap[ord(char)]) for char in text if ord(char) in cmap]


def test_without_each_lines_text_pdftotext_gets_bangla_wrong(desk, emptied, monkeypatch):
    """What core.pdf's /ActualText spans repair: WeasyPrint's own glyph-to-text table."""
    monkeypatch.setattr(weasyprint_text, "draw_first_line", pdf._draw_first_line)
    response = desk.get(reverse("containment:request-receipt", args=[emptied.pk]), {"lang": "bn"})
    assert CALLER not in pdf_text(response.content)


def test_unknown_language_is_refused(desk, emptied):
    response = desk.get(reverse("containment:request-receipt", args=[emptied.pk]), {"lang": "fr"})
    assert response.status_code == 400


def test_a_request_out_of_reach_is_not_found(other_town, emptied):
    desk_b = MembershipFactory(
        municipality=other_town.municipality, role=MembershipRole.FSM_HELP_DESK
    ).user
    response = page_client(desk_b).get(reverse("containment:job-sheet-pdf", args=[emptied.pk]))
    assert response.status_code == 404


def test_documents_fetch_only_the_bundled_files():
    fetcher = pdf.BundledOnly()
    with pytest.raises(ValueError, match="not a bundled resource"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="not a bundled resource"):
        fetcher.fetch("http://example.org/logo.png")
    response = fetcher.fetch(pdf.static_path(pdf.STYLESHEET).as_uri())
    assert b"@page" in response.read()
    response.close()


# ---------------------------------------------------------------- enforcement notices
@pytest.fixture
def non_compliant(town):
    """Two failing containments of one holding in the west ward, one of another holding in
    the east ward, and a compliant one."""
    town.municipality.name_bn = TOWN_BN
    town.municipality.save()
    west = BuildingFactory(municipality=town.municipality, holding_number="07-0031")
    east = BuildingFactory(
        municipality=town.municipality, geom=square(90.85, 22.93), holding_number="09-0002"
    )
    for outlet in ("open_drain", "water_body"):
        ContainmentFactory(
            municipality=town.municipality,
            buildings=[west],
            outlet=outlet,
            construction_year=2025,
            users=3,
        )
    ContainmentFactory(
        municipality=town.municipality,
        buildings=[east],
        outlet="water_body",
        construction_year=2025,
        users=3,
        geom=east.geom.centroid,
    )
    ContainmentFactory(
        municipality=town.municipality, buildings=[west], construction_year=2025, users=3
    )
    services.rule_set_ensure(municipality=town.municipality)
    return town


def test_one_notice_per_holding_in_bangla(non_compliant, gis_officer):
    client = page_client(gis_officer)
    url = reverse("containment:enforcement-notices")
    response = client.get(url, {"lang": "bn"})
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert page_count(response.content) == 2  # two holdings, a page each
    assert text.count("প্রাপক") == 2  # "To": one notice per holding
    assert "০৭-০০৩১" in text
    assert "০৯-০০০২" in text
    assert "জলাশয়" in text  # the reason, in Bangla
    assert check_bangla_glyphs(response.content) >= 10
    one_ward = client.get(url, {"ward": non_compliant.east.pk, "lang": "bn"})
    assert page_count(one_ward.content) == 1
    assert "০৭-০০৩১" not in pdf_text(one_ward.content)


def test_notices_come_in_parts(non_compliant, gis_officer, monkeypatch):
    monkeypatch.setattr(enforcement, "PER_PART", 1)
    client = page_client(gis_officer)
    url = reverse("containment:enforcement-notices")
    first = client.get(url, {"part": 1, "lang": "en"})
    second = client.get(url, {"part": 2, "lang": "en"})
    assert page_count(first.content) == page_count(second.content) == 1
    assert "part-2" in second["Content-Disposition"]
    assert client.get(url, {"part": 3}).status_code == 404
    assert client.get(url, {"part": "x"}).status_code == 400
    page = client.get(reverse("containment:compliance"))
    assert page.content.decode().count("data-notices=") == 2  # ward west: 1 holding; east: 1


def test_notices_need_the_owners_details(non_compliant):
    enumerator = MembershipFactory(
        municipality=non_compliant.municipality, role=MembershipRole.ENUMERATOR
    ).user
    response = page_client(enumerator).get(reverse("containment:enforcement-notices"))
    assert response.status_code == 403


def test_superuser_reads_any_document(non_compliant, emptied):
    admin = get_user_model().objects.create_superuser("root-pdf", "r@example.org", "x")
    client = page_client(admin)
    assert client.get(reverse("containment:enforcement-notices")).status_code == 200
    assert client.get(reverse("containment:request-receipt", args=[emptied.pk])).status_code == 200


def test_the_month_of_a_receipt(desk, emptied):
    """The receipt says when the request was received, in the reader's digits."""
    response = desk.get(reverse("containment:request-receipt", args=[emptied.pk]), {"lang": "bn"})
    year = timezone.localtime(emptied.requested_at).year
    assert str(year).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")) in pdf_text(
        response.content
    )
