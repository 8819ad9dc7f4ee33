"""Audit API: entries scoped like the page, object history 404 outside scope, error shapes."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from jiugai.accounts.choices import Level, Role
from jiugai.accounts.services import jurisdiction_create, user_create
from jiugai.core.audit import audit_entry_append
from jiugai.inventory.models import Estate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = jurisdiction_create(code="K41", name="甲市", level=Level.CITY)
    other = jurisdiction_create(code="K42", name="乙市", level=Level.CITY)
    east = jurisdiction_create(code="K4101", name="东街道", level=Level.STREET, parent=city)
    west = jurisdiction_create(code="K4102", name="西街道", level=Level.STREET, parent=city)
    users = {
        "lgo": user_create(username="lgo", password=None, role=Role.LEADING_GROUP_OFFICE, jurisdiction=city),
        "east": user_create(username="east", password=None, role=Role.STREET_OFFICE, jurisdiction=east),
        "west": user_create(username="west", password=None, role=Role.STREET_OFFICE, jurisdiction=west),
    }
    estate = Estate(code="E1", name="花园小区", jurisdiction=east, street=east)
    estate.full_clean()
    estate.save()
    estate.name = "花园新村"
    estate.save()
    audit_entry_append(action="inventory.import", obj=estate, jurisdiction_code="K4101", actor=users["east"])
    audit_entry_append(action="funding.payment", jurisdiction_code=other.code)
    return {"users": users, "estate": estate}


def api_for(client, user):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=user).key}"
    return client


def error_of(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    return body["error"]


def test_entries_are_scoped(client, world):
    api = api_for(client, world["users"]["lgo"])
    body = api.get("/api/v1/audit/entries/").json()
    assert [e["action"] for e in body["results"]] == ["inventory.import"]
    seq = body["results"][0]["seq"]
    assert api.get(f"/api/v1/audit/entries/{seq}/").json()["hash"]
    error_of(api.get(f"/api/v1/audit/entries/{seq + 1}/"), 404, "not_found")
    assert api.get("/api/v1/audit/entries/", {"action": "funding"}).json()["count"] == 0


def test_object_history(client, world):
    api = api_for(client, world["users"]["east"])
    body = api.get(
        "/api/v1/audit/history/", {"object_type": "inventory.estate", "object_id": world["estate"].pk}
    ).json()
    assert body["object_type"] == "inventory.estate"
    assert [c["action"] for c in body["changes"]] == ["update", "create"]
    assert body["changes"][0]["changes"]["name"] == ["花园小区", "花园新村"]
    assert [e["action"] for e in body["audit_entries"]] == ["inventory.import"]


def test_object_history_outside_scope_is_404(client, world):
    api = api_for(client, world["users"]["west"])
    params = {"object_type": "inventory.estate", "object_id": world["estate"].pk}
    error_of(api.get("/api/v1/audit/history/", params), 404, "not_found")
    error_of(api.get("/api/v1/audit/history/", {"object_type": "x.y", "object_id": "1"}), 404, "not_found")


def test_object_history_needs_both_parameters(client, world):
    api = api_for(client, world["users"]["east"])
    error = error_of(api.get("/api/v1/audit/history/", {"object_type": "inventory.estate"}), 400, "invalid")
    assert list(error["fields"]) == ["object_id"]
