"""An index for the search box (core/search.py): a containment's code from its start, case
aside."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("containment", "0021_containment_soft_delete")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX containment_code_search_idx"
            " ON containment_containment (upper(code) text_pattern_ops)",
            "DROP INDEX containment_code_search_idx",
        )
    ]
