"""Admin pages of citizen services (issue 33): read only. Codes, certificates and the
outbox change through the services; the access log and outbox are evidence."""

from django.contrib import admin

from core.admin import ServiceOnlyAdmin

from .models import BillCode, Certificate, CitizenAccess, CitizenCase, CitizenMessage


@admin.register(CitizenAccess)
class CitizenAccessAdmin(ServiceOnlyAdmin):
    list_display = ["at", "municipality", "action", "outcome", "number_key", "client_address"]
    list_filter = ["municipality", "action", "outcome"]
    search_fields = ["number_key", "client_address", "reference"]
    date_hierarchy = "at"


@admin.register(CitizenMessage)
class CitizenMessageAdmin(ServiceOnlyAdmin):
    list_display = ["created_at", "municipality", "phone", "status", "text"]
    list_filter = ["municipality", "status"]
    search_fields = ["phone"]
    date_hierarchy = "created_at"


@admin.register(CitizenCase)
class CitizenCaseAdmin(ServiceOnlyAdmin):
    list_display = ["reference", "municipality", "kind", "created_at"]
    list_filter = ["municipality", "kind"]
    search_fields = ["reference", "phone"]


@admin.register(Certificate)
class CertificateAdmin(ServiceOnlyAdmin):
    list_display = ["number", "municipality", "kind", "status", "ward", "applied_at"]
    list_filter = ["municipality", "kind", "status"]
    search_fields = ["number", "applicant_name"]


@admin.register(BillCode)
class BillCodeAdmin(ServiceOnlyAdmin):
    list_display = ["holding", "code", "issued_at"]
    search_fields = ["holding__number", "code"]
    raw_id_fields = ["holding"]
