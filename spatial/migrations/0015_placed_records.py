"""The trigger function every placed register's table uses for its database-filled code and
ward (spatial.records.placed_record_sql)."""

from django.db import migrations

from spatial.records import PLACE_RECORD_FUNCTION


class Migration(migrations.Migration):
    dependencies = [("spatial", "0014_municipality_sewage_treated")]

    operations = [
        migrations.RunSQL(
            PLACE_RECORD_FUNCTION, "DROP FUNCTION IF EXISTS spatial_place_record();"
        )
    ]
