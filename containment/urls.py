from django.urls import path

from . import views

app_name = "containment"

urlpatterns = [
    path("compliance/", views.compliance_overview, name="compliance"),
    path("desk/", views.call_desk, name="desk"),
]
