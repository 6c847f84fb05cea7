from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from core.admin import ServiceOnlyAdmin, ServiceOnlyInline

from .models import Assignment, KoboAccount, Submission, SubmissionPhoto, SurveyCampaign


class AssignmentInline(ServiceOnlyInline):
    """Assignments are made by the supervisor (surveys.services.assignment_create checks
    the enumerator's role and extends his membership to the ward)."""

    model = Assignment
    raw_id_fields = ["enumerator"]


@admin.register(SurveyCampaign)
class SurveyCampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "starts_on", "ends_on", "status"]
    list_filter = ["municipality", "status"]
    filter_horizontal = ["wards"]
    inlines = [AssignmentInline]


@admin.register(Submission)
class SubmissionAdmin(ServiceOnlyAdmin, LeafletGeoAdmin):
    """Read only: submissions arrive through the API and are decided in the review queue."""

    list_display = ["client_uuid", "campaign", "enumerator", "status", "match_kind", "received_at"]
    list_filter = ["campaign", "status", "match_kind"]
    raw_id_fields = ["building", "corrects"]
    show_full_result_count = False


@admin.register(SubmissionPhoto)
class SubmissionPhotoAdmin(ServiceOnlyAdmin):
    """Photos arrive with their submission."""


@admin.register(KoboAccount)
class KoboAccountAdmin(admin.ModelAdmin):
    """Kobo user name -> enumerator, as supervisors map them at import."""

    list_display = ["username", "enumerator", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["username", "enumerator__username"]
    raw_id_fields = ["enumerator"]
