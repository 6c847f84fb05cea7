from django.urls import path

from . import views

app_name = "containment-api"

urlpatterns = [
    path("containments/", views.ContainmentListView.as_view(), name="containment-list"),
    path(
        "containments/<int:pk>/",
        views.ContainmentDetailView.as_view(),
        name="containment-detail",
    ),
    path("compliance/rule-sets/", views.RuleSetListView.as_view(), name="rule-set-list"),
    path("compliance/wards/", views.WardComplianceView.as_view(), name="compliance-by-ward"),
]
