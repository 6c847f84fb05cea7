"""Saved analyses (issue 30): a map analysis kept by name with its parameters, listed to
the municipality's people and run again on today's registers. Reads and writes here; the
API checks the parameters with the tool's own serializer before they are kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import MembershipRole
from core.scope import municipalities_visible, user_scope
from spatial.models import Municipality

from .models import SavedAnalysis

# Who may withdraw another person's saved analysis.
KEEPERS = frozenset({MembershipRole.GIS_OFFICER, MembershipRole.MUNICIPAL_ADMIN})


def saved_analysis_list(*, user) -> QuerySet[SavedAnalysis]:
    """The saved analyses of the municipalities the user sees."""
    return SavedAnalysis.objects.filter(
        municipality__in=municipalities_visible(user).values("pk")
    ).select_related("municipality", "created_by")


def saved_analysis_get(*, user, analysis_id: int) -> SavedAnalysis:
    """Raises SavedAnalysis.DoesNotExist outside the user's municipalities."""
    return saved_analysis_list(user=user).get(pk=analysis_id)


@transaction.atomic
def saved_analysis_create(
    *, user, municipality: Municipality, name: str, tool: str, parameters: dict[str, Any]
) -> SavedAnalysis:
    """Keep an analysis by name (a name is used once per municipality)."""
    analysis = SavedAnalysis(
        municipality=municipality,
        name=name.strip(),
        tool=tool,
        parameters=parameters,
        created_by=user if getattr(user, "pk", None) else None,
    )
    analysis.full_clean(exclude=["municipality", "created_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            analysis.save()
    except IntegrityError:
        raise ValidationError({"name": [_("An analysis of that name is already saved.")]}) from None
    return analysis


def saved_analysis_delete(*, user, analysis: SavedAnalysis) -> None:
    """Withdraw a saved analysis: its author, or a GIS officer or admin of its town."""
    keeper = user_scope(user, KEEPERS).touches(analysis.municipality_id)
    if analysis.created_by_id != user.pk and not keeper:
        raise PermissionError(_("Only its author, a GIS officer or an admin may withdraw it."))
    analysis.delete()


def saved_analysis_ran(*, analysis: SavedAnalysis) -> None:
    SavedAnalysis.objects.filter(pk=analysis.pk).update(last_run_at=timezone.now())
