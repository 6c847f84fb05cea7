"""Reads of building approval (issue 32): the applications a user's roles let them see
(those of their municipality, or of their wards), and what each may do next."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.roles import MembershipRole
from core.scope import user_scope

from .choices import NEXT, OPEN_STAGES, Stage
from .models import Application
from .services import acting_role

# Who reads applications: the stages' owners and the municipal admin.
APPROVAL_ROLES = frozenset(
    {
        MembershipRole.BUILDING_OFFICER,
        MembershipRole.INSPECTOR,
        MembershipRole.EXECUTIVE,
        MembershipRole.MUNICIPAL_ADMIN,
    }
)


def application_list(*, user: Any, stage: str | None = None) -> QuerySet:
    found = user_scope(user, APPROVAL_ROLES).filter(
        Application.objects.select_related("municipality", "ward", "holding")
    )
    return found.filter(stage=stage) if stage else found


def application_get(*, user: Any, application_id: int) -> Application:
    """The application, if the user reads it; Application.DoesNotExist otherwise."""
    return application_list(user=user).get(pk=application_id)


def may_submit(*, user: Any, municipality: Any) -> bool:
    roles = (MembershipRole.BUILDING_OFFICER, MembershipRole.MUNICIPAL_ADMIN)
    return user_scope(user, roles).touches(municipality.pk)


def may_read_anywhere(*, user: Any) -> bool:
    return not user_scope(user, APPROVAL_ROLES).is_empty


def may_submit_anywhere(*, user: Any) -> bool:
    roles = (MembershipRole.BUILDING_OFFICER, MembershipRole.MUNICIPAL_ADMIN)
    return not user_scope(user, roles).is_empty


def next_steps(*, user: Any, application: Application) -> dict[str, bool]:
    """What the user may do with the application now: receive documents, advance,
    reject, amend the design, confirm it built."""
    following = NEXT.get(application.stage)
    advance = following is not None and following != Stage.BUILT
    open_ = application.stage in OPEN_STAGES

    def may(stage) -> bool:
        return acting_role(user=user, application=application, stage=stage) is not None

    return {
        "documents": application.stage == Stage.RECEIVED and may(Stage.DOCUMENTS_CHECKED),
        "advance": advance and may(following),
        "reject": open_ and may(NEXT[application.stage]),
        "amend": open_ and may(Stage.PLAN_REVIEWED),
        "confirm": application.stage == Stage.APPROVED and may(Stage.BUILT),
    }
