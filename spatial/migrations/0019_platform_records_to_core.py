"""Memberships, layer jobs, login events and the memberships' history are core's now (core
0001 took them over, tables and rows unchanged): spatial drops its old history triggers on
spatial_membership and forgets the models, in Django's state only."""

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("spatial", "0018_waterpoint_history_trigger_columns"),
        ("core", "0001_platform_records_from_spatial"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="membership", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="membership", name="update_update"),
        pgtrigger.migrations.RemoveTrigger(model_name="membership", name="delete_delete"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="loginevent",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="membership",
                    name="municipality",
                ),
                migrations.RemoveField(
                    model_name="membership",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="membership",
                    name="wards",
                ),
                migrations.RemoveField(
                    model_name="membershipevent",
                    name="pgh_obj",
                ),
                migrations.RemoveField(
                    model_name="membershipevent",
                    name="municipality",
                ),
                migrations.RemoveField(
                    model_name="membershipevent",
                    name="pgh_context",
                ),
                migrations.RemoveField(
                    model_name="membershipevent",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="LayerJob",
                ),
                migrations.DeleteModel(
                    name="LoginEvent",
                ),
                migrations.DeleteModel(
                    name="Membership",
                ),
                migrations.DeleteModel(
                    name="MembershipEvent",
                ),
            ],
        ),
    ]
