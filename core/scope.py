"""Where a user may read and act: whole municipalities, or some of their wards.

A membership gives a role in one municipality, for the whole of it (no wards named) or for
the wards it names. That limit holds for every read and write made under the membership,
whatever the role: a ward councillor holding the executive role for ward 4 reads ward 4, a
GIS officer limited to ward 1 edits ward 1. A user's read scope is the union of all his
memberships; the scope of an action is the union of the memberships whose role allows it.

Records that carry a ward (buildings, containments, submissions, requests through their
containment) are in scope when their municipality is wholly in scope or their ward is.
Records without one (roads, low-income communities, plants) are in scope when they touch a
ward in scope. Municipality-wide records (campaigns, rule sets, providers) are visible to
anyone with a membership there; acting on them needs the whole municipality.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Membership

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Scope:
    """`everything` for superusers; else the municipalities wholly in scope, and the wards
    in scope in the others (with the municipalities those wards belong to)."""

    everything: bool = False
    municipality_ids: frozenset[int] = frozenset()
    ward_ids: frozenset[int] = frozenset()
    ward_municipality_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.municipality_ids or self.ward_ids)

    @property
    def touched_municipality_ids(self) -> list[int] | None:
        """Municipalities where the user holds any part: None means all."""
        if self.everything:
            return None
        return sorted(self.municipality_ids | self.ward_municipality_ids)

    @property
    def limited_ward_ids(self) -> list[int]:
        """Wards in scope outside the wholly visible municipalities (sorted, for SQL)."""
        return sorted(self.ward_ids)

    def whole(self, municipality_id: int) -> bool:
        return self.everything or municipality_id in self.municipality_ids

    def touches(self, municipality_id: int) -> bool:
        return self.whole(municipality_id) or municipality_id in self.ward_municipality_ids

    def covers(self, *, municipality_id: int, ward_id: int | None) -> bool:
        """Whether a record of this municipality and ward is in scope (a record without a
        ward needs the whole municipality)."""
        return self.whole(municipality_id) or (ward_id is not None and ward_id in self.ward_ids)

    def filter(
        self, queryset: QuerySet, *, ward: str = "ward", municipality: str = "municipality"
    ) -> QuerySet:
        """`queryset` limited to the scope; `ward` and `municipality` are the lookups that
        lead from its model to the record's ward and municipality ("id" for wards)."""
        if self.everything:
            return queryset
        condition = Q(**{f"{municipality}__in": self.municipality_ids})
        if self.ward_ids:
            condition |= Q(**{f"{ward}__in": self.ward_ids})
        return queryset.filter(condition)

    def filter_by_place(self, queryset: QuerySet, *, geometry: str = "geom") -> QuerySet:
        """For records without a ward: in a wholly visible municipality, or touching a ward
        in scope."""
        if self.everything:
            return queryset
        condition = Q(municipality_id__in=self.municipality_ids)
        if self.ward_ids:
            from django.contrib.gis.db.models import Union

            shape = _wards().filter(pk__in=self.ward_ids).aggregate(shape=Union("geom"))
            if shape["shape"] is not None:
                condition |= Q(**{f"{geometry}__intersects": shape["shape"]})
        return queryset.filter(condition)


def municipality_model() -> type:
    """The model of the municipalities memberships name (the spatial register's: core names
    no app, decision 0013)."""
    return Membership._meta.get_field("municipality").related_model


def ward_model() -> type:
    """The model of the wards memberships name."""
    return Membership._meta.get_field("wards").related_model


def _wards() -> QuerySet:
    return ward_model().objects.all()


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


# A request reads the user's memberships once (ScopePerRequestMiddleware): every scope and
# role check of that request is worked out from those rows. Outside a request (jobs, the
# shell, tests calling selectors) they are read each time. A membership written during the
# request clears them.
_membership_rows: ContextVar[dict | None] = ContextVar("imis_membership_rows", default=None)


def _memberships(user: User) -> tuple[tuple[int, int | None, str], ...]:
    """(municipality, ward or None, role) of each of the user's memberships."""
    cache = _membership_rows.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    rows = tuple(
        Membership.objects.filter(user=user).values_list("municipality_id", "wards__id", "role")
    )
    if cache is not None:
        cache[user.pk] = rows
    return rows


def active_user(user_id: object):
    """The active user `user_id` (None if there is none), with his memberships read in the
    same statement: within a request they become the request's membership rows, so a request
    that authenticates (session or Basic) and then checks its scope makes one query for both.
    The user is built as the ORM builds it (`from_db`)."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    try:
        user_id = model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    found = _read_user("u.id = %s AND u.is_active", [user_id])
    return found[0] if found else None


def user_of_token(token_model: type, key: str):
    """(user, token's creation time) of the API token `key`, the user with his memberships as
    `active_user` reads them, in one statement; None when there is no such token. The caller
    checks that the user is active (DRF says so in its own words)."""
    token = token_model._meta
    return _read_user(
        "t.key = %s",
        [key],
        joins=f"JOIN {token.db_table} t ON t.user_id = u.id",
        extra="t.created",
    )


def _read_user(condition: str, params: list, *, joins: str = "", extra: str = ""):
    """(user, extra value or None) of the one user meeting `condition` (SQL over `u`), with
    his memberships kept as the request's rows; None when none does."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    model = get_user_model()
    fields = model._meta.concrete_fields
    wards = Membership.wards.field
    membership = Membership._meta
    columns = ", ".join(f"u.{connection.ops.quote_name(f.column)}" for f in fields)
    ward = f"mw.{wards.m2m_reverse_name()}"
    # (municipality, ward or NULL, role): the rows `_memberships` reads with the ORM. Names
    # come from the models and the callers; values are parameters.
    memberships = (
        f"SELECT json_agg(json_build_array(m.municipality_id, {ward}, m.role))"  # noqa: S608
        f" FROM {membership.db_table} m LEFT JOIN {wards.m2m_db_table()} mw"
        f" ON mw.{wards.m2m_column_name()} = m.id WHERE m.user_id = u.id"
    )
    sql = (
        f"SELECT {columns}, {extra or 'NULL'}, ({memberships})"  # noqa: S608
        f" FROM {model._meta.db_table} u {joins} WHERE {condition}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    user = model.from_db(connection.alias, [f.attname for f in fields], row[: len(fields)])
    cache = _membership_rows.get()
    if cache is not None:
        cache[user.pk] = tuple(tuple(item) for item in row[-1] or ())
    return user, row[len(fields)]


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
@receiver(m2m_changed, sender=Membership.wards.through)
def forget_memberships(**_signal: object) -> None:
    """A membership written during a request: that request's later checks read them anew.
    (Connected when this module is first imported: before any request, by its middleware.)"""
    cache = _membership_rows.get()
    if cache is not None:
        cache.clear()


class ScopePerRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _membership_rows.set({})
        try:
            return self.get_response(request)
        finally:
            _membership_rows.reset(token)


def user_roles(user: User) -> frozenset[str]:
    """The roles the user holds in any municipality (superusers: see the caller)."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(role for _m, _w, role in _memberships(user))


def user_scope(user: User, roles: Iterable[str] | None = None) -> Scope:
    """The union of the user's memberships (those of `roles` only, when given)."""
    if not user.is_authenticated:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    wanted = None if roles is None else {str(role) for role in roles}
    whole: set[int] = set()
    wards: set[int] = set()
    ward_municipalities: set[int] = set()
    for municipality_id, ward_id, role in _memberships(user):
        if wanted is not None and role not in wanted:
            continue
        if ward_id is None:
            whole.add(municipality_id)
        else:
            wards.add(ward_id)
            ward_municipalities.add(municipality_id)
    # A ward of a municipality that is wholly in scope adds nothing.
    if whole and wards:
        wards -= set(
            _wards().filter(pk__in=wards, municipality_id__in=whole).values_list("pk", flat=True)
        )
        ward_municipalities -= whole
    return Scope(
        municipality_ids=frozenset(whole),
        ward_ids=frozenset(wards),
        ward_municipality_ids=frozenset(ward_municipalities),
    )


def holds_role_anywhere(*, user: User, roles: Iterable[str]) -> bool:
    """Whether `user` holds one of `roles` in any municipality (superusers hold all)."""
    if not user.is_authenticated:
        return False
    # From the memberships the request read with its user: no query of its own.
    return user.is_superuser or not user_roles(user).isdisjoint(str(role) for role in roles)


def scoped_to_roles(queryset: QuerySet, user: User, roles: Iterable[str]) -> QuerySet:
    """`queryset` limited to the municipalities where `user` holds one of `roles`."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    ids = Membership.objects.filter(user=user, role__in=list(roles)).values("municipality_id")
    return queryset.filter(municipality_id__in=ids)


def municipalities_visible(user: User) -> QuerySet:
    """The municipalities where `user` holds any part (all for superusers), boundaries
    deferred."""
    queryset = municipality_model().objects.defer("boundary")
    if not user.is_authenticated:
        return queryset.none()
    ids = user_scope(user).touched_municipality_ids
    return queryset if ids is None else queryset.filter(id__in=ids)


def wards_visible(user: User) -> QuerySet:
    """The wards `user` reads: every ward of a wholly visible municipality, and the wards
    his memberships name in the others."""
    return user_scope(user).filter(ward_model().objects.select_related("municipality"), ward="id")
