"""/api/v1/: REST API (GeoJSON for spatial resources) and its OpenAPI 3 schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken

urlpatterns = [
    path("", include("spatial.api.urls")),
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
