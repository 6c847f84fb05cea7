from django.urls import path

from . import views

app_name = "onboarding"

urlpatterns = [
    path("", views.municipality_list, name="municipalities"),
    path("new/", views.municipality_new, name="new"),
    path("<slug:code>/", views.checklist, name="checklist"),
    path("<slug:code>/names/<str:layer>/", views.town_names, name="names"),
]
