from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import Assignment, Submission, SubmissionPhoto, SurveyCampaign


class AssignmentInline(admin.TabularInline):
    model = Assignment
    raw_id_fields = ["enumerator"]
    extra = 0


@admin.register(SurveyCampaign)
class SurveyCampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "starts_on", "ends_on", "status"]
    list_filter = ["municipality", "status"]
    filter_horizontal = ["wards"]
    inlines = [AssignmentInline]


@admin.register(Submission)
class SubmissionAdmin(LeafletGeoAdmin):
    """Read only: submissions arrive through the API and are decided in the review queue."""

    list_display = ["client_uuid", "campaign", "enumerator", "status", "match_kind", "received_at"]
    list_filter = ["campaign", "status", "match_kind"]
    raw_id_fields = ["building", "corrects"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


admin.site.register(SubmissionPhoto)
