"""Change notes per ward: the triggers of migrations 0004 and 0006 now also note which wards'
figures a write may change, so that the next recomputation redoes those wards only
(dashboards/stored.py, docs/performance.md).

Each register has two queries over its transition table `changed_rows` (for an update, the
old and the new rows together: a building that moves changes both wards):
- the wards: (municipality, ward) pairs, ward -1 for "every ward" (a rule set, a plant, a
  ward's own row), a null ward for none (a building outside every ward is in no ward's
  figures);
- the municipalities alone, for statements of more than WARDS_UP_TO rows (or the setting
  `imis.figures_wards_up_to`), which touch most wards anyway and are noted as "every ward"
  without tracing each row.

A containment's write reaches the wards of its own row, of the households that use it (a
household is counted in its building's ward, whichever ward the toilet is in) and of the
buildings it serves (schools' and health facilities' safe sanitation)."""

import django.contrib.postgres.fields
from django.db import migrations, models


WARDS_UP_TO = 5000

FUNCTION = f"""
CREATE OR REPLACE FUNCTION dashboards_note_figures_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    prefix text := '';
    changed bigint;
    up_to bigint := coalesce(
        nullif(current_setting('imis.figures_wards_up_to', true), '')::bigint, {WARDS_UP_TO});
BEGIN
    -- TG_ARGV[0]: (municipality, ward) pairs; TG_ARGV[1]: municipalities (see the migration).
    IF TG_OP = 'UPDATE' THEN
        prefix := 'WITH changed_rows AS '
               || '(SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) ';
    END IF;
    EXECUTE prefix || 'SELECT count(*) FROM changed_rows' INTO changed;
    IF changed > up_to THEN
        EXECUTE prefix || 'INSERT INTO dashboards_figureschange (municipality_id, wards, changed_at) '
             || 'SELECT DISTINCT m, NULL::bigint[], now() FROM (' || TG_ARGV[1] || ') s(m) '
             || 'WHERE m IS NOT NULL';
    ELSE
        EXECUTE prefix || 'INSERT INTO dashboards_figureschange (municipality_id, wards, changed_at) '
             || 'SELECT m, CASE WHEN bool_or(w = -1) THEN NULL ELSE coalesce(array_agg('
             || 'DISTINCT w ORDER BY w) FILTER (WHERE w IS NOT NULL), ''{{}}'') END, now() '
             || 'FROM (' || TG_ARGV[0] || ') s(m, w) WHERE m IS NOT NULL GROUP BY m';
    END IF;
    RETURN NULL;
END
$$;
"""


def _served(ids: str) -> str:
    """The wards a write to the containments `ids` (a query) reaches."""
    return (
        f"SELECT c.municipality_id, c.ward_id FROM containment_containment c WHERE c.id IN ({ids}) "
        "UNION ALL SELECT b.municipality_id, b.ward_id FROM containment_household h "
        f"JOIN spatial_building b ON b.id = h.building_id WHERE h.facility_id IN ({ids}) "
        "UNION ALL SELECT b.municipality_id, b.ward_id FROM containment_containmentbuilding l "
        f"JOIN spatial_building b ON b.id = l.building_id WHERE l.containment_id IN ({ids})"
    )


# A household whose building is gone (deleted in the same statement) counts for every ward.
_OF_HOUSEHOLDS = (
    "SELECT r.municipality_id, CASE WHEN b.id IS NULL THEN -1 ELSE b.ward_id END "
    "FROM changed_rows r LEFT JOIN spatial_building b ON b.id = r.building_id"
)
# A link's building (a deleted building notes its own ward).
_OF_LINKS = (
    "SELECT b.municipality_id, b.ward_id FROM changed_rows r "
    "JOIN spatial_building b ON b.id = r.building_id"
)
_EVERY_WARD = "SELECT municipality_id, -1 FROM changed_rows"

# Each register the figures read: (its wards, its municipalities).
SOURCES = {
    "spatial_ward": (_EVERY_WARD, "SELECT municipality_id FROM changed_rows"),
    "spatial_building": (
        "SELECT municipality_id, ward_id FROM changed_rows UNION ALL "
        + _served(
            "SELECT l.containment_id FROM containment_containmentbuilding l "
            "WHERE l.building_id IN (SELECT id FROM changed_rows)"
        ),
        "SELECT DISTINCT municipality_id FROM changed_rows",
    ),
    "containment_containment": (
        "SELECT municipality_id, ward_id FROM changed_rows UNION ALL "
        + _served("SELECT id FROM changed_rows"),
        "SELECT DISTINCT municipality_id FROM changed_rows",
    ),
    "containment_containmentbuilding": (
        _served("SELECT containment_id FROM changed_rows") + " UNION ALL " + _OF_LINKS,
        "SELECT c.municipality_id FROM (SELECT DISTINCT containment_id FROM changed_rows) r "
        "JOIN containment_containment c ON c.id = r.containment_id",
    ),
    "containment_household": (
        _OF_HOUSEHOLDS,
        "SELECT DISTINCT municipality_id FROM changed_rows",
    ),
    "containment_emptyingrequest": (
        _served("SELECT containment_id FROM changed_rows"),
        "SELECT DISTINCT municipality_id FROM changed_rows",
    ),
    "containment_emptying": (
        _served(
            "SELECT q.containment_id FROM containment_emptyingrequest q "
            "WHERE q.id IN (SELECT request_id FROM changed_rows)"
        ),
        "SELECT q.municipality_id FROM (SELECT DISTINCT request_id FROM changed_rows) r "
        "JOIN containment_emptyingrequest q ON q.id = r.request_id",
    ),
    "containment_sludgedelivery": (
        _served(
            "SELECT q.containment_id FROM containment_emptyingrequest q "
            "JOIN containment_emptying e ON e.request_id = q.id "
            "WHERE e.id IN (SELECT emptying_id FROM changed_rows)"
        ),
        "SELECT q.municipality_id FROM (SELECT DISTINCT emptying_id FROM changed_rows) r "
        "JOIN containment_emptying e ON e.id = r.emptying_id "
        "JOIN containment_emptyingrequest q ON q.id = e.request_id",
    ),
    "containment_treatmentplant": (
        _EVERY_WARD,
        "SELECT DISTINCT municipality_id FROM changed_rows",
    ),
    "containment_complianceruleset": (
        _EVERY_WARD,
        "SELECT DISTINCT municipality_id FROM changed_rows",
    ),
    "containment_complianceassessment": (
        "SELECT c.municipality_id, c.ward_id FROM containment_containment c "
        "WHERE c.id IN (SELECT containment_id FROM changed_rows)",
        "SELECT s.municipality_id FROM (SELECT DISTINCT rule_set_id FROM changed_rows) r "
        "JOIN containment_complianceruleset s ON s.id = r.rule_set_id",
    ),
    "surveys_surveycampaign": (
        _EVERY_WARD,
        "SELECT DISTINCT municipality_id FROM changed_rows",
    ),
    "surveys_submission": (
        "SELECT k.municipality_id, b.ward_id FROM changed_rows r "
        "JOIN surveys_surveycampaign k ON k.id = r.campaign_id "
        "LEFT JOIN spatial_building b ON b.id = r.building_id",
        "SELECT k.municipality_id FROM (SELECT DISTINCT campaign_id FROM changed_rows) r "
        "JOIN surveys_surveycampaign k ON k.id = r.campaign_id",
    ),
}
EVENTS = {
    "insert": "NEW TABLE AS changed_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS changed_rows",
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def forward_sql() -> list[str]:
    statements = [FUNCTION]
    for table, (wards, municipalities) in SOURCES.items():
        for event, tables in EVENTS.items():
            statements.append(f"DROP TRIGGER IF EXISTS figures_change_{event} ON {table}")
            statements.append(
                f"CREATE TRIGGER figures_change_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION dashboards_note_figures_change("
                f"{_quote(wards)}, {_quote(municipalities)})"
            )
    return statements


class Migration(migrations.Migration):

    dependencies = [
        ('dashboards', '0006_household_triggers'),
        ('containment', '0022_containment_code_search_idx'),
        ('surveys', '0003_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='figureschange',
            name='wards',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True, null=True, size=None),
        ),
        migrations.AddField(
            model_name='storedfigures',
            name='by_ward',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='storedfigures',
            name='recomputed_wards',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True, null=True, size=None),
        ),
        migrations.AddField(
            model_name='storedfigures',
            name='stale_wards',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True, default=list, size=None),
        ),
        # Reversing leaves the ward-aware triggers: they note what the older ones did.
        migrations.RunSQL(forward_sql(), migrations.RunSQL.noop),
    ]
