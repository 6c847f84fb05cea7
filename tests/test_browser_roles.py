"""Every demo role, in a real Chromium, visits every page its navigation offers, on a phone
(390x844) and a desktop (1366x768), in English and in Bangla:

- the page is no wider than the screen (tables and maps scroll or fit inside it);
- no JavaScript error and no Content-Security-Policy violation (the `page` fixture);
- in Bangla, no English words are left beyond data and code names (ALLOWED), and key
  figures and numeric table cells are written in Bangla digits;
- axe-core finds no serious or critical accessibility violation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from core import navigation

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
# The demo accounts (generate_demo --with-users), one per role.
ROLES = {
    "mayor": navigation.ADMIN,
    "gis": navigation.GIS,
    "executive": navigation.EXECUTIVE,
    "supervisor": navigation.SUPERVISOR,
    "enumerator": navigation.ENUMERATOR,
    "desk": navigation.DESK,
    "inspector": navigation.INSPECTOR,
    "operator": navigation.PROVIDER,
    "plant": navigation.PLANT,
    "planner": navigation.BUILDING,
}
# Latin words a Bangla page may show: names of data, programs, standards and codes.
ALLOWED = {
    "IMIS", "API", "GIS", "QGIS", "OGC", "GeoJSON", "GeoPackage", "CSV", "WKT", "XLSX", "Excel",
    "ArcGIS", "Shapefile", "zip", "JMP", "SFD", "CWIS", "SDG", "MICS", "KPI", "EPSG", "WGS",
    "Leaflet", "OpenStreetMap", "OSM", "TileJSON", "Mapbox",
    "OpenAPI", "Swagger", "REST",
    # Keys as a keyboard prints them.
    "Shift", "Ctrl",
}  # fmt: skip
# A Latin word of three letters or more that is not a code (B000123, SF-1a, EQ-1).
LATIN_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")


@pytest.fixture
def demo_town(transactional_db):
    call_command("generate_demo", "--buildings", "300", "--with-users", "--code", "roles")


def _log_in(page, live_server, username: str, language: str):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", username)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


# Counts the page's fetches in flight, so a test can wait for its data rather than for a
# fixed half second of network silence on each of the hundred-odd pages.
PENDING = """(() => {
  let pending = 0;
  const fetch = window.fetch;
  window.__imisPending = () => pending;
  window.fetch = function (...args) {
    pending += 1;
    return fetch.apply(this, args).then(
      (response) => response.clone().arrayBuffer().then(() => response)
        .finally(() => { pending -= 1; }),
      (error) => { pending -= 1; throw error; });
  };
})();"""


def _settle(page):
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.__imisPending() === 0")
    # Maps and charts draw in the frame after their data arrives.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _english_left(page, names: set[str]) -> list[str]:
    text = page.evaluate(
        """() => {
          const main = document.querySelector('main') || document.body;
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const parts = [];
          while (walker.nextNode()) {
            const node = walker.currentNode;
            const tag = node.parentElement && node.parentElement.tagName;
            if (['SCRIPT', 'STYLE', 'CODE', 'PRE', 'NOSCRIPT'].includes(tag)) continue;
            // Text in another language on purpose (the language menu names each language
            // in its own) says so with a lang attribute.
            const marked = node.parentElement.closest('[lang]');
            if (marked && marked !== document.documentElement) continue;
            const skipped = '.leaflet-control-attribution, [translate=no]';
            if (node.parentElement.closest(skipped)) continue;
            const style = getComputedStyle(node.parentElement);
            if (style.display === 'none' || style.visibility === 'hidden') continue;
            parts.push(node.textContent);
          }
          return parts.join(' ');
        }"""
    )
    return sorted(
        {word for word in LATIN_WORD.findall(text) if word not in ALLOWED and word not in names}
    )


def _latin_figures(page) -> list[str]:
    """Key figures and numeric table cells written with Latin digits."""
    return page.eval_on_selector_all(
        ".imis-card-value, td.imis-num",
        "cells => cells.map(c => c.textContent.trim()).filter(t => /[0-9]/.test(t))",
    )


def _axe(page) -> list[str]:
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)
                 .map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return result


def _data_names() -> set[str]:
    """Latin words in the town's own names that have no Bangla form (providers, plants,
    campaigns, applicants and their plots, user names). Municipalities, wards and LICs
    have one, and a Bangla page shows it."""
    from approvals.models import Application
    from containment.models import ServiceProvider, TreatmentPlant
    from surveys.models import SurveyCampaign

    names = set()
    for model, field in (
        (ServiceProvider, "name"),
        (TreatmentPlant, "name"),
        (SurveyCampaign, "name"),
        (Application, "applicant_name"),  # as the applicant wrote it
        (Application, "plot"),
    ):
        for value in model.objects.values_list(field, flat=True):
            names.update(LATIN_WORD.findall(value or ""))
    from django.contrib.auth import get_user_model

    names.update(get_user_model().objects.values_list("username", flat=True))
    return names


def test_every_role_every_page_fits_speaks_bangla_and_passes_axe(
    demo_town, browser, page, live_server
):
    page.context.add_init_script(path=str(AXE))
    page.context.add_init_script(PENDING)
    names = _data_names()
    problems: list[str] = []
    visited = 0
    for username, role in ROLES.items():
        for language in ("en", "bn"):
            page.context.clear_cookies()
            page.set_viewport_size(PHONE)
            _log_in(page, live_server, username, language)
            _settle(page)
            landing = page.url
            offered = page.eval_on_selector_all(
                "#imis-nav a", "links => links.map(a => a.getAttribute('href'))"
            )
            expected = [
                p.url_name for p in navigation.pages_for(frozenset({role}))
            ]  # what the declaration offers
            assert len(offered) == len(expected), (username, offered, expected)
            assert offered, username
            for href in offered:
                for viewport in (PHONE, DESKTOP):
                    page.set_viewport_size(viewport)
                    page.goto(f"{live_server.url}{href}")
                    _settle(page)
                    where = f"{username} {language} {viewport['width']}px {href}"
                    visited += 1
                    overflow = _overflow(page)
                    if overflow > 1:
                        page.screenshot(path=str(ARTIFACTS / f"overflow-{username}-{language}.png"))
                        problems.append(f"{where}: {overflow}px wider than the screen")
                    if language == "bn":
                        left = _english_left(page, names)
                        if left:
                            problems.append(f"{where}: English left: {', '.join(left[:12])}")
                        latin = _latin_figures(page)
                        if latin:
                            problems.append(f"{where}: figures in Latin digits: {latin[:5]}")
                    problems += [f"{where}: axe {v}" for v in _axe(page)]
            assert landing.startswith(live_server.url)
    assert visited >= 80, visited
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
