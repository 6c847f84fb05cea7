from django.urls import path

from . import campaign_views, field_views, kobo_views, views

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.campaign_list, name="campaigns"),
    path("surveys/<int:pk>/", views.campaign_detail, name="campaign"),
    path("surveys/new/", campaign_views.campaign_new, name="campaign-new"),
    path("surveys/<int:pk>/review/", views.review_desk, name="review"),
    path("surveys/<int:pk>/team/", campaign_views.campaign_team, name="team"),
    path("surveys/<int:pk>/progress/", campaign_views.campaign_progress, name="progress"),
    path("surveys/<int:pk>/import/", kobo_views.kobo_import_page, name="kobo-import"),
    # The field app (issue 23): its page, manifest and service worker share the /field/ scope.
    path("field/", field_views.field_app, name="field"),
    path("field/manifest.webmanifest", field_views.field_manifest, name="field-manifest"),
    path("field/sw.js", field_views.field_worker, name="field-worker"),
]
