"""Triggers that note, per statement, which municipalities' dashboard figures a write made
stale (dashboards.models.FiguresChange; read by dashboards/stored.py).

Statement-level with transition tables: a bulk import or a re-assessment of every
containment costs one trigger call, not one per row. Updates are noted by their new rows
(registers do not move between municipalities)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION dashboards_note_figures_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- TG_ARGV[0]: a query over the transition table `changed_rows` giving municipality ids.
    EXECUTE 'INSERT INTO dashboards_figureschange (municipality_id, changed_at) '
         || 'SELECT DISTINCT m, now() FROM (' || TG_ARGV[0] || ') s(m) WHERE m IS NOT NULL';
    RETURN NULL;
END
$$;
"""

# Each register the dashboards read, with the query that finds its rows' municipalities.
SOURCES = {
    "spatial_ward": "SELECT municipality_id FROM changed_rows",
    "spatial_building": "SELECT DISTINCT municipality_id FROM changed_rows",
    "containment_containment": "SELECT DISTINCT municipality_id FROM changed_rows",
    "containment_containmentbuilding": (
        "SELECT c.municipality_id FROM (SELECT DISTINCT containment_id FROM changed_rows) r "
        "JOIN containment_containment c ON c.id = r.containment_id"
    ),
    "containment_emptyingrequest": "SELECT DISTINCT municipality_id FROM changed_rows",
    "containment_emptying": (
        "SELECT q.municipality_id FROM (SELECT DISTINCT request_id FROM changed_rows) r "
        "JOIN containment_emptyingrequest q ON q.id = r.request_id"
    ),
    "containment_sludgedelivery": (
        "SELECT q.municipality_id FROM (SELECT DISTINCT emptying_id FROM changed_rows) r "
        "JOIN containment_emptying e ON e.id = r.emptying_id "
        "JOIN containment_emptyingrequest q ON q.id = e.request_id"
    ),
    "containment_treatmentplant": "SELECT DISTINCT municipality_id FROM changed_rows",
    "containment_complianceruleset": "SELECT DISTINCT municipality_id FROM changed_rows",
    "containment_complianceassessment": (
        "SELECT s.municipality_id FROM (SELECT DISTINCT rule_set_id FROM changed_rows) r "
        "JOIN containment_complianceruleset s ON s.id = r.rule_set_id"
    ),
    "surveys_surveycampaign": "SELECT DISTINCT municipality_id FROM changed_rows",
    "surveys_submission": (
        "SELECT k.municipality_id FROM (SELECT DISTINCT campaign_id FROM changed_rows) r "
        "JOIN surveys_surveycampaign k ON k.id = r.campaign_id"
    ),
}
EVENTS = {"insert": "NEW", "update": "NEW", "delete": "OLD"}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def forward_sql() -> list[str]:
    statements = [FUNCTION]
    for table, query in SOURCES.items():
        for event, side in EVENTS.items():
            statements.append(
                f"CREATE TRIGGER figures_change_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {side} TABLE AS changed_rows FOR EACH STATEMENT "
                f"EXECUTE FUNCTION dashboards_note_figures_change({_quote(query)})"
            )
    return statements


def backward_sql() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS figures_change_{event} ON {table}"
        for table in SOURCES
        for event in EVENTS
    ]
    statements.append("DROP FUNCTION IF EXISTS dashboards_note_figures_change()")
    return statements


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0003_stored_figures"),
        ("spatial", "0012_building_retired"),
        ("containment", "0011_assessment_failed_rules"),
        ("surveys", "0003_history"),
    ]

    operations = [migrations.RunSQL(forward_sql(), backward_sql())]
