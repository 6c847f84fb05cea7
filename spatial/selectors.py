"""Reads of the municipal geography, always scoped to what the user may see.

An object outside the user's municipalities is reported as missing (the API answers 404),
so existence does not leak across tenants.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.gis.db.models import Extent
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.features import Layer, LayerQuery, count_features
from core.local import local_name, ward_label
from core.models import LayerJob, Membership
from core.roles import REGISTER_EDITOR_ROLES
from core.scope import Scope, municipalities_visible, user_scope, wards_visible

from .models import Building, Municipality, Road, Ward
from .water_standards import FAECAL_INDICATOR

User = AbstractBaseUser | AnonymousUser


def visible_municipality_ids(user: User) -> list[int] | None:
    """Ids of the municipalities where `user` holds any membership, for municipality-wide
    records (campaigns, rule sets, plants); None means all (superusers). Records of a ward
    are scoped by `user_scope` (a membership may be limited to wards)."""
    if not user.is_authenticated:
        return []
    return user_scope(user).touched_municipality_ids


def municipality_list(*, user: User) -> QuerySet[Municipality]:
    return municipalities_visible(user)


def municipality_get(*, user: User, code: str) -> Municipality:
    """Raises Municipality.DoesNotExist when unknown or not visible to `user`."""
    return municipality_list(user=user).get(code=code)


def resolve_municipality(*, user: User, code: str | None) -> Municipality:
    """The municipality named by `code` if the user sees it, or the user's only one."""
    if code is None:
        visible = list(municipality_list(user=user)[:2])
        if len(visible) == 1:
            return visible[0]
        raise ValidationError({"municipality": [_("This field is required.")]})
    try:
        return municipality_get(user=user, code=code)
    except Municipality.DoesNotExist:
        raise ValidationError(
            {"municipality": [_("Unknown municipality %(code)s.") % {"code": code}]}
        ) from None


def municipality_for_new_record(*, user: User, requested: Municipality | None) -> Municipality:
    """The municipality a new record goes to: the one requested, if the user sees it, or
    the user's only municipality. Raises ValidationError (field `municipality`) otherwise."""
    visible = municipality_list(user=user)
    if requested is None:
        only = list(visible[:2])
        if len(only) != 1:
            raise ValidationError({"municipality": [_("This field is required.")]})
        return only[0]
    if not visible.filter(pk=requested.pk).exists():
        raise ValidationError({"municipality": [_("Unknown municipality.")]})
    return requested


def has_role(*, user: User, municipality_id: int, roles: Iterable[str]) -> bool:
    """Whether `user` holds one of `roles` in the municipality (superusers hold all)."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user, municipality_id=municipality_id, role__in=list(roles)
        ).exists()
    )


def can_edit_registers(*, user: User, municipality: Municipality) -> bool:
    """Whether `user` may edit some of the municipality's registers (maybe some wards only:
    `can_edit_record` decides for one record)."""
    return user_scope(user, REGISTER_EDITOR_ROLES).touches(municipality.pk)


def editing_scope(*, user: User) -> list[dict]:
    """Where the user may edit registers: each municipality with `wards` None (all of it)
    or the ids of the wards his memberships reach."""
    scope = user_scope(user, REGISTER_EDITOR_ROLES)
    out = []
    for municipality in municipality_list(user=user).order_by("name"):
        if not scope.touches(municipality.pk):
            continue
        wards = None
        if not scope.whole(municipality.pk):
            wards = sorted(
                Ward.objects.filter(
                    municipality=municipality, pk__in=scope.limited_ward_ids
                ).values_list("pk", flat=True)
            )
        name = local_name(municipality.name, municipality.name_bn)
        out.append({"code": municipality.code, "name": name, "wards": wards})
    return out


def record_in_scope(*, scope: Scope, record) -> bool:
    """Whether one record is in `scope`: by its ward when it has one, by the wards it
    touches when it has a geometry but no ward (roads), and a ward by itself."""
    if scope.whole(record.municipality_id):
        return True
    if isinstance(record, Ward):
        return record.pk in scope.ward_ids
    if hasattr(record, "ward_id"):
        return record.ward_id in scope.ward_ids
    if not scope.ward_ids or getattr(record, "geom", None) is None:
        return False
    return Ward.objects.filter(pk__in=scope.ward_ids, geom__intersects=record.geom).exists()


def can_edit_record(*, user: User, record) -> bool:
    return record_in_scope(scope=user_scope(user, REGISTER_EDITOR_ROLES), record=record)


def scoped(queryset: QuerySet, user: User) -> QuerySet:
    """`queryset` (of a municipality-wide model with a `municipality`) limited to the
    municipalities where the user holds any membership."""
    ids = visible_municipality_ids(user)
    return queryset if ids is None else queryset.filter(municipality_id__in=ids)


def ward_list(*, user: User) -> QuerySet[Ward]:
    return wards_visible(user)


def ward_get(*, user: User, ward_id: int) -> Ward:
    return ward_list(user=user).get(pk=ward_id)


# Less shared area than this is a drawing tolerance (shared walls), not an overlap.
OVERLAP_MIN_M2 = 0.5


def building_overlaps(building: Building) -> list[dict]:
    """Live buildings of the same municipality whose footprint overlaps this one by more
    than OVERLAP_MIN_M2, with the shared area: a warning for the editor and the page (two
    footprints drawn for one building, or a wall drawn into the neighbour), not an error."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.bin, round(ST_Area(ST_Intersection(o.geom, b.geom)::geography)::numeric, 1)"
            "  FROM spatial_building b JOIN spatial_building o"
            "    ON o.municipality_id = b.municipality_id AND o.id <> b.id"
            "   AND o.retired_at IS NULL AND ST_Intersects(o.geom, b.geom)"
            " WHERE b.id = %s"
            "   AND ST_Area(ST_Intersection(o.geom, b.geom)::geography) > %s"
            " ORDER BY 2 DESC, o.bin",
            [building.pk, OVERLAP_MIN_M2],
        )
        return [{"bin": bin_, "overlap_m2": float(area)} for bin_, area in cursor.fetchall()]


def building_get(*, user: User, building_id: int) -> Building:
    return (
        user_scope(user)
        .filter(Building.objects.select_related("municipality", "ward"))
        .get(pk=building_id)
    )


def road_get(*, user: User, road_id: int) -> Road:
    return (
        user_scope(user)
        .filter_by_place(Road.objects.select_related("municipality"))
        .get(pk=road_id)
    )


def ward_limit(*, user: User, municipality: Municipality) -> frozenset[int] | None:
    """The wards of `municipality` the user reads, or None when he reads all of it."""
    scope = user_scope(user)
    return None if scope.whole(municipality.pk) else scope.ward_ids


def layer_count(*, layer: Layer, query: LayerQuery) -> int:
    return count_features(layer, query)


def municipality_extent(*, user: User) -> tuple[float, float, float, float] | None:
    """Bounding box (lon/lat) of all municipalities the user sees, for the map's first view."""
    queryset = municipality_list(user=user)
    extent = queryset.aggregate(extent=Extent("boundary"))["extent"]
    return tuple(extent) if extent else None


def basemaps(*, user: User) -> tuple[list, set[str]]:
    """The map's basemaps as [name, URL template, Leaflet options] (the configured tile
    servers, then each of the user's municipalities' own imagery) and the hosts they load
    images from (for the page's Content-Security-Policy)."""
    choices = [list(tile) for tile in settings.LEAFLET_CONFIG.get("TILES", [])]
    hosts = set()
    for municipality in municipality_list(user=user).exclude(imagery_url="").order_by("name"):
        name = _("%(town)s imagery") % {"town": municipality.local_name}
        # Leaflet writes the credit as HTML: it is the municipality's text, so escaped.
        options = {
            "maxZoom": 22,
            "maxNativeZoom": 20,
            "attribution": escape(municipality.imagery_attribution),
        }
        choices.append([name, municipality.imagery_url, options])
        parts = urlsplit(municipality.imagery_url)
        if parts.scheme and parts.hostname:
            hosts.add(f"{parts.scheme}://{parts.netloc}")
    return choices, hosts


BANGLADESH = (88.0, 20.5, 92.7, 26.7)


def layer_extent(*, user: User, public: bool) -> list[float]:
    """The extent to announce for a layer (OGC collection, TileJSON): every municipality's
    for a public layer, else the user's; Bangladesh when there is none."""
    queryset = Municipality.objects.all() if public else municipality_list(user=user)
    extent = queryset.aggregate(extent=Extent("boundary"))["extent"] or BANGLADESH
    return [round(value, 6) for value in extent]


def layer_jobs_for_user(*, user: User) -> QuerySet:
    """The user's own exports and imports, newest first: a job is private to who started it."""
    return LayerJob.objects.filter(owner=user).select_related("municipality")


def layer_job_get(*, user: User, job_id: int):
    """The user's job; LayerJob.DoesNotExist for anyone else's (answered as 404)."""
    return layer_jobs_for_user(user=user).get(pk=job_id)


def ward_choices(*, user: User) -> list[tuple[int, str]]:
    """(id, "Municipality – Ward N") of the wards the user sees, for menus, in the reader's
    language (a ward's Bangla name on Bangla pages)."""
    wards = ward_list(user=user).select_related("municipality")
    return [
        (w.pk, f"{w.municipality.local_name} – {ward_label(vars(w))}")
        for w in wards.order_by("municipality__name", "number")
    ]


def record_get(*, model: type, user: User, record_id: int):
    """One record in service of a placed register (spatial.records), within the user's
    scope; DoesNotExist otherwise."""
    return (
        user_scope(user)
        .filter(model.objects.select_related("municipality", "ward"))
        .get(pk=record_id)
    )


def water_sample_figures(*, municipality: Municipality, years: list[int]) -> dict[int, dict]:
    """{year: {"samples", "meeting", "pending"}} over the municipality's drinking-water
    samples in service, for CWIS SF-9 (faecal coliform compliance, as Base IMIS counts it):
    samples tested for E. coli or thermotolerant coliforms, those in which none was found
    (spatial.water_standards), and samples not (yet) tested for them. One query."""
    e_coli = FAECAL_INDICATOR.code
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT extract(year FROM t.sampled_on)::int AS year,
                   count(t.{e_coli}),
                   count(*) FILTER (WHERE {FAECAL_INDICATOR.meets_sql(f"t.{e_coli}")}),
                   count(*) FILTER (WHERE t.{e_coli} IS NULL)
              FROM spatial_watersample t
             WHERE t.municipality_id = %s AND t.retired_at IS NULL
               AND extract(year FROM t.sampled_on)::int = ANY(%s)
             GROUP BY 1
            """,  # noqa: S608 (SQL from the standard's declaration)
            [municipality.pk, years],
        )
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    names = ("samples", "meeting", "pending")
    return {year: dict(zip(names, found.get(year, (0, 0, 0)), strict=True)) for year in years}


def publishing_municipalities() -> list[Municipality]:
    """The municipalities that publish their dashboard figures."""
    return list(Municipality.objects.filter(publishes_dashboard=True).order_by("name"))


def publishing_municipality_get(*, code: str) -> Municipality:
    """Raises Municipality.DoesNotExist unless the municipality publishes its figures."""
    return Municipality.objects.get(code=code, publishes_dashboard=True)
