from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.office, name="office"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.application_page, name="application"),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
