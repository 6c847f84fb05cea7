from django.urls import path

from . import views

app_name = "dashboards-api"

urlpatterns = [
    path("overview/", views.OverviewApi.as_view(), name="overview"),
    path("wards/", views.WardMapApi.as_view(), name="ward-map"),
    path("indicators/", views.IndicatorReportApi.as_view(), name="indicators"),
    path("public/<slug:code>/wards/", views.PublicWardsApi.as_view(), name="public-wards"),
]
