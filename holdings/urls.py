from django.urls import path

from . import views

app_name = "holdings"

urlpatterns = [
    path("", views.office, name="office"),
    path("queue/", views.queue, name="queue"),
    path("<int:pk>/", views.holding_page, name="holding"),
]
