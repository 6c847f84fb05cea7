from django.urls import path

from . import views

app_name = "spatial"

urlpatterns = [
    path("", views.municipality_map, name="map"),
]
