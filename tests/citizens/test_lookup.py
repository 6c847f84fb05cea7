"""Looking a holding up (issue 33): the holding's number and a code only its holder has,
never the number alone or with a phone; lockouts per holding and per address; every
attempt logged."""

import re

import pytest
from django.test import Client

from citizens.choices import Action, Outcome
from citizens.models import CitizenAccess, CitizenMessage, OneTimeCode

from .conftest import OWNER_PHONE, opened

pytestmark = pytest.mark.django_db


def test_the_code_on_the_bill_opens_the_holding_with_its_bills_and_tank(town, home):
    client = Client()
    answer = opened(client, town, "12/a", home.code.lower())  # as typed on a phone
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "2025-26" in text
    assert "600" in text
    assert home.tank.code in text
    logged = CitizenAccess.objects.filter(holding=home.holding)
    assert {(a.action, a.outcome) for a in logged} == {
        (Action.LOOKUP, Outcome.OK),
        (Action.STATUS, Outcome.OK),
    }


def test_the_number_alone_or_with_the_phone_shows_nothing(town, home):
    client = Client()
    for code in ("", OWNER_PHONE, "WRONG123"):
        answer = opened(client, town, "12/A", code)
        assert answer.status_code == 400
        assert "600" not in answer.content.decode()
        assert "Rahima" not in answer.content.decode()
    assert client.get(f"/citizen/{town.municipality.code}/holding/mine/").status_code == 302
    # A wrong ward is a wrong holding.
    assert opened(Client(), town, "12/A", home.code, ward=2).status_code == 400


def test_failures_lock_the_holding_number_for_everyone(town, home, settings):
    for n in range(5):
        opened(Client(), town, "12/A", "BADCODE1", REMOTE_ADDR=f"10.0.0.{n + 1}")
    answer = opened(Client(), town, "12/A", home.code, REMOTE_ADDR="10.0.1.1")
    assert answer.status_code == 429
    assert int(answer["Retry-After"]) == 15 * 60
    assert CitizenAccess.objects.filter(outcome=Outcome.LOCKED).count() == 1
    # Another holding is not locked by them.
    assert opened(Client(), town, "99", "BADCODE1").status_code == 400


def test_failures_lock_the_address_whatever_it_tries(town, home):
    for n in range(20):
        opened(Client(), town, str(100 + n), "BADCODE1", REMOTE_ADDR="10.9.9.9")
    assert opened(Client(), town, "12/A", home.code, REMOTE_ADDR="10.9.9.9").status_code == 429
    assert opened(Client(), town, "12/A", home.code, REMOTE_ADDR="10.9.9.8").status_code == 302


def test_behind_the_proxy_the_forwarded_address_is_locked(town, home, settings):
    settings.IMIS = {**settings.IMIS, "TRUSTED_PROXIES": 1}
    for n in range(20):
        opened(
            Client(), town, str(100 + n), "BADCODE1",
            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9",
        )  # fmt: skip
    assert CitizenAccess.objects.filter(client_address="203.0.113.9").count() == 20
    other = opened(
        Client(), town, "12/A", home.code, REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )  # fmt: skip
    assert other.status_code == 302


def test_a_one_time_code_goes_to_the_registered_phone_and_works_once(town, home, kept_texts):
    client = Client()
    url = f"/citizen/{town.municipality.code}/holding/"
    answer = client.post(url, {"ward": 1, "number": "12/A", "send": "1"})
    assert answer.status_code == 200
    [(phone, text)] = kept_texts
    assert phone == OWNER_PHONE
    code = re.search(r"\d{6}", text.translate(str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")))[0]
    # The outbox keeps the message without the code; the database keeps only a digest.
    assert code not in CitizenMessage.objects.get().text
    assert code not in OneTimeCode.objects.get().digest
    assert opened(client, town, "12/A", code).status_code == 302
    assert opened(Client(), town, "12/A", code).status_code == 400  # used


def test_asking_a_code_for_an_unknown_holding_reads_the_same_and_sends_nothing(
    town, home, kept_texts
):
    url = f"/citizen/{town.municipality.code}/holding/"
    known = Client().post(url, {"ward": 1, "number": "12/A", "send": "1"})
    unknown = Client().post(url, {"ward": 1, "number": "777", "send": "1"})
    assert known.status_code == unknown.status_code == 200
    assert len(kept_texts) == 1
    assert 'id="citizen-code-sent"' in unknown.content.decode()


def test_three_wrong_one_time_codes_end_it(town, home, kept_texts):
    client = Client()
    client.post(
        f"/citizen/{town.municipality.code}/holding/", {"ward": 1, "number": "12/A", "send": "1"}
    )
    for _ in range(3):
        opened(client, town, "12/A", "000000")
    assert OneTimeCode.objects.get().used_at is not None


def test_the_holding_page_closes_after_its_time(town, home, settings):
    client = Client()
    opened(client, town, "12/A", home.code)
    settings.IMIS = {
        **settings.IMIS,
        "CITIZEN_LIMITS": {**settings.IMIS["CITIZEN_LIMITS"], "SESSION_MINUTES": -1},
    }
    opened(client, town, "12/A", home.code)
    assert client.get(f"/citizen/{town.municipality.code}/holding/mine/").status_code == 302
