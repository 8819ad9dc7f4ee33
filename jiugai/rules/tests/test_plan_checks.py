"""Plan checks: the post-2000 household cap (Guyuan 15 %) and stated totals against their parts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.decision import RuleInputError, Source
from jiugai.rules.plan_checks import PlanTotals, plan_consistency_decide, post2000_cap_decide
from jiugai.rules.policy import Layer, Policy, resolve

GUYUAN = Source(title="Guyuan draft 2022 implementation plan", reference="seeds/003_54d0b71b4a1e2a82.txt")


def cap_policy(cap: str = "15/100") -> Policy:
    day = dt.date(2022, 1, 1)
    values = {"eligibility.post2000_household_cap": (cap, GUYUAN)}
    return resolve([Layer("test", "test", 0, day, values)], code="test", on=day)


@pytest.mark.parametrize(
    ("post", "total", "outcome", "allowed"),
    [
        (15, 100, "passed", 15),  # exactly 15 %: "不得超过" includes the boundary
        (16, 100, "rejected", 14),
        (0, 0, "passed", 0),
        (0, 50, "passed", 8),
        (463, 3081, "rejected", 462),
        (459, 3081, "passed", 462),
    ],
)
def test_post2000_cap(post: int, total: int, outcome: str, allowed: int) -> None:
    decision = post2000_cap_decide(post, total, cap_policy())
    assert decision.outcome == outcome
    assert decision.figures["post2000_households_allowed"] == allowed
    reason = decision.reasons[0]
    assert reason.parameter == "eligibility.post2000_household_cap"
    assert reason.threshold == Fraction(3, 20) and reason.source == GUYUAN
    assert (reason.numerator, reason.denominator) == (post, total)


def test_post2000_cap_needs_earlier_households() -> None:
    decision = post2000_cap_decide(480, 3081, cap_policy())
    assert decision.figures["excess_households"] == 21
    assert decision.figures["earlier_households_needed"] == 119  # 480 ≤ 15 % of (3081 + 119)


@given(st.integers(0, 500), st.integers(0, 500))
def test_post2000_cap_matches_exact_share(post: int, earlier: int) -> None:
    decision = post2000_cap_decide(post, post + earlier, cap_policy())
    assert decision.passed == (post * 20 <= 3 * (post + earlier))
    allowed = decision.figures["post2000_households_allowed"]
    assert allowed * 20 <= 3 * (allowed + earlier) and (allowed + 1) * 20 > 3 * (allowed + 1 + earlier)


@pytest.mark.parametrize(("post", "total"), [(-1, 5), (6, 5), (True, 5), (1, 2.0)])
def test_post2000_cap_bad_input(post: object, total: object) -> None:
    with pytest.raises(RuleInputError):
        post2000_cap_decide(post, total, cap_policy())  # type: ignore[arg-type]


GUYUAN_STATED = PlanTotals(
    name="Guyuan 2022 plan",
    estates=26,
    buildings=84,
    households=3081,
    area=Decimal("247891"),
    investment=Decimal("178086800"),
    central_subsidy=Decimal("93812690"),
    local_match=Decimal("84274110"),
)
GUYUAN_AREAS = [
    PlanTotals(name="西关北街片区", estates=3, buildings=35, households=1435, area=Decimal("64180")),
    PlanTotals(name="西关南街片区", estates=14, buildings=29, households=815, area=Decimal("101452")),
    PlanTotals(name="南城路片区", estates=9, buildings=17, households=831, area=Decimal("82259")),
]


def test_guyuan_plan_states_84_buildings_but_its_areas_add_up_to_81() -> None:
    decision = plan_consistency_decide(GUYUAN_STATED, GUYUAN_AREAS)
    assert decision.rule == "plan_consistency" and decision.outcome == "inconsistent"
    codes = {r.code: r for r in decision.reasons}
    assert set(codes) == {
        "estates_consistent",
        "buildings_mismatch",
        "households_consistent",
        "area_consistent",
        "funding_consistent",
    }
    buildings = codes["buildings_mismatch"]
    assert (buildings.threshold, buildings.value) == (84, 81)
    assert decision.figures["differences"] == {"buildings": -3}
    assert "seeds/003" in (buildings.source.reference if buildings.source else "")


def test_funding_split_and_projects_and_investment() -> None:
    stated = PlanTotals(
        projects=5, investment=Decimal("1000"), central_subsidy=Decimal("600"), local_match=Decimal("300")
    )
    parts = [
        PlanTotals(name="A", projects=2, investment=Decimal("500")),
        PlanTotals(name="B", projects=2, investment=Decimal("400")),
    ]
    decision = plan_consistency_decide(stated, parts)
    codes = [r.code for r in decision.reasons]
    assert codes == ["projects_mismatch", "investment_mismatch", "funding_mismatch"]
    assert decision.figures["differences"] == {
        "projects": -1,
        "investment": Decimal("-100"),
        "funding:the plan": Decimal("-100"),
    }
    assert "difference -100" in decision.reasons[2].message


def test_consistent_plan() -> None:
    stated = PlanTotals(estates=2, households=30, investment=Decimal("10"))
    parts = [
        PlanTotals(estates=1, households=10, investment=Decimal("4")),
        PlanTotals(estates=1, households=20, investment=Decimal("6")),
    ]
    assert plan_consistency_decide(stated, parts).outcome == "consistent"


def test_nothing_to_compare_and_negative_figures() -> None:
    with pytest.raises(RuleInputError):
        plan_consistency_decide(PlanTotals(estates=1), [])
    with pytest.raises(RuleInputError):
        plan_consistency_decide(PlanTotals(estates=-1), [PlanTotals(estates=1)])
    with pytest.raises(RuleInputError):
        plan_consistency_decide(PlanTotals(area=Decimal("-1")), [PlanTotals(area=Decimal(1))])
