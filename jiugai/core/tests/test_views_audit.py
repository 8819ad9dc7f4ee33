"""Audit log page and generic object history page: who may read what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jiugai.accounts.choices import Level, Role
from jiugai.accounts.services import jurisdiction_create, user_create
from jiugai.core.audit import audit_entry_append
from jiugai.inventory.models import Estate
from jiugai.policy.services import policy_profile_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    nation = jurisdiction_create(code="H0", name="全国", level=Level.NATION)
    city = jurisdiction_create(code="H41", name="甲市", level=Level.CITY, parent=nation)
    other_city = jurisdiction_create(code="H42", name="乙市", level=Level.CITY, parent=nation)
    east = jurisdiction_create(code="H4101", name="东街道", level=Level.STREET, parent=city)
    west = jurisdiction_create(code="H4102", name="西街道", level=Level.STREET, parent=city)
    users = {
        "admin": user_create(username="admin", password=None, role=Role.PLATFORM_ADMIN, jurisdiction=None),
        "lgo": user_create(username="lgo", password=None, role=Role.LEADING_GROUP_OFFICE, jurisdiction=city),
        "east": user_create(username="east", password=None, role=Role.STREET_OFFICE, jurisdiction=east),
        "west": user_create(username="west", password=None, role=Role.STREET_OFFICE, jurisdiction=west),
    }
    estate = Estate(code="E1", name="花园小区", jurisdiction=east, street=east)
    estate.full_clean()
    estate.save()
    audit_entry_append(action="inventory.import", obj=estate, jurisdiction_code="H4101", actor=users["east"])
    audit_entry_append(action="funding.payment", jurisdiction_code="H42", payload={"amount": "100"})
    profile = policy_profile_create(
        jurisdiction=other_city, effective_from=dt.date(2022, 1, 1), title="乙", values={"consultation.notice_days": 7}
    )
    return {"users": users, "estate": estate, "profile": profile}


def actions(response):
    return [e.action for e in response.context["page_obj"]]


def test_audit_log_scoped_by_jurisdiction_subtree(client, world):
    client.force_login(world["users"]["admin"])
    assert sorted(actions(client.get(reverse("core:audit_log")))) == [
        "funding.payment",
        "inventory.import",
        "policy.profile_created",
    ]
    client.force_login(world["users"]["lgo"])
    assert actions(client.get(reverse("core:audit_log"))) == ["inventory.import"]


def test_other_roles_see_only_their_own_acts(client, world):
    client.force_login(world["users"]["east"])
    assert actions(client.get(reverse("core:audit_log"))) == ["inventory.import"]
    client.force_login(world["users"]["west"])
    assert actions(client.get(reverse("core:audit_log"))) == []


def test_audit_log_filters(client, world):
    client.force_login(world["users"]["admin"])
    assert actions(client.get(reverse("core:audit_log"), {"action": "funding"})) == ["funding.payment"]
    assert actions(client.get(reverse("core:audit_log"), {"jurisdiction": "H4101"})) == ["inventory.import"]


def test_object_history_only_for_visible_objects(client, world):
    url = reverse("core:object_history", args=["inventory.estate", world["estate"].pk])
    client.force_login(world["users"]["east"])
    response = client.get(url)
    assert response.status_code == 200
    assert [r.action for r in response.context["records"]] == ["create"]
    assert [e.action for e in response.context["entries"]] == ["inventory.import"]
    client.force_login(world["users"]["west"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("core:object_history", args=["inventory.estate", 999999])).status_code == 404
    assert client.get(reverse("core:object_history", args=["nosuch.model", 1])).status_code == 404
    assert (
        client.get(reverse("core:object_history", args=["accounts.user", world["users"]["east"].pk])).status_code == 404
    )


def test_policy_history_is_public(client, world):
    client.force_login(world["users"]["west"])
    url = reverse("core:object_history", args=["policy.policyprofile", world["profile"].pk])
    assert client.get(url).status_code == 200
