"""Accounts API: token sign-in (throttled), the caller, and the jurisdiction tree within scope."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from jiugai.accounts.choices import Level, Role
from jiugai.accounts.services import jurisdiction_create, user_create

pytestmark = pytest.mark.django_db
PASSWORD = "accounts-api-password-1"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    city = jurisdiction_create(code="J41", name="测试市", level=Level.CITY)
    east = jurisdiction_create(code="J4101", name="东街道", level=Level.STREET, parent=city)
    west = jurisdiction_create(code="J4102", name="西街道", level=Level.STREET, parent=city)
    jurisdiction_create(code="J410101", name="东一社区", level=Level.COMMUNITY, parent=east)
    user = user_create(username="east", password=PASSWORD, role=Role.STREET_OFFICE, jurisdiction=east)
    lgo = user_create(username="lgo", password=PASSWORD, role=Role.LEADING_GROUP_OFFICE, jurisdiction=city)
    return {"city": city, "east": east, "west": west, "user": user, "lgo": lgo}


def error_of(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    return body["error"]


def test_token_and_me(client, world):
    response = client.post("/api/v1/auth/token/", {"username": "east", "password": PASSWORD})
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert me["username"] == "east" and me["role"] == "street_office" and me["jurisdiction"]["code"] == "J4101"


def test_token_with_wrong_password_is_400(client, world):
    error = error_of(client.post("/api/v1/auth/token/", {"username": "east", "password": "wrong"}), 400, "invalid")
    assert error["fields"]


def test_token_endpoint_is_throttled(client, world):
    # Rates are read once at import; lower them for this test only.
    old = (AnonRateThrottle.THROTTLE_RATES, ScopedRateThrottle.THROTTLE_RATES)
    AnonRateThrottle.THROTTLE_RATES = ScopedRateThrottle.THROTTLE_RATES = {"anon": "2/minute", "public": "2/minute"}
    try:
        for _ in range(2):
            client.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"})
        error_of(client.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}), 429, "too_many_requests")
    finally:
        AnonRateThrottle.THROTTLE_RATES, ScopedRateThrottle.THROTTLE_RATES = old


def test_forged_token_is_401(client, world):
    error_of(client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token 0123456789abcdef"), 401, "authentication_failed")


def test_jurisdictions_scoped_filtered_and_searchable(client, world):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=world['user']).key}"
    codes = [j["code"] for j in client.get("/api/v1/jurisdictions/").json()["results"]]
    assert codes == ["J4101", "J410101"]
    assert [j["code"] for j in client.get("/api/v1/jurisdictions/", {"level": "community"}).json()["results"]] == [
        "J410101"
    ]
    assert [j["code"] for j in client.get("/api/v1/jurisdictions/", {"search": "东一"}).json()["results"]] == [
        "J410101"
    ]
    assert client.get("/api/v1/jurisdictions/J4101/").json()["name"] == "东街道"
    error = error_of(client.get("/api/v1/jurisdictions/J4102/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
    assert "J4102" in error["message"]
    error_of(client.get("/api/v1/jurisdictions/NOPE/"), 404, "not_found")
