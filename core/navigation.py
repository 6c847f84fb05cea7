"""What each role sees in the header, and where each role lands after logging in.

One declaration (PAGES) read by the header (the `navigation` context processor), by the
landing view and by the browser tests, which visit every page a role's navigation offers.
A page is offered to a role when the role uses it for its work; the access policy (who may
open it at all) stays where it is (tests/access/policy.py), and is wider.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.roles import MembershipRole as Role
from core.scope import user_roles

ADMIN = Role.MUNICIPAL_ADMIN
GIS = Role.GIS_OFFICER
EXECUTIVE = Role.EXECUTIVE
SUPERVISOR = Role.SURVEY_SUPERVISOR
ENUMERATOR = Role.ENUMERATOR
DESK = Role.FSM_HELP_DESK
INSPECTOR = Role.INSPECTOR
PROVIDER = Role.PROVIDER_OPERATOR
PLANT = Role.PLANT_OPERATOR
BUILDING = Role.BUILDING_OFFICER
EVERY_ROLE = frozenset(Role)


@dataclass(frozen=True)
class Page:
    url_name: str
    label: Promise
    roles: frozenset


PAGES = (
    Page("dashboards:overview", _("Overview"), frozenset({ADMIN, GIS, EXECUTIVE})),
    Page("dashboards:ward-map", _("Ward map"), frozenset({ADMIN, GIS, EXECUTIVE, SUPERVISOR})),
    Page("dashboards:indicators", _("Indicators"), frozenset({ADMIN, EXECUTIVE, GIS, PLANT})),
    Page("spatial:map", _("Map"), EVERY_ROLE - {EXECUTIVE}),
    Page("spatial:editor", _("Edit the map"), frozenset({ADMIN, GIS})),
    Page("dashboards:analysis", _("Map analysis"), frozenset({ADMIN, GIS, EXECUTIVE})),
    Page("dashboards:quality", _("Data quality"), frozenset({ADMIN, GIS})),
    Page("spatial:data", _("Exports and imports"), frozenset({ADMIN, GIS})),
    Page("spatial:disease-cases", _("Disease cases"), frozenset({ADMIN, GIS})),
    Page("holdings:office", _("Holdings and revenue"), frozenset({ADMIN, GIS})),
    Page(
        "approvals:office",
        _("Building approval"),
        frozenset({ADMIN, BUILDING, INSPECTOR, EXECUTIVE}),
    ),
    Page(
        "containment:compliance",
        _("Compliance"),
        frozenset({ADMIN, GIS, EXECUTIVE, INSPECTOR, DESK}),
    ),
    Page("citizens:office-certificates", _("Certificates"), frozenset({EXECUTIVE, ADMIN})),
    Page("containment:desk", _("Call desk"), frozenset({DESK, ADMIN})),
    Page("containment:inspect", _("Inspections"), frozenset({INSPECTOR})),
    Page("containment:complaints", _("Complaints"), frozenset({DESK, ADMIN, INSPECTOR})),
    Page("containment:crew", _("Today's jobs"), frozenset({PROVIDER})),
    Page("containment:crew-route", _("Routes"), frozenset({PROVIDER, DESK, ADMIN})),
    Page("containment:plant", _("Plant desk"), frozenset({PLANT})),
    Page("surveys:campaigns", _("Surveys"), frozenset({ADMIN, GIS, SUPERVISOR, ENUMERATOR})),
    Page("surveys:field", _("Field survey"), frozenset({ENUMERATOR, SUPERVISOR})),
    Page("spatial:connect", _("QGIS and API"), frozenset({ADMIN, GIS})),
    Page("onboarding:municipalities", _("Municipalities"), frozenset({ADMIN})),
    Page("people", _("People"), frozenset({ADMIN})),
    Page("dashboards:targets", _("Targets"), frozenset({ADMIN})),
    Page("containment:office-fsm", _("Providers and plants"), frozenset({ADMIN})),
    Page("containment:office-rules", _("Rules"), frozenset({ADMIN})),
    Page("containment:office-planner", _("Planner"), frozenset({ADMIN, DESK})),
)

# Where a role starts: its own work. The first role a user holds (in this order) decides.
LANDING = (
    (ADMIN, "dashboards:overview"),
    (EXECUTIVE, "dashboards:overview"),
    (GIS, "spatial:map"),
    (SUPERVISOR, "surveys:campaigns"),
    (ENUMERATOR, "surveys:campaigns"),
    (INSPECTOR, "containment:inspect"),
    (DESK, "containment:desk"),
    (PLANT, "containment:plant"),
    (PROVIDER, "containment:crew"),
    (BUILDING, "approvals:office"),
)


def roles_of(request: HttpRequest) -> frozenset:
    """The roles the logged-in user holds in any municipality (every role for a superuser),
    read once per request."""
    user = request.user
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(request, "_imis_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = EVERY_ROLE
        else:
            cached = frozenset(Role(value) for value in user_roles(user))
        request._imis_roles = cached
    return cached


def pages_for(roles: frozenset) -> list[Page]:
    return [page for page in PAGES if page.roles & roles]


def landing_url(roles: frozenset) -> str:
    for role, url_name in LANDING:
        if role in roles:
            return reverse(url_name)
    return reverse("dashboards:public")


def navigation(request: HttpRequest) -> dict:
    """Context processor: the header's links for this user, the current one marked."""
    roles = roles_of(request)
    items = [
        {"url": reverse(page.url_name), "label": page.label, "url_name": page.url_name}
        for page in pages_for(roles)
    ]
    path = request.path
    current = max(
        (item for item in items if path.startswith(item["url"]) and item["url"] != "/"),
        key=lambda item: len(item["url"]),
        default=next((item for item in items if item["url"] == path), None),
    )
    for item in items:
        item["current"] = item is current
    return {
        "nav_items": items,
        "home_url": landing_url(roles) if roles else reverse("dashboards:public"),
    }


def landing(request: HttpRequest) -> HttpResponseRedirect:
    """After logging in: the start page of the user's role."""
    if not request.user.is_authenticated:
        return redirect("login")
    return HttpResponseRedirect(landing_url(roles_of(request)))
