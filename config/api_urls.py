"""/api/v1/: REST API (GeoJSON for spatial resources) and its OpenAPI 3 schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from core.accounts import ObtainExpiringToken
from core.search_api import SearchView
from dashboards.api import saved
from dashboards.api.areas import AreaSummaryView

urlpatterns = [
    path("", include("spatial.api.urls")),
    path("", include("containment.api.urls")),
    path("surveys/", include("surveys.api.urls")),
    path("dashboards/", include("dashboards.api.urls")),
    path("holdings/", include("holdings.api.urls")),
    path("approvals/", include("approvals.api.urls")),
    path("auth/token/", ObtainExpiringToken.as_view(), name="api-token"),
    path("search/", SearchView.as_view(), name="search"),
    path("analysis/area-summary/", AreaSummaryView.as_view(), name="analysis-area-summary"),
    path("analysis/saved/", saved.SavedAnalysisListView.as_view(), name="analysis-saved-list"),
    path("analysis/saved/<int:pk>/", saved.SavedAnalysisView.as_view(), name="analysis-saved"),
    path(
        "analysis/saved/<int:pk>/run/",
        saved.SavedAnalysisRunView.as_view(),
        name="analysis-saved-run",
    ),
    # The API's description is public: it names no data, and integrators need it first.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[AllowAny]),
        name="api-docs",
    ),
]
