from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from . import services
from .models import (
    Building,
    DiseaseCaseCount,
    LowIncomeCommunity,
    Municipality,
    Road,
    Ward,
    WaterBody,
    WaterPoint,
    WaterSample,
    WaterSupplyLine,
)


class RetirableAdmin(LeafletGeoAdmin):
    """A register with soft delete (spatial.records.Retirable): retired records stay listed
    (filter by "retired"), and are retired or restored by action, never deleted."""

    list_filter = ["municipality", ("retired_at", admin.EmptyFieldListFilter)]
    actions = ["retire", "restore"]
    related = ["municipality", "ward"]

    def get_queryset(self, request):
        return self.model.all_objects.select_related(*self.related)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retire the selected records"))
    def retire(self, request, queryset):
        for record in queryset.filter(retired_at__isnull=True):
            services.record_retire(record=record, reason=str(_("retired in the admin")))

    @admin.action(description=_("Restore the selected records"))
    def restore(self, request, queryset):
        for record in queryset.filter(retired_at__isnull=False):
            services.record_restore(record=record)


class PlacedRecordAdmin(RetirableAdmin):
    """A placed register (spatial.records.PlacedRecord)."""

    list_display = ["code", "municipality", "ward", "retired_at"]
    search_fields = ["code"]
    readonly_fields = ["code", "ward", "created_at", "updated_at", "retired_at", "retired_reason"]
    list_select_related = ["municipality", "ward"]


@admin.register(Municipality)
class MunicipalityAdmin(LeafletGeoAdmin):
    list_display = ["name", "code", "name_bn", "area_m2"]
    search_fields = ["name", "code"]
    readonly_fields = ["area_m2"]


@admin.register(Ward)
class WardAdmin(LeafletGeoAdmin):
    list_display = ["number", "name", "municipality", "area_m2"]
    list_filter = ["municipality"]
    readonly_fields = ["area_m2"]


@admin.register(LowIncomeCommunity)
class LowIncomeCommunityAdmin(LeafletGeoAdmin):
    list_display = ["name", "municipality", "household_count", "population"]
    list_filter = ["municipality"]
    readonly_fields = ["area_m2"]


@admin.register(Road)
class RoadAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "hierarchy", "surface", "carriageway_width_m", "length_m"]
    list_filter = ["municipality", "hierarchy", "surface"]
    search_fields = ["code", "name"]
    readonly_fields = ["length_m"]


@admin.register(Building)
class BuildingAdmin(RetirableAdmin):
    list_display = [
        "bin",
        "holding_number",
        "ward",
        "functional_use",
        "structure_type",
        "floor_count",
        "retired_at",
    ]
    list_filter = [*RetirableAdmin.list_filter, "functional_use", "structure_type"]
    related = ["ward"]
    search_fields = ["bin", "holding_number"]
    readonly_fields = [
        "bin",
        "ward",
        "low_income_community",
        "footprint_area_m2",
        "created_at",
        "updated_at",
        "retired_at",
        "retired_reason",
    ]
    raw_id_fields = ["main_building", "access_road"]
    list_select_related = ["ward"]
    show_full_result_count = False


@admin.register(WaterPoint)
class WaterPointAdmin(PlacedRecordAdmin):
    list_display = ["code", "point_type", "depth_m", "ward", "retired_at"]
    list_filter = [*PlacedRecordAdmin.list_filter, "point_type"]


@admin.register(WaterBody)
class WaterBodyAdmin(PlacedRecordAdmin):
    list_display = ["code", "name", "body_type", "ward", "retired_at"]
    list_filter = [*PlacedRecordAdmin.list_filter, "body_type"]


@admin.register(WaterSupplyLine)
class WaterSupplyLineAdmin(PlacedRecordAdmin):
    list_display = ["code", "pipe_role", "diameter_mm", "material", "ward", "retired_at"]
    list_filter = [*PlacedRecordAdmin.list_filter, "pipe_role", "material"]


@admin.register(WaterSample)
class WaterSampleAdmin(PlacedRecordAdmin):
    list_display = ["code", "sampled_on", "water_point", "laboratory", "ward", "retired_at"]
    list_filter = [*PlacedRecordAdmin.list_filter, "sampled_on"]
    raw_id_fields = ["water_point"]


@admin.register(DiseaseCaseCount)
class DiseaseCaseCountAdmin(admin.ModelAdmin):
    list_display = ["ward", "month", "disease", "cases", "source"]
    list_filter = ["municipality", "disease", "month"]
    raw_id_fields = ["ward"]
