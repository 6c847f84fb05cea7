"""The revenue desk in Chromium (issue 31): the GIS officer checks the holding tax
system's export, imports it, resolves an ambiguous row on the reconciliation queue and
reads the holding's page, its owners masked. The pages pass axe and speak Bangla."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.roles import MembershipRole
from holdings import services
from holdings.models import Holding, QueuedRow, TaxStatus

from .conftest import log_in, make_town
from .factories import BuildingFactory, MembershipFactory
from .holdings.conftest import FEEDS, NUMBERS
from .test_browser_campaigns import accessible_in_both_languages
from .test_browser_roles import AXE
from .test_browser_service_chain import GUIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_gis_officer_imports_a_tax_feed_and_resolves_the_queue(page, live_server):
    town = make_town()
    made = {}
    for ward, numbers in NUMBERS.items():
        for number in numbers:
            made[ward, number] = services.holding_create(
                municipality=town.municipality,
                ward=town.west if ward == 1 else town.east,
                number=number,
                buildings=[BuildingFactory(municipality=town.municipality)],
            )
    services.owners_set(
        holding=made[1, "12"], owners=[{"name": "Rahima Begum", "national_id": "1990123456789"}]
    )
    officer = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.GIS_OFFICER
    ).user
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, officer)
    page.click("nav a:has-text('Holdings and revenue')")
    page.wait_for_selector("#feed-form")
    page.select_option("#id_feed", "tax")
    page.set_input_files("#id_file", str(FEEDS / "tax.csv"))
    page.click("#feed-form button[value=check]")
    page.wait_for_selector("#feed-report")
    assert page.inner_text("#feed-matched") == "6"
    assert not TaxStatus.objects.exists()
    page.set_input_files("#id_file", str(FEEDS / "tax.csv"))
    page.click("#feed-form button[value=import]")
    page.wait_for_selector("#feed-report h2:has-text('Imported')")
    assert TaxStatus.objects.count() == 6
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "revenue-feeds.png"), full_page=True)
    page.goto(f"{live_server.url}/holdings/")  # the page again, read (not posted)
    page.wait_for_selector("#feed-imports")
    problems = accessible_in_both_languages(page, {"tax", "csv"})  # the file's name
    assert not problems, problems

    page.click("a:has-text('Open the queue')")
    ambiguous = QueuedRow.objects.get(holding_number="0012")
    card = f"#queued-{ambiguous.pk}"
    page.wait_for_selector(card)
    # On the map: the row's candidates, one chosen from its footprint's popup.
    page.wait_for_selector("#queue-map .leaflet-interactive")
    page.click(f"{card} button[data-show-candidates]")
    page.click(".leaflet-popup button:has-text('Choose for the row of 0012')")
    chosen = page.eval_on_selector(f"{card} input[name=holding]:checked", "e => e.value")
    assert chosen == str(made[1, "12"].pk)
    page.click(f"{card} button[value=resolve]")
    page.wait_for_selector("text=The row is written to the holding.")
    assert TaxStatus.objects.filter(holding=made[1, "12"]).exists()
    problems = accessible_in_both_languages(page, set())
    assert not problems, problems

    page.goto(f"{live_server.url}/holdings/{made[1, '12'].pk}/")
    page.wait_for_selector("#holding-owners")
    owners = page.inner_text("#holding-owners")
    assert "Rahima Begum" in owners
    assert "1990123456789" not in owners
    assert "6789" in owners
    assert "800" in page.inner_text("#holding-tax")
    problems = accessible_in_both_languages(page, {"Rahima", "Begum"})
    assert not problems, problems


def test_a_holding_is_registered_from_its_building_then_split_and_merged(page, live_server):
    """The GIS officer opens a building's page, registers the holding on it and its
    outbuilding, then records the holding's split (one part per building, from the deed)
    and, later, the two parts merged again."""
    town = make_town()
    main, outbuilding = (BuildingFactory(municipality=town.municipality) for _ in range(2))
    officer = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.GIS_OFFICER
    ).user
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{reverse('record-buildings', kwargs={'key': main.bin})}")
    page.click("a:has-text('New holding on this building')")
    page.wait_for_selector("#holding-edit")
    assert page.input_value("#id_buildings") == main.bin
    problems = accessible_in_both_languages(page, {main.bin})
    assert not problems, problems
    page.fill("#id_number", "45")
    page.fill("#id_address", "12 College Road")
    page.fill("#id_buildings", f"{main.bin} {outbuilding.bin}")
    page.fill("#id_name", "Rahima Begum")
    page.fill("#id_national_id", "১৯৯০১২৩৪৫৬৭৮৯")
    page.click("#holding-edit button[type=submit]")
    page.wait_for_selector("text=The holding is registered.")
    holding = Holding.objects.get(number="45")
    assert {b.pk for b in holding.buildings.all()} == {main.pk, outbuilding.pk}
    assert holding.ownerships.get().owner.national_id == "1990123456789"

    page.click("a:has-text('Split this holding')")
    page.wait_for_selector("#holding-edit")
    problems = accessible_in_both_languages(page, {main.bin, outbuilding.bin})
    assert not problems, problems
    page.fill("#id_happened_on", "2026-11-02")
    page.fill("#id_evidence_reference", "Mutation 311/2026")
    page.fill("#id_number_1", "45/1")
    page.check(f"input[name=buildings_1][value='{main.pk}']")
    page.fill("#id_number_2", "45/2")
    page.check(f"input[name=buildings_2][value='{outbuilding.pk}']")
    page.click("#holding-edit button[type=submit]")
    page.wait_for_selector("text=The holding is split.")
    holding.refresh_from_db()
    assert holding.retired_at is not None
    first, second = Holding.objects.get(number="45/1"), Holding.objects.get(number="45/2")
    assert [b.pk for b in first.buildings.all()] == [main.pk]
    assert second.ownerships.get(until=None).owner.name == "Rahima Begum"  # carried over
    assert "Mutation 311/2026" in page.inner_text("#holding-changes")

    page.click("a:has-text('Merge other holdings into it')")
    page.wait_for_selector("#holding-edit")
    page.fill("#id_others", "45/2")
    page.fill("#id_number", "45")
    page.fill("#id_happened_on", "2026-11-20")
    page.click("#holding-edit button[type=submit]")
    page.wait_for_selector("text=The holdings are merged.")
    merged = Holding.objects.get(number="45", retired_at=None)
    assert {b.pk for b in merged.buildings.all()} == {main.pk, outbuilding.pk}
    assert Holding.objects.filter(retired_at=None).count() == 1


def test_a_split_with_one_part_is_refused_and_the_page_says_why(page, live_server):
    town = make_town()
    officer = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.GIS_OFFICER
    ).user
    holding = services.holding_create(
        municipality=town.municipality,
        ward=town.west,
        number="7",
        buildings=[BuildingFactory(municipality=town.municipality)],
    )
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}/holdings/{holding.pk}/split/")
    page.fill("#id_happened_on", "2026-11-02")
    page.fill("#id_number_1", "7/1")
    page.click("#holding-edit button[type=submit]")
    page.wait_for_selector(".imis-field-error")
    assert "#id_number_2" in page.eval_on_selector(
        ".imis-form-invalid", "e => '#' + e.querySelector('input').id"
    )
    holding.refresh_from_db()
    assert holding.retired_at is None
