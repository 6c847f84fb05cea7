from django.urls import path

from . import (
    complaint_views,
    fsm_office_views,
    operation_views,
    planner_views,
    request_views,
    route_views,
    rule_office_views,
    views,
)

app_name = "containment"

urlpatterns = [
    path("compliance/", views.compliance_overview, name="compliance"),
    path("compliance/notices.pdf", views.enforcement_notices_pdf, name="enforcement-notices"),
    path("desk/", views.call_desk, name="desk"),
    path("desk/requests/<int:pk>/sheet/", views.job_sheet, name="job-sheet"),
    path("desk/requests/<int:pk>/sheet.pdf", views.job_sheet_pdf, name="job-sheet-pdf"),
    path("desk/requests/<int:pk>/receipt.pdf", views.request_receipt_pdf, name="request-receipt"),
    path("desk/requests/<int:pk>/", request_views.request_page, name="request"),
    path("desk/complaints/", complaint_views.complaint_list, name="complaints"),
    path("desk/complaints/<int:pk>/", complaint_views.complaint_page, name="complaint"),
    path(
        "desk/complaints/photos/<int:pk>/", complaint_views.complaint_photo, name="complaint-photo"
    ),
    path("inspections/", views.inspector_page, name="inspect"),
    path("inspections/sw.js", views.inspector_worker, name="inspect-worker"),
    path("office/rules/", rule_office_views.rules_page, name="office-rules"),
    path("office/planner/", planner_views.planner_page, name="office-planner"),
    path("office/fsm/", fsm_office_views.fsm_office_page, name="office-fsm"),
    path("office/fsm/providers/new/", fsm_office_views.provider_edit, name="provider-new"),
    path("office/fsm/providers/<int:pk>/", fsm_office_views.provider_edit, name="provider-edit"),
    path(
        "office/fsm/providers/<int:provider_pk>/vehicles/new/",
        fsm_office_views.vehicle_edit,
        name="vehicle-new",
    ),
    path(
        "office/fsm/providers/<int:provider_pk>/vehicles/<int:pk>/",
        fsm_office_views.vehicle_edit,
        name="vehicle-edit",
    ),
    path("office/fsm/plants/new/", fsm_office_views.plant_edit, name="plant-new"),
    path("office/fsm/plants/<int:pk>/", fsm_office_views.plant_edit, name="plant-edit"),
    path("crew/", operation_views.crew_day, name="crew"),
    path("crew/route/", route_views.crew_route, name="crew-route"),
    path("crew/jobs/<int:pk>/", operation_views.crew_job, name="crew-job"),
    path("crew/photos/<int:pk>/", operation_views.emptying_photo, name="emptying-photo"),
    path("plant/", operation_views.plant_desk, name="plant"),
    path("plant/loads/<int:pk>/", operation_views.plant_load, name="plant-load"),
    path("plant/log/", operation_views.plant_log, name="plant-log"),
    path("plant/lab/", operation_views.plant_lab, name="plant-lab"),
]
