from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.campaign_list, name="campaigns"),
    path("surveys/<int:pk>/", views.campaign_detail, name="campaign"),
]
