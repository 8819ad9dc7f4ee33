"""Policy API: effective values with sources (exact fractions), versioned profiles, validation, permissions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from rest_framework.authtoken.models import Token

from jiugai.accounts.choices import Level, Role
from jiugai.accounts.services import jurisdiction_create, user_create
from jiugai.core.models import AuditEntry
from jiugai.policy.models import PolicyProfile
from jiugai.policy.services import policy_profile_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    province = jurisdiction_create(code="Q41", name="河南省", level=Level.PROVINCE)
    city = jurisdiction_create(code="Q4110", name="许昌市", level=Level.CITY, parent=province)
    other = jurisdiction_create(code="Q4190", name="济源市", level=Level.CITY, parent=province)
    street = jurisdiction_create(code="Q411001", name="某街道", level=Level.STREET, parent=city)
    policy_profile_create(
        jurisdiction=city,
        effective_from=dt.date(2022, 3, 1),
        title="许昌",
        values={
            "consent.share_of_all_households": {
                "value": "2/3",
                "source_title": "许昌答复",
                "source_reference": "002",
                "source_url": "https://x.org/a",
            },
            "funding.property_subsidy_rate": "0.5",
        },
    )
    users = {
        "lgo": user_create(username="lgo", password=None, role=Role.LEADING_GROUP_OFFICE, jurisdiction=city),
        "street": user_create(username="street", password=None, role=Role.STREET_OFFICE, jurisdiction=street),
    }
    return {"city": city, "other": other, "street": street, "users": users}


def api_for(client, user):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=user).key}"
    return client


def error_of(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    return body["error"]


def test_effective_values_with_sources(client, world):
    api = api_for(client, world["users"]["street"])
    body = api.get("/api/v1/policy/effective/Q411001/", {"date": "2023-01-01"}).json()
    assert body["jurisdiction"]["code"] == "Q411001" and body["date"] == "2023-01-01"
    values = {v["key"]: v for v in body["values"]}
    share = values["consent.share_of_all_households"]
    assert share["value"] == "2/3"
    assert share["jurisdiction_code"] == "Q4110" and share["version"] == 1 and share["effective_from"] == "2022-03-01"
    assert share["source"] == {"title": "许昌答复", "reference": "002", "url": "https://x.org/a"}
    assert values["funding.property_subsidy_rate"]["value"] == "0.5"


def test_effective_before_any_profile_is_empty(client, world):
    api = api_for(client, world["users"]["street"])
    assert api.get("/api/v1/policy/effective/Q411001/", {"date": "2020-01-01"}).json()["values"] == []


def test_effective_errors(client, world):
    api = api_for(client, world["users"]["street"])
    error = error_of(api.get("/api/v1/policy/effective/NOPE/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
    assert "NOPE" in error["message"]
    error = error_of(api.get("/api/v1/policy/effective/Q4110/", {"date": "2023-13-45"}), 400, "invalid")
    assert list(error["fields"]) == ["date"]


def _body(**values):
    return {"jurisdiction": "Q4110", "effective_from": "2024-01-01", "title": "新", "note": "调整", "values": values}


def test_profiles_list_is_public(client, world):
    api = api_for(client, world["users"]["street"])
    body = api.get("/api/v1/policy/profiles/", {"jurisdiction": "Q4110"}).json()
    assert body["count"] == 1 and body["results"][0]["jurisdiction"] == "Q4110"


def test_create_profile_version(client, world):
    api = api_for(client, world["users"]["lgo"])
    response = api.post(
        "/api/v1/policy/profiles/",
        data=json.dumps(_body(**{"consent.share_of_all_households": {"value": "3/4", "source_title": "新文件"}})),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 2 and body["created_by"] == "lgo"
    values = {v["key"]: v for v in body["values"]}
    assert values["consent.share_of_all_households"]["value"] == "3/4"
    assert values["funding.property_subsidy_rate"]["value"] == "0.5"  # inherited from version 1
    assert (
        PolicyProfile.objects.get(jurisdiction=world["city"], version=1)
        .values.get(key="consent.share_of_all_households")
        .value
        == "2/3"
    )
    assert AuditEntry.objects.filter(action="policy.profile_created").count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"consent.share_of_all_households": "2/0"}, "consent.share_of_all_households"),
        ({"consent.share_of_all_households": "5/4"}, "consent.share_of_all_households"),
        ({"consent.share_of_all_households": 0.5}, "consent.share_of_all_households"),
        ({"funding.property_subsidy_rate": "-1"}, "funding.property_subsidy_rate"),
        ({"no.such.parameter": "1"}, "no.such.parameter"),
    ],
)
def test_create_rejects_bad_values_and_changes_nothing(client, world, values, field):
    api = api_for(client, world["users"]["lgo"])
    before = (PolicyProfile.objects.count(), AuditEntry.objects.count())
    response = api.post("/api/v1/policy/profiles/", data=json.dumps(_body(**values)), content_type="application/json")
    error = error_of(response, 400, "invalid")
    assert field in error["fields"]["values"]
    assert (PolicyProfile.objects.count(), AuditEntry.objects.count()) == before


def test_create_permission(client, world):
    api = api_for(client, world["users"]["street"])
    body = json.dumps(_body(**{"consultation.notice_days": 10}))
    error_of(api.post("/api/v1/policy/profiles/", data=body, content_type="application/json"), 403, "permission_denied")
    client.defaults.pop("HTTP_AUTHORIZATION")
    api = api_for(client, world["users"]["lgo"])
    other = json.dumps({**_body(**{"consultation.notice_days": 10}), "jurisdiction": "Q4190"})
    error_of(
        api.post("/api/v1/policy/profiles/", data=other, content_type="application/json"), 403, "permission_denied"
    )
    assert PolicyProfile.objects.count() == 1


def test_malformed_json_is_400(client, world):
    api = api_for(client, world["users"]["lgo"])
    error_of(
        api.post("/api/v1/policy/profiles/", data="{oops", content_type="application/json"), 400, "malformed_request"
    )
