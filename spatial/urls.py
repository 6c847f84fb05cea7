from django.urls import path

from . import health_views, views

app_name = "spatial"

urlpatterns = [
    path("map/", views.municipality_map, name="map"),
    path("map/edit/", views.map_editor, name="editor"),
    path("data/", views.data_transfers, name="data"),
    path("connect/", views.connect, name="connect"),
    path("health/cases/", health_views.disease_cases, name="disease-cases"),
]
