from django.urls import path

from . import complaint_views, operation_views, request_views, views

app_name = "containment"

urlpatterns = [
    path("compliance/", views.compliance_overview, name="compliance"),
    path("desk/", views.call_desk, name="desk"),
    path("desk/requests/<int:pk>/sheet/", views.job_sheet, name="job-sheet"),
    path("desk/requests/<int:pk>/", request_views.request_page, name="request"),
    path("desk/complaints/", complaint_views.complaint_list, name="complaints"),
    path("desk/complaints/<int:pk>/", complaint_views.complaint_page, name="complaint"),
    path("inspections/", views.inspector_page, name="inspect"),
    path("inspections/sw.js", views.inspector_worker, name="inspect-worker"),
    path("crew/", operation_views.crew_day, name="crew"),
    path("crew/jobs/<int:pk>/", operation_views.crew_job, name="crew-job"),
    path("crew/photos/<int:pk>/", operation_views.emptying_photo, name="emptying-photo"),
    path("plant/", operation_views.plant_desk, name="plant"),
    path("plant/loads/<int:pk>/", operation_views.plant_load, name="plant-load"),
    path("plant/log/", operation_views.plant_log, name="plant-log"),
    path("plant/lab/", operation_views.plant_lab, name="plant-lab"),
]
