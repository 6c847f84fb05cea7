from django.db import migrations, models


def cancel_duplicates(apps, schema_editor):
    """Before the constraint: of several open requests for one containment, keep the oldest
    and cancel the others, saying which one they duplicate."""
    schema_editor.execute(
        """
        UPDATE containment_emptyingrequest r
           SET status = 'cancelled', cancelled_at = now(),
               cancel_reason = 'Duplicate of request ' || first.id
          FROM (SELECT DISTINCT ON (containment_id) containment_id, id
                  FROM containment_emptyingrequest
                 WHERE status IN ('requested', 'scheduled')
                 ORDER BY containment_id, requested_at, id) first
         WHERE r.containment_id = first.containment_id AND r.id <> first.id
           AND r.status IN ('requested', 'scheduled')
        """
    )


class Migration(migrations.Migration):
    dependencies = [("containment", "0011_assessment_failed_rules")]

    operations = [
        migrations.RunPython(cancel_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="emptyingrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["requested", "scheduled"])),
                fields=("containment",),
                name="request_one_open_per_containment",
            ),
        ),
    ]
