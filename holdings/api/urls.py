from django.urls import path

from . import feeds, views

app_name = "holdings-api"

urlpatterns = [
    path("", views.HoldingListView.as_view(), name="holding-list"),
    path("export/", views.HoldingExportView.as_view(), name="holding-export"),
    path("register/", feeds.RegisterFileView.as_view(), name="register-file"),
    path("merge/", views.HoldingMergeView.as_view(), name="holding-merge"),
    path("<int:pk>/", views.HoldingView.as_view(), name="holding-detail"),
    path("<int:pk>/transfer/", views.HoldingTransferView.as_view(), name="holding-transfer"),
    path("<int:pk>/split/", views.HoldingSplitView.as_view(), name="holding-split"),
    path(
        "ownerships/<int:pk>/personal-data/",
        views.PersonalDataView.as_view(),
        name="owner-personal-data",
    ),
    path("changes/<int:pk>/evidence/", views.ChangeEvidenceView.as_view(), name="change-evidence"),
    path("personal-data-log/", feeds.PersonalDataLogView.as_view(), name="personal-data-log"),
    path("feeds/", feeds.FeedPushView.as_view(), name="feed-push"),
    path("feeds/file/", feeds.FeedFileView.as_view(), name="feed-file"),
    path("feeds/imports/", feeds.FeedImportListView.as_view(), name="feed-imports"),
    path("queue/", feeds.QueueListView.as_view(), name="queue-list"),
    path("queue/<int:pk>/resolve/", feeds.QueueResolveView.as_view(), name="queue-resolve"),
    path("queue/<int:pk>/dismiss/", feeds.QueueDismissView.as_view(), name="queue-dismiss"),
]
