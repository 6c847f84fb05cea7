"""Buildings retire with a reason, as every register with soft delete does (Retirable)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('spatial', '0019_platform_records_to_core'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='building',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='building',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='building',
            name='update_update',
        ),
        migrations.AddField(
            model_name='building',
            name='retired_reason',
            field=models.CharField(blank=True, db_default='', default='', max_length=200, verbose_name='why retired'),
        ),
        migrations.AddField(
            model_name='buildingevent',
            name='retired_reason',
            field=models.CharField(blank=True, db_default='', default='', max_length=200, verbose_name='why retired'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='building',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "spatial_buildingevent" ("access_road_id", "bin", "construction_year", "created_at", "floor_count", "functional_use", "geom", "has_toilet", "holding_number", "household_count", "id", "low_income_community_id", "main_building_id", "municipality_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "population_disabled", "population_female", "population_male", "population_other", "retired_at", "retired_reason", "structure_type", "toilet_count", "use_subcategory", "vacutug_accessible", "ward_id", "water_source") VALUES (NEW."access_road_id", NEW."bin", NEW."construction_year", NEW."created_at", NEW."floor_count", NEW."functional_use", NEW."geom", NEW."has_toilet", NEW."holding_number", NEW."household_count", NEW."id", NEW."low_income_community_id", NEW."main_building_id", NEW."municipality_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."population_disabled", NEW."population_female", NEW."population_male", NEW."population_other", NEW."retired_at", NEW."retired_reason", NEW."structure_type", NEW."toilet_count", NEW."use_subcategory", NEW."vacutug_accessible", NEW."ward_id", NEW."water_source"); RETURN NULL;', hash='dd6d7bdd24d1adc5d503056070841df38d0e0cd1', operation='INSERT', pgid='pgtrigger_insert_insert_ae2e6', table='spatial_building', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='building',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (ROW(OLD."id", OLD."retired_at", OLD."retired_reason", OLD."municipality_id", OLD."bin", OLD."ward_id", OLD."low_income_community_id", OLD."holding_number", OLD."main_building_id", OLD."access_road_id", OLD."structure_type", OLD."floor_count", OLD."construction_year", OLD."functional_use", OLD."use_subcategory", OLD."household_count", OLD."population_male", OLD."population_female", OLD."population_other", OLD."population_disabled", OLD."water_source", OLD."has_toilet", OLD."toilet_count", OLD."vacutug_accessible", OLD."footprint_area_m2", OLD."created_at") IS DISTINCT FROM ROW(NEW."id", NEW."retired_at", NEW."retired_reason", NEW."municipality_id", NEW."bin", NEW."ward_id", NEW."low_income_community_id", NEW."holding_number", NEW."main_building_id", NEW."access_road_id", NEW."structure_type", NEW."floor_count", NEW."construction_year", NEW."functional_use", NEW."use_subcategory", NEW."household_count", NEW."population_male", NEW."population_female", NEW."population_other", NEW."population_disabled", NEW."water_source", NEW."has_toilet", NEW."toilet_count", NEW."vacutug_accessible", NEW."footprint_area_m2", NEW."created_at") OR OLD."geom"::bytea IS DISTINCT FROM NEW."geom"::bytea)', func='INSERT INTO "spatial_buildingevent" ("access_road_id", "bin", "construction_year", "created_at", "floor_count", "functional_use", "geom", "has_toilet", "holding_number", "household_count", "id", "low_income_community_id", "main_building_id", "municipality_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "population_disabled", "population_female", "population_male", "population_other", "retired_at", "retired_reason", "structure_type", "toilet_count", "use_subcategory", "vacutug_accessible", "ward_id", "water_source") VALUES (NEW."access_road_id", NEW."bin", NEW."construction_year", NEW."created_at", NEW."floor_count", NEW."functional_use", NEW."geom", NEW."has_toilet", NEW."holding_number", NEW."household_count", NEW."id", NEW."low_income_community_id", NEW."main_building_id", NEW."municipality_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."population_disabled", NEW."population_female", NEW."population_male", NEW."population_other", NEW."retired_at", NEW."retired_reason", NEW."structure_type", NEW."toilet_count", NEW."use_subcategory", NEW."vacutug_accessible", NEW."ward_id", NEW."water_source"); RETURN NULL;', hash='40170aafff6845028b2e32c33bbd92e4c7b0c021', operation='UPDATE', pgid='pgtrigger_update_update_ae7a8', table='spatial_building', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='building',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "spatial_buildingevent" ("access_road_id", "bin", "construction_year", "created_at", "floor_count", "functional_use", "geom", "has_toilet", "holding_number", "household_count", "id", "low_income_community_id", "main_building_id", "municipality_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "population_disabled", "population_female", "population_male", "population_other", "retired_at", "retired_reason", "structure_type", "toilet_count", "use_subcategory", "vacutug_accessible", "ward_id", "water_source") VALUES (OLD."access_road_id", OLD."bin", OLD."construction_year", OLD."created_at", OLD."floor_count", OLD."functional_use", OLD."geom", OLD."has_toilet", OLD."holding_number", OLD."household_count", OLD."id", OLD."low_income_community_id", OLD."main_building_id", OLD."municipality_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."population_disabled", OLD."population_female", OLD."population_male", OLD."population_other", OLD."retired_at", OLD."retired_reason", OLD."structure_type", OLD."toilet_count", OLD."use_subcategory", OLD."vacutug_accessible", OLD."ward_id", OLD."water_source"); RETURN NULL;', hash='dca8d416a6d5172f5593fe19d46d7aee7a55a822', operation='DELETE', pgid='pgtrigger_delete_delete_b3855', table='spatial_building', when='AFTER')),
        ),
    ]
