from django.urls import path

from . import views

app_name = "surveys-api"

urlpatterns = [
    path("campaigns/", views.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/<int:pk>/assignments/", views.AssignmentView.as_view(), name="assignments"),
    path("campaigns/<int:pk>/coverage/", views.CoverageView.as_view(), name="coverage"),
    path(
        "campaigns/<int:pk>/buildings/",
        views.CampaignBuildingsView.as_view(),
        name="campaign-buildings",
    ),
    path("campaigns/<int:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("campaigns/<int:pk>/imports/", views.KoboImportView.as_view(), name="kobo-import"),
    path("submissions/", views.SubmissionListView.as_view(), name="submission-list"),
    path("submissions/batch/", views.SubmissionBatchView.as_view(), name="submission-batch"),
    path("submissions/<int:pk>/photos/", views.SubmissionPhotoView.as_view(), name="photos"),
    path("photos/<int:pk>/", views.SubmissionPhotoFileView.as_view(), name="photo-file"),
    path("submissions/<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("submissions/<int:pk>/reject/", views.RejectView.as_view(), name="reject"),
    path("submissions/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
]
