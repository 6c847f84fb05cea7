"""The public and community toilets register (issue 28, item 5), declared once
(core.registry) on the placed-record frame (spatial/placed_layers.py): the block's kind,
operator, hours, facilities, fee, seats and condition, the containment its waste goes to
(named by its code in a file), and what is derived: its status (safe, unsafe, not
functional, unknown; CWIS SF-3 and SF-4 count the safe ones) and the households and people
who depend on it (their household records)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.features import Layer
from core.imports import (
    Link,
    as_code,
    as_measure,
    as_text,
    as_time,
    as_whole_number,
    as_yes_no,
)
from core.registry import MapLayer, Register, Style, Tile
from spatial.placed_layers import placed_layer, placed_register

from .choices import ToiletCondition, ToiletKind, ToiletStatus
from .classification import classification_params, shared_toilet_status_sql
from .models import Containment, PublicToilet

CONTAINMENT_JOIN = (
    "LEFT JOIN containment_containment pc ON pc.id = t.containment_id AND pc.retired_at IS NULL"
    " LEFT JOIN LATERAL (SELECT round(avg(n.women + n.men)) AS users_per_day,"
    " round(sum(n.women)::numeric / nullif(sum(n.women + n.men), 0), 3) AS women_share,"
    " round(avg(n.rating), 1) AS rating FROM containment_publictoiletcount n"
    " WHERE n.toilet_id = t.id AND n.counted_on > current_date - 90) u ON TRUE"
)


def _status() -> str:
    """The status SQL with the classification settings in force as literals (they come from
    configuration, never from a request)."""
    values = {k: "TRUE" if v else "FALSE" for k, v in classification_params().items()}
    return shared_toilet_status_sql("t", "pc") % values


def public_toilets_layer() -> Layer:
    # Built on demand, as the containments' layer is, so the settings in force are used.
    return placed_layer(
        "public-toilets",
        _("Public and community toilets"),
        "containment_publictoilet",
        {
            "name": "t.name",
            "name_bn": "t.name_bn",
            "toilet_kind": "t.toilet_kind",
            "operator": "t.operator",
            "opens_at": "to_char(t.opens_at, 'HH24:MI')",
            "closes_at": "to_char(t.closes_at, 'HH24:MI')",
            "separate_for_women": "t.separate_for_women",
            "accessible": "t.accessible",
            "fee_bdt": "t.fee_bdt",
            "seats": "t.seats",
            "condition": "t.condition",
            "containment": "t.containment_id",
            "containment_code": "pc.code",
            "low_income_community": "t.low_income_community_id",
            "status": _status(),
            "households": (
                "(SELECT count(*) FROM containment_household h WHERE h.public_toilet_id = t.id)"
            ),
            # Its use lately: the users counted a day, on average over the last 90 days,
            # the share of them women and girls (CWIS SF-4d), and their average rating.
            "users_per_day": "u.users_per_day",
            "women_share": "u.women_share",
            "rating": "u.rating",
            "people": (
                "(SELECT coalesce(sum(coalesce(h.people_male, 0) + coalesce(h.people_female, 0)"
                " + coalesce(h.people_other, 0)), 0) FROM containment_household h"
                " WHERE h.public_toilet_id = t.id)"
            ),
        },
        # The containment is written through the API by id, and by an import by its code;
        # the community served through the API; the rest is derived.
        read_only=(
            "containment",
            "low_income_community",
            "status",
            "users_per_day",
            "women_share",
            "rating",
            "households",
            "people",
        ),
        joins=CONTAINMENT_JOIN,
    )


PUBLIC_TOILETS_REGISTER = Register(
    "public-toilets",
    public_toilets_layer,
    search=("t.code", "t.name", "t.name_bn"),
    route="public-toilet",
    **placed_register(
        PublicToilet,
        public_toilets_layer,
        ("Point",),
        {
            "name": as_text(120),
            "name_bn": as_text(120),
            "toilet_kind": as_code(ToiletKind),
            "operator": as_text(120),
            "opens_at": as_time,
            "closes_at": as_time,
            "separate_for_women": as_yes_no,
            "accessible": as_yes_no,
            "fee_bdt": as_measure(2, 10_000),
            "seats": as_whole_number(1, 500),
            "condition": as_code(ToiletCondition),
            "containment_code": as_text(40),
        },
        required=("toilet_kind",),
        api_only=("containment", "low_income_community"),
        links={"containment_code": Link("containment", Containment, "code")},
    ),
    tile=Tile({"code": "code", "name": "name", "status": "status"}, min_zoom=12),
    map=MapLayer(
        "point",
        Style("#54278f", fill="#9e9ac8", radius=6),
        popup=(
            "name",
            "toilet_kind",
            "operator",
            "opens_at",
            "closes_at",
            "seats",
            "fee_bdt",
            "separate_for_women",
            "accessible",
            "condition",
            "containment_code",
            "status",
            "users_per_day",
            "women_share",
            "rating",
            "households",
            "people",
        ),
        name_property="name",
        classify="status",
        classes={
            ToiletStatus.SAFE: Style("#1a9641", fill="#a6d96a", radius=6),
            ToiletStatus.UNSAFE: Style("#d7191c", fill="#fdae61", radius=6),
            ToiletStatus.NOT_FUNCTIONAL: Style("#252525", fill="#969696", radius=6),
            ToiletStatus.UNKNOWN: Style("#54278f", fill="#9e9ac8", radius=6),
        },
        order=55,
    ),
    labels={
        "ward_number": _("Ward"),
        "containment_code": _("Containment"),
        "status": _("Status"),
        "households": _("Households depending on it"),
        "people": _("People depending on it"),
        "users_per_day": _("Users a day (last 90 days)"),
        "women_share": _("Share of users who are women"),
        "rating": _("Users' rating (1-5)"),
    },
    choices={"status": ToiletStatus},
)
