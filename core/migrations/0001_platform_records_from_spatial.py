"""Memberships, layer jobs, login events and the memberships' history move from the spatial
app to core (issue 18). Their tables stay as they are, rows and all: core takes the models
over in Django's state only. The history triggers are named after the model's app
(pgtrigger), so core installs its own here and spatial 0019 drops the old ones; content types
(and the permissions that hang on them) are relabelled, not recreated."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

MOVED = ["membership", "membershipevent", "layerjob", "loginevent"]


def _relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def relabel_content_types(apps, schema_editor):
    _relabel(apps, "spatial", "core")


def unlabel_content_types(apps, schema_editor):
    _relabel(apps, "core", "spatial")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('pghistory', '0007_auto_20250421_0444'),
        ('spatial', '0018_waterpoint_history_trigger_columns'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Membership',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('role', models.CharField(choices=[('municipal_admin', 'Municipal admin'), ('gis_officer', 'GIS officer'), ('executive', 'Municipal executive'), ('survey_supervisor', 'Survey supervisor'), ('enumerator', 'Enumerator'), ('fsm_help_desk', 'FSM help desk'), ('inspector', 'Sanitation inspector'), ('provider_operator', 'Service-provider operator'), ('plant_operator', 'Treatment-plant operator')], max_length=30, verbose_name='role')),
                    ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='spatial.municipality')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                    ('wards', models.ManyToManyField(blank=True, help_text='Leave empty for the whole municipality.', related_name='memberships', to='spatial.ward')),
                ],
                options={
                    'verbose_name': 'membership',
                    'verbose_name_plural': 'memberships',
                    'db_table': 'spatial_membership',
                },
            ),
            migrations.CreateModel(
                name='MembershipEvent',
                fields=[
                    ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                    ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                    ('pgh_label', models.TextField(help_text='The event label.')),
                    ('id', models.BigIntegerField()),
                    ('role', models.CharField(choices=[('municipal_admin', 'Municipal admin'), ('gis_officer', 'GIS officer'), ('executive', 'Municipal executive'), ('survey_supervisor', 'Survey supervisor'), ('enumerator', 'Enumerator'), ('fsm_help_desk', 'FSM help desk'), ('inspector', 'Sanitation inspector'), ('provider_operator', 'Service-provider operator'), ('plant_operator', 'Treatment-plant operator')], max_length=30, verbose_name='role')),
                    ('municipality', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='spatial.municipality')),
                    ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                    ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='core.membership')),
                    ('user', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'spatial_membershipevent',
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='LayerJob',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('export', 'export'), ('import', 'import')], max_length=10, verbose_name='kind')),
                    ('layer', models.CharField(max_length=40, verbose_name='layer')),
                    ('parameters', models.JSONField(default=dict)),
                    ('status', models.CharField(choices=[('queued', 'waiting for the worker'), ('running', 'running'), ('done', 'done'), ('failed', 'failed')], default='queued', max_length=10, verbose_name='status')),
                    ('stage', models.CharField(blank=True, max_length=80, verbose_name='stage')),
                    ('done', models.PositiveIntegerField(default=0)),
                    ('total', models.PositiveIntegerField(blank=True, null=True)),
                    ('result', models.JSONField(blank=True, default=dict)),
                    ('file_name', models.CharField(blank=True, max_length=200)),
                    ('error', models.TextField(blank=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('started_at', models.DateTimeField(blank=True, null=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('municipality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='layer_jobs', to='spatial.municipality')),
                    ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='layer_jobs', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'export or import',
                    'verbose_name_plural': 'exports and imports',
                    'db_table': 'spatial_layerjob',
                    'ordering': ['-created_at', '-id'],
                    'indexes': [models.Index(fields=['owner', '-created_at'], name='layerjob_owner_idx')],
                },
            ),
            migrations.CreateModel(
                name='LoginEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('username', models.CharField(max_length=150, verbose_name='user name given')),
                    ('outcome', models.CharField(choices=[('success', 'logged in'), ('failure', 'wrong user name or password'), ('locked', 'refused: too many failed attempts')], max_length=10, verbose_name='outcome')),
                    ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                    ('user_agent', models.CharField(blank=True, max_length=300, verbose_name='browser or program')),
                    ('path', models.CharField(blank=True, max_length=200, verbose_name='where')),
                    ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when')),
                    ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='login_events', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'login attempt',
                    'verbose_name_plural': 'login activity',
                    'db_table': 'spatial_loginevent',
                    'ordering': ['-at', '-id'],
                    'indexes': [models.Index(fields=['username', '-at'], name='loginevent_username_idx')],
                },
            ),
            migrations.AddConstraint(
                model_name='membership',
                constraint=models.UniqueConstraint(fields=('user', 'municipality', 'role'), name='membership_unique_role'),
            ),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='membership',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "spatial_membershipevent" ("id", "municipality_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "user_id") VALUES (NEW."id", NEW."municipality_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."role", NEW."user_id"); RETURN NULL;', hash='ad3a9c842995f5d6e418faa351bd86767798aa16', operation='INSERT', pgid='pgtrigger_insert_insert_ec0e8', table='spatial_membership', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='membership',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "spatial_membershipevent" ("id", "municipality_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "user_id") VALUES (NEW."id", NEW."municipality_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."role", NEW."user_id"); RETURN NULL;', hash='3952ed86869c93e443b90c82c2b4fb38257a76c2', operation='UPDATE', pgid='pgtrigger_update_update_af665', table='spatial_membership', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='membership',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "spatial_membershipevent" ("id", "municipality_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "user_id") VALUES (OLD."id", OLD."municipality_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."role", OLD."user_id"); RETURN NULL;', hash='9e9a95876204cf193a8df40a491972e573f01b68', operation='DELETE', pgid='pgtrigger_delete_delete_bf7cb', table='spatial_membership', when='AFTER')),
        ),
        migrations.RunPython(relabel_content_types, unlabel_content_types),
    ]
