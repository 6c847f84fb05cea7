"""Logins: lockout after repeated failures through every door, the login activity record,
and API tokens that expire."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import LoginEvent

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def web_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_failures_lock_the_account_for_a_while(client, settings):
    settings.IMIS = {**settings.IMIS, "LOGIN_MAX_FAILURES": 5, "LOGIN_LOCKOUT_MINUTES": 15}
    user = UserFactory()
    for _ in range(5):
        response = web_login(client, user.username, "wrong")
        assert response.status_code == 200
        assert b"didn't match" in response.content
    locked = web_login(client, user.username, "pw")  # the right password, too late
    assert locked.status_code == 200
    assert b"Too many failed attempts. Try again in 15 minutes." in locked.content
    assert "_auth_user_id" not in client.session
    outcomes = list(
        LoginEvent.objects.filter(username=user.username).values_list("outcome", flat=True)
    )
    assert outcomes.count("failure") == 5
    assert "locked" in outcomes
    assert LoginEvent.objects.filter(ip_address="127.0.0.1").exists()

    # Once the window has passed, the right password works again.
    LoginEvent.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert web_login(client, user.username, "pw").status_code == 302
    assert LoginEvent.objects.filter(username=user.username, outcome="success").exists()


def test_a_success_starts_the_count_again(client, settings):
    settings.IMIS = {**settings.IMIS, "LOGIN_MAX_FAILURES": 3}
    user = UserFactory()
    for _ in range(2):
        web_login(client, user.username, "wrong")
    assert web_login(client, user.username, "pw").status_code == 302
    client.logout()
    for _ in range(2):
        web_login(client, user.username, "wrong")
    assert web_login(client, user.username, "pw").status_code == 302


def test_the_lockout_covers_tokens_and_http_basic(settings, town):
    settings.IMIS = {**settings.IMIS, "LOGIN_MAX_FAILURES": 3}
    user = UserFactory()
    api = APIClient()
    for _ in range(3):
        assert (
            api.post(
                "/api/v1/auth/token/", {"username": user.username, "password": "x"}
            ).status_code
            == 400
        )
    refused = api.post("/api/v1/auth/token/", {"username": user.username, "password": "pw"})
    assert refused.status_code == 400
    assert "Too many failed attempts" in str(refused.json())
    basic = base64.b64encode(f"{user.username}:pw".encode()).decode()
    ogc = api.get("/ogc/collections/buildings/items", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert ogc.status_code == 401, ogc.content


def test_tokens_expire(settings):
    settings.IMIS = {**settings.IMIS, "TOKEN_DAYS": 30}
    user = UserFactory()
    api = APIClient()
    issued = api.post("/api/v1/auth/token/", {"username": user.username, "password": "pw"}).json()
    assert issued["expires_at"]
    headers = {"HTTP_AUTHORIZATION": f"Token {issued['token']}"}
    assert api.get("/api/v1/municipalities/", **headers).status_code == 200

    Token.objects.filter(key=issued["token"]).update(created=timezone.now() - timedelta(days=31))
    expired = api.get("/api/v1/municipalities/", **headers)
    # 401 with a challenge, and a message that tells the app to log in again.
    assert expired.status_code == 401
    assert expired["WWW-Authenticate"] == "Token"
    assert "expired" in expired.json()["detail"]
    renewed = api.post("/api/v1/auth/token/", {"username": user.username, "password": "pw"}).json()
    assert renewed["token"] != issued["token"]
    fresh = {"HTTP_AUTHORIZATION": f"Token {renewed['token']}"}
    assert api.get("/api/v1/municipalities/", **fresh).status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/municipalities/", "/api/v1/buildings/", "/api/v1/surveys/campaigns/"]
)
@pytest.mark.parametrize("authorization", [None, "Token unknown0000000000000000000000000000"])
def test_unauthenticated_api_requests_get_401_with_a_challenge(path, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = APIClient().get(path, **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_logged_in_session_still_needs_its_csrf_token_for_writes(db):
    from django.test import Client

    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/surveys/campaigns/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
