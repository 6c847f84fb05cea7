"""The public and community toilets (containment.PublicToilet) feed the dashboard figures:
the households that go to one stand on its rung and share its containment's fate. Note
their writes as figure changes, like the other registers (migration 0007)."""

import importlib

from django.db import migrations

previous = importlib.import_module("dashboards.migrations.0007_figures_by_ward")

TABLE = "containment_publictoilet"
# A toilet block's households live anywhere in the town: every ward of its municipality.
NEW_SOURCES = {
    TABLE: (previous._EVERY_WARD, "SELECT DISTINCT municipality_id FROM changed_rows"),
}
SOURCES = {**previous.SOURCES, **NEW_SOURCES}


def forward_sql() -> list[str]:
    statements = []
    for table, (wards, municipalities) in NEW_SOURCES.items():
        for event, tables in previous.EVENTS.items():
            statements.append(
                f"CREATE TRIGGER figures_change_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION dashboards_note_figures_change("
                f"{previous._quote(wards)}, {previous._quote(municipalities)})"
            )
    return statements


BACKWARD = [f"DROP TRIGGER IF EXISTS figures_change_{event} ON {TABLE}" for event in previous.EVENTS]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0008_quality_snapshots"),
        ("containment", "0032_public_toilets"),
    ]

    operations = [migrations.RunSQL(forward_sql(), BACKWARD)]
