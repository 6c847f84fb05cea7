"""The hostile classes that reach the database, sent to every endpoint the URL configuration
has (the API, the OGC API, tiles and the pages), not only to a sample:

- a NUL character (PostgreSQL cannot store one in text) in every query parameter the
  OpenAPI description names for the endpoint and in the common ones, in the path, in a
  header, and in every property of a JSON body;
- numbers beyond PostgreSQL's bigint in every query parameter and every id of the path;
- a JSON body nested 2,000 levels deep to every endpoint that takes a body.

Every answer is a 4xx (a NUL is always refused; a huge number may also find nothing, which
is a 200 with an empty page) and never a server error, and nothing is stored.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from containment.models import Containment, EmptyingRequest
from spatial.models import Building, Road, Ward, WaterPoint
from surveys.models import Submission
from tests.access.test_matrix import QUERY, UNSAFE, _path, endpoints
from tests.access.world import build_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUL = "\x00"
HUGE = "99999999999999999999"  # > 2**63: past PostgreSQL's bigint
# Asked of every endpoint besides what its OpenAPI description names: the paging and
# scoping parameters every list shares, and the OGC API's and the pages' own.
COMMON = ("limit", "offset", "ward", "municipality", "year", "bbox", "f", "crs", "datetime")
DEEP = "[" * 2000 + "]" * 2000


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _described() -> dict[tuple[str, str], dict]:
    """(path template, method) -> the OpenAPI operation, from the published description."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            found[(_template(path), method.upper())] = operation
    return found, schema["components"]["schemas"]


def _route_template(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "{}", route)


def _body_properties(operation: dict | None, components: dict) -> list[str]:
    if not operation or "requestBody" not in operation:
        return []
    names: set[str] = set()
    for content in operation["requestBody"].get("content", {}).values():
        stack = [content.get("schema", {})]
        while stack:
            node = stack.pop()
            if "$ref" in node:
                stack.append(components.get(node["$ref"].rsplit("/", 1)[-1], {}))
                continue
            for key in ("allOf", "oneOf", "anyOf"):
                stack.extend(node.get(key, []))
            for name, prop in node.get("properties", {}).items():
                names.add(name)
                if name == "properties":
                    stack.append(prop)
    return sorted(names)


def _stored() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Building, Containment, Submission, EmptyingRequest, Ward, Road, WaterPoint)
    )


def _content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _has_message(response, content: bytes) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return True
    body = json.loads(content)
    return bool(body.get("detail") or body.get("description") or body.get("errors"))


def test_hostile_classes_reach_no_database_error(job_files, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    described, components = _described()
    failures: list[str] = []
    sent = 0

    def send(label, method, url, *, body=None, expect_4xx, **extra):
        nonlocal sent
        sent += 1
        before = _stored()
        with transaction.atomic():
            call = getattr(client, method.lower())
            if body is None:
                response = call(url, **extra)
            else:
                response = call(url, body, content_type="application/json", **extra)
            try:
                content = _content(response)
            except Exception as exc:  # a stream that fails after its 200 was sent
                failures.append(f"{label}: {method} {url[:120]} -> stream failed: {exc}")
                transaction.set_rollback(True)
                return
            after = _stored()
            transaction.set_rollback(True)
        status = response.status_code
        if status >= 500 or (expect_4xx and not 400 <= status < 500):
            failures.append(f"{label}: {method} {url[:120]} -> {status} {content[:160]!r}")
        elif status >= 400 and not _has_message(response, content):
            failures.append(f"{label}: {method} {url[:120]} -> {status} without a message")
        elif after != before:
            failures.append(f"{label}: {method} {url[:120]} stored something ({status})")

    for route, name, methods in endpoints():
        path = _path(route, name, world.ids)
        base_query = QUERY.get(name, "").format(**world.ids)
        template = _route_template(route)
        for method in methods or ["GET"]:
            operation = described.get((template, method))
            parameters = {
                p["name"] for p in (operation or {}).get("parameters", []) if p["in"] == "query"
            }
            joiner = "&" if base_query else ""
            if method == "GET":
                for parameter in sorted(parameters | set(COMMON)):
                    for value, strict in ((NUL, True), (HUGE, False), ("-" + HUGE, False)):
                        query = f"{base_query}{joiner}{parameter}={quote(value)}"
                        send(f"{name} ?{parameter}", method, f"{path}?{query}", expect_4xx=strict)
            # Every id in the path past bigint, and every text in it holding a NUL.
            if "<" in route:
                huge = {key: HUGE for key in world.ids}
                send(f"{name} huge ids", method, _path(route, name, huge), expect_4xx=False)
                if "<str:" in route or "<slug:" in route:
                    nul = _path(re.sub(r"<(?:str|slug):\w+>", quote(NUL), route), name, world.ids)
                    send(f"{name} NUL in path", method, nul, expect_4xx=True)
            # A page answers a form it cannot accept with the form and its errors (200).
            program = path.startswith(("/api/", "/ogc", "/tiles/"))
            if method in UNSAFE:
                properties = _body_properties(operation, components) or ["name"]
                body = {key: NUL for key in properties}
                body["properties"] = {key: NUL for key in properties}
                send(f"{name} NUL body", method, path, body=json.dumps(body), expect_4xx=program)
                send(f"{name} deep body", method, path, body=DEEP, expect_4xx=program)
            send(f"{name} NUL header", method, path, expect_4xx=True, HTTP_IF_MATCH=f'"{NUL}"')
    # Tile coordinates past bigint, and an anonymous token holding a NUL.
    send("tile", "GET", f"/tiles/buildings/14/{HUGE}/{HUGE}.mvt", expect_4xx=True)
    send("tile zoom", "GET", f"/tiles/buildings/{HUGE}/1/1.mvt", expect_4xx=True)
    anonymous = Client()
    response = anonymous.get("/api/v1/buildings/", HTTP_AUTHORIZATION=f"Token a{NUL}b")
    assert response.status_code == 400, response.content
    assert sent > 500, sent  # the whole surface, not a sample
    assert not failures, f"{len(failures)} of {sent}:\n" + "\n".join(failures[:60])
