"""The access matrix: every endpoint of the URL configuration x method x principal, against
the written policy in tests/access/policy.py. An endpoint (or a method of it) without a
policy fails the first test; an answer that differs from the policy fails the second.

"deny" means 401, 403, 404, a redirect to the login page, or a 400 refusing the scope
parameter the request named (an unknown municipality or ward); "allow" is anything else
short of a server error (a 400 for the empty body, 409, 412 and 428 all mean the request
got past the access check). Each request runs in a savepoint that is rolled back, so no
request changes what the next one sees.

    IMIS_RECORD_ACCESS=1 pytest tests/access  # print the observed matrix in policy form
"""

from __future__ import annotations

import copy
import os

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from core import registry
from tests.factories import tile_of

from .policy import POLICY, group_name
from .world import PRINCIPALS, build_world

pytestmark = pytest.mark.django_db
SKIPPED_PREFIXES = ("admin/", "static/", "media/")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def endpoints() -> list[tuple[str, str, list[str] | None]]:
    """(route, name, methods) of every named URL outside the admin; methods is None for
    function views (the policy names their methods)."""
    found = []

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                if namespace and inner:
                    inner = f"{namespace}:{inner}"
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith(SKIPPED_PREFIXES):
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                view = getattr(pattern.callback, "cls", None) or getattr(
                    pattern.callback, "view_class", None
                )
                methods = None
                if view is not None:
                    allowed = getattr(view, "http_method_names", [])
                    methods = [
                        m.upper()
                        for m in ("get", "post", "put", "patch", "delete")
                        if m in allowed and hasattr(view, m)
                    ]
                found.append((route, name, methods))

    walk(get_resolver().url_patterns)
    return found


def test_every_endpoint_and_method_has_a_policy():
    missing, stale = [], []
    for route, name, methods in endpoints():
        declared = POLICY.get(name)
        if declared is None:
            missing.append(f"{name} ({route})")
            continue
        if methods is not None and set(methods) != set(declared):
            missing.append(f"{name}: view has {sorted(methods)}, policy {sorted(declared)}")
    names = {name for _route, name, _methods in endpoints()}
    stale = sorted(set(POLICY) - names)
    assert not missing, "endpoints without a written access policy:\n" + "\n".join(missing)
    assert not stale, f"policy entries for endpoints that no longer exist: {stale}"


PK_OF = {
    "containment-api:containment-inspections": "containment",
    "containment-api:inspection-photos": "inspection",
    "containment-api:public-toilet-counts": "public_toilet",
    "containment-api:plan-detail": "plan",
    "surveys:campaign": "campaign",
    "surveys:review": "campaign",
    "surveys:team": "campaign",
    "containment:job-sheet": "request",
    "containment:job-sheet-pdf": "request",
    "containment:request-receipt": "request",
    "containment:crew-job": "emptied_request",
    "containment:request": "request",
    "containment:complaint": "complaint",
    "person": "person",
    "containment:provider-edit": "provider",
    "containment:vehicle-edit": "vehicle",
    "containment:plant-edit": "plant",
    "containment:emptying-photo": "emptying_photo",
    "containment:plant-load": "delivery",
    "surveys:progress": "campaign",
    "surveys:kobo-import": "campaign",
    "surveys-api:kobo-mapping": "kobo_mapping",
    "containment-api:inspection-photo-file": "inspection_photo",
    "surveys-api:photo-file": "submission_photo",
    "containment-api:delivery-detail": "delivery",
    "containment-api:delivery-confirm": "delivery",
    "containment-api:delivery-reject": "delivery",
    "spatial-api:building-split": "building",
    "spatial-api:building-merge": "building",
    "spatial-api:disease-case": "disease_case",
    "analysis-saved": "saved_analysis",
    "analysis-saved-run": "saved_analysis",
    "containment-api:analysis-building-access": "building",
    "holdings-api:holding-detail": "holding",
    "holdings:holding": "holding",
    "holdings:split": "holding",
    "approvals:application": "application",
    "approvals:certificate": "application",
    "approvals-api:application-detail": "application",
    "approvals-api:application-document": "application",
    "approvals-api:application-advance": "application",
    "approvals-api:application-reject": "application",
    "approvals-api:application-design": "application",
    "approvals-api:application-built": "application",
    "holdings:merge": "holding",
    "citizens:verify": "certificate",
    "citizens:office-certificate": "certificate",
    "citizens:office-certificate-pdf": "certificate",
    "containment:complaint-photo": "complaint_photo",
    "holdings-api:change-evidence": "holding_change",
    "holdings-api:holding-transfer": "holding",
    "holdings-api:holding-split": "holding",
    "holdings-api:owner-personal-data": "ownership",
    "holdings-api:queue-resolve": "queued_row",
    "holdings-api:queue-dismiss": "queued_row",
}


def _path(route: str, name: str, ids: dict) -> str:
    x, y = tile_of(90.81, 22.93, 16)
    values = {
        "ward_id": ids["ward"],
        "code": ids["code"],
        "name": "buildings",
        "check": "overlapping_footprints",
        "version": "building-v1",
        "fid": ids["building"],
        "z": 16,
        "x": x,
        "y": y,
        "layer": "buildings",
        "reference": ids.get("reference", "ACDE-FGHJ"),
        "signed": ids.get("signed", "x"),
    }
    if name.startswith("record-"):
        keys = ids["page_keys"]  # one per register; one value for all (hostile ids)
        register = name.removeprefix("record-").removesuffix("-restore")
        values["key"] = keys[register] if isinstance(keys, dict) else keys
    if "<int:provider_pk>" in route:
        values["provider_pk"] = ids["provider"]
    if "<int:pk>" in route:
        if name in PK_OF:
            values["pk"] = ids[PK_OF[name]]
        elif name.startswith("containment-api:request"):
            values["pk"] = ids["request"]
        elif name.startswith("surveys-api:") and "/campaigns/" in route:
            values["pk"] = ids["campaign"]
        elif name.startswith("surveys-api:") and "/submissions/" in route:
            values["pk"] = ids["submission"]
        elif name.startswith("spatial-api:layer-job"):
            values["pk"] = ids["job"]
        else:
            raise AssertionError(f"no object for {name} ({route})")
    path = "/" + route
    for key, value in values.items():
        for converter in ("int", "str", "slug"):
            path = path.replace(f"<{converter}:{key}>", str(value))
    assert "<" not in path, path
    return path


# Query strings naming the town, so that scoped endpoints are asked about its data.
QUERY = {
    "holdings:new": "municipality={code}",
    "citizens:bill-codes": "municipality={code}",
    "spatial-api:import-mapping": "municipality={code}",
    "surveys-api:day-points": "day=2026-07-15",
    "containment-api:call-card": "building={building}",
    "containment-api:provider-day": "provider={provider}&day=2026-12-06",
    "containment-api:analysis-route": "vehicle={vehicle}",
    "containment:crew-route": "vehicle={vehicle}",
    "dashboards:overview": "municipality={code}",
    "dashboards:ward-map": "municipality={code}",
    "dashboards:indicators": "municipality={code}",
    "dashboards-api:overview": "municipality={code}",
    "dashboards-api:ward-map": "municipality={code}",
    "dashboards-api:indicators": "municipality={code}",
    "containment-api:compliance-by-ward": "municipality={code}",
    "containment-api:compliance-enforcement": "municipality={code}",
    "containment:compliance": "municipality={code}",
    "containment:enforcement-notices": "municipality={code}",
    "dashboards:monthly-fsm": "municipality={code}&year=2026&month=11",
    # Ward A of the town: only who edits ward A may check its data quality.
    "dashboards:quality": "municipality={code}&ward={ward}",
    "dashboards-api:quality": "municipality={code}&ward={ward}",
    "dashboards-api:quality-check": "municipality={code}&ward={ward}",
    "surveys-api:campaign-buildings": "bbox=90.80,22.92,90.86,22.97",
    "surveys-api:ward-package": "ward={ward}",
    "spatial-api:export": "ward={ward}",
    "containment-api:analysis-hard-to-reach": "municipality={code}&ward={ward}",
    "analysis-area-summary": "municipality={code}&ward={ward}",
    "holdings-api:holding-list": "municipality={code}",
    "holdings-api:holding-export": "municipality={code}",
    "holdings-api:feed-imports": "municipality={code}",
    "holdings-api:queue-list": "municipality={code}",
    "holdings-api:personal-data-log": "municipality={code}",
}
# Every register: its list asked about ward A, its detail about the world's record of it.
for _register in registry.registers():
    if _register.api:
        _name = f"{_register.app_label}-api:{_register.url_name}"
        QUERY[f"{_name}-list"] = "ward={ward}"
        PK_OF[f"{_name}-detail"] = _register.url_name.replace("-", "_")


def outcome(response, method: str, query: str) -> str:
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (401, 403, 404):
        return "deny"
    login = "/accounts/login/" in response.get("Location", "")
    if status in (301, 302) and login and (method == "GET" or "next=" in response["Location"]):
        return "deny"  # a page's form posted without a session is sent to log in first
    if status == 400 and query:
        # A filter naming an object outside the user's scope is refused as unknown.
        sent = {part.split("=")[0] for part in query.split("&")}
        try:
            errors = response.json().get("errors") or {}
        except ValueError:
            errors = {}
        if set(errors) & sent:
            return "deny"
    return "allow"


def _client(world, principal: str) -> Client:
    client = Client()
    if principal == "public_token":
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[principal]}"
    elif principal != "anonymous":
        client.force_login(world.users[principal])
    return client


def test_access_matrix(job_files, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the photos the world stores
    world = build_world()
    clients = {p: _client(world, p) for p in PRINCIPALS}
    observed: dict[str, dict[str, set[str]]] = {}
    mismatches, errors = [], []
    for route, name, methods in endpoints():
        declared = POLICY.get(name, {})
        path = _path(route, name, world.ids)
        query = QUERY.get(name, "").format(**world.ids)
        for method in methods or list(declared):
            allowed = set()
            for principal in PRINCIPALS:
                # The request's writes are rolled back, and so are its cookies (a logout
                # would otherwise leave the principal logged out for the endpoints after it).
                cookies = copy.deepcopy(clients[principal].cookies)
                with transaction.atomic():
                    kwargs = {"content_type": "application/json"} if method in UNSAFE else {}
                    call = getattr(clients[principal], method.lower())
                    response = call(
                        f"{path}?{query}" if query else path, *(["{}"] if method in UNSAFE else [])
                        , **kwargs
                    )  # fmt: skip
                    transaction.set_rollback(True)
                clients[principal].cookies = cookies
                result = outcome(response, method, query)
                if result == "error":
                    errors.append(f"{method} {path} as {principal}: {response.status_code}")
                elif result == "allow":
                    allowed.add(principal)
            observed.setdefault(name, {})[method] = allowed
            expected = declared.get(method)
            if expected is not None and allowed != set(expected):
                mismatches.append(
                    f"{method} {path}: allowed {group_name(allowed)}, "
                    f"policy {group_name(set(expected))}"
                )
    if os.environ.get("IMIS_RECORD_ACCESS"):
        for name, by_method in sorted(observed.items()):
            cells = ", ".join(f'"{m}": {group_name(a)}' for m, a in by_method.items())
            print(f'    "{name}": {{{cells}}},')
    assert not errors, "server errors:\n" + "\n".join(errors)
    assert not mismatches, "answers that differ from the policy:\n" + "\n".join(mismatches)
