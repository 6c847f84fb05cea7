"""What the field app reads (issue 23): the questionnaire as it renders it, whose skip rules
the server enforces, and a ward's offline package with the register's current answers."""

import json

import pytest
from django.contrib.gis.geos import LineString, Point
from django.urls import reverse

from containment.models import Household
from surveys.form import definition
from surveys.questionnaire import QUESTIONNAIRES, VERSION

from ..factories import BuildingFactory, ContainmentFactory, RoadFactory, square
from .test_submissions import survey  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

SAMPLE = {
    "choice": lambda q: q["choices"][0][0],
    "yes_no": lambda q: True,
    "integer": lambda q: int(q.get("min", 1)) or 2,
    "decimal": lambda q: "1.50",
    "date": lambda q: "2026-01-15",
    "text": lambda q: "12-3",
}


def violating(rule: dict):
    """A value of the controlling question under which the rule does not hold."""
    if "is" in rule:
        return not rule["is"]
    return rule["isNot"]


def test_the_questionnaire_lists_every_question_with_its_words_and_code_lists():
    form = definition(VERSION)
    names = [q["name"] for q in form["questions"]]
    assert names == list(QUESTIONNAIRES[VERSION]().fields)
    by_name = {q["name"]: q for q in form["questions"]}
    assert by_name["floor_count"]["kind"] == "integer"
    assert (by_name["floor_count"]["min"], by_name["floor_count"]["max"]) == (1, 60)
    assert ["septic_tank", "Septic tank"] in by_name["containment_type"]["choices"]
    assert by_name["has_toilet"]["label"] == "Does the building have a toilet?"
    assert by_name["households"]["kind"] == "repeat"
    inner = {q["name"]: q for q in by_name["households"]["questions"]}
    assert inner["members_go"]["askedWhen"] == [{"question": "uses_building_toilet", "isNot": True}]


def test_every_skip_rule_the_phone_follows_the_server_enforces():
    """For each question the form leaves out under some answer, an answer to it given
    that answer is refused by the server's own validator; given the other, accepted."""
    form = definition(VERSION)
    validator = QUESTIONNAIRES[VERSION]
    checked = 0
    for question in form["questions"]:
        for rule in question.get("askedWhen", []):
            value = SAMPLE[question["kind"]](question)
            refused = validator(data={rule["question"]: violating(rule), question["name"]: value})
            assert not refused.is_valid(), (question["name"], rule)
            assert question["name"] in refused.errors, (question["name"], refused.errors)
            checked += 1
        if question.get("askedWhen"):
            holding = {}
            for rule in question["askedWhen"]:
                holding[rule["question"]] = rule["is"] if "is" in rule else not rule["isNot"]
            accepted = validator(
                data={**holding, question["name"]: SAMPLE[question["kind"]](question)}
            )
            assert accepted.is_valid(), (question["name"], accepted.errors)
    assert checked >= 15


def test_the_questionnaire_endpoint(survey):  # noqa: F811
    answer = survey["field"].get(reverse("surveys-api:questionnaire", args=[VERSION]))
    assert answer.status_code == 200
    assert answer.json()["version"] == VERSION
    missing = survey["field"].get(reverse("surveys-api:questionnaire", args=["building-v9"]))
    assert missing.status_code == 404


def test_a_ward_package_holds_its_buildings_with_their_answers_and_its_roads(survey, town):  # noqa: F811
    building = survey["building"]
    building.floor_count = 3
    building.save()
    tank = ContainmentFactory(
        municipality=town.municipality,
        buildings=[building],
        containment_type="septic_tank",
        outlet="soak_pit",
        geom=Point(90.8101, 22.9301, srid=4326),
    )
    Household.objects.create(
        municipality=town.municipality, building=building, number=1, people_male=2,
        people_female=3, facility=tank, source="survey", recorded_at="2026-07-01T10:00:00Z",
    )  # fmt: skip
    east = BuildingFactory(municipality=town.municipality, geom=square(90.85, 22.93, 12))
    RoadFactory(municipality=town.municipality, geom=LineString((90.805, 22.93), (90.82, 22.93)))
    RoadFactory(municipality=town.municipality, geom=LineString((90.84, 22.95), (90.85, 22.95)))
    url = reverse("surveys-api:ward-package", args=[survey["campaign"].pk])
    answer = survey["field"].get(url, {"ward": town.west.pk})
    assert answer.status_code == 200
    package = json.loads(answer.content)
    assert package["campaign"]["questionnaire_version"] == VERSION
    assert package["questionnaire"]["version"] == VERSION
    assert package["ward"]["properties"]["number"] == town.west.number
    features = {f["id"]: f for f in package["buildings"]["features"]}
    assert building.pk in features
    assert east.pk not in features
    mine = features[building.pk]["properties"]
    assert mine["bin"] == building.bin
    assert mine["answers"]["floor_count"] == 3
    assert mine["answers"]["containment_type"] == "septic_tank"
    assert mine["answers"]["outlet"] == "soak_pit"
    assert mine["households"] == [
        {"people_male": 2, "people_female": 3, "uses_building_toilet": True}
    ]
    assert package["counts"]["roads"] == 1
    # Its size before downloading it: HEAD says what GET sends.
    head = survey["field"].head(url, {"ward": town.west.pk})
    assert int(head["Content-Length"]) == len(answer.content)
    assert answer["Cache-Control"] == "private, no-store"


def test_only_the_assigned_enumerator_and_the_wards_supervisors_take_it_offline(survey, town):  # noqa: F811
    url = reverse("surveys-api:ward-package", args=[survey["campaign"].pk])
    assert survey["field"].get(url, {"ward": town.east.pk}).status_code == 403
    assert survey["west"].get(url, {"ward": town.west.pk}).status_code == 200
    assert survey["east"].get(url, {"ward": town.west.pk}).status_code in (403, 404)
    assert survey["field"].get(url, {"ward": "x"}).status_code == 400
    assert survey["field"].get(url, {"ward": 2**62}).status_code == 400
    assert survey["field"].get(url).status_code == 400


def test_my_assignments_name_each_wards_package(survey, town):  # noqa: F811
    rows = survey["field"].get(reverse("surveys-api:my-assignments")).json()["assignments"]
    assert [(r["campaign"]["id"], r["ward"]["id"]) for r in rows] == [
        (survey["campaign"].pk, town.west.pk)
    ]
    package = survey["field"].get(rows[0]["package"])
    assert package.status_code == 200
    # A supervisor is assigned nothing.
    assert survey["west"].get(reverse("surveys-api:my-assignments")).json()["assignments"] == []


def test_the_app_installs_its_manifest_and_service_worker(client):
    manifest = client.get(reverse("surveys:field-manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert body["start_url"] == body["scope"] == reverse("surveys:field")
    assert body["display"] == "standalone"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512", "any"}
    from django.conf import settings
    from django.contrib.staticfiles import finders

    for icon in body["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]
    worker = client.get(reverse("surveys:field-worker"))
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Cache-Control"] == "no-cache"
    text = worker.content.decode()
    # It keeps the page, its words and every script the page loads.
    for kept in ("/field/", "/jsi18n/", "surveys/js/field-app.js", "vendor/leaflet/leaflet.js"):
        assert kept in text


def test_the_apps_scripts_and_styles_stay_under_300_kb_compressed():
    """What a low-end phone downloads and parses for the field app (issue 23: under 300 KB
    compressed, no framework): every script and style sheet its service worker keeps."""
    import gzip

    from django.contrib.staticfiles import finders

    from surveys.field_views import SHELL_STATIC

    sizes = {}
    for path in SHELL_STATIC:
        if path.endswith((".js", ".css")):
            sizes[path] = len(gzip.compress(open(finders.find(path), "rb").read(), 9))  # noqa: SIM115
    assert "surveys/js/field-app.js" in sizes
    assert sum(sizes.values()) < 300_000, sizes


def test_the_app_page_sets_the_csrf_cookie_its_writes_send(survey):  # noqa: F811
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(survey["enumerator"])
    page = browser.get(reverse("surveys:field"))
    assert page.status_code == 200
    assert "csrftoken" in page.cookies


def _drawn(lon: float, lat: float, size: float = 0.0001) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


def test_a_building_drawn_in_the_field_enters_the_register_on_approval(survey, town):  # noqa: F811
    from spatial.models import Building
    from surveys.models import Submission

    from .test_submissions import BATCH, SUBMIT, decide, item, post

    drawn = _drawn(90.8200, 22.9400)
    body = item(survey, lon=90.82005, lat=22.94005, footprint=drawn)
    first = post(survey["field"], SUBMIT, body)
    assert first.status_code == 201, first.content
    # Sent again (the answer was lost): the same submission.
    assert post(survey["field"], SUBMIT, body).status_code == 200
    stored = Submission.objects.get(client_uuid=body["client_uuid"])
    assert stored.match_kind == "new"
    assert stored.building is None
    # In a batch too, and drawn over an existing building it is still a new one.
    inside = survey["building"].geom.point_on_surface
    over = item(survey, lon=inside.x, lat=inside.y, footprint=_drawn(inside.x, inside.y))
    batch = post(survey["field"], BATCH, {"submissions": [over]})
    assert batch.json()["results"][0]["status"] == 201
    assert Submission.objects.get(client_uuid=over["client_uuid"]).building is None
    # A footprint that crosses itself, or lies outside the town, is refused by name.
    bowtie = {"type": "Polygon", "coordinates": [[[90.82, 22.94], [90.821, 22.941],
              [90.821, 22.94], [90.82, 22.941], [90.82, 22.94]]]}  # fmt: skip
    refused = post(survey["field"], SUBMIT, item(survey, footprint=bowtie))
    assert refused.status_code == 400
    assert "footprint" in refused.json()["errors"]
    far = post(survey["field"], SUBMIT, item(survey, footprint=_drawn(91.5, 23.5)))
    assert far.status_code == 400
    before = Building.objects.count()
    assert decide(survey["west"], stored.pk, "approve").status_code == 200
    stored.refresh_from_db()
    assert Building.objects.count() == before + 1
    assert stored.building.floor_count == body["answers"]["floor_count"]
    assert stored.building.geom.equals_exact(
        Submission.objects.get(pk=stored.pk).footprint, tolerance=1e-9
    )
