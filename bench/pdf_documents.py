"""Benchmark: the enforcement notices as PDF (issue 26), the longest document the project
lays out while a request waits: one part (up to 100 holdings, a page each) of the bench
town's ward with the most non-compliant holdings, in Bangla.

    BENCH_BUILDINGS=20000 .venv/bin/python bench/pdf_documents.py

project   GET /compliance/notices.pdf?ward=...&part=1&lang=bn through Django's whole request
          stack (the enforcement list's query, the grouping, WeasyPrint's layout)
chromium  the same HTML and stylesheet printed by Debian's Chromium (Playwright's page.pdf,
          the browser already started): the engine the project could have used instead
Both read back with pdftotext: the Bangla words of the notice must come back unchanged.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.towns import bench_town, bench_user  # noqa: E402
from containment import enforcement, selectors  # noqa: E402
from core import pdf  # noqa: E402
from core.roles import MembershipRole  # noqa: E402
from spatial.models import Ward  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
WORDS = "স্যানিটেশন কন্টেইনমেন্ট বিধিসম্মত করার নোটিশ"  # the notice's heading


def _read_back(content: bytes) -> tuple[int, bool]:
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    pages = int(info.stdout.split(b"Pages:")[1].split()[0])
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return pages, WORDS in " ".join(text.split())


def _timed(action) -> tuple[float, bytes]:
    times, out = [], b""
    for _ in range(REPEATS):
        start = time.perf_counter()
        out = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    setup_test_environment()
    municipality = bench_town(assessed=True)
    user = bench_user(municipality, "bench-pdf-officer", MembershipRole.GIS_OFFICER)
    rule_set = selectors.active_rule_set(municipality=municipality)
    counts = enforcement.notice_counts_by_ward(rule_set_id=rule_set.pk)
    ward = Ward.objects.get(pk=max((k for k in counts if k), key=lambda k: counts[k]))
    print(f"{municipality.code}: ward {ward.number}, {counts[ward.pk]} holdings to notify")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = f"/compliance/notices.pdf?municipality={municipality.code}&ward={ward.pk}&part=1&lang=bn"
    client.get(url)  # warm-up
    project, body = _timed(lambda: client.get(url).content)
    pages, readable = _read_back(body)
    # The same document's HTML, for Chromium: the template, the font and the stylesheet.
    with translation.override("bn"):
        notices = enforcement.notices(
            selectors.enforcement_rows(municipality=municipality, ward_ids=[ward.pk])
        )[: enforcement.PER_PART]
        html = render_to_string(
            "containment/enforcement_notices_pdf.html",
            {
                "municipality": municipality, "ward": ward, "notices": notices, "part": 1,
                "parts": 1, "rule_set": rule_set, "days": enforcement.NOTICE_DAYS,
                "language": "bn", "issued_at": timezone.localtime(),
            },
        )  # fmt: skip
    style = pdf.font_css() + pdf.static_path(pdf.STYLESHEET).read_text()
    html = html.replace("</head>", f"<style>{style}</style></head>", 1)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_file = Path(folder) / "notices.html"
        page_file.write_text(html)
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()

        def chromium() -> bytes:
            page.goto(page_file.as_uri())
            return page.pdf(format="A4", print_background=True)

        chromium()  # warm-up
        peer, peer_body = _timed(chromium)
        browser.close()
    peer_pages, peer_readable = _read_back(peer_body)
    print(f"{'path':<10}{'median s':>10}{'pages':>7}{'pages/s':>9}{'KB':>8}  Bangla reads back")
    for name, seconds, count, size, ok in (
        ("project", project, pages, len(body), readable),
        ("chromium", peer, peer_pages, len(peer_body), peer_readable),
    ):
        rate = count / seconds
        print(f"{name:<10}{seconds:>10.2f}{count:>7}{rate:>9.1f}{size / 1024:>8.0f}  {ok}")
    print(f"ratio project/chromium: {project / peer:.2f}")


if __name__ == "__main__":
    main()
