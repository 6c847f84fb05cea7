"""Campaigns in Chromium (issue 24): a supervisor creates a campaign, assigns an enumerator
and sets targets; follows its progress (chart, the day's points, coverage); imports a
Kobo/ODK export whose column names and codes differ from the sample form through a
mapping made on the page, saved, and reused for the next export. The database is checked
after each step; the pages pass axe and speak Bangla."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point

from core.roles import MembershipRole
from surveys import services
from surveys.models import Assignment, KoboMapping, Submission, SurveyCampaign, WardTarget

from .conftest import log_in, make_town
from .factories import MembershipFactory, UserFactory, enumerator_of, survey_team
from .surveys.conftest import export_buildings
from .surveys.test_kobo_mapping import MAPPING, as_csv, other_form_rows
from .test_browser_roles import AXE, _axe, _data_names, _english_left

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "images"


def accessible_in_both_languages(page, names: set[str]) -> list[str]:
    """axe's serious findings in English, and English words left on the Bangla page (the
    town's own names and the questionnaire version's code aside)."""
    names = names | _data_names() | {"building"}
    problems = [f"axe {v}" for v in _axe(page)]
    page.evaluate("() => { document.cookie = 'django_language=bn; path=/'; }")
    page.reload()
    page.wait_for_load_state("networkidle")
    left = _english_left(page, names)
    if left:
        problems.append(f"English left on the Bangla page: {left[:12]}")
    page.evaluate("() => { document.cookie = 'django_language=en; path=/'; }")
    page.reload()
    page.wait_for_load_state("networkidle")
    return problems


def test_a_campaign_is_created_staffed_and_given_targets(page, live_server):
    town = make_town()
    supervisor = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
    ).user
    rahim = enumerator_of(town, "rahim")
    MembershipFactory(
        municipality=town.municipality,
        role=MembershipRole.GIS_OFFICER,
        user=UserFactory(username="gisofficer"),
    )
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, supervisor)
    page.goto(f"{live_server.url}/surveys/")
    page.click("text=New campaign")
    page.fill("#id_name", "Ward census 2026")
    page.fill("#id_starts_on", "2026-12-06")
    page.fill("#id_ends_on", "2026-11-01")
    page.check(f"input[name=wards][value='{town.west.pk}']")
    page.check(f"input[name=wards][value='{town.east.pk}']")
    page.click("text=Create the campaign")
    # Ending before it starts: shown again, with the error, the wards still ticked.
    assert "cannot end before it starts" in page.inner_text(".imis-form")
    assert page.is_checked(f"input[name=wards][value='{town.west.pk}']")
    assert not SurveyCampaign.objects.exists()
    page.fill("#id_ends_on", "2027-01-31")
    page.click("text=Create the campaign")
    page.wait_for_selector("#team-table")
    campaign = SurveyCampaign.objects.get(name="Ward census 2026")
    assert campaign.wards.count() == 2

    # Only the enumerator is offered; assign him to ward 1.
    offered = page.eval_on_selector_all(
        "#id_enumerator option", "options => options.map(o => o.value).filter(Boolean)"
    )
    assert offered == ["rahim"]
    page.select_option("#id_enumerator", "rahim")
    page.check(f"#assign-form input[name=wards][value='{town.west.pk}']")
    page.click("#assign-form button[type=submit]")
    page.wait_for_selector("text=Enumerator assigned.")
    assert "rahim" in page.inner_text("#team-table tr[data-ward='1']")
    assert list(Assignment.objects.values_list("enumerator__username", "ward__number")) == [
        ("rahim", 1)
    ]

    page.fill(f"#id_ward_{town.west.pk}", "150")
    page.click("text=Save the targets")
    page.wait_for_selector("text=Targets saved.")
    assert WardTarget.objects.get(campaign=campaign, ward=town.west).buildings == 150
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "campaign-team.png"), full_page=True)
    problems = accessible_in_both_languages(page, {"rahim", "Ward", "census"})

    page.click("#team-table tr[data-ward='1'] button:has-text('Remove')")
    page.wait_for_selector("text=Assignment removed.")
    assert not Assignment.objects.filter(enumerator=rahim).exists()
    assert not problems, problems


def test_progress_shows_the_chart_the_days_points_and_coverage(page, live_server):
    town = make_town()
    campaign, supervisor, enumerator = survey_team(town)
    services.ward_targets_set(campaign=campaign, targets={town.west.pk: 40})
    day = dt.datetime(2026, 7, 20, 4, tzinfo=dt.UTC)
    for k in range(4):
        services.submission_receive(
            enumerator=enumerator,
            campaign=campaign,
            client_uuid=uuid.uuid4(),
            device_time=day + dt.timedelta(days=k // 3, minutes=k),
            point=Point(90.8101 + k * 0.0004, 22.93, srid=4326),
            gps_accuracy_m=5,
            answers={},
        )
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, supervisor)
    page.goto(f"{live_server.url}/surveys/{campaign.pk}/progress/")
    page.wait_for_selector("#progress[data-loaded='1']")
    assert page.get_attribute("#progress", "data-chart") == "2"  # two days in the field
    row = page.inner_text(f"#progress-enumerators tr[data-enumerator='{enumerator.username}']")
    assert row.split("\t")[1] == "4"
    # The latest day first: one submission on the 21st, three on the 20th.
    page.wait_for_selector("#progress[data-points='1']")
    page.select_option("#progress-day", "2026-07-20")
    page.wait_for_selector("#progress[data-points='3']")
    assert page.locator(".imis-day-point").count() == 3
    coverage = page.inner_text("#progress-coverage tr[data-ward='1']")
    assert "40" in coverage
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "campaign-progress.png"), full_page=True)
    problems = accessible_in_both_languages(page, {enumerator.username})
    assert not problems, problems


def test_a_kobo_form_of_other_names_and_codes_is_mapped_saved_and_reused(
    page, live_server, tmp_path
):
    town = make_town()
    campaign, supervisor, _enumerator = survey_team(town)
    rahim = enumerator_of(town, "rahim")
    services.assignment_create(campaign=campaign, enumerator=rahim, ward=town.west)
    export_buildings(town)
    export = tmp_path / "wash-census.csv"
    export.write_bytes(as_csv(other_form_rows()))
    page.context.add_init_script(path=str(AXE))
    log_in(page, live_server, supervisor)
    page.goto(f"{live_server.url}/surveys/{campaign.pk}/import/")
    page.wait_for_selector("#kobo[data-ready='1']")
    page.set_input_files("#kobo-file", str(export))
    page.select_option("#kobo-mapping", "new")
    page.click("#kobo-read")
    page.wait_for_selector("#kobo[data-read='1']")
    # Kobo's own instance column is recognised; the rest is chosen here.
    assert page.input_value("#column-instance") == "KEY"
    page.fill("#kobo-mapping-name", "Kushtia WASH census")
    # The same mapping the API test saves (the instance column aside: found by itself).
    for key, column in MAPPING["columns"].items():
        if key != "instance":
            page.select_option(f"#column-{key}", column)
    for question, raw, code in [
        ("structure_type", "pakka", '"rcc_framed"'),
        ("has_toilet", "haan", "true"),
        ("toilet_type", "sanitary", '"flush"'),
        ("containment_type", "septic", '"septic_tank"'),
        ("outlet", "nala", '"open_drain"'),
    ]:
        page.select_option(f"select[data-question='{question}'][data-raw='{raw}']", code)
    page.select_option("select[data-kobo='kushtia_enum1']", "rahim")
    GUIDE.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(GUIDE / "kobo-mapping.png"), full_page=True)

    page.click("#kobo-dry-run")
    page.wait_for_selector("#kobo[data-done='dry-run']")
    assert page.locator("#kobo-rows tr[data-outcome='importable']").count() == 2
    refused = page.inner_text("#kobo-rows tr[data-outcome='invalid']")
    assert "structure_type" in refused or "tin" in refused
    assert Submission.objects.filter(enumerator=rahim).count() == 0
    mapping = KoboMapping.objects.get(name="Kushtia WASH census")
    assert mapping.codes["structure_type"] == {"pakka": "rcc_framed"}
    assert mapping.codes["has_toilet"] == {"haan": True}

    page.click("#kobo-commit")
    page.wait_for_selector("#kobo[data-done='import']")
    imported = Submission.objects.filter(enumerator=rahim).order_by("client_uuid")
    assert imported.count() == 2
    assert imported[0].answers["containment_type"] == "septic_tank"
    assert page.is_visible("text=Open the review desk")
    problems = accessible_in_both_languages(page, {"Kushtia", "WASH", "census", "rahim"})

    # The next export of the same form: the saved mapping, chosen from the list, reads it.
    page.goto(f"{live_server.url}/surveys/{campaign.pk}/import/")
    page.wait_for_selector("#kobo[data-ready='1']")
    page.set_input_files("#kobo-file", str(export))
    page.select_option("#kobo-mapping", str(mapping.pk))
    page.click("#kobo-read")
    page.wait_for_selector("#kobo[data-read='1']")
    assert page.input_value("#column-structure_type") == "bldg-material"
    # The supervisor adds the code the first export lacked, and imports the rest.
    page.select_option("select[data-question='structure_type'][data-raw='tin']", '"cgi_sheet"')
    page.click("#kobo-dry-run")
    page.wait_for_selector("#kobo[data-done='dry-run']")
    assert page.locator("#kobo-rows tr[data-outcome='importable']").count() == 1
    assert page.locator("#kobo-rows tr[data-outcome='duplicate']").count() == 2
    page.click("#kobo-commit")
    page.wait_for_selector("#kobo[data-done='import']")
    assert Submission.objects.filter(enumerator=rahim).count() == 3
    mapping.refresh_from_db()
    assert mapping.codes["structure_type"] == {"pakka": "rcc_framed", "tin": "cgi_sheet"}
    assert not problems, problems
