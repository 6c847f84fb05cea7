"""The holdings and their revenue status (holdings app, issue 31) feed the ward map's
revenue figures (dashboards/revenue.py): note their writes as figure changes, by the
holding's ward (migration 0007)."""

import importlib

from django.db import migrations

sewers = importlib.import_module("dashboards.migrations.0010_sewer_network_triggers")

_OF_HOLDINGS = (
    "SELECT h.municipality_id, h.ward_id FROM holdings_holding h "
    "WHERE h.id IN (SELECT holding_id FROM changed_rows)"
)
_HOLDINGS_MUNICIPALITIES = (
    "SELECT h.municipality_id FROM (SELECT DISTINCT holding_id FROM changed_rows) r "
    "JOIN holdings_holding h ON h.id = r.holding_id"
)
NEW_SOURCES = {
    "holdings_holding": (
        "SELECT municipality_id, ward_id FROM changed_rows",
        "SELECT DISTINCT municipality_id FROM changed_rows",
    ),
    "holdings_holdingbuilding": (_OF_HOLDINGS, _HOLDINGS_MUNICIPALITIES),
    "holdings_taxstatus": (_OF_HOLDINGS, _HOLDINGS_MUNICIPALITIES),
    "holdings_wateraccount": (_OF_HOLDINGS, _HOLDINGS_MUNICIPALITIES),
    "holdings_wastefee": (_OF_HOLDINGS, _HOLDINGS_MUNICIPALITIES),
    "holdings_tradelicence": (_OF_HOLDINGS, _HOLDINGS_MUNICIPALITIES),
}


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0011_saved_analysis"),
        ("holdings", "0002_footprint_by_the_database"),
    ]

    operations = [
        migrations.RunSQL(sewers.triggers_sql(NEW_SOURCES), sewers.drop_sql(NEW_SOURCES))
    ]
