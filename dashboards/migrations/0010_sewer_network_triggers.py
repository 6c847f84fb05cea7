"""The sewer network (containment.DrainSegment, SewerConnection) feeds the dashboard figures:
whether a sewered containment's sewage is treated follows its building's connection to the
network's outfall. Note their writes as figure changes (migration 0007)."""

import importlib

from django.db import migrations

previous = importlib.import_module("dashboards.migrations.0009_public_toilet_triggers")
base = importlib.import_module("dashboards.migrations.0007_figures_by_ward")

MUNICIPALITIES = "SELECT DISTINCT municipality_id FROM changed_rows"
# A network change may decide the sewage of any connected building: every ward of the town.
NEW_SOURCES = {
    "containment_drainsegment": (base._EVERY_WARD, MUNICIPALITIES),
    "containment_sewerconnection": (base._EVERY_WARD, MUNICIPALITIES),
}
SOURCES = {**previous.SOURCES, **NEW_SOURCES}


def triggers_sql(sources: dict) -> list[str]:
    """The change-note triggers of `sources` ({table: (wards, municipalities)}); later
    migrations adding registers to the figures call it too."""
    return [
        f"CREATE TRIGGER figures_change_{event} AFTER {event.upper()} ON {table} "
        f"REFERENCING {tables} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION dashboards_note_figures_change("
        f"{base._quote(wards)}, {base._quote(municipalities)})"
        for table, (wards, municipalities) in sources.items()
        for event, tables in base.EVENTS.items()
    ]


def drop_sql(sources: dict) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS figures_change_{event} ON {table}"
        for table in sources
        for event in base.EVENTS
    ]


def forward_sql() -> list[str]:
    return triggers_sql(NEW_SOURCES)


BACKWARD = drop_sql(NEW_SOURCES)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0009_public_toilet_triggers"),
        ("containment", "0033_drains_and_sewers"),
    ]

    operations = [migrations.RunSQL(forward_sql(), BACKWARD)]
