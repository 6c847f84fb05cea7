from django.urls import path

from . import views

app_name = "approvals-api"

urlpatterns = [
    path("", views.ApplicationListView.as_view(), name="application-list"),
    path("<int:pk>/", views.ApplicationView.as_view(), name="application-detail"),
    path("<int:pk>/documents/", views.DocumentView.as_view(), name="application-document"),
    path("<int:pk>/advance/", views.AdvanceView.as_view(), name="application-advance"),
    path("<int:pk>/reject/", views.RejectView.as_view(), name="application-reject"),
    path("<int:pk>/design/", views.DesignView.as_view(), name="application-design"),
    path("<int:pk>/built/", views.BuiltView.as_view(), name="application-built"),
]
