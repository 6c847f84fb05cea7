from django.urls import path

from . import analysis_views, quality_views, target_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("wards/", views.ward_map, name="ward-map"),
    path("wards/<int:ward_id>/", views.overview, name="ward"),
    path("indicators/", views.indicator_report, name="indicators"),
    path("reports/fsm-month.pdf", views.monthly_fsm_report, name="monthly-fsm"),
    path("quality/", quality_views.quality_page, name="quality"),
    path("analysis/", analysis_views.analysis, name="analysis"),
    path("office/targets/", target_views.targets_page, name="targets"),
    path("public/", views.public_index, name="public"),
    path("public/<slug:code>/", views.public_municipality, name="public-municipality"),
]
