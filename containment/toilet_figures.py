"""Reads of the public and community toilets: for CWIS SF-3 and SF-4, one query over the
toilet blocks and the households that depend on them, as the registers stand (households
are classified as they are recorded now, as SF-1a's are); and the block a surveyed
household whose members go to a public or community toilet is taken to use."""

from __future__ import annotations

from django.db import connection

from spatial.models import Building, Municipality

from .classification import classification_params, shared_toilet_status_sql
from .models import PublicToilet

# How far a household walks to a public or community toilet, at most.
PUBLIC_TOILET_REACH_M = 2000

_FIGURES = f"""
    WITH toilet AS (
        SELECT t.id, t.toilet_kind, {shared_toilet_status_sql("t", "pc")} AS status
          FROM containment_publictoilet t
          LEFT JOIN containment_containment pc
                 ON pc.id = t.containment_id AND pc.retired_at IS NULL
         WHERE t.municipality_id = %(municipality)s AND t.retired_at IS NULL
    ),
    dependent AS (
        SELECT coalesce(h.people_male, 0) + coalesce(h.people_female, 0)
               + coalesce(h.people_other, 0) AS people,
               x.status
          FROM containment_household h
          JOIN spatial_building b ON b.id = h.building_id AND b.retired_at IS NULL
          LEFT JOIN toilet x ON x.id = h.public_toilet_id
         WHERE h.municipality_id = %(municipality)s AND h.facility_id IS NULL
           AND h.members_go = 'public_toilet'
    )
    SELECT (SELECT count(*) FROM toilet WHERE toilet_kind = 'public'),
           (SELECT count(*) FROM toilet WHERE toilet_kind = 'public' AND status = 'safe'),
           (SELECT count(*) FROM toilet WHERE toilet_kind = 'public'
                                          AND status = 'not_functional'),
           (SELECT coalesce(sum(people), 0) FROM dependent),
           (SELECT coalesce(sum(people), 0) FROM dependent WHERE status = 'safe'),
           (SELECT coalesce(sum(people), 0) FROM dependent WHERE status IS NULL)
"""  # noqa: S608 (SQL from containment.classification only; values are parameters)
NAMES = (
    "public_toilets",
    "public_toilets_safe",
    "public_toilets_not_functional",
    "dependent_people",
    "dependent_people_safe",
    "dependent_people_unlinked",
)


def shared_toilet_figures(*, municipality: Municipality) -> dict[str, int]:
    """Public toilets in service (SF-4), the safe and functional ones and those not
    functional; the people of households without a toilet of their own who go to a public
    or community toilet (SF-3), those whose toilet on record is safe, and those whose
    household names no toilet block in service."""
    params = {**classification_params(municipality), "municipality": municipality.pk}
    with connection.cursor() as cursor:
        cursor.execute(_FIGURES, params)
        return dict(zip(NAMES, (int(v) for v in cursor.fetchone()), strict=True))


def public_toilet_for(*, building: Building) -> PublicToilet | None:
    """The toilet block a household of `building` whose members go to a public or
    community toilet uses, as far as the register can tell: its own low-income
    community's, else the nearest in service within PUBLIC_TOILET_REACH_M; None when there
    is none (the household's rung stays unknown)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.id FROM containment_publictoilet t, spatial_building b
             WHERE b.id = %s AND t.municipality_id = b.municipality_id
               AND t.retired_at IS NULL
               AND ST_DWithin(t.geom::geography, b.geom::geography, %s)
             ORDER BY t.low_income_community_id IS NOT DISTINCT FROM
                      b.low_income_community_id DESC, t.geom <-> b.geom
             LIMIT 1
            """,
            [building.pk, PUBLIC_TOILET_REACH_M],
        )
        row = cursor.fetchone()
    return PublicToilet.objects.get(pk=row[0]) if row else None
