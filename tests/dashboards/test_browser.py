"""Dashboards in a real Chromium (Debian's), driven by Playwright: overview charts, the
ward choropleth, a ward page and the Bangla switch. Screenshots are kept as artifacts."""

import pytest

from core.roles import MembershipRole
from tests.conftest import ARTIFACTS, log_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def viewer(dashboard_town):
    return MembershipFactory(
        municipality=dashboard_town.town.municipality, role=MembershipRole.EXECUTIVE
    ).user


def _chart_points(page, canvas_id: str) -> list:
    return page.evaluate(
        "id => Chart.getChart(document.getElementById(id)).data.datasets[0].data", canvas_id
    )


def test_overview_draws_every_chart(page, live_server, dashboard_town, viewer):
    ARTIFACTS.mkdir(exist_ok=True)
    log_in(page, live_server, viewer)
    page.goto(f"{live_server.url}/?year={dashboard_town.year}")
    page.wait_for_selector("body[data-charts-drawn='4']")
    # Ladder, best rung first: 5 safely managed, 4 basic, 6 limited, 2 unimproved, 3 OD,
    # then 4 who answered "don't know".
    assert _chart_points(page, "chart-ladder") == [5, 4, 6, 2, 3, 4]
    emptying = _chart_points(page, "chart-emptying")
    assert (emptying[2], emptying[5], emptying[11]) == (1, 1, 1)
    assert page.inner_text("[data-figure=people]") == "34"
    # The SFD graphic: one band per fate present, green when safe, red when not.
    bands = page.eval_on_selector_all(
        "#sfd-graphic g[data-fate]",
        "els => els.map(e => [e.dataset.fate, e.dataset.people, e.getAttribute('class')])",
    )
    assert bands == [
        ["in_situ", "2", "imis-sfd-band imis-sfd-safe"],
        ["treated", "11", "imis-sfd-band imis-sfd-safe"],
        ["emptied_not_delivered", "4", "imis-sfd-band imis-sfd-unsafe"],
        ["open_defecation", "3", "imis-sfd-band imis-sfd-unsafe"],
        ["unknown", "4", "imis-sfd-band imis-sfd-unknown"],
    ]
    fill = page.eval_on_selector(
        "#sfd-graphic g[data-fate='treated'] rect", "e => getComputedStyle(e).fill"
    )
    assert fill == "rgb(26, 150, 65)"
    page.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"), full_page=True)
    # The ward filter narrows every chart to one ward.
    page.select_option("#dashboard-ward", str(dashboard_town.town.east.pk))
    page.wait_for_selector("body[data-charts-drawn='4']")
    assert _chart_points(page, "chart-ladder") == [0, 0, 0, 2, 3, 4]


def test_ward_map_switches_indicator_and_opens_a_ward(page, live_server, dashboard_town, viewer):
    ARTIFACTS.mkdir(exist_ok=True)
    log_in(page, live_server, viewer)
    page.goto(f"{live_server.url}/wards/?year={dashboard_town.year}")
    page.wait_for_selector("#ward-map[data-wards-loaded='2'][data-indicator='safely_managed']")
    values = page.eval_on_selector_all("path.imis-ward", "els => els.map(e => e.dataset.value)")
    assert sorted(values) == sorted([str(round(5 / 15, 4)), "0"])
    fills = set(
        page.eval_on_selector_all("path.imis-ward", "els => els.map(e => e.getAttribute('fill'))")
    )
    page.select_option("#ward-indicator", "open_defecation")
    page.wait_for_selector("#ward-map[data-indicator='open_defecation']")
    assert "open_defecation" in page.url
    assert "Open defecation" in page.inner_text(".imis-legend")
    new_fills = set(
        page.eval_on_selector_all("path.imis-ward", "els => els.map(e => e.getAttribute('fill'))")
    )
    assert new_fills != fills
    page.screenshot(path=str(ARTIFACTS / "dashboard-ward-map.png"))
    # A ward's popup leads to the ward page, which draws the ward's layers.
    # East: 3 of its 9 surveyed people go in the open.
    page.locator(f"path.imis-ward[data-value='{round(3 / 9, 4)}']").click()
    page.locator(".leaflet-popup a.imis-ward-link").click()
    page.wait_for_url(f"**/wards/{dashboard_town.town.east.pk}/**")
    page.wait_for_selector("#ward-layers[data-layers-loaded='4/1']")
    assert page.locator("path.imis-rung-open_defecation").count() == 1
    assert page.locator("path.imis-containment").count() == 1
    page.screenshot(path=str(ARTIFACTS / "dashboard-ward.png"), full_page=True)


def test_dashboards_speak_bangla(page, live_server, dashboard_town, viewer):
    ARTIFACTS.mkdir(exist_ok=True)
    log_in(page, live_server, viewer)
    page.goto(f"{live_server.url}/?year={dashboard_town.year}")
    page.wait_for_selector("body[data-charts-drawn='4']")
    page.select_option("#imis-language-select", "bn")
    page.wait_for_selector("html[lang='bn']")
    page.wait_for_selector("body[data-charts-drawn='4']")
    assert "স্যানিটেশন সারসংক্ষেপ" in page.inner_text("h1")
    labels = page.evaluate("Chart.getChart(document.getElementById('chart-ladder')).data.labels")
    assert labels[0] == "নিরাপদভাবে ব্যবস্থাপিত"
    page.screenshot(path=str(ARTIFACTS / "dashboard-overview-bangla.png"), full_page=True)
    page.goto(f"{live_server.url}/indicators/?year={dashboard_town.year}")
    assert "সিডব্লিউআইএস সূচক" in page.inner_text("h1")
    page.screenshot(path=str(ARTIFACTS / "dashboard-indicators-bangla.png"), full_page=True)


def test_public_page_on_a_phone(browser, live_server, dashboard_town):
    from spatial.models import Municipality

    Municipality.objects.filter(pk=dashboard_town.town.municipality.pk).update(
        publishes_dashboard=True
    )
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/public/")
    page.locator("#public-municipalities a").first.click()
    page.wait_for_selector("#public-wards")
    assert page.locator("#public-wards tbody tr").count() == 2
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the public page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(ARTIFACTS / "public-phone.png"), full_page=True)
    context.close()
