from django.urls import path

from . import editing, views

app_name = "holdings"

urlpatterns = [
    path("", views.office, name="office"),
    path("queue/", views.queue, name="queue"),
    path("new/", editing.new_holding, name="new"),
    path("<int:pk>/", views.holding_page, name="holding"),
    path("<int:pk>/split/", editing.split, name="split"),
    path("<int:pk>/merge/", editing.merge, name="merge"),
]
