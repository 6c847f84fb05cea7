from django.contrib import admin

from .models import IndicatorTarget


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ("municipality", "year", "indicator", "value")
    list_filter = ("municipality", "year")
