"""Inventory API: estate filters, GeoJSON, screening one estate or a jurisdiction, the quality report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from jiugai.inventory.models import ScreeningResult
from jiugai.policy.services import policy_profile_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: Any, make_estate: Any, street_users: Any) -> dict[str, Any]:
    policy_profile_create(
        jurisdiction=tree.city,
        effective_from=dt.date(2022, 1, 1),
        title="profile",
        values={
            "eligibility.completed_by": "2000-12-31",
            "eligibility.post2000_allowed": False,
            "eligibility.no_repeat_central_funding": True,
        },
    )
    east = make_estate(
        "东园",
        tree.community_a,
        tree.street_a,
        build_year=1990,
        management_status="professional",
        latitude=Decimal("36.0"),
        longitude=Decimal("106.0"),
    )
    west = make_estate(
        "西园", tree.community_b, tree.street_b, build_year=2004, latitude=Decimal("36.1"), longitude=Decimal("106.1")
    )
    return {"east_estate": east, "west_estate": west, "tree": tree, **street_users}


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def codes(response: Any) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def test_estate_filters(world: dict[str, Any]) -> None:
    client = api(world["office"])
    assert codes(client.get("/api/v1/estates/", {"build_year_min": 2000})) == {"西园"}
    assert codes(client.get("/api/v1/estates/", {"build_year_max": 2000})) == {"东园"}
    assert codes(client.get("/api/v1/estates/", {"management_status": "professional"})) == {"东园"}
    assert codes(client.get("/api/v1/estates/", {"street": world["tree"].street_b.code})) == {"西园"}
    client.post("/api/v1/screening/", {"jurisdiction": world["tree"].city.code, "date": "2024-01-01"}, format="json")
    assert codes(client.get("/api/v1/estates/", {"eligibility": "not_eligible"})) == {"西园"}
    row = client.get(f"/api/v1/estates/{world['east_estate'].pk}/").json()
    assert row["eligibility"] == "eligible" and row["quality"] == "ok"


def test_geojson_is_scoped(world: dict[str, Any]) -> None:
    data = api(world["east"]).get("/api/v1/estates/geojson/").json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in data["features"]] == ["东园"]
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [106.0, 36.0]}


def test_screen_one_estate(world: dict[str, Any]) -> None:
    response = api(world["east"]).post(f"/api/v1/estates/{world['east_estate'].pk}/screen/", {}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["outcome"] == "eligible"
    assert body["reasons"][0]["parameter"] == "eligibility.completed_by"
    # Another street's estate is invisible.
    response = api(world["east"]).post(f"/api/v1/estates/{world['west_estate'].pk}/screen/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_screen_a_jurisdiction(world: dict[str, Any]) -> None:
    client = api(world["office"])
    response = client.post(
        "/api/v1/screening/", {"jurisdiction": world["tree"].city.code, "date": "2024-01-01"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["estates"] == 2 and body["counts"]["eligible"] == 1 and body["counts"]["not_eligible"] == 1
    assert body["policy_date"] == "2024-01-01"
    assert ScreeningResult.objects.count() == 2


def test_screening_errors_share_one_shape(world: dict[str, Any], make_user: Any) -> None:
    from jiugai.accounts.choices import Role

    east = api(world["east"])
    response = east.post("/api/v1/screening/", {"jurisdiction": world["tree"].street_b.code}, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = east.post("/api/v1/screening/", {"date": "soon"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"jurisdiction", "date"}
    committee = api(make_user("committee", Role.COMMUNITY_COMMITTEE, world["tree"].community_a))
    response = committee.post("/api/v1/screening/", {"jurisdiction": world["tree"].community_a.code}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_quality_report(world: dict[str, Any]) -> None:
    from jiugai.inventory.services import jurisdiction_quality_check

    jurisdiction_quality_check(jurisdiction=world["tree"].city)
    body = api(world["east"]).get("/api/v1/quality/").json()
    assert [s["code"] for s in body["streets"]] == [world["tree"].street_a.code]
    assert body["streets"][0]["issues"]["missing_total_area"] == 1
    body = api(world["office"]).get("/api/v1/quality/", {"jurisdiction": world["tree"].street_b.code}).json()
    assert [s["code"] for s in body["streets"]] == [world["tree"].street_b.code]
    response = api(world["east"]).get("/api/v1/quality/", {"jurisdiction": world["tree"].street_b.code})
    assert response.status_code == 404
