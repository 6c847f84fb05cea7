"""Reads of the survey workflow, scoped: an enumerator sees his own submissions, a survey
supervisor those of his wards (all wards of the municipality when his membership names
none), municipal admins and executives their municipality's."""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet

from core.models import Membership
from core.roles import MembershipRole
from core.scope import holds_role_anywhere, scoped_to_roles, user_scope
from spatial.models import Municipality, Ward
from spatial.selectors import User, has_role, record_in_scope, scoped

from .choices import CampaignStatus
from .models import (
    Assignment,
    KoboAccount,
    KoboMapping,
    Submission,
    SubmissionPhoto,
    SurveyCampaign,
)

SUPERVISING_ROLES = (MembershipRole.SURVEY_SUPERVISOR, MembershipRole.MUNICIPAL_ADMIN)
READING_ROLES = (*SUPERVISING_ROLES, MembershipRole.EXECUTIVE)


def campaign_list(*, user: User) -> QuerySet[SurveyCampaign]:
    return scoped(SurveyCampaign.objects.prefetch_related("wards"), user)


def campaign_get(*, user: User, campaign_id: int) -> SurveyCampaign:
    return campaign_list(user=user).select_related("municipality").get(pk=campaign_id)


def _ward_scope(user: User, roles) -> Q:
    """Submissions in the wards where `user` holds one of `roles`."""
    condition = Q(pk__in=[])
    for membership in Membership.objects.filter(user=user, role__in=roles).prefetch_related(
        "wards"
    ):
        ward_ids = [ward.pk for ward in membership.wards.all()]
        in_municipality = Q(campaign__municipality_id=membership.municipality_id)
        condition |= in_municipality & Q(ward_id__in=ward_ids) if ward_ids else in_municipality
    return condition


def submission_list(*, user: User) -> QuerySet[Submission]:
    queryset = Submission.objects.select_related("campaign", "building", "ward", "enumerator")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(enumerator=user) | _ward_scope(user, READING_ROLES))


def submission_get(*, user: User, submission_id: int) -> Submission:
    return submission_list(user=user).get(pk=submission_id)


def submission_photo_get(*, user: User, photo_id: int) -> SubmissionPhoto:
    """A photo of a submission the user may read; SubmissionPhoto.DoesNotExist else."""
    return SubmissionPhoto.objects.select_related("submission").get(
        pk=photo_id, submission__in=submission_list(user=user).values("pk")
    )


def can_review(*, user: User, submission: Submission) -> bool:
    """Supervisors decide submissions of their wards only; nobody decides his own."""
    if submission.enumerator_id == user.pk:
        return False
    if user.is_superuser:
        return True
    return Submission.objects.filter(
        _ward_scope(user, SUPERVISING_ROLES), pk=submission.pk
    ).exists()


def can_manage_campaigns(*, user: User, municipality_id: int) -> bool:
    return has_role(user=user, municipality_id=municipality_id, roles=SUPERVISING_ROLES)


def can_manage_ward(*, user: User, ward) -> bool:
    """Whether `user` supervises surveys in `ward` (a ward-limited supervisor: his wards)."""
    return record_in_scope(scope=user_scope(user, SUPERVISING_ROLES), record=ward)


def supervised_municipalities(*, user: User) -> QuerySet[Municipality]:
    """The municipalities where `user` may set up campaigns."""
    municipalities = Municipality.objects.order_by("name")
    if not user.is_authenticated:
        return municipalities.none()
    if user.is_superuser:
        return municipalities
    return municipalities.filter(
        pk__in=Membership.objects.filter(user=user, role__in=SUPERVISING_ROLES).values(
            "municipality_id"
        )
    )


def supervised_wards(*, user: User, municipality: Municipality) -> QuerySet[Ward]:
    """The wards of `municipality` where `user` supervises surveys (his wards, when his
    supervising membership is limited to some)."""
    wards = Ward.objects.filter(municipality=municipality).order_by("number")
    scope = user_scope(user, SUPERVISING_ROLES)
    return wards if scope.whole(municipality.pk) else wards.filter(pk__in=scope.ward_ids)


def municipality_enumerators(*, municipality: Municipality) -> QuerySet:
    """Active users holding the enumerator role in `municipality` (the only ones a campaign
    may assign), by user name."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(
                municipality=municipality, role=MembershipRole.ENUMERATOR
            ).values("user_id"),
        )
        .order_by("username")
    )


def kobo_mapping_list(*, user: User) -> QuerySet[KoboMapping]:
    """The Kobo form mappings of the municipalities where `user` supervises surveys."""
    return scoped_to_roles(
        KoboMapping.objects.select_related("municipality"), user, SUPERVISING_ROLES
    )


def kobo_accounts(*, municipality: Municipality) -> dict[str, str]:
    """The Kobo user names named at earlier imports in `municipality` -> the enumerator's
    user name (offered when the supervisor picks a new user column)."""
    return dict(
        KoboAccount.objects.filter(municipality=municipality)
        .order_by("username")
        .values_list("username", "enumerator__username")[:2000]
    )


def _ward_array(ward_ids: Collection[int] | None) -> list[int] | None:
    return None if ward_ids is None else sorted(ward_ids)


def campaign_coverage(
    *, campaign: SurveyCampaign, ward_ids: Collection[int] | None = None
) -> list[dict]:
    """Per ward of the campaign (of `ward_ids` only, for a ward-limited reader): buildings,
    buildings with an approved submission, coverage share, submissions pending, returned
    and rejected, and the supervisor's target (buildings, or None). One query."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH wards AS (
              SELECT w.id, w.number, w.name FROM spatial_ward w
                JOIN surveys_surveycampaign_wards cw ON cw.ward_id = w.id
               WHERE cw.surveycampaign_id = %(campaign)s
                 AND (%(wards)s::int[] IS NULL OR w.id = ANY(%(wards)s::int[]))),
            buildings AS (
              SELECT b.ward_id, count(*) AS n FROM spatial_building b
               WHERE b.ward_id IN (SELECT id FROM wards) AND b.retired_at IS NULL
               GROUP BY b.ward_id),
            subs AS (
              SELECT s.ward_id,
                     count(DISTINCT s.building_id) FILTER (WHERE s.status = 'approved'
                       AND s.building_id IS NOT NULL) AS surveyed,
                     count(*) FILTER (WHERE s.status = 'pending') AS pending,
                     count(*) FILTER (WHERE s.status = 'returned') AS returned,
                     count(*) FILTER (WHERE s.status = 'rejected') AS rejected,
                     count(*) FILTER (WHERE cardinality(s.flags) > 0
                       AND s.status = 'pending') AS flagged
                FROM surveys_submission s WHERE s.campaign_id = %(campaign)s
               GROUP BY s.ward_id)
            SELECT w.id, w.number, w.name, coalesce(b.n, 0), coalesce(s.surveyed, 0),
                   coalesce(s.pending, 0), coalesce(s.returned, 0), coalesce(s.rejected, 0),
                   coalesce(s.flagged, 0), t.buildings
              FROM wards w LEFT JOIN buildings b ON b.ward_id = w.id
              LEFT JOIN subs s ON s.ward_id = w.id
              LEFT JOIN surveys_wardtarget t
                ON t.ward_id = w.id AND t.campaign_id = %(campaign)s
             ORDER BY w.number
            """,
            {"campaign": campaign.pk, "wards": _ward_array(ward_ids)},
        )
        rows = cursor.fetchall()
    keys = [
        "ward",
        "number",
        "name",
        "buildings",
        "surveyed",
        "pending",
        "returned",
        "rejected",
        "flagged_pending",
        "target",
    ]
    result = [dict(zip(keys, row, strict=True)) for row in rows]
    for row in result:
        row["coverage"] = round(row["surveyed"] / row["buildings"], 4) if row["buildings"] else None
    return result


def campaign_building_status_geojson(
    *,
    campaign: SurveyCampaign,
    bbox: tuple[float, float, float, float],
    limit: int = 5000,
    ward_ids: Collection[int] | None = None,
) -> str:
    """Buildings of the campaign's wards in `bbox` as a FeatureCollection (built by PostGIS)
    with their survey status: surveyed (an approved submission), pending (waiting or
    returned) or not visited."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT json_build_object('type', 'FeatureCollection', 'features',
                   coalesce(json_agg(f), '[]'::json))::text
              FROM (
                SELECT json_build_object(
                  'type', 'Feature', 'id', b.id,
                  'geometry', ST_AsGeoJSON(b.geom, 7)::json,
                  'properties', json_build_object('bin', b.bin, 'status', CASE
                    WHEN EXISTS (SELECT 1 FROM surveys_submission s
                                  WHERE s.campaign_id = %(c)s AND s.building_id = b.id
                                    AND s.status = 'approved') THEN 'surveyed'
                    WHEN EXISTS (SELECT 1 FROM surveys_submission s
                                  WHERE s.campaign_id = %(c)s AND s.building_id = b.id
                                    AND s.status IN ('pending', 'returned')) THEN 'pending'
                    ELSE 'not_visited' END)) AS f
                  FROM spatial_building b
                 WHERE b.municipality_id = %(m)s AND b.retired_at IS NULL
                   AND b.ward_id IN (SELECT ward_id FROM surveys_surveycampaign_wards
                                      WHERE surveycampaign_id = %(c)s)
                   AND (%(wards)s::int[] IS NULL OR b.ward_id = ANY(%(wards)s::int[]))
                   AND b.geom && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326)
                 ORDER BY b.id LIMIT %(limit)s) features
            """,
            {
                "c": campaign.pk,
                "m": campaign.municipality_id,
                "x0": bbox[0],
                "y0": bbox[1],
                "x1": bbox[2],
                "y1": bbox[3],
                "limit": limit,
                "wards": _ward_array(ward_ids),
            },
        )
        return cursor.fetchone()[0]


def campaign_progress(
    *, campaign: SurveyCampaign, ward_ids: Collection[int] | None = None
) -> dict[str, list[dict]]:
    """Submissions per enumerator, per day (device date, local time) and per enumerator and
    day, by status, in one query (GROUPING SETS); of `ward_ids` only, for a ward-limited
    reader."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT grouping(u.username) = 0 AS by_enumerator,
                   grouping((s.device_time AT TIME ZONE %(tz)s)::date) = 0 AS by_day,
                   u.username, (s.device_time AT TIME ZONE %(tz)s)::date AS day,
                   count(DISTINCT s.building_id) FILTER (WHERE s.status = 'approved')
                     AS surveyed,
                   count(*) FILTER (WHERE s.status = 'pending') AS pending,
                   count(*) FILTER (WHERE s.status = 'returned') AS returned,
                   count(*) FILTER (WHERE s.status = 'rejected') AS rejected,
                   count(*) AS submissions
              FROM surveys_submission s JOIN auth_user u ON u.id = s.enumerator_id
             WHERE s.campaign_id = %(c)s
               AND (%(wards)s::int[] IS NULL OR s.ward_id = ANY(%(wards)s::int[]))
             GROUP BY GROUPING SETS ((u.username), ((s.device_time AT TIME ZONE %(tz)s)::date),
                                     (u.username, (s.device_time AT TIME ZONE %(tz)s)::date))
             ORDER BY 1, 2, 3, 4
            """,
            {"c": campaign.pk, "tz": settings.TIME_ZONE, "wards": _ward_array(ward_ids)},
        )
        rows = cursor.fetchall()
    keys = ["surveyed", "pending", "returned", "rejected", "submissions"]
    result: dict[str, list[dict]] = {"enumerators": [], "days": [], "enumerator_days": []}
    for by_enumerator, by_day, username, day, *counts in rows:
        values = dict(zip(keys, counts, strict=True))
        if by_enumerator and by_day:
            result["enumerator_days"].append({"enumerator": username, "day": day, **values})
        elif by_enumerator:
            result["enumerators"].append({"enumerator": username, **values})
        else:
            result["days"].append({"day": day, **values})
    return result


def campaign_day_points_geojson(
    *, campaign: SurveyCampaign, day, ward_ids: Collection[int] | None = None, limit: int
) -> str:
    """The submissions of one day (device date, local time) as GeoJSON points in WGS 84,
    with who sent each, its status, flags and ward; at most `limit`, built by PostGIS."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT json_build_object('type', 'FeatureCollection', 'features',
                   coalesce(json_agg(json_build_object(
                     'type', 'Feature', 'id', f.id,
                     'geometry', ST_AsGeoJSON(ST_Transform(f.geom, 4326), 6)::json,
                     'properties', json_build_object(
                        'enumerator', f.username, 'status', f.status, 'flags', f.flags,
                        'ward', f.number, 'time', f.device_time))), '[]'::json))::text
              FROM (SELECT s.id, s.geom, u.username, s.status, s.flags, w.number,
                           s.device_time
                      FROM surveys_submission s
                      JOIN auth_user u ON u.id = s.enumerator_id
                      LEFT JOIN spatial_ward w ON w.id = s.ward_id
                     WHERE s.campaign_id = %(c)s
                       AND (s.device_time AT TIME ZONE %(tz)s)::date = %(day)s
                       AND (%(wards)s::int[] IS NULL OR s.ward_id = ANY(%(wards)s::int[]))
                     ORDER BY s.device_time LIMIT %(limit)s) f
            """,
            {
                "c": campaign.pk,
                "tz": settings.TIME_ZONE,
                "day": day,
                "wards": _ward_array(ward_ids),
                "limit": limit,
            },
        )
        return cursor.fetchone()[0]


def may_submit(*, user: User) -> bool:
    """Whether `user` could submit anywhere: an assignment in some campaign, or an
    enumerating or supervising role."""
    if not user.is_authenticated:
        return False
    # The roles first: they came with the request's user; an assignment is a query.
    return (
        user.is_superuser
        or holds_role_anywhere(user=user, roles=(MembershipRole.ENUMERATOR, *SUPERVISING_ROLES))
        or Assignment.objects.filter(enumerator=user).exists()
    )


def building_submission_rows(building) -> list[dict]:
    """The survey submissions matched to a building, newest first, for its page
    (core.registry.link): when, which campaign, by whom, and what became of it."""
    submissions = (
        Submission.objects.filter(building=building)
        .select_related("campaign", "enumerator")
        .order_by("-received_at")[:50]
    )
    return [
        {
            "received_at": submission.received_at,
            "campaign": submission.campaign.name,
            "enumerator": submission.enumerator.get_username(),
            "status": submission.get_status_display(),
            "match_kind": submission.get_match_kind_display(),
        }
        for submission in submissions
    ]


def may_download_ward(*, user: User, campaign: SurveyCampaign, ward) -> bool:
    """Whether `user` may take `ward` of `campaign` offline: the enumerator assigned to it,
    or whoever supervises surveys there (to see what the enumerators get)."""
    if not campaign.wards.filter(pk=ward.pk).exists():
        return False
    assigned = Assignment.objects.filter(campaign=campaign, enumerator=user, ward=ward).exists()
    return assigned or can_manage_ward(user=user, ward=ward)


def assignments_of(*, user: User) -> QuerySet[Assignment]:
    """The enumerator's assignments in open campaigns, newest campaign first."""
    return (
        Assignment.objects.filter(enumerator=user, campaign__status=CampaignStatus.OPEN)
        .select_related("campaign", "ward")
        .order_by("-campaign__starts_on", "campaign_id", "ward__number")
    )


def may_review_anything(*, user: User) -> bool:
    """Whether `user` supervises surveys somewhere (a bulk approval is refused outright to
    anyone else, before its body is read)."""
    return holds_role_anywhere(user=user, roles=SUPERVISING_ROLES)
