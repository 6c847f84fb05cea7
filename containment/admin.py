from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from core.admin import ServiceOnlyAdmin
from spatial.admin import PlacedRecordAdmin

from .models import (
    ComplianceAssessment,
    ComplianceRuleSet,
    ComplianceRun,
    Containment,
    ContainmentBuilding,
    DrainSegment,
    Emptying,
    EmptyingRequest,
    Household,
    PublicToilet,
    PublicToiletCount,
    ServiceFeedback,
    ServiceProvider,
    SewerConnection,
    SludgeDelivery,
    TreatmentPlant,
    Vehicle,
)


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["building", "number", "facility", "toilet_shared", "members_go", "source"]
    list_filter = ["municipality", "source", "members_go", "toilet_shared"]
    raw_id_fields = ["building", "facility", "public_toilet"]


class BuildingLinkInline(admin.TabularInline):
    model = ContainmentBuilding
    raw_id_fields = ["building"]
    extra = 0


@admin.register(Containment)
class ContainmentAdmin(PlacedRecordAdmin):
    list_display = ["code", "containment_type", "outlet", "ward", "last_emptied_on", "retired_at"]
    list_filter = [*PlacedRecordAdmin.list_filter, "containment_type", "outlet"]
    readonly_fields = [*PlacedRecordAdmin.readonly_fields, "effective_volume_m3"]
    inlines = [BuildingLinkInline]
    list_select_related = ["ward"]
    show_full_result_count = False


@admin.register(ComplianceRuleSet)
class ComplianceRuleSetAdmin(ServiceOnlyAdmin):
    """Read only: a new version is published through the API so that it re-assesses."""

    list_display = ["municipality", "version", "created_at"]
    list_filter = ["municipality"]


@admin.register(ComplianceAssessment)
class ComplianceAssessmentAdmin(ServiceOnlyAdmin):
    list_display = ["containment", "rule_set", "status", "assessed_at"]
    list_filter = ["status", "rule_set__municipality"]
    raw_id_fields = ["containment"]
    show_full_result_count = False


@admin.register(ComplianceRun)
class ComplianceRunAdmin(ServiceOnlyAdmin):
    list_display = ["rule_set", "assessed_at", "as_of", "containments", "changed"]
    list_filter = ["rule_set__municipality"]


@admin.register(TreatmentPlant)
class TreatmentPlantAdmin(LeafletGeoAdmin):
    list_display = ["name", "plant_type", "capacity_m3_per_day", "is_active", "municipality"]
    list_filter = ["municipality", "plant_type", "is_active"]
    filter_horizontal = ["operators"]


class VehicleInline(admin.TabularInline):
    model = Vehicle
    extra = 0


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "is_active", "municipality"]
    list_filter = ["municipality", "is_active"]
    filter_horizontal = ["wards", "operators"]
    inlines = [VehicleInline]


@admin.register(EmptyingRequest)
class EmptyingRequestAdmin(ServiceOnlyAdmin):
    """Read only: requests and their steps are recorded through the API so that the state
    machine applies (containment.desludging)."""

    list_display = ["containment", "status", "is_emergency", "requested_at", "scheduled_for"]
    list_filter = ["municipality", "status", "is_emergency"]
    raw_id_fields = ["containment"]


@admin.register(Emptying, SludgeDelivery, ServiceFeedback)
class DesludgingStepAdmin(ServiceOnlyAdmin):
    """Steps of the chain: recorded by containment.desludging only."""


class PublicToiletCountInline(admin.TabularInline):
    model = PublicToiletCount
    extra = 0


@admin.register(PublicToilet)
class PublicToiletAdmin(PlacedRecordAdmin):
    list_display = ["code", "name", "toilet_kind", "condition", "ward", "retired_at"]
    list_filter = [*PlacedRecordAdmin.list_filter, "toilet_kind", "condition"]
    raw_id_fields = ["containment", "low_income_community"]
    inlines = [PublicToiletCountInline]


@admin.register(DrainSegment)
class DrainSegmentAdmin(PlacedRecordAdmin):
    list_display = ["code", "network_type", "size_mm", "condition", "reaches", "ward"]
    list_filter = [*PlacedRecordAdmin.list_filter, "network_type", "reaches"]
    raw_id_fields = ["outfall_water_body", "outfall_plant"]
    readonly_fields = [*PlacedRecordAdmin.readonly_fields, "reaches", "reaches_plant"]


@admin.register(SewerConnection)
class SewerConnectionAdmin(PlacedRecordAdmin):
    list_display = ["code", "building", "segment", "connected_on", "ward", "retired_at"]
    raw_id_fields = ["building", "segment"]
