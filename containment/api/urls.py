from django.urls import path

from spatial.api.layer_views import register_urls

from . import access, desk, desludging, inspections, plans, routes, toilets, views

app_name = "containment-api"

urlpatterns = [
    *register_urls("containment"),
    path(
        "containments/<int:pk>/inspections/",
        inspections.ContainmentInspectionsView.as_view(),
        name="containment-inspections",
    ),
    path(
        "inspections/<int:pk>/photos/",
        inspections.InspectionPhotoView.as_view(),
        name="inspection-photos",
    ),
    path(
        "inspection-photos/<int:pk>/",
        inspections.InspectionPhotoFileView.as_view(),
        name="inspection-photo-file",
    ),
    path(
        "public-toilets/<int:pk>/counts/",
        toilets.ToiletCountsView.as_view(),
        name="public-toilet-counts",
    ),
    path("analysis/route/", routes.RouteView.as_view(), name="analysis-route"),
    path("analysis/near-water/", access.NearWaterView.as_view(), name="analysis-near-water"),
    path(
        "analysis/hard-to-reach/", access.HardToReachView.as_view(), name="analysis-hard-to-reach"
    ),
    path(
        "analysis/access/<int:pk>/",
        access.BuildingAccessView.as_view(),
        name="analysis-building-access",
    ),
    path("compliance/rule-sets/", views.RuleSetListView.as_view(), name="rule-set-list"),
    path("compliance/wards/", views.WardComplianceView.as_view(), name="compliance-by-ward"),
    path(
        "compliance/enforcement/",
        views.EnforcementListView.as_view(),
        name="compliance-enforcement",
    ),
    path("desk/call-card/", desk.CallCardView.as_view(), name="call-card"),
    path("desk/provider-day/", desk.ProviderDayView.as_view(), name="provider-day"),
    path("emptying-requests/", desludging.EmptyingRequestListView.as_view(), name="request-list"),
    path(
        "emptying-requests/<int:pk>/",
        desludging.EmptyingRequestDetailView.as_view(),
        name="request-detail",
    ),
    path(
        "emptying-requests/<int:pk>/schedule/",
        desludging.ScheduleView.as_view(),
        name="request-schedule",
    ),
    path(
        "emptying-requests/<int:pk>/emptying/",
        desludging.EmptyingView.as_view(),
        name="request-emptying",
    ),
    path(
        "emptying-requests/<int:pk>/delivery/",
        desludging.DeliveryView.as_view(),
        name="request-delivery",
    ),
    path(
        "emptying-requests/<int:pk>/feedback/",
        desludging.FeedbackView.as_view(),
        name="request-feedback",
    ),
    path(
        "emptying-requests/<int:pk>/cancel/", desludging.CancelView.as_view(), name="request-cancel"
    ),
    path("sludge-deliveries/", desludging.SludgeDeliveryListView.as_view(), name="delivery-list"),
    path(
        "sludge-deliveries/<int:pk>/",
        desludging.SludgeDeliveryDetailView.as_view(),
        name="delivery-detail",
    ),
    path(
        "sludge-deliveries/<int:pk>/confirm/",
        desludging.ConfirmDeliveryView.as_view(),
        name="delivery-confirm",
    ),
    path(
        "sludge-deliveries/<int:pk>/reject/",
        desludging.RejectDeliveryView.as_view(),
        name="delivery-reject",
    ),
    path("desludging-plans/", plans.PlanListView.as_view(), name="plan-list"),
    path("desludging-plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
    path(
        "treatment-plants/",
        desludging.TreatmentPlantListView.as_view(),
        name="treatment-plant-list",
    ),
    path(
        "service-providers/",
        desludging.ServiceProviderListView.as_view(),
        name="service-provider-list",
    ),
]
