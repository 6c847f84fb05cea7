from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from core import health, navigation, people_views
from core.accounts import LoginForm
from core.pages import record_urls
from spatial import tile_views
from spatial.ogcapi.views import LandingView as OgcLandingView

urlpatterns = [
    path("", include("dashboards.urls")),
    path("", include("spatial.urls")),
    path("", include("containment.urls")),
    path("", include("surveys.urls")),
    path("holdings/", include("holdings.urls")),
    path("approvals/", include("approvals.urls")),
    path("", include("citizens.urls")),
    path("office/municipalities/", include("onboarding.urls")),
    path("api/v1/", include("config.api_urls")),
    path("ogc/", include("spatial.ogcapi.urls")),
    # QGIS does not follow a redirect from /ogc to /ogc/: answer the landing page on both.
    path("ogc", OgcLandingView.as_view(), name="ogc-landing"),
    path("tiles/<str:name>.json", tile_views.tilejson, name="tilejson"),
    path("tiles/<str:name>/<int:z>/<int:x>/<int:y>.mvt", tile_views.tile, name="tile"),
    # Memberships and login activity moved from the spatial app to core (issue 18).
    path(
        "admin/spatial/",
        include(
            [
                re_path(
                    r"^(?P<rest>(?:membership|loginevent)/.*)$",
                    RedirectView.as_view(
                        url="/admin/core/%(rest)s", permanent=True, query_string=True
                    ),
                )
            ]
        ),
    ),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm,
            extra_context={"show_demo_accounts": settings.IMIS.get("SHOW_DEMO_ACCOUNTS")},
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("start/", navigation.landing, name="landing"),
    # The municipal admin's workspace (issue 26).
    path("office/people/", people_views.people_page, name="people"),
    path("office/people/<int:pk>/", people_views.person_page, name="person"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # A page for every record: /buildings/B000123/, /containments/C000045/ ...
    *record_urls(),
]
# No /media/ route: photos and export files are private and go out through authorised
# views only (config/files.py), in every setting.

handler400 = "core.errors.handler400"
handler403 = "core.errors.handler403"
handler404 = "core.errors.handler404"
handler500 = "core.errors.handler500"
