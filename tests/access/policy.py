"""Who may do what: endpoint (URL name) -> method -> the principals let through.

Principals (tests/access/world.py): anonymous; enumerator of ward A and of ward B;
supervisor of ward A and of ward B; GIS officer; municipal executive (reads everything,
decides nothing); the FSM help desk; ward-limited memberships of ward B of every other role
(GIS officer, executive as a ward councillor, help desk, inspector, municipal admin); the
operator of the town's treatment plant, where a load of a ward-A job waits; the municipal
admin of another municipality; and an API token of a user with no role anywhere
(the public). The data asked about belongs to ward A of the town, so every ward-B-limited
principal must be refused it, whatever the role.
"""

from __future__ import annotations

from core import registry

EVERYONE = frozenset(
    {
        "anonymous",
        "enumerator_a",
        "enumerator_b",
        "supervisor_a",
        "supervisor_b",
        "gis_officer",
        "gis_officer_b",
        "executive",
        "executive_b",
        "help_desk",
        "help_desk_b",
        "inspector_b",
        "admin_b",
        "plant_operator",
        "other_admin",
        "public_token",
    }
)
NOBODY = frozenset()
LOGGED_IN = EVERYONE - {"anonymous"}
# Limited to ward B: none of them may read or touch a record of ward A.
WARD_B = frozenset(
    {
        "enumerator_b",
        "supervisor_b",
        "gis_officer_b",
        "executive_b",
        "help_desk_b",
        "inspector_b",
        "admin_b",
    }
)
# Holds a role in the town (some of it).
TOWN = LOGGED_IN - {"other_admin", "public_token"}
# Reads ward A's records.
WARD_A = TOWN - WARD_B
# Any session: pages render for anyone logged in, showing only their own municipalities.
SESSIONS = TOWN | {"other_admin"}
EDITORS = frozenset({"gis_officer"})
SUPERVISORS = frozenset({"supervisor_a", "supervisor_b", "admin_b"})
# Roles that may read personal data (applicants, owners): the GIS officer, the executive,
# the help desk, the inspector and the admin; never enumerators or supervisors.
PERSONAL_DATA = frozenset({"gis_officer", "executive", "help_desk"})
PERSONAL_DATA_ANYWHERE = PERSONAL_DATA | (WARD_B - {"enumerator_b", "supervisor_b"})
# Could act in their own municipality or wards (the admin of the other one holds every role
# there); the town's ward A stays out of their reach (the detail endpoints show that).
EDITORS_ANYWHERE = EDITORS | {"gis_officer_b", "admin_b", "other_admin"}
ADMINS_ANYWHERE = frozenset({"admin_b", "other_admin"})
DESK_ANYWHERE = frozenset({"help_desk", "help_desk_b", "admin_b", "other_admin"})
DESK_OF_A = frozenset({"help_desk"})
SUPERVISORS_ANYWHERE = SUPERVISORS | {"other_admin"}
SUBMITTERS = frozenset({"enumerator_a", "enumerator_b"}) | SUPERVISORS_ANYWHERE
SUPERVISOR_OF_A = frozenset({"supervisor_a"})
ENUMERATOR_OF_A = frozenset({"enumerator_a"})
PLANT = frozenset({"plant_operator"})
APPROVAL_READERS = frozenset({"executive", "executive_b", "inspector_b", "admin_b", "other_admin"})
APPROVAL_INTAKE = frozenset({"admin_b", "other_admin"})
APPROVAL_READERS_OF_A = frozenset({"executive"})
CERTIFICATE_OFFICE = frozenset({"executive", "executive_b", "admin_b", "other_admin"})
CERTIFICATE_OF_A = frozenset({"executive"})

GROUPS = {
    "EVERYONE": EVERYONE,
    "LOGGED_IN": LOGGED_IN,
    "SESSIONS": SESSIONS,
    "TOWN": TOWN,
    "WARD_A": WARD_A,
    "WARD_B": WARD_B,
    "PERSONAL_DATA_ANYWHERE": PERSONAL_DATA_ANYWHERE,
    "DESK_ANYWHERE": DESK_ANYWHERE,
    "DESK_OF_A": DESK_OF_A,
    "EDITORS": EDITORS,
    "SUPERVISORS": SUPERVISORS,
    "PERSONAL_DATA": PERSONAL_DATA,
    "EDITORS_ANYWHERE": EDITORS_ANYWHERE,
    "ADMINS_ANYWHERE": ADMINS_ANYWHERE,
    "SUPERVISORS_ANYWHERE": SUPERVISORS_ANYWHERE,
    "SUBMITTERS": SUBMITTERS,
    "SUPERVISOR_OF_A": SUPERVISOR_OF_A,
    "ENUMERATOR_OF_A": ENUMERATOR_OF_A,
    "PLANT": PLANT,
    "NOBODY": NOBODY,
    "CERTIFICATE_OFFICE": CERTIFICATE_OFFICE,
}


def group_name(principals: set[str]) -> str:
    """The policy's own name for a set of principals, or the set spelled out."""
    for name, members in GROUPS.items():
        if set(principals) == members:
            return name
    return "frozenset(" + repr(sorted(principals)) + ")"


EDIT = {"GET": WARD_A, "PUT": EDITORS, "PATCH": EDITORS, "DELETE": EDITORS}


def register_policy() -> dict[str, dict[str, frozenset[str]]]:
    """The REST routes of every register, from its declaration (core.registry): its list,
    asked about ward A (test_matrix.QUERY), is read by whoever reads ward A and written by
    the registers' editors anywhere; a record of ward A is read likewise and edited by the
    editors of ward A. A new register joins the matrix by being declared."""
    policy = {}
    for register in registry.registers():
        if not register.api:
            continue
        name = f"{register.app_label}-api:{register.url_name}"
        policy[f"{name}-list"] = {"GET": WARD_A}
        if register.editable:
            policy[f"{name}-list"]["POST"] = EDITORS_ANYWHERE
        if register.get is not None:
            policy[f"{name}-detail"] = EDIT if register.editable else {"GET": WARD_A}
            if register.editable:
                # Refused before the body is read to anyone who edits nowhere; which
                # records an editor may change is the service's check (test_bulk_edit).
                policy[f"{name}-bulk-edit"] = {"POST": EDITORS_ANYWHERE}
        if register.page_key and register.get is not None:
            # Its page (core.pages): read by whoever reads the record, in a session.
            policy[f"record-{register.name}"] = {"GET": WARD_A - {"public_token"}}
            if register.restore is not None:
                policy[f"record-{register.name}-restore"] = {"POST": EDITORS}
    return policy


POLICY: dict[str, dict[str, frozenset[str]]] = {
    # ---------------------------------------------------------------- pages
    "dashboards:overview": {"GET": TOWN},
    "dashboards:ward-map": {"GET": TOWN},
    "dashboards:ward": {"GET": WARD_A},
    "dashboards:indicators": {"GET": TOWN},
    "dashboards:monthly-fsm": {"GET": TOWN},  # the month's figures, as the indicators
    # Data quality: whoever edits the registers there (the wards asked for are ward A's).
    "dashboards:quality": {"GET": EDITORS, "POST": EDITORS},
    # The map analysis page: any session (its answers come from the scoped analysis API).
    "dashboards:analysis": {"GET": SESSIONS},
    "dashboards:public": {"GET": EVERYONE},
    "dashboards:public-municipality": {"GET": EVERYONE},  # the town publishes its figures
    "spatial:map": {"GET": SESSIONS},
    # The map editor: for whoever edits registers somewhere (the editing itself is checked
    # record by record by the API it calls).
    "spatial:editor": {"GET": EDITORS_ANYWHERE},
    "spatial:data": {"GET": SESSIONS},
    "spatial:connect": {"GET": SESSIONS},
    "containment:compliance": {"GET": TOWN},
    "surveys:campaigns": {"GET": SESSIONS},
    "surveys:campaign": {"GET": TOWN},
    "surveys:review": {"GET": SUPERVISORS},  # each sees the queue of his wards
    "surveys:campaign-new": {"GET": SUPERVISORS_ANYWHERE, "POST": SUPERVISORS_ANYWHERE},
    "surveys:team": {"GET": SUPERVISORS, "POST": SUPERVISORS},  # each his wards' rows
    "surveys:progress": {"GET": TOWN},
    "surveys:kobo-import": {"GET": SUPERVISORS},
    "login": {"GET": EVERYONE, "POST": EVERYONE, "PUT": EVERYONE},
    "logout": {"POST": EVERYONE},
    "set_language": {"POST": EVERYONE},
    "javascript-catalog": {"GET": EVERYONE},
    # Health and readiness for the web server in front and the orchestrator: no login.
    "landing": {"GET": SESSIONS},  # a redirect to the role's start page
    "healthz": {"GET": EVERYONE},
    "readyz": {"GET": EVERYONE},
    # ---------------------------------------------------------------- API: registers
    "spatial-api:municipality-list": {"GET": LOGGED_IN},  # lists show one's own only
    # Anyone logged in may search; the answers are what each may read.
    "search": {"GET": LOGGED_IN},
    "spatial-api:building-split": {"POST": EDITORS},
    "spatial-api:building-merge": {"POST": EDITORS},
    "containment-api:containment-inspections": {"GET": WARD_A, "POST": EDITORS},
    "containment-api:inspection-photos": {"POST": EDITORS},
    "containment-api:public-toilet-counts": {"GET": WARD_A, "POST": EDITORS},
    # Counts of cases by ward (no person): listed to whoever holds a role (each sees the
    # wards they may), recorded by the registers' editors.
    "spatial-api:disease-cases": {"GET": LOGGED_IN, "POST": EDITORS_ANYWHERE},
    "spatial-api:disease-cases-file": {"POST": EDITORS_ANYWHERE},
    # Access analysis: whoever reads ward A's buildings (the list asks about ward A, the
    # building is ward A's).
    "containment-api:analysis-hard-to-reach": {"GET": WARD_A},
    "containment-api:analysis-building-access": {"GET": WARD_A},
    # A vehicle's route of a day: the desk of the provider's municipality (ward B's desk and
    # admin route it too, seeing only their wards' jobs) and its crew (none in this world).
    "containment-api:analysis-route": {"GET": frozenset({"help_desk", "help_desk_b", "admin_b"})},
    # Near water: anyone logged in, counting only the containments of their own wards.
    "containment-api:analysis-near-water": {"GET": LOGGED_IN},
    # Area summary: a ward's by whoever reads ward A; a drawn area (here none: refused as
    # incomplete) by anyone logged in, counting only what they read.
    "analysis-area-summary": {"GET": WARD_A, "POST": LOGGED_IN},
    # Saved analyses: listed and saved by anyone logged in (their own towns'); one is read
    # and run by the people of its town (counting only their wards), withdrawn by its
    # author (the GIS officer) or the town's GIS officers and admins, whatever their wards.
    "analysis-saved-list": {"GET": LOGGED_IN, "POST": LOGGED_IN},
    # ---------------------------------------------------------------- holdings (issue 31)
    # The revenue desk and its queue: the editors of a whole municipality (each its own).
    "holdings:office": {
        "GET": frozenset({"gis_officer", "other_admin"}),
        "POST": frozenset({"gis_officer", "other_admin"}),
    },
    "holdings:queue": {
        "GET": frozenset({"gis_officer", "other_admin"}),
        "POST": frozenset({"gis_officer", "other_admin"}),
    },
    # A holding's page: whoever reads personal data in its ward; showing an ID number whole
    # (POST) is the ward's municipal admin's (none in this world: tests/holdings).
    "holdings:holding": {"GET": PERSONAL_DATA, "POST": NOBODY},
    # A new holding: the registers' editors of the municipality (those of some wards choose
    # among theirs); a split or merge: the editors of the holding's ward.
    "holdings:new": {
        "GET": frozenset({"gis_officer", "gis_officer_b", "admin_b"}),
        "POST": frozenset({"gis_officer", "gis_officer_b", "admin_b"}),
    },
    "holdings:split": {"GET": EDITORS, "POST": EDITORS},
    # ---------------------------------------------------------------- approvals (issue 32)
    # Building applications: read by the roles of approval (the inspector, the executive,
    # the admin; the building officer has no principal here: tests/approvals); taken in by
    # the officer or the admin; each step is its owner's (tests/approvals shows them).
    "approvals:office": {"GET": APPROVAL_READERS},
    "approvals:new": {"GET": APPROVAL_INTAKE, "POST": APPROVAL_INTAKE},
    "approvals:application": {"GET": APPROVAL_READERS_OF_A, "POST": NOBODY},
    "approvals:certificate": {"GET": APPROVAL_READERS_OF_A},
    "approvals-api:application-list": {"GET": APPROVAL_READERS, "POST": APPROVAL_INTAKE},
    "approvals-api:application-detail": {"GET": APPROVAL_READERS_OF_A},
    "approvals-api:application-document": {"POST": NOBODY},
    "approvals-api:application-advance": {"POST": NOBODY},
    "approvals-api:application-reject": {"POST": NOBODY},
    "approvals-api:application-design": {"POST": NOBODY},
    "approvals-api:application-built": {"POST": NOBODY},
    "holdings:merge": {"GET": EDITORS, "POST": EDITORS},
    # Holdings name their owners: read by the roles that read personal data (each in the
    # wards they read), written by the registers' editors of the ward.
    "holdings-api:holding-list": {"GET": PERSONAL_DATA_ANYWHERE, "POST": EDITORS_ANYWHERE},
    "holdings-api:holding-export": {"GET": PERSONAL_DATA_ANYWHERE},
    "holdings-api:holding-detail": {"GET": PERSONAL_DATA, "PATCH": EDITORS},
    "holdings-api:holding-transfer": {"POST": EDITORS},
    "holdings-api:holding-split": {"POST": EDITORS},
    "holdings-api:holding-merge": {"POST": EDITORS_ANYWHERE},
    # The deed behind a change: read with its holdings, attached by their editors.
    "holdings-api:change-evidence": {"GET": PERSONAL_DATA, "POST": EDITORS},
    # ID numbers and phones whole: the municipal admin of the ward (none in this world;
    # tests/holdings/test_api.py shows one let through, and logged).
    "holdings-api:owner-personal-data": {"GET": NOBODY},
    "holdings-api:personal-data-log": {"GET": frozenset({"admin_b"})},  # the town asked
    # Revenue feeds and their queue: the editors of a whole municipality (the ward-limited
    # ones are refused each municipality's feeds by the view, and read empty lists).
    "holdings-api:feed-push": {"POST": EDITORS_ANYWHERE},
    "holdings-api:feed-file": {"POST": EDITORS_ANYWHERE},
    "holdings-api:register-file": {"POST": EDITORS_ANYWHERE},
    "holdings-api:feed-imports": {"GET": frozenset({"gis_officer", "gis_officer_b", "admin_b"})},
    "holdings-api:queue-list": {"GET": frozenset({"gis_officer", "gis_officer_b", "admin_b"})},
    "holdings-api:queue-resolve": {"POST": EDITORS},
    "holdings-api:queue-dismiss": {"POST": EDITORS},
    "analysis-saved": {
        "GET": TOWN,
        "DELETE": frozenset({"gis_officer", "gis_officer_b", "admin_b"}),
    },
    "analysis-saved-run": {"GET": TOWN},
    "spatial-api:disease-cases-export": {"GET": LOGGED_IN},
    # A count of ward A: withdrawn by whoever records ward A's counts.
    "spatial-api:disease-case": {"DELETE": EDITORS},
    # The page: any session reads its own wards' counts; a table is checked and recorded
    # by the registers' editors anywhere (each their own wards).
    "spatial:disease-cases": {"GET": SESSIONS, "POST": EDITORS_ANYWHERE},
    "containment-api:inspection-photo-file": {"GET": WARD_A},
    "containment-api:treatment-plant-list": {"GET": LOGGED_IN},
    "containment-api:service-provider-list": {"GET": LOGGED_IN},
    # ---------------------------------------------------------------- compliance
    "containment-api:rule-set-list": {"GET": LOGGED_IN, "POST": ADMINS_ANYWHERE},
    "containment-api:compliance-by-ward": {"GET": TOWN},
    "containment-api:compliance-enforcement": {"GET": PERSONAL_DATA_ANYWHERE},
    # The notices name the owners: as the enforcement list.
    "containment:enforcement-notices": {"GET": PERSONAL_DATA_ANYWHERE},
    # ---------------------------------------------------------------- desludging
    "containment-api:request-list": {"GET": LOGGED_IN, "POST": DESK_ANYWHERE},
    "containment-api:request-detail": {"GET": PERSONAL_DATA, "PATCH": DESK_OF_A},
    "containment-api:call-card": {"GET": DESK_OF_A},  # the building asked about is ward A's
    "containment:desk": {"GET": DESK_ANYWHERE},
    "containment:job-sheet": {"GET": PERSONAL_DATA},  # whoever reads the request's caller
    "containment:job-sheet-pdf": {"GET": PERSONAL_DATA},
    "containment:request-receipt": {"GET": PERSONAL_DATA},
    # A request's page: whoever reads its caller; feedback is taken once the sludge is
    # discharged (this request waits for its visit, so nobody may close it).
    "containment:request": {"GET": PERSONAL_DATA, "POST": NOBODY},
    # Complaints: the register's readers see their own municipality's and wards' list; the
    # desk (or an admin) anywhere may take one. A complaint of ward A: read by ward A's
    # readers, moved on by its desk and by its assigned role there (the inspector of ward B
    # is not there).
    "containment:complaints": {
        "GET": frozenset(
            {"gis_officer", "gis_officer_b", "executive", "executive_b", "inspector_b"}
        )
        | DESK_ANYWHERE,
        "POST": DESK_ANYWHERE,
    },
    "containment:complaint": {
        "GET": frozenset({"gis_officer", "executive", "help_desk"}),
        "POST": DESK_OF_A,
    },
    "containment:complaint-photo": {"GET": frozenset({"gis_officer", "executive", "help_desk"})},
    # ---------------------------------------------------------------- citizens (issue 33)
    # Public pages: a holding opens only with its code (tests/citizens), a reference's page
    # shows no names, a certificate's QR page is meant for anyone who holds the paper.
    "citizens:start": {"GET": EVERYONE},
    "citizens:town": {"GET": EVERYONE},
    "citizens:lookup": {"GET": EVERYONE, "POST": EVERYONE},
    "citizens:holding": {"GET": EVERYONE},
    "citizens:emptying": {"GET": EVERYONE, "POST": EVERYONE},
    "citizens:certificate-apply": {"GET": EVERYONE, "POST": EVERYONE},
    "citizens:leave": {"POST": EVERYONE},
    "citizens:complaint": {"GET": EVERYONE, "POST": EVERYONE},
    "citizens:track": {"GET": EVERYONE},
    "citizens:case": {"GET": EVERYONE},
    "citizens:case-certificate": {"GET": EVERYONE},
    "citizens:verify": {"GET": EVERYONE},
    # The councillor's desk: executives and admins; a certificate of ward A is the town's
    # executive's (the councillor of ward B and the admin of ward B are refused it). A step
    # posted without its name is refused to all.
    "citizens:office-certificates": {"GET": CERTIFICATE_OFFICE},
    "citizens:office-certificate": {"GET": CERTIFICATE_OF_A, "POST": NOBODY},
    "citizens:office-certificate-pdf": {"GET": CERTIFICATE_OF_A},
    # The codes on the bills: the admin of the whole municipality only (none of the
    # principals; tests/citizens/test_bill_codes.py lets the town's admin through).
    "citizens:bill-codes": {"GET": NOBODY},
    # ---------------------------------------------------------------- moving in (issue 35)
    # The checklists: the municipal admins (each reads the towns he administers whole); a
    # new municipality and the town's checklist are the system administrator's (and the
    # town's whole admin's), none of the principals (tests/onboarding).
    "onboarding:municipalities": {"GET": ADMINS_ANYWHERE},
    "onboarding:new": {"GET": NOBODY, "POST": NOBODY},
    "onboarding:checklist": {"GET": NOBODY},
    # The town's names for a layer's columns and words: its whole-town register editors.
    "onboarding:names": {"GET": EDITORS, "POST": EDITORS},
    # The inspector's worklist: whoever records inspections somewhere (his own wards' list).
    "containment:inspect": {
        "GET": frozenset({"gis_officer", "gis_officer_b", "inspector_b"}) | ADMINS_ANYWHERE
    },
    # The municipal admin's people: only an admin of a whole municipality (the other town's;
    # the town's admin here is limited to ward B), and only his own municipality's people.
    "people": {"GET": frozenset({"other_admin"}), "POST": frozenset({"other_admin"})},
    "person": {"GET": NOBODY, "POST": NOBODY},
    "dashboards:targets": {"GET": frozenset({"other_admin"}), "POST": frozenset({"other_admin"})},
    # Providers, vehicles and plants: the admin of a whole municipality, in his own (the
    # town's records asked about are out of the other town's admin's reach).
    "containment:office-fsm": {"GET": frozenset({"other_admin"})},
    # The planner: the desk or admin of a whole municipality (their own).
    "containment:office-planner": {
        "GET": frozenset({"help_desk", "other_admin"}),
        "POST": frozenset({"help_desk", "other_admin"}),
    },
    "containment:office-rules": {
        "GET": frozenset({"other_admin"}),
        "POST": frozenset({"other_admin"}),
    },
    "containment:provider-new": {
        "GET": frozenset({"other_admin"}),
        "POST": frozenset({"other_admin"}),
    },
    "containment:provider-edit": {"GET": NOBODY, "POST": NOBODY},
    "containment:vehicle-new": {"GET": NOBODY, "POST": NOBODY},
    "containment:vehicle-edit": {"GET": NOBODY, "POST": NOBODY},
    "containment:plant-new": {
        "GET": frozenset({"other_admin"}),
        "POST": frozenset({"other_admin"}),
    },
    "containment:plant-edit": {"GET": NOBODY, "POST": NOBODY},
    # The crew's pages: the operators of the provider doing the job (none in this world,
    # so nobody; tests/containment/test_crew_and_plant.py walks a crew through them).
    "containment:crew": {"GET": NOBODY},
    "containment:crew-job": {"GET": NOBODY, "POST": NOBODY},
    # A vehicle's route page: as its API (containment-api:analysis-route).
    "containment:crew-route": {"GET": frozenset({"help_desk", "help_desk_b", "admin_b"})},
    # A photo of an emptying: whoever reads its request (the plant where its load waits too).
    "containment:emptying-photo": {"GET": PERSONAL_DATA | PLANT},
    # The plant's desk: its operators only, the help desk included out.
    "containment:plant": {"GET": PLANT},
    "containment:plant-load": {"POST": PLANT},
    "containment:plant-log": {"POST": PLANT},
    "containment:plant-lab": {"POST": PLANT},
    # A provider's bookings (counts, no names): any desk of the provider's municipality.
    "containment-api:provider-day": {"GET": frozenset({"help_desk", "help_desk_b", "admin_b"})},
    "containment-api:request-schedule": {"POST": DESK_OF_A},  # the help desk only
    "containment-api:request-emptying": {"POST": DESK_OF_A},
    "containment-api:request-delivery": {"POST": DESK_OF_A},
    "containment-api:request-feedback": {"POST": DESK_OF_A},
    "containment-api:request-cancel": {"POST": DESK_OF_A},
    # The plant's queue: its operators decide on the loads discharged there; whoever sees
    # the job (by role, in ward A) sees its loads.
    "containment-api:delivery-list": {"GET": LOGGED_IN},
    "containment-api:delivery-detail": {"GET": PERSONAL_DATA | PLANT},
    "containment-api:delivery-confirm": {"POST": PLANT},
    "containment-api:delivery-reject": {"POST": PLANT},
    "containment-api:plan-list": {"POST": DESK_ANYWHERE},
    "containment-api:plan-detail": {"GET": TOWN},
    # ---------------------------------------------------------------- surveys
    "surveys-api:campaign-list": {"GET": LOGGED_IN, "POST": SUPERVISORS_ANYWHERE},
    "surveys-api:assignments": {"POST": SUPERVISORS},
    "surveys-api:coverage": {"GET": TOWN},
    "surveys-api:campaign-buildings": {"GET": TOWN},
    "surveys-api:progress": {"GET": TOWN},
    # The field app: any questionnaire to whoever is logged in; a ward's offline package to
    # the enumerator assigned to it and to those who supervise surveys there.
    "surveys-api:questionnaire": {"GET": LOGGED_IN},
    "surveys-api:my-assignments": {"GET": LOGGED_IN},  # one's own only
    # The field app's page (a session), and what a browser fetches to install it.
    "surveys:field": {"GET": SESSIONS},
    "surveys:field-manifest": {"GET": EVERYONE},
    "surveys:field-worker": {"GET": EVERYONE},
    "containment:inspect-worker": {"GET": EVERYONE},
    "surveys-api:ward-package": {"GET": SUPERVISOR_OF_A | {"enumerator_a"}},
    "surveys-api:kobo-import": {"POST": SUPERVISORS},
    "surveys-api:kobo-inspect": {"POST": SUPERVISORS},
    "surveys-api:day-points": {"GET": TOWN},
    # Mappings are the municipality's: its supervisors read and change them; the list
    # answers anyone, with his own municipalities' mappings only.
    "surveys-api:kobo-mapping-list": {"GET": LOGGED_IN, "POST": SUPERVISORS_ANYWHERE},
    "surveys-api:kobo-mapping": {"GET": SUPERVISORS, "PUT": SUPERVISORS, "DELETE": SUPERVISORS},
    "surveys-api:submission-list": {"GET": LOGGED_IN, "POST": SUBMITTERS},
    "surveys-api:submission-batch": {"POST": SUBMITTERS},
    "surveys-api:photos": {"POST": ENUMERATOR_OF_A},
    # Whoever reads the submission: its enumerator, the ward's supervisor, the executive.
    "surveys-api:photo-file": {"GET": frozenset({"enumerator_a", "supervisor_a", "executive"})},
    "surveys-api:approve": {"POST": SUPERVISOR_OF_A},
    "surveys-api:submission-review": {"GET": SUPERVISOR_OF_A | {"enumerator_a"}},
    "surveys-api:approve-clean": {"POST": SUPERVISORS_ANYWHERE},  # each his wards only
    "surveys-api:reject": {"POST": SUPERVISOR_OF_A},
    "surveys-api:return": {"POST": SUPERVISOR_OF_A},
    # ---------------------------------------------------------------- dashboards
    "dashboards-api:overview": {"GET": TOWN},
    "dashboards-api:ward-map": {"GET": TOWN},
    "dashboards-api:indicators": {"GET": TOWN},
    "dashboards-api:quality": {"GET": EDITORS},
    "dashboards-api:quality-check": {"GET": EDITORS},
    "dashboards-api:public-wards": {"GET": EVERYONE},
    # ---------------------------------------------------------------- GIS interoperability
    "spatial-api:export": {"GET": WARD_A},  # ?ward=A
    # A town's names for a layer's columns and codes: its whole-town register editors.
    "spatial-api:import-mapping": {"GET": EDITORS, "PUT": EDITORS},
    "spatial-api:import": {"POST": EDITORS_ANYWHERE},
    "spatial-api:layer-jobs": {"GET": LOGGED_IN},  # one's own jobs
    "spatial-api:layer-job-export": {"POST": LOGGED_IN},
    "spatial-api:layer-job-import": {"POST": EDITORS_ANYWHERE},
    "spatial-api:layer-job": {"GET": EDITORS},  # the GIS officer's job: his alone
    "spatial-api:layer-job-commit": {"POST": EDITORS},
    "spatial-api:layer-job-file": {"GET": EDITORS},
    "ogc-landing": {"GET": EVERYONE},
    "ogc:landing": {"GET": EVERYONE},
    "ogc:openapi": {"GET": EVERYONE},
    "ogc:conformance": {"GET": EVERYONE},
    "ogc:collections": {"GET": EVERYONE},
    "ogc:collection": {"GET": LOGGED_IN},  # buildings: not public
    "ogc:items": {"GET": LOGGED_IN},
    "ogc:item": {"GET": WARD_A},
    "tilejson": {"GET": LOGGED_IN},
    "tile": {"GET": LOGGED_IN},
    # ---------------------------------------------------------------- API plumbing
    "api-token": {"POST": EVERYONE},
    "api-schema": {"GET": EVERYONE},
    "api-docs": {"GET": EVERYONE},
    **register_policy(),
}
