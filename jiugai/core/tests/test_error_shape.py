"""Every API error has one JSON shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

pytestmark = [pytest.mark.django_db, pytest.mark.urls("jiugai.core.tests.urls_errors")]


def _assert_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_unknown_api_path_is_json_404(client) -> None:
    _assert_shape(client.get("/api/v1/no-such-thing/"), 404, "not_found")


@pytest.mark.urls("jiugai.urls")
def test_project_urlconf_answers_unknown_api_paths_with_json(client) -> None:
    _assert_shape(client.get("/api/v1/no-such-thing/"), 404, "not_found")
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_not_authenticated_is_401(client) -> None:
    _assert_shape(client.get("/api/v1/echo/"), 401, "not_authenticated")


def test_bad_token_is_401(client) -> None:
    _assert_shape(
        client.get("/api/v1/echo/", HTTP_AUTHORIZATION="Token not-a-real-token"), 401, "authentication_failed"
    )


@pytest.fixture
def api(client, street_users):
    token = Token.objects.create(user=street_users["east"])
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_malformed_json_is_400(api) -> None:
    error = _assert_shape(
        api.post("/api/v1/echo/", data="{not json", content_type="application/json"), 400, "malformed_request"
    )
    assert error["fields"] == {}


def test_invalid_fields_are_listed(api) -> None:
    error = _assert_shape(
        api.post("/api/v1/echo/", data={"name": "far too long"}, content_type="application/json"), 400, "invalid"
    )
    assert list(error["fields"]) == ["name"]
    assert isinstance(error["fields"]["name"], list)


def test_django_errors_inside_views(api) -> None:
    _assert_shape(api.get("/api/v1/echo/?raise=404"), 404, "not_found")
    assert _assert_shape(api.get("/api/v1/echo/?raise=denied"), 403, "permission_denied")["message"] == "nope"
    error = _assert_shape(api.get("/api/v1/echo/?raise=django-invalid"), 400, "invalid")
    assert error["fields"] == {"area": ["must be positive"]}


def test_method_not_allowed(api) -> None:
    _assert_shape(api.delete("/api/v1/echo/"), 405, "method_not_allowed")


def test_messages_are_translated(api) -> None:
    error = _assert_shape(api.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
    assert error["message"] == "Not found."


def test_schema_endpoint_works(client) -> None:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
