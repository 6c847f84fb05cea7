"""Indexes for the search box (core/search.py): a prefix of a BIN, holding number, code or
road name, case aside (`upper(column) LIKE upper('text%')`), found by an index instead of a
scan of every building."""

from django.db import migrations

INDEXES = {
    "building_bin_search_idx": ("spatial_building", "bin"),
    "building_holding_search_idx": ("spatial_building", "holding_number"),
    "road_code_search_idx": ("spatial_road", "code"),
    "road_name_search_idx": ("spatial_road", "name"),
    "waterpoint_code_search_idx": ("spatial_waterpoint", "code"),
}


class Migration(migrations.Migration):
    dependencies = [("spatial", "0021_building_merged_into")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON {table} (upper({column}) text_pattern_ops)",
            f"DROP INDEX {name}",
        )
        for name, (table, column) in INDEXES.items()
    ]
