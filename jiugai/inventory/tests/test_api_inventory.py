"""Inventory API: scoping (404 across streets), filters, and masking of residents' personal data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from jiugai.accounts.choices import Level, Role
from jiugai.accounts.services import jurisdiction_create, user_create
from jiugai.core.text import pinyin_key
from jiugai.inventory.models import Building, Estate, Household

pytestmark = pytest.mark.django_db


def make_estate(name, street, **fields):
    estate = Estate(
        code=f"E-{name}", name=name, name_pinyin=pinyin_key(name), jurisdiction=street, street=street, **fields
    )
    estate.full_clean()
    estate.save()
    return estate


@pytest.fixture
def world():
    city = jurisdiction_create(code="A41", name="测试市", level=Level.CITY)
    east = jurisdiction_create(code="A4101", name="东街道", level=Level.STREET, parent=city)
    west = jurisdiction_create(code="A4102", name="西街道", level=Level.STREET, parent=city)
    garden = make_estate("花园小区", east, build_year=1995)
    mill = make_estate("棉纺厂家属院", west, build_year=1988)
    b_east = Building.objects.create(estate=garden, number="1", floors=6)
    b_west = Building.objects.create(estate=mill, number="2", floors=5)
    h_east = Household.objects.create(
        building=b_east, floor=1, room="101", area=Decimal("60"), phone="13812345678", id_number="410102198001011234"
    )
    h_west = Household.objects.create(building=b_west, floor=1, room="101", area=Decimal("55"), phone="13900001111")
    users = {
        "east": user_create(username="east", password=None, role=Role.STREET_OFFICE, jurisdiction=east),
        "west": user_create(username="west", password=None, role=Role.STREET_OFFICE, jurisdiction=west),
        "lgo": user_create(username="lgo", password=None, role=Role.LEADING_GROUP_OFFICE, jurisdiction=city),
    }
    return {
        "garden": garden,
        "mill": mill,
        "b_east": b_east,
        "b_west": b_west,
        "h_east": h_east,
        "h_west": h_west,
        "users": users,
    }


def api_for(client, user):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=user).key}"
    return client


def error_of(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    return body["error"]


def test_estates_are_scoped(client, world):
    api = api_for(client, world["users"]["east"])
    body = api.get("/api/v1/estates/").json()
    assert [e["name"] for e in body["results"]] == ["花园小区"]
    error_of(api.get(f"/api/v1/estates/{world['mill'].pk}/"), 404, "not_found")
    assert api.get(f"/api/v1/estates/{world['garden'].pk}/").status_code == 200
    error_of(api.get(f"/api/v1/buildings/{world['b_west'].pk}/"), 404, "not_found")
    error_of(api.get(f"/api/v1/households/{world['h_west'].pk}/"), 404, "not_found")


def test_estate_filters(client, world):
    api = api_for(client, world["users"]["lgo"])
    assert [e["name"] for e in api.get("/api/v1/estates/", {"q": "mfc"}).json()["results"]] == ["棉纺厂家属院"]
    assert [e["name"] for e in api.get("/api/v1/estates/", {"street": "A4101"}).json()["results"]] == ["花园小区"]
    assert api.get("/api/v1/estates/", {"build_year_min": 1990}).json()["count"] == 1
    buildings = api.get("/api/v1/buildings/", {"estate": world["mill"].pk}).json()["results"]
    assert [b["number"] for b in buildings] == ["2"]
    households = api.get("/api/v1/households/", {"estate": world["garden"].pk}).json()["results"]
    assert [h["room"] for h in households] == ["101"] and households[0]["estate"] == world["garden"].pk


def test_bad_filter_value_is_400_in_the_error_shape(client, world):
    api = api_for(client, world["users"]["lgo"])
    error = error_of(api.get("/api/v1/estates/", {"build_year_min": "abc"}), 400, "invalid")
    assert "build_year_min" in error["fields"]


def test_households_masked_per_role(client, world):
    api = api_for(client, world["users"]["east"])
    row = api.get(f"/api/v1/households/{world['h_east'].pk}/").json()
    assert row["phone"] == "13812345678" and row["id_number"] == "410102198001011234"
    client.defaults.pop("HTTP_AUTHORIZATION")
    api = api_for(client, world["users"]["lgo"])
    row = api.get(f"/api/v1/households/{world['h_east'].pk}/").json()
    assert row["phone"] == "138****5678"
    assert row["id_number"] == "4****************4"
    assert all("****" in h["phone"] for h in api.get("/api/v1/households/").json()["results"])


def test_forged_token_is_401(client, world):
    client.defaults["HTTP_AUTHORIZATION"] = "Token forged-token-value"
    error_of(client.get("/api/v1/estates/"), 401, "authentication_failed")


def test_anonymous_is_401(client, world):
    error_of(client.get("/api/v1/households/"), 401, "not_authenticated")
