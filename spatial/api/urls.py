from django.urls import path

from . import building_views, exports, health, imports, jobs, views
from .layer_views import register_urls

app_name = "spatial-api"

urlpatterns = [
    path("disease-cases/", health.DiseaseCaseCountsView.as_view(), name="disease-cases"),
    path("disease-cases/file/", health.DiseaseCaseFileView.as_view(), name="disease-cases-file"),
    path(
        "disease-cases/export/",
        health.DiseaseCaseExportView.as_view(),
        name="disease-cases-export",
    ),
    path("disease-cases/<int:pk>/", health.DiseaseCaseCountView.as_view(), name="disease-case"),
    path("exports/<str:name>/", exports.ExportView.as_view(), name="export"),
    path("imports/<str:name>/", imports.ImportApi.as_view(), name="import"),
    path("imports/<str:name>/mapping/", imports.ImportMappingApi.as_view(), name="import-mapping"),
    path("jobs/", jobs.LayerJobListView.as_view(), name="layer-jobs"),
    path("jobs/exports/", jobs.ExportJobView.as_view(), name="layer-job-export"),
    path("jobs/imports/", jobs.ImportJobView.as_view(), name="layer-job-import"),
    path("jobs/<int:pk>/", jobs.LayerJobView.as_view(), name="layer-job"),
    path("jobs/<int:pk>/commit/", jobs.LayerJobCommitView.as_view(), name="layer-job-commit"),
    path("jobs/<int:pk>/file/", jobs.LayerJobFileView.as_view(), name="layer-job-file"),
    path("municipalities/", views.MunicipalityListView.as_view(), name="municipality-list"),
    path(
        "buildings/<int:pk>/split/",
        building_views.BuildingSplitView.as_view(),
        name="building-split",
    ),
    path(
        "buildings/<int:pk>/merge/",
        building_views.BuildingMergeView.as_view(),
        name="building-merge",
    ),
    *register_urls("spatial"),
]
