from django.urls import path

from . import field_views, views

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.campaign_list, name="campaigns"),
    path("surveys/<int:pk>/", views.campaign_detail, name="campaign"),
    path("surveys/<int:pk>/review/", views.review_desk, name="review"),
    # The field app (issue 23): its page, manifest and service worker share the /field/ scope.
    path("field/", field_views.field_app, name="field"),
    path("field/manifest.webmanifest", field_views.field_manifest, name="field-manifest"),
    path("field/sw.js", field_views.field_worker, name="field-worker"),
]
