from django.urls import path

from .. import quality_views
from . import views

app_name = "dashboards-api"

urlpatterns = [
    path("overview/", views.OverviewApi.as_view(), name="overview"),
    path("wards/", views.WardMapApi.as_view(), name="ward-map"),
    path("indicators/", views.IndicatorReportApi.as_view(), name="indicators"),
    path("quality/", quality_views.QualityApi.as_view(), name="quality"),
    path("quality/<slug:check>/", quality_views.QualityCheckApi.as_view(), name="quality-check"),
    path("public/<slug:code>/wards/", views.PublicWardsApi.as_view(), name="public-wards"),
]
