"""Admin pages of the platform's records (memberships, login activity), and the admin
base classes of registers whose writes go through their services."""

from django.contrib import admin

from .models import LoginEvent, Membership


class NoWritesMixin:
    """For registers whose changes must go through their services (state machines, rules
    that hold across rows): the admin shows them and nothing more, with no add, change or
    delete that would bypass the service."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceOnlyAdmin(NoWritesMixin, admin.ModelAdmin):
    pass


class ServiceOnlyInline(NoWritesMixin, admin.TabularInline):
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "role"]
    list_filter = ["municipality", "role"]
    filter_horizontal = ["wards"]


@admin.register(LoginEvent)
class LoginEventAdmin(ServiceOnlyAdmin):
    """Login activity: read only, for the system admin."""

    list_display = ["at", "username", "outcome", "ip_address", "path", "user_agent"]
    list_filter = ["outcome", "path"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "at"
