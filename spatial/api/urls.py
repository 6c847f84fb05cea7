from django.urls import path

from . import exports, imports, views

app_name = "spatial-api"

urlpatterns = [
    path("exports/<str:name>/", exports.ExportView.as_view(), name="export"),
    path("imports/<str:name>/", imports.ImportApi.as_view(), name="import"),
    path("municipalities/", views.MunicipalityListView.as_view(), name="municipality-list"),
    path("wards/", views.WardListView.as_view(), name="ward-list"),
    path("wards/<int:pk>/", views.WardDetailView.as_view(), name="ward-detail"),
    path("buildings/", views.BuildingListView.as_view(), name="building-list"),
    path("buildings/<int:pk>/", views.BuildingDetailView.as_view(), name="building-detail"),
    path("roads/", views.RoadListView.as_view(), name="road-list"),
    path(
        "low-income-communities/",
        views.LowIncomeCommunityListView.as_view(),
        name="low-income-community-list",
    ),
    path("roads/<int:pk>/", views.RoadDetailView.as_view(), name="road-detail"),
]
