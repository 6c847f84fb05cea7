"""Stored dashboard figures (dashboards/stored.py): served while current, recomputed after
any write to a register they read, and never different from a fresh computation."""

import datetime as dt
import importlib
import re

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from containment.models import (
    ComplianceAssessment,
    Containment,
    ContainmentBuilding,
    Emptying,
    Household,
    SludgeDelivery,
    TreatmentPlant,
)
from dashboards import figures_sql, revenue, selectors, services
from dashboards import stored as stored_module
from dashboards.models import FiguresChange, StoredFigures
from spatial.models import Building, Ward
from tests.conftest import make_town
from tests.factories import BuildingFactory, HouseholdFactory, square

pytestmark = pytest.mark.django_db

triggers = importlib.import_module("dashboards.migrations.0010_sewer_network_triggers")
holdings_triggers = importlib.import_module("dashboards.migrations.0012_holdings_triggers")


def _content(rows):
    """The figures without the moment they were computed (which differs by design)."""
    return [{k: v for k, v in row.items() if k != "computed_at"} for row in rows]


def _figures(dashboard_town):
    return _content(
        selectors.ward_figures(
            municipality=dashboard_town.town.municipality, year=dashboard_town.year
        )
    )


def _computed(dashboard_town):
    return _content(
        selectors.ward_figures_computed(
            municipality=dashboard_town.town.municipality, year=dashboard_town.year
        )
    )


def _notes(dashboard_town):
    """This town's change notes (other tests' committed towns may have theirs)."""
    return FiguresChange.objects.filter(municipality_id=dashboard_town.town.municipality.pk)


def _stored(dashboard_town):
    return StoredFigures.objects.filter(municipality=dashboard_town.town.municipality)


def _ward(rows, number):
    return next(row for row in rows if row["number"] == number)


def test_a_current_set_is_one_query_and_equals_a_fresh_computation(
    dashboard_town, django_assert_num_queries
):
    first = _figures(dashboard_town)
    assert _stored(dashboard_town).filter(kind="ward_figures").count() == 1
    with django_assert_num_queries(1):
        again = _figures(dashboard_town)
    assert again == first == _computed(dashboard_town)


def _building_people(t):
    Building.objects.filter(pk=t.buildings["b1"].pk).update(population_male=50)


def _new_building(t):
    near_b1 = t.buildings["b1"].geom.centroid
    BuildingFactory(municipality=t.town.municipality, geom=square(near_b1.x, near_b1.y + 0.001))


def _containment_to_sewer(t):
    Containment.objects.filter(pk=t.containments["c1"].pk).update(outlet="sewer")


def _unlink_building(t):
    # c3's LIC building no longer served: c3 leaves the LIC's containments.
    ContainmentBuilding.objects.filter(containment=t.containments["c3"]).delete()


def _household_answer(t):
    Household.objects.filter(building=t.buildings["b7"]).update(members_go="open")


def _emptying_volume(t):
    Emptying.objects.filter(request__containment=t.containments["c1"]).update(volume_m3=9)


def _delivery_removed(t):
    SludgeDelivery.objects.all().delete()


def _plant_closed(t):
    TreatmentPlant.objects.update(is_active=False)


def _assessments_withdrawn(t):
    ComplianceAssessment.objects.filter(containment__municipality=t.town.municipality).update(
        status="unknown"
    )


def _ward_renamed(t):
    Ward.objects.filter(pk=t.town.west.pk).update(name="Renamed")


@pytest.mark.parametrize(
    ("change", "wards"),
    [
        (_building_people, {"west"}),
        (_new_building, {"west"}),
        (_containment_to_sewer, {"west"}),
        (_unlink_building, {"west"}),
        (_household_answer, {"east"}),
        (_emptying_volume, {"west"}),
        (_delivery_removed, {"west"}),
        (_plant_closed, None),
        (_assessments_withdrawn, {"west", "east"}),
        (_ward_renamed, None),
    ],
)
def test_any_write_to_a_register_read_makes_the_next_read_recompute(dashboard_town, change, wards):
    """... and only in the wards it may change (None: every ward), with the same figures as a
    computation from scratch."""
    before = _figures(dashboard_town)
    assert not _notes(dashboard_town).exists()
    change(dashboard_town)
    assert _notes(dashboard_town).exists()
    after = _figures(dashboard_town)
    assert after != before
    assert after == _computed(dashboard_town)
    assert not _notes(dashboard_town).exists()
    assert _recomputed_wards(dashboard_town) == wards


def _recomputed_wards(dashboard_town) -> set[str] | None:
    stored = _stored(dashboard_town).get(kind="ward_figures", year=dashboard_town.year)
    if stored.recomputed_wards is None:
        return None
    town = dashboard_town.town
    names = {town.west.pk: "west", town.east.pk: "east"}
    return {names[pk] for pk in stored.recomputed_wards}


def test_a_toilet_used_from_another_ward_recomputes_both_wards(dashboard_town):
    """A household counts in its building's ward whichever ward its toilet is in: a write to
    the toilet reaches the users' ward too."""
    t = dashboard_town
    _figures(t)
    HouseholdFactory(
        building=t.buildings["b6"],
        number=1,
        people_male=10,
        people_female=0,
        facility=t.containments["c1"],
    )
    before = _figures(t)
    assert _recomputed_wards(t) == {"east"}
    assert before == _computed(t)
    Containment.objects.filter(pk=t.containments["c1"].pk).update(outlet="open_drain")
    after = _figures(t)
    assert _recomputed_wards(t) == {"west", "east"}
    assert after == _computed(t)
    # The east ward's figures changed through a toilet in the west.
    assert _ward(_content(after), 2) != _ward(_content(before), 2)


def test_a_building_moved_to_another_ward_recomputes_both(dashboard_town):
    t = dashboard_town
    before = _figures(t)
    Building.objects.filter(pk=t.buildings["b2"].pk).update(ward=t.town.east)
    after = _figures(t)
    assert _recomputed_wards(t) == {"west", "east"}
    assert after == _computed(t)
    assert _ward(after, 2)["buildings"] == _ward(before, 2)["buildings"] + 1


def test_a_write_outside_every_ward_leaves_the_ward_figures_as_they_were(dashboard_town):
    t = dashboard_town
    before = _figures(t)
    Building.objects.filter(pk=t.buildings["b4"].pk).update(ward=None)
    Building.objects.filter(pk=t.buildings["b4"].pk).update(population_male=99)
    after = _figures(t)
    assert after == _computed(t)
    assert _ward(after, 2)["buildings"] == _ward(before, 2)["buildings"] - 1


def _noted_wards(t) -> list:
    return list(_notes(t).order_by("pk").values_list("wards", flat=True))


def test_a_statement_of_many_rows_is_noted_for_every_ward(dashboard_town):
    """Beyond `imis.figures_wards_up_to` rows (5,000 unless set) a statement is not traced
    row by row: it recomputes every ward."""
    t = dashboard_town
    _figures(t)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL imis.figures_wards_up_to = 3")
        Building.objects.filter(pk=t.buildings["b1"].pk).update(population_male=7)
        assert _noted_wards(t) == [[t.town.west.pk]]
        Building.objects.filter(municipality=t.town.municipality).update(household_count=2)
        assert _noted_wards(t) == [[t.town.west.pk], None]
        cursor.execute("RESET imis.figures_wards_up_to")
    assert _figures(t) == _computed(t)
    assert _recomputed_wards(t) is None


def test_one_bulk_statement_notes_one_change(dashboard_town):
    _figures(dashboard_town)
    Building.objects.filter(municipality=dashboard_town.town.municipality).update(household_count=2)
    assert _notes(dashboard_town).count() == 1


def test_a_rolled_back_write_notes_nothing(dashboard_town, django_assert_num_queries):
    _figures(dashboard_town)

    def write_then_fail():
        with transaction.atomic():
            Building.objects.filter(pk=dashboard_town.buildings["b1"].pk).update(population_male=9)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert not _notes(dashboard_town).exists()
    with django_assert_num_queries(1):
        _figures(dashboard_town)


def test_another_municipalitys_writes_leave_the_figures_current(
    dashboard_town, django_assert_num_queries
):
    _figures(dashboard_town)
    other = make_town(offset=0.5)
    inside = other.west.geom.point_on_surface
    BuildingFactory(municipality=other.municipality, geom=square(inside.x, inside.y))
    assert not _notes(dashboard_town).exists()
    with django_assert_num_queries(1):
        _figures(dashboard_town)


def test_a_write_makes_the_other_years_and_kinds_stale_too(dashboard_town):
    town, year = dashboard_town.town, dashboard_town.year
    selectors.ward_figures(municipality=town.municipality, year=year - 1)
    selectors.failing_rules_by_ward(municipality=town.municipality)
    Building.objects.filter(pk=dashboard_town.buildings["b1"].pk).update(population_male=50)
    _figures(dashboard_town)
    stale = set(_stored(dashboard_town).filter(stale=True).values_list("kind", "year"))
    assert stale == {("failing_rules", 0)}
    # The ward figures of the other year are stale in the written ward alone.
    previous_year = _stored(dashboard_town).get(kind="ward_figures", year=year - 1)
    assert previous_year.stale_wards == [town.west.pk]
    previous = selectors.ward_figures(municipality=town.municipality, year=year - 1)
    # Compared without the moment each was computed: a second may pass between the two.
    assert _content(previous) == _content(
        selectors.ward_figures_computed(municipality=town.municipality, year=year - 1)
    )


def test_figures_cut_at_another_day_are_recomputed(dashboard_town):
    _figures(dashboard_town)
    _stored(dashboard_town).update(as_of=dt.date(2000, 1, 1), figures=[])
    assert _figures(dashboard_town) == _computed(dashboard_town)


def test_other_classification_settings_are_recomputed(dashboard_town, settings):
    before = _figures(dashboard_town)
    imis = {**settings.IMIS, "PITS_IN_GROUNDWATER_RISK": True}
    with override_settings(IMIS=imis):
        changed = _figures(dashboard_town)
        assert changed == _computed(dashboard_town)
    # c1 drains to a soak pit and c3 is a lined pit: contained, unless the groundwater is
    # at risk everywhere (then pits and soak pits leach: not contained).
    assert _ward(before, 1)["sfd_contained"] == 2
    assert _ward(changed, 1)["sfd_contained"] == 0


def test_the_background_refresh_leaves_current_figures(dashboard_town, django_assert_num_queries):
    town = dashboard_town.town
    Building.objects.filter(pk=dashboard_town.buildings["b1"].pk).update(population_male=50)
    assert services.figures_refresh() >= 1  # this town, and any other with writes noted
    assert not _notes(dashboard_town).exists()
    year = selectors.default_year()
    with django_assert_num_queries(3):
        selectors.ward_figures(municipality=town.municipality, year=year)
        selectors.emptying_by_month(municipality=town.municipality, year=year)
        selectors.failing_rules_by_ward(municipality=town.municipality)
    assert town.municipality.pk not in stored_module.stale_municipality_ids()


def _tables_read(sql: str) -> set[str]:
    pattern = r"(?:FROM|JOIN)\s+((?:spatial|containment|surveys|holdings)_[a-z_]+)"
    return set(re.findall(pattern, sql))


def test_every_register_the_statements_read_has_change_triggers():
    """A selector that starts reading a new table must add it to the triggers' SOURCES."""
    read = _tables_read(figures_sql.ward_figures_sql())
    assert "spatial_building" in read
    assert "surveys_submission" in read
    sources = set(triggers.SOURCES) | set(holdings_triggers.NEW_SOURCES)
    assert read <= sources
    # The revenue figures read the holdings tables, and only ones whose writes are noted.
    revenue_read = _tables_read(revenue._SQL)
    assert "holdings_taxstatus" in revenue_read
    assert revenue_read <= sources
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers"
            " WHERE trigger_name LIKE 'figures_change_%%'"
        )
        installed = {row[0] for row in cursor.fetchall()}
    assert installed == sources


def test_young_figures_are_served_while_the_worker_catches_up(dashboard_town, settings):
    from procrastinate.contrib.django.models import ProcrastinateJob

    settings.IMIS = {**settings.IMIS, "DASHBOARD_MAX_AGE_S": 60}
    before = _figures(dashboard_town)
    Building.objects.filter(pk=dashboard_town.buildings["b1"].pk).update(population_male=50)
    assert _figures(dashboard_town) == before  # computed moments ago: served as they are
    assert _figures(dashboard_town) == before
    municipality = dashboard_town.town.municipality
    queued = ProcrastinateJob.objects.filter(
        task_name="dashboards.refresh_municipality_figures",
        args={"municipality_id": municipality.pk},
    )
    assert queued.count() == 1  # one refresh waiting, however many readers asked
    job = queued.get()
    assert job.args == {"municipality_id": municipality.pk}
    # Half the window out: one recomputation per half minute under a stream of writes.
    assert 25 <= (job.scheduled_at - timezone.now()).total_seconds() <= 30
    services.figures_refresh(municipality_ids=[municipality.pk])
    after = _figures(dashboard_town)
    assert after != before
    assert after == _computed(dashboard_town)


def test_old_figures_are_recomputed_even_with_an_age_window(dashboard_town, settings):
    settings.IMIS = {**settings.IMIS, "DASHBOARD_MAX_AGE_S": 60}
    before = _figures(dashboard_town)
    _stored(dashboard_town).update(computed_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    Building.objects.filter(pk=dashboard_town.buildings["b1"].pk).update(population_male=50)
    after = _figures(dashboard_town)
    assert after != before
    assert after == _computed(dashboard_town)


@pytest.mark.django_db(transaction=True)
def test_a_reader_does_not_queue_behind_another_readers_recomputation(dashboard_town):
    """While one connection holds the municipality's recomputation lock, another reader of
    stale figures gets them at once instead of waiting."""
    import psycopg

    from tests.conftest import database_url

    before = _figures(dashboard_town)
    Building.objects.filter(pk=dashboard_town.buildings["b1"].pk).update(population_male=50)
    municipality = dashboard_town.town.municipality
    with psycopg.connect(database_url()) as other:
        other.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [stored_module._LOCK_NAMESPACE, municipality.pk]
        )
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        assert _figures(dashboard_town) == before  # the older figures, without waiting
        other.rollback()
    after = _figures(dashboard_town)
    assert after == _computed(dashboard_town)
    assert after != before
