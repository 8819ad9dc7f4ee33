"""Data-quality checks (impossible values, reconciliation, missing facts) and plan totals (Guyuan seeds/003)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.data_quality import (
    CATEGORY,
    SEVERITY,
    BuildingQualityFacts,
    EstateQualityFacts,
    Totals,
    estate_quality_decide,
    totals_reconcile,
    totals_sum,
)

TODAY = dt.date(2024, 6, 1)


def building(number: str = "1", **fields: Any) -> BuildingQualityFacts:
    base: dict[str, Any] = {"floors": 6, "stairwells": 2, "area": Decimal("1000"), "stated_households": 24}
    base.update(fields)
    return BuildingQualityFacts(number=number, **base)


def estate(**fields: Any) -> EstateQualityFacts:
    base: dict[str, Any] = {
        "code": "E1",
        "build_year": 1995,
        "total_area": Decimal("2000"),
        "stated_households": 48,
        "stated_buildings": 2,
        "address": "人民路1号",
        "has_location": True,
        "buildings": (building("1"), building("2")),
    }
    base.update(fields)
    return EstateQualityFacts(**base)


def codes(facts: EstateQualityFacts) -> set[str]:
    return {r.code for r in estate_quality_decide(facts, today=TODAY).reasons}


def test_a_consistent_estate_is_clean() -> None:
    decision = estate_quality_decide(estate(), today=TODAY)
    assert decision.outcome == "clean"
    assert decision.reasons == ()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"total_area": Decimal("0")}, "total_area_not_positive"),
        ({"total_area": Decimal("-5")}, "total_area_not_positive"),
        ({"stated_households": 0}, "stated_households_not_positive"),
        ({"stated_buildings": 0}, "stated_buildings_not_positive"),
        ({"build_year": 2025}, "build_year_in_future"),
        ({"build_year": 1850}, "build_year_implausible"),
        ({"completed_on": dt.date(2024, 6, 2), "build_year": 2024}, "completed_in_future"),
        ({"buildings": (building("1", floors=0), building("2"))}, "building_floors_not_positive"),
        ({"buildings": (building("1", area=Decimal("0")), building("2"))}, "building_area_not_positive"),
        ({"buildings": (building("1", stairwells=0), building("2"))}, "building_stairwells_not_positive"),
        ({"buildings": (building("1", build_year=2030), building("2"))}, "building_build_year_in_future"),
        ({"buildings": (building("1", units=20), building("2"))}, "building_households_exceed_units"),
        ({"buildings": (building("1", highest_floor=7), building("2"))}, "household_floor_above_building"),
    ],
)
def test_impossible_values_are_errors(fields: dict[str, Any], code: str) -> None:
    decision = estate_quality_decide(estate(**fields), today=TODAY)
    assert code in {r.code for r in decision.reasons}
    assert SEVERITY[code] == "error" and CATEGORY[code] == "impossible"
    assert decision.outcome == "errors"


def test_boundaries_of_impossible_values() -> None:
    assert "build_year_in_future" not in codes(estate(build_year=2024))
    assert "completed_in_future" not in codes(estate(completed_on=TODAY, build_year=2024))
    assert "building_households_exceed_units" not in codes(estate(buildings=(building("1", units=24), building("2"))))
    assert "household_floor_above_building" not in codes(
        estate(buildings=(building("1", highest_floor=6), building("2")))
    )


@pytest.mark.parametrize(
    ("fields", "code", "value", "expected"),
    [
        ({"stated_buildings": 3}, "buildings_mismatch", 2, 3),
        ({"stated_households": 50}, "households_mismatch", 48, 50),
        ({"total_area": Decimal("2100")}, "area_mismatch", Decimal("2000"), Decimal("2100")),
        (
            {"buildings": (building("1", units=24), building("2", units=25))},
            "registered_households_mismatch",
            49,
            48,
        ),
    ],
)
def test_totals_must_reconcile(fields: dict[str, Any], code: str, value: Any, expected: Any) -> None:
    decision = estate_quality_decide(estate(**fields), today=TODAY)
    [reason] = [r for r in decision.reasons if r.code == code]
    assert (reason.value, reason.threshold) == (value, expected)
    assert CATEGORY[code] == "mismatch"
    assert decision.outcome == "warnings"


def test_area_within_tolerance_agrees() -> None:
    assert "area_mismatch" not in codes(estate(total_area=Decimal("2020")))
    assert "area_mismatch" in codes(estate(total_area=Decimal("2021")))


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"build_year": None}, "missing_completion"),
        ({"total_area": None}, "missing_total_area"),
        ({"stated_households": None}, "missing_stated_households"),
        ({"stated_buildings": None}, "missing_stated_buildings"),
        ({"buildings": ()}, "missing_buildings"),
        ({"address": " "}, "missing_address"),
        ({"has_location": False}, "missing_location"),
    ],
)
def test_missing_facts(fields: dict[str, Any], code: str) -> None:
    assert code in codes(estate(**fields))
    assert CATEGORY[code] == "missing"


def test_guyuan_plan_states_84_buildings_but_its_areas_add_up_to_81() -> None:
    areas = [
        Totals(estates=4, buildings=35, households=1435, area=Decimal("64180")),
        Totals(estates=13, buildings=29, households=815, area=Decimal("101452")),
        Totals(estates=9, buildings=17, households=831, area=Decimal("82259")),
    ]
    stated = Totals(estates=26, buildings=84, households=3081, area=Decimal("247891"))
    decision = totals_reconcile(stated, totals_sum(areas), subject="Guyuan 2022", computed_from="the areas")
    assert decision.outcome == "mismatch"
    [buildings] = [r for r in decision.reasons if r.fact == "buildings"]
    assert (buildings.code, buildings.threshold, buildings.value) == ("buildings_mismatch", 84, 81)
    assert {r.code for r in decision.reasons} == {
        "estates_consistent",
        "buildings_mismatch",
        "households_consistent",
        "area_consistent",
    }


def test_missing_figures_are_not_compared() -> None:
    decision = totals_reconcile(Totals(buildings=3), Totals(households=4), subject="x", computed_from="y")
    assert decision.outcome == "consistent" and decision.reasons == ()


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=20))
def test_sum_of_parts_always_reconciles(counts: list[int]) -> None:
    parts = [Totals(buildings=c, households=c * 10) for c in counts]
    stated = Totals(buildings=sum(counts), households=sum(counts) * 10)
    assert totals_reconcile(stated, totals_sum(parts), subject="s", computed_from="c").outcome == "consistent"
