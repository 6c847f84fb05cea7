"""What a town that moves in has loaded and what it still lacks (issue 35): the checklist
the system administrator and the municipality's admin work down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from containment.models import Containment, ServiceProvider, TreatmentPlant
from containment.selectors import active_rule_set
from core.models import ImportMapping, Membership
from core.roles import MembershipRole
from core.scope import user_scope
from holdings.models import Holding
from spatial.models import Building, LowIncomeCommunity, Municipality, Road, Ward

from .models import HeldRow, MigrationRun

READERS = frozenset({MembershipRole.MUNICIPAL_ADMIN})

WARD_COVER = """
SELECT coalesce(ST_Area(ST_Intersection(m.boundary, ST_Union(w.geom))::geography)
       / nullif(m.area_m2, 0), 0)
  FROM spatial_municipality m LEFT JOIN spatial_ward w ON w.municipality_id = m.id
 WHERE m.id = %s GROUP BY m.id, m.boundary, m.area_m2
"""


@dataclass
class Item:
    label: Promise
    count: int
    done: bool
    url: str
    note: str = ""


def municipalities(*, user: Any) -> QuerySet[Municipality]:
    """The towns whose checklist the user reads: all for the system administrator, else
    those he administers whole."""
    found = Municipality.objects.defer("boundary").order_by("name")
    if user.is_superuser:
        return found
    scope = user_scope(user, READERS)
    return found.filter(pk__in=[m for m in scope.municipality_ids])


def ward_cover(municipality: Municipality) -> float:
    """The share of the municipality's area its wards cover (0 to 1)."""
    with connection.cursor() as cursor:
        cursor.execute(WARD_COVER, [municipality.pk])
        row = cursor.fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


def checklist(municipality: Municipality) -> list[Item]:
    m = municipality
    data = reverse("spatial:data")
    cover = ward_cover(m)
    wards = Ward.objects.filter(municipality=m).count()
    buildings = Building.objects.filter(municipality=m).count()
    placed = Building.objects.filter(municipality=m, ward__isnull=False).count()
    rule_set = active_rule_set(municipality=m)
    roles = dict(
        Membership.objects.filter(municipality=m)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return [
        Item(_("Wards"), wards, wards > 0 and cover > 0.99, data,
             _("%(share)s%% of the boundary") % {"share": round(cover * 100, 1)}),
        Item(_("Roads"), Road.objects.filter(municipality=m).count(),
             Road.objects.filter(municipality=m).exists(), data),
        Item(_("Building footprints"), buildings, buildings > 0 and placed == buildings, data,
             _("%(placed)s in a ward") % {"placed": placed}),
        Item(_("Low-income communities"),
             LowIncomeCommunity.objects.filter(municipality=m).count(),
             LowIncomeCommunity.objects.filter(municipality=m).exists(), data),
        Item(_("Holdings"), Holding.objects.filter(municipality=m).count(),
             Holding.objects.filter(municipality=m).exists(), reverse("holdings:office")),
        Item(_("Containments"), Containment.objects.filter(municipality=m).count(),
             Containment.objects.filter(municipality=m).exists(), data),
        Item(_("Compliance rules"), 1 if rule_set else 0, rule_set is not None,
             reverse("containment:office-rules")),
        Item(_("Service providers and treatment plants"),
             ServiceProvider.objects.filter(municipality=m).count()
             + TreatmentPlant.objects.filter(municipality=m).count(),
             ServiceProvider.objects.filter(municipality=m).exists()
             and TreatmentPlant.objects.filter(municipality=m).exists(),
             reverse("containment:office-fsm")),
        Item(_("People"), sum(roles.values()), MembershipRole.MUNICIPAL_ADMIN in roles,
             reverse("people")),
    ]  # fmt: skip


def mappings(municipality: Municipality) -> QuerySet[ImportMapping]:
    return ImportMapping.objects.filter(municipality=municipality).order_by("layer")


def held_rows(municipality: Municipality) -> QuerySet:
    """The rows of the town's move from Base IMIS that wait for a fix, with their reason."""
    return HeldRow.objects.filter(municipality=municipality).order_by("table", "key")


def last_run(municipality: Municipality) -> MigrationRun | None:
    return MigrationRun.objects.filter(municipality=municipality).first()
