from django.urls import path

from . import campaigns, field, kobo, photos, review, submissions

app_name = "surveys-api"

urlpatterns = [
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/<int:pk>/assignments/", campaigns.AssignmentView.as_view(), name="assignments"),
    path("campaigns/<int:pk>/coverage/", campaigns.CoverageView.as_view(), name="coverage"),
    path(
        "campaigns/<int:pk>/buildings/",
        campaigns.CampaignBuildingsView.as_view(),
        name="campaign-buildings",
    ),
    path("campaigns/<int:pk>/progress/", campaigns.ProgressView.as_view(), name="progress"),
    path("assignments/", field.AssignmentsView.as_view(), name="my-assignments"),
    path("campaigns/<int:pk>/package/", field.WardPackageView.as_view(), name="ward-package"),
    path("questionnaires/<str:version>/", field.QuestionnaireView.as_view(), name="questionnaire"),
    path("campaigns/<int:pk>/points/", campaigns.DayPointsView.as_view(), name="day-points"),
    path("campaigns/<int:pk>/imports/", kobo.KoboImportView.as_view(), name="kobo-import"),
    path(
        "campaigns/<int:pk>/imports/inspect/",
        kobo.KoboInspectView.as_view(),
        name="kobo-inspect",
    ),
    path("kobo-mappings/", kobo.KoboMappingListView.as_view(), name="kobo-mapping-list"),
    path("kobo-mappings/<int:pk>/", kobo.KoboMappingView.as_view(), name="kobo-mapping"),
    path("submissions/", submissions.SubmissionListView.as_view(), name="submission-list"),
    path("submissions/approve-clean/", review.ApproveCleanView.as_view(), name="approve-clean"),
    path("submissions/batch/", submissions.SubmissionBatchView.as_view(), name="submission-batch"),
    path("submissions/<int:pk>/photos/", photos.SubmissionPhotoView.as_view(), name="photos"),
    path(
        "submissions/<int:pk>/review/",
        review.SubmissionReviewView.as_view(),
        name="submission-review",
    ),
    path("photos/<int:pk>/", photos.SubmissionPhotoFileView.as_view(), name="photo-file"),
    path("submissions/<int:pk>/approve/", submissions.ApproveView.as_view(), name="approve"),
    path("submissions/<int:pk>/reject/", submissions.RejectView.as_view(), name="reject"),
    path("submissions/<int:pk>/return/", submissions.ReturnView.as_view(), name="return"),
]
