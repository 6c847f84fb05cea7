"""The household record (containment.Household) feeds the dashboard figures: note its
writes as figure changes, like the other registers (migration 0004)."""

from django.db import migrations

TABLE = "containment_household"
QUERY = "SELECT DISTINCT municipality_id FROM changed_rows"
EVENTS = {"insert": "NEW", "update": "NEW", "delete": "OLD"}

FORWARD = [
    f"CREATE TRIGGER figures_change_{event} AFTER {event.upper()} ON {TABLE} "
    f"REFERENCING {side} TABLE AS changed_rows FOR EACH STATEMENT "
    f"EXECUTE FUNCTION dashboards_note_figures_change('{QUERY}')"
    for event, side in EVENTS.items()
]
BACKWARD = [f"DROP TRIGGER IF EXISTS figures_change_{event} ON {TABLE}" for event in EVENTS]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0005_stored_figures_stale"),
        ("containment", "0014_households_and_dated_plants"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
