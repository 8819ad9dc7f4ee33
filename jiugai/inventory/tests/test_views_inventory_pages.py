"""Estate pages: list filters, badge and export; detail; map points; charts; quality and screening pages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiugai.inventory.models import ConditionFinding, ConditionSurvey, Estate, ScreeningResult
from jiugai.inventory.services import building_create, household_create, jurisdiction_screen
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
            "eligibility.post2000_allowed": True,
            "eligibility.post2000_completed_by": "2005-12-31",
            "eligibility.post2000_household_cap": "15/100",
            "eligibility.no_repeat_central_funding": True,
        },
    )
    east = make_estate(
        "东园小区",
        tree.community_a,
        tree.street_a,
        build_year=1990,
        latitude=Decimal("36.01"),
        longitude=Decimal("106.28"),
        boundary={
            "type": "Polygon",
            "coordinates": [[[106.27, 36.0], [106.29, 36.0], [106.29, 36.02], [106.27, 36.0]]],
        },
        quality_issues=[{"code": "build_year_in_future", "severity": "error", "category": "impossible"}],
    )
    west = make_estate(
        "西园小区",
        tree.community_b,
        tree.street_b,
        build_year=2003,
        latitude=Decimal("36.02"),
        longitude=Decimal("106.25"),
    )
    survey = ConditionSurvey.objects.create(estate=east, surveyed_on=dt.date(2024, 3, 1))
    old = ConditionSurvey.objects.create(estate=west, surveyed_on=dt.date(2020, 3, 1))
    new = ConditionSurvey.objects.create(estate=west, surveyed_on=dt.date(2024, 3, 1))
    # bulk_create: findings are written in bulk by the survey import too (no per-row history).
    ConditionFinding.objects.bulk_create(
        [
            ConditionFinding(survey=survey, item="drainage", severity=3),
            ConditionFinding(survey=survey, item="roads", severity=1),
            ConditionFinding(survey=old, item="drainage", severity=3),
            ConditionFinding(survey=new, item="drainage", severity=1),
        ]
    )
    building = building_create(estate=east, number="1", floors=6)
    household_create(
        building=building, stairwell=1, floor=1, room="101", area=Decimal("60"), owner_name="张三", phone="13812345678"
    )
    return {"east_estate": east, "west_estate": west, "tree": tree, **street_users}


def names(response: Any) -> set[str]:
    return {row["estate"].name for row in response.context["rows"]}


def test_list_filters_by_eligibility_and_condition(client: Any, world: dict[str, Any]) -> None:
    jurisdiction_screen(jurisdiction=world["tree"].city, on=dt.date(2024, 1, 1))
    client.force_login(world["office"])
    url = reverse("inventory:estate_list")
    assert names(client.get(url, {"eligibility": "eligible_capped"})) == {"西园小区"}
    assert names(client.get(url, {"eligibility": "unscreened"})) == set()
    # Severity counts from each estate's newest survey only: the west estate's drainage improved.
    assert names(client.get(url, {"condition_item": "drainage", "condition_min": "3"})) == {"东园小区"}
    assert names(client.get(url, {"condition_item": "drainage"})) == {"东园小区", "西园小区"}
    assert names(client.get(url, {"condition_item": "roads", "condition_min": "2"})) == set()
    html = client.get(url).content.decode()
    assert 'data-quality="error"' in html and 'data-quality="ok"' in html


def test_list_pages_read_outcomes_without_a_query_per_estate(
    client: Any, world: dict[str, Any], make_estate: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tree = world["tree"]
    jurisdiction_screen(jurisdiction=tree.city, on=dt.date(2024, 1, 1))
    client.force_login(world["office"])
    pages = [reverse("inventory:estate_list"), reverse("inventory:screening"), "/api/v1/estates/"]

    def queries() -> list[int]:
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    before = queries()
    for n in range(4):
        make_estate(f"新建{n}", tree.community_a, tree.street_a, build_year=1985 + n)
    jurisdiction_screen(jurisdiction=tree.city, on=dt.date(2024, 1, 1))
    assert queries() == before
    html = client.get(pages[0]).content.decode()
    assert html.count('data-testid="eligibility"') == 6


def test_list_is_scoped_to_the_street(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["east"])
    assert names(client.get(reverse("inventory:estate_list"))) == {"东园小区"}
    points = client.get(reverse("inventory:estate_points")).json()
    assert {f["properties"]["name"] for f in points["features"]} == {"东园小区"}
    assert {f["geometry"]["type"] for f in points["features"]} == {"Point", "Polygon"}


def test_export_csv_and_xlsx(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["office"])
    response = client.get(reverse("inventory:estate_export"), {"street": world["tree"].street_a.code, "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "东园小区" in body and "西园小区" not in body
    response = client.get(reverse("inventory:estate_export"), {"format": "xlsx"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(values) == ["东园小区", "西园小区"]


def test_detail_shows_survey_reasons_and_masked_households(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["office"])
    url = reverse("inventory:estate_detail", args=[world["east_estate"].pk])
    response = client.post(reverse("inventory:estate_screen", args=[world["east_estate"].pk]))
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert 'data-code="completed_in_time"' in html and "eligibility.completed_by" in html
    client.post(reverse("inventory:estate_screen", args=[world["east_estate"].pk]))
    html = client.get(url).content.decode()
    assert 'data-testid="screening-history"' in html  # the earlier screening is listed
    assert 'data-testid="survey-table"' in html and 'data-testid="estate-map"' in html
    assert "138****5678" in html and "13812345678" not in html  # the leading-group office sees it masked


def test_street_office_may_not_open_another_streets_estate(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["east"])
    assert client.get(reverse("inventory:estate_detail", args=[world["west_estate"].pk])).status_code == 404
    assert client.post(reverse("inventory:estate_screen", args=[world["west_estate"].pk])).status_code == 404


def test_map_and_charts(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["office"])
    html = client.get(reverse("inventory:estate_map")).content.decode()
    assert "vendor/leaflet/leaflet.js" in html and 'data-tile-url=""' in html and "<script>" not in html
    html = client.get(reverse("inventory:estate_charts")).content.decode()
    assert "vendor/echarts/echarts.min.js" in html and 'data-testid="condition-heat"' in html
    data = client.get(reverse("inventory:estate_chart_data")).json()
    assert data["build_years"]["years"][0] == 1990 and data["build_years"]["counts"][0] == 1
    drainage = next(row for row in data["condition"]["items"] if row["item"] == "drainage")
    assert drainage["cells"] == [3.0, 1.0]  # east street, west street (newest surveys)


def test_map_tile_url_from_settings(client: Any, world: dict[str, Any], settings: Any) -> None:
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    client.force_login(world["office"])
    assert (
        'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"'
        in client.get(reverse("inventory:estate_map")).content.decode()
    )


def test_screening_page_runs_filters_and_exports(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["office"])
    url = reverse("inventory:screening")
    assert client.post(url, {"date": "2024-01-01"}).status_code == 302
    assert ScreeningResult.objects.count() == 2
    response = client.get(url, {"outcome": "eligible"})
    assert names(response) == {"东园小区"}
    assert 'data-code="completed_in_time"' in response.content.decode()
    assert names(client.get(url, {"street": world["tree"].street_b.code})) == {"西园小区"}
    body = b"".join(client.get(reverse("inventory:screening_export"), {"format": "csv"}).streaming_content)
    text = body.decode("utf-8-sig")
    assert "eligibility.post2000_completed_by" in text and "西园小区" in text


def test_screening_is_refused_to_roles_without_the_action(client: Any, world: dict[str, Any], make_user: Any) -> None:
    from jiugai.accounts.choices import Role

    committee = make_user("committee", Role.COMMUNITY_COMMITTEE, world["tree"].community_a)
    client.force_login(committee)
    assert client.post(reverse("inventory:screening")).status_code == 403
    assert client.get(reverse("inventory:screening")).status_code == 200


def test_quality_page_runs_the_check(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["east"])
    url = reverse("inventory:quality_report")
    assert client.post(url).status_code == 302
    estate = Estate.objects.get(pk=world["east_estate"].pk)
    assert {"missing_total_area", "missing_stated_households"} <= {i["code"] for i in estate.quality_issues}
    html = client.get(url).content.decode()
    assert f'data-street="{world["tree"].street_a.code}"' in html
    assert f'data-street="{world["tree"].street_b.code}"' not in html
    # The west estate was outside the street office's jurisdiction, so it was not checked.
    assert Estate.objects.get(pk=world["west_estate"].pk).quality_issues == []
