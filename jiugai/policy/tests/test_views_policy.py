"""Policy pages: rules in force with their sources, version history, and the new-version form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from jiugai.accounts.choices import Level, Role
from jiugai.accounts.services import jurisdiction_create, user_create
from jiugai.policy.models import PolicyProfile
from jiugai.policy.services import policy_profile_create

pytestmark = pytest.mark.django_db
PASSWORD = "policy-pages-password-1"


@pytest.fixture
def world():
    province = jurisdiction_create(code="P41", name="河南省", level=Level.PROVINCE)
    city = jurisdiction_create(code="P4110", name="许昌市", level=Level.CITY, parent=province)
    other_city = jurisdiction_create(code="P4190", name="济源市", level=Level.CITY, parent=province)
    district = jurisdiction_create(code="P411002", name="魏都区", level=Level.DISTRICT, parent=city)
    policy_profile_create(
        jurisdiction=province,
        effective_from=dt.date(2020, 1, 1),
        title="省级",
        values={
            "consultation.notice_days": {"value": 7, "source_title": "省通知", "source_reference": "豫建〔2020〕1号"}
        },
    )
    policy_profile_create(
        jurisdiction=city,
        effective_from=dt.date(2022, 3, 1),
        title="许昌",
        values={
            "consent.share_of_all_households": {
                "value": "2/3",
                "source_title": "许昌答复",
                "source_reference": "002_40d8e389fe8940d7.txt",
                "source_url": "https://example.org/xuchang",
            }
        },
    )
    users = {
        "lgo": user_create(username="lgo", password=PASSWORD, role=Role.LEADING_GROUP_OFFICE, jurisdiction=city),
        "street": user_create(username="street", password=PASSWORD, role=Role.STREET_OFFICE, jurisdiction=district),
    }
    return {"province": province, "city": city, "other_city": other_city, "district": district, "users": users}


def login(client, user):
    client.force_login(user)
    return client


def test_effective_page_shows_values_with_sources(client, world):
    login(client, world["users"]["street"])
    response = client.get(reverse("policy:effective"), {"q": "P411002", "on": "2023-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2/3" in html and "66.67%" in html
    assert "许昌答复" in html and "002_40d8e389fe8940d7.txt" in html and "https://example.org/xuchang" in html
    assert "豫建〔2020〕1号" in html  # inherited from the province
    assert 'data-testid="policy-group-consultation"' in html


def test_effective_page_respects_the_date(client, world):
    login(client, world["users"]["street"])
    response = client.get(reverse("policy:effective"), {"q": "P411002", "on": "2021-01-01"})
    groups = {g["group"]: g for g in response.context["groups"]}
    rows = {r["key"]: r for r in groups["consultation"]["rows"]}
    assert rows["consent.share_of_all_households"]["item"] is None
    assert rows["consultation.notice_days"]["item"].jurisdiction_name == "河南省"


def test_search_by_name_lists_matches_and_any_user_may_view(client, world):
    login(client, world["users"]["street"])
    response = client.get(reverse("policy:effective"), {"q": "市"})
    assert {j.code for j in response.context["matches"]} == {"P4110", "P4190"}
    # Policies are public rules: a street user may view another city's.
    response = client.get(reverse("policy:effective"), {"q": "P4190"})
    assert response.context["jurisdiction"].code == "P4190"
    assert client.get(reverse("policy:history", args=["P4190"])).status_code == 200


def test_history_lists_versions(client, world):
    policy_profile_create(
        jurisdiction=world["city"],
        effective_from=dt.date(2023, 1, 1),
        title="许昌 2023",
        values={"consultation.notice_days": 10},
        note="延长公示",
        actor=world["users"]["lgo"],
    )
    login(client, world["users"]["street"])
    response = client.get(reverse("policy:history", args=["P4110"]))
    html = response.content.decode()
    assert "延长公示" in html and "lgo" in html
    assert [v["profile"].version for v in response.context["versions"]] == [2, 1]


def _post_data(**params):
    data = {"effective_from": "2024-01-01", "title": "新版本", "note": "调整", "source_title": "文件"}
    data.update({"p__" + k.replace(".", "__"): v for k, v in params.items()})
    return data


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("consent.share_of_all_households", "2/0", "zero denominator"),
        ("consent.share_of_all_households", "3/2", "more than 1"),
        ("funding.property_subsidy_rate", "-0.5", "cannot be negative"),
        ("consultation.notice_days", "abc", "whole number"),
    ],
)
def test_new_version_rejects_bad_values_and_saves_nothing(client, world, key, value, expected):
    login(client, world["users"]["lgo"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page language follows the switch, not the browser
    before = PolicyProfile.objects.count()
    response = client.post(reverse("policy:new_version", args=["P4110"]), _post_data(**{key: value}))
    assert response.status_code == 400
    form = response.context["form"]
    assert expected in " ".join(form.errors["p__" + key.replace(".", "__")])
    assert PolicyProfile.objects.count() == before


def test_new_version_errors_are_translated(client, world):
    login(client, world["users"]["lgo"])
    response = client.post(
        reverse("policy:new_version", args=["P4110"]),
        _post_data(**{"consent.share_of_all_households": "2/0"}),
        HTTP_ACCEPT_LANGUAGE="en",  # ignored: pages are Chinese unless the user switched
    )
    assert response.status_code == 400
    assert "分母" in response.content.decode()


def test_new_version_creates_a_version_and_keeps_the_old_one(client, world):
    login(client, world["users"]["lgo"])
    response = client.post(
        reverse("policy:new_version", args=["P4110"]),
        _post_data(**{"consent.share_of_all_households": "3/4", "funding.property_subsidy_rate": "0.5"}),
    )
    assert response.status_code == 302
    versions = list(PolicyProfile.objects.filter(jurisdiction=world["city"]).order_by("version"))
    assert [p.version for p in versions] == [1, 2]
    assert versions[0].values.get(key="consent.share_of_all_households").value == "2/3"
    new = {v.key: v for v in versions[1].values.all()}
    assert new["consent.share_of_all_households"].value == "3/4"
    assert new["funding.property_subsidy_rate"].source_title == "文件"
    assert versions[1].created_by == world["users"]["lgo"]


def test_new_version_needs_a_change(client, world):
    login(client, world["users"]["lgo"])
    response = client.post(
        reverse("policy:new_version", args=["P4110"]), _post_data(**{"consent.share_of_all_households": "2/3"})
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()


def test_new_version_role_and_scope(client, world):
    login(client, world["users"]["street"])
    assert client.get(reverse("policy:new_version", args=["P4110"])).status_code == 403
    login(client, world["users"]["lgo"])
    assert client.get(reverse("policy:new_version", args=["P4110"])).status_code == 200
    assert client.get(reverse("policy:new_version", args=["P411002"])).status_code == 200
    assert client.get(reverse("policy:new_version", args=["P4190"])).status_code == 403
    assert client.get(reverse("policy:new_version", args=["NOPE"])).status_code == 404


def test_pages_need_login(client, world):
    response = client.get(reverse("policy:effective"))
    assert response.status_code == 302
