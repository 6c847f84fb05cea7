from django.urls import path

from . import views

app_name = "containment"

urlpatterns = [
    path("compliance/", views.compliance_overview, name="compliance"),
    path("desk/", views.call_desk, name="desk"),
    path("desk/requests/<int:pk>/sheet/", views.job_sheet, name="job-sheet"),
]
