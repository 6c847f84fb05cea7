"""Writes of building approval (issue 32): an application taken in, its documents
received, moved stage by stage by the stage's owner (the design check run on the way),
rejected with reasons, decided, and, once built, handed over to the building and
containment registers. Each service checks who acts, writes in one transaction and
records the stage with its actor, role and time."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from containment import services as containment_services
from containment.choices import ComplianceStatus
from core.local import bangladesh_mobile
from core.models import Membership
from core.roles import MembershipRole
from core.scope import user_scope
from core.uploads import check_document
from holdings.models import HoldingBuilding
from spatial import services as spatial_services
from spatial.geometry import check_within_municipality
from spatial.models import Municipality, Ward

from . import design
from .choices import NEXT, OPEN_STAGES, STAGE_OWNERS, Document, Stage
from .models import Application, ApplicationDocument, StageEvent

# What the applicant may change in the design before it is approved.
DESIGN_FIELDS = (
    "floors",
    "functional_use",
    "occupants",
    "footprint",
    "containment_type",
    "volume_m3",
    "outlet",
    "tank_location",
    "well_distance_m",
    "water_body_distance_m",
)
# How far the planned tank may lie from the proposed footprint (metres).
TANK_REACH_M = 30


def acting_role(*, user: Any, application: Application, stage: str) -> str | None:
    """The role in which `user` may move `application` into `stage` (the stage's owner,
    or the municipal admin), None when they may not."""
    roles = (STAGE_OWNERS[stage], MembershipRole.MUNICIPAL_ADMIN)
    scope = user_scope(user, roles)
    if not scope.covers(municipality_id=application.municipality_id, ward_id=application.ward_id):
        return None
    if user.is_superuser:
        return "superuser"
    held = Membership.objects.filter(
        user=user, municipality_id=application.municipality_id, role__in=roles
    ).values_list("role", flat=True)
    return STAGE_OWNERS[stage] if STAGE_OWNERS[stage] in held else MembershipRole.MUNICIPAL_ADMIN


def _check_may(user: Any, application: Application, stage: str) -> str:
    role = acting_role(user=user, application=application, stage=stage)
    if role is None:
        owner = MembershipRole(STAGE_OWNERS[stage]).label
        raise PermissionDenied(_("This step is the %(role)s's.") % {"role": owner})
    return role


def _event(application, stage, user, role, note: str = "", data: dict | None = None) -> None:
    StageEvent.objects.create(
        application=application, stage=stage, actor=user, role=role, note=note, data=data or {}
    )


def _place(application: Application) -> None:
    """The ward the footprint stands in, and the tank within reach of it."""
    municipality = application.municipality
    check_within_municipality(application.footprint, municipality, field="footprint")
    application.ward = Ward.objects.filter(
        municipality=municipality, geom__contains=application.footprint.point_on_surface
    ).first()
    if application.ward is None:
        raise ValidationError({"footprint": [_("The footprint lies in no ward.")]})
    tank = application.tank_location
    if tank is not None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ST_Distance(ST_GeomFromEWKB(%s)::geography,"
                " ST_GeomFromEWKB(%s)::geography)",
                [bytes(application.footprint.ewkb), bytes(tank.ewkb)],
            )
            reach = cursor.fetchone()[0]
        if reach > TANK_REACH_M:
            raise ValidationError(
                {"tank_location": [_("The tank lies too far from the building.")]}
            )


def _reference(municipality: Municipality) -> str:
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    year = timezone.localdate().year
    prefix = f"BA-{year}-"
    count = Application.objects.filter(
        municipality=municipality, reference__startswith=prefix
    ).count()
    return f"{prefix}{count + 1:04d}"


@transaction.atomic
def application_submit(
    *, user: Any, municipality: Municipality, footprint: GEOSGeometry, **attributes: Any
) -> Application:
    """Take in an application: its applicant, plot and holding, the proposed building and
    its septic-tank design."""
    application = Application(municipality=municipality, footprint=footprint, **attributes)
    _place(application)
    role = _check_may(user, application, Stage.RECEIVED)
    holding = application.holding
    if holding is not None and holding.municipality_id != municipality.pk:
        raise ValidationError({"holding": [_("Not a holding of this municipality.")]})
    if application.applicant_phone:
        try:
            application.applicant_phone = bangladesh_mobile(application.applicant_phone)
        except ValueError:
            raise ValidationError({"applicant_phone": [_("Not a mobile number.")]}) from None
    application.full_clean(exclude=["municipality", "reference", "ward", "holding", "submitted_by"])
    application.reference = _reference(municipality)
    application.submitted_by = user
    application.save()
    _event(application, Stage.RECEIVED, user, role)
    return application


def missing_documents(application: Application) -> list[str]:
    have = set(application.documents.values_list("kind", flat=True))
    return [kind for kind in Document.values if kind not in have]


@transaction.atomic
def document_receive(
    *, user: Any, application: Application, kind: str, upload: Any = None
) -> ApplicationDocument:
    """A document of the checklist received at the desk (with its scan, if taken)."""
    _check_may(user, application, Stage.DOCUMENTS_CHECKED)
    if application.stage != Stage.RECEIVED:
        raise ValidationError({"kind": [_("The documents were checked already.")]})
    if kind not in Document.values:
        raise ValidationError({"kind": [_("Not a document of the checklist.")]})
    if upload is not None:
        check_document(upload, field="file")
    document, _made = ApplicationDocument.objects.get_or_create(
        application=application, kind=kind, defaults={"received_by": user}
    )
    if upload is not None:
        head = upload.read(5)
        upload.seek(0)
        suffix = "pdf" if head.startswith(b"%PDF-") else "png" if head[1:4] == b"PNG" else "jpg"
        document.file.save(f"{application.reference}-{kind}.{suffix}", upload, save=True)
    return document


def _design(application: Application, user: Any, role: str) -> bool:
    """Run the design check and keep its result; True when the design complies."""
    rules, status, outcomes, around = design.design_check(application)
    application.design_rule_set = rules
    application.design_status = status
    application.design_outcomes = outcomes
    application.design_checked_at = timezone.now()
    data = {"action": "design_check", "rule_set_version": rules.version, "status": status}
    data["outcomes"] = outcomes
    data["surroundings"] = {k: v for k, v in around.items()}
    if status != ComplianceStatus.COMPLIANT:
        application.save()
        _event(application, application.stage, user, role, "", data)
        return False
    application.stage = Stage.DESIGN_CHECKED
    application.save()
    _event(application, Stage.DESIGN_CHECKED, user, role, "", data)
    return True


@transaction.atomic
def application_advance(*, user: Any, application: Application, note: str = "") -> Application:
    """Move the application into its next stage. From the plan review, that is the design
    check: the design is judged by the active rule set, the result kept, and the stage
    moves only if it complies. The decision re-checks the design under the rule set of
    the day and issues the certificate."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    to = NEXT.get(application.stage)
    if to is None or to == Stage.BUILT:
        raise ValidationError({"stage": [_("There is no next step from here.")]})
    role = _check_may(user, application, to)
    if to == Stage.DOCUMENTS_CHECKED and missing_documents(application):
        missing = ", ".join(str(Document(kind).label) for kind in missing_documents(application))
        raise ValidationError({"documents": [_("Missing: %(list)s.") % {"list": missing}]})
    if to == Stage.DESIGN_CHECKED:
        _design(application, user, role)
        return application
    if to == Stage.APPROVED:
        status = design.design_check(application)[1]
        if status != ComplianceStatus.COMPLIANT:
            raise ValidationError(
                {"design": [_("The septic-tank design no longer meets the rules in force.")]}
            )
        application.decided_at = timezone.now()
        application.decision_reasons = note
        application.certificate_number = application.reference.replace("BA-", "BAC-", 1)
    application.stage = to
    application.save()
    _event(application, to, user, role, note)
    return application


@transaction.atomic
def application_reject(*, user: Any, application: Application, reasons: str) -> Application:
    """Refuse the application at its current step, with the reasons the applicant reads."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.stage not in OPEN_STAGES:
        raise ValidationError({"stage": [_("This application is decided already.")]})
    role = _check_may(user, application, NEXT[application.stage])
    if not reasons.strip():
        raise ValidationError({"reasons": [_("Give the reasons for the rejection.")]})
    application.stage = Stage.REJECTED
    application.decision_reasons = reasons.strip()
    application.decided_at = timezone.now()
    application.save()
    _event(application, Stage.REJECTED, user, role, reasons.strip())
    return application


@transaction.atomic
def application_amend_design(*, user: Any, application: Application, **changes: Any):
    """The applicant's amended design, before the decision: it must be checked again."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.stage not in OPEN_STAGES:
        raise ValidationError({"stage": [_("This application is decided already.")]})
    role = _check_may(user, application, Stage.PLAN_REVIEWED)
    unknown = set(changes) - set(DESIGN_FIELDS)
    if unknown:
        raise ValidationError({"design": [_("Not part of the design: %(f)s") % {"f": unknown}]})
    for name, value in changes.items():
        setattr(application, name, value)
    _place(application)
    application.full_clean(exclude=["municipality", "reference", "ward", "holding", "submitted_by"])
    application.design_status, application.design_outcomes = "", {}
    if application.stage in (Stage.DESIGN_CHECKED, Stage.SITE_INSPECTED):
        application.stage = Stage.PLAN_REVIEWED
    application.save()
    amended = {"action": "design_amended", "fields": sorted(changes)}
    _event(application, application.stage, user, role, "", amended)
    return application


@transaction.atomic
def construction_confirm(
    *,
    user: Any,
    application: Application,
    as_approved: bool,
    differences: str = "",
    footprint: GEOSGeometry | None = None,
    **as_built: Any,
) -> Application:
    """An inspector found the approved building built: it enters the building register
    (its footprint as built) and its tank the containment register (as built, where it
    differs), both served and assessed like any other; what differs is recorded."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.stage != Stage.APPROVED:
        raise ValidationError({"stage": [_("Only an approved application is built.")]})
    role = _check_may(user, application, Stage.BUILT)
    if not as_approved and not differences.strip():
        raise ValidationError({"differences": [_("Say what was built differently.")]})
    year = timezone.localdate().year
    holding = application.holding
    building = spatial_services.building_create(
        municipality=application.municipality,
        geom=footprint or application.footprint,
        floor_count=application.floors,
        functional_use=application.functional_use,
        holding_number=holding.number if holding else "",
        construction_year=year,
        has_toilet=True,
    )
    tank = {
        "containment_type": application.containment_type,
        "outlet": application.outlet,
        "volume_m3": application.volume_m3,
        "users": application.occupants,
        "construction_year": year,
        "ever_emptied": False,
        **as_built,
    }
    containment = containment_services.containment_create(
        municipality=application.municipality,
        geom=design.tank_point(application),
        buildings=[building],
        **tank,
    )
    if holding is not None:
        HoldingBuilding.objects.get_or_create(holding=holding, building=building)
    application.building, application.containment = building, containment
    application.built_as_approved = as_approved
    application.differences = differences.strip()
    application.stage = Stage.BUILT
    application.save()
    _event(application, Stage.BUILT, user, role, differences.strip())
    return application
