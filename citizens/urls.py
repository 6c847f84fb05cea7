from django.urls import path

from . import office_views, public_views, views

app_name = "citizens"

urlpatterns = [
    path("citizen/", views.start, name="start"),
    path("citizen/track/", public_views.track, name="track"),
    path("citizen/track/<str:reference>/", public_views.case_page, name="case"),
    path(
        "citizen/track/<str:reference>/certificate.pdf",
        public_views.certificate_pdf,
        name="case-certificate",
    ),
    path("citizen/verify/<int:pk>/<str:signed>/", public_views.verify, name="verify"),
    path("citizen/<slug:code>/", views.town, name="town"),
    path("citizen/<slug:code>/holding/", views.holding_lookup, name="lookup"),
    path("citizen/<slug:code>/holding/mine/", views.holding_page, name="holding"),
    path("citizen/<slug:code>/holding/mine/emptying/", views.emptying_request, name="emptying"),
    path(
        "citizen/<slug:code>/holding/mine/certificate/",
        views.certificate_apply,
        name="certificate-apply",
    ),
    path("citizen/<slug:code>/holding/leave/", views.leave, name="leave"),
    path("citizen/<slug:code>/complaint/", public_views.complaint, name="complaint"),
    path("office/certificates/", office_views.certificate_list, name="office-certificates"),
    path("office/bill-codes.csv", office_views.bill_codes, name="bill-codes"),
    path(
        "office/certificates/<int:pk>/",
        office_views.certificate_page,
        name="office-certificate",
    ),
    path(
        "office/certificates/<int:pk>/certificate.pdf",
        office_views.certificate_pdf,
        name="office-certificate-pdf",
    ),
]
