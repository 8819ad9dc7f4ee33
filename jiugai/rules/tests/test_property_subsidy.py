"""Property-service subsidy (Jiyuan seeds/000: 0.15 × 36 fixed; Zhanhe seeds/001: ≥ 0.3, ≥ 36)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.decision import RuleInputError
from jiugai.rules.policy import Policy
from jiugai.rules.property_subsidy import property_subsidy_decide

JIYUAN = Policy.from_mapping(
    {
        "funding.property_subsidy_rate": "0.15",
        "funding.property_subsidy_months": 36,
        "funding.property_subsidy_is_minimum": False,
    }
)
ZHANHE = Policy.from_mapping(
    {
        "funding.property_subsidy_rate": "0.3",
        "funding.property_subsidy_months": 36,
        "funding.property_subsidy_is_minimum": True,
    }
)


def test_jiyuan_profile_figures() -> None:
    decision = property_subsidy_decide(Decimal(10000), JIYUAN)
    assert decision.outcome == "allowed"
    assert decision.figures["total_yuan"] == Decimal("54000.00")
    assert decision.figures["monthly_yuan"] == Decimal("1500.00")


def test_jiyuan_fixed_figures_override_a_proposal() -> None:
    decision = property_subsidy_decide(Decimal(10000), JIYUAN, rate=Decimal("0.5"), months=12)
    assert decision.outcome == "allowed"
    assert decision.figures["rate"] == Decimal("0.15") and decision.figures["months"] == 36
    assert {r.code for r in decision.reasons} >= {"rate_fixed_by_profile", "months_fixed_by_profile"}


@pytest.mark.parametrize(
    ("rate", "months", "outcome", "code"),
    [
        (None, None, "allowed", "rate_from_profile"),
        (Decimal("0.3"), 36, "allowed", "rate_meets_minimum"),  # exactly the minimum
        (Decimal("0.35"), 48, "allowed", "rate_meets_minimum"),
        (Decimal("0.29"), 36, "refused", "rate_below_minimum"),
        (Decimal("0.3"), 35, "refused", "months_below_minimum"),
    ],
)
def test_zhanhe_minimums(rate: Decimal | None, months: int | None, outcome: str, code: str) -> None:
    decision = property_subsidy_decide(Decimal(1000), ZHANHE, rate=rate, months=months)
    assert decision.outcome == outcome
    found = next(r for r in decision.reasons if r.code == code)
    assert found.parameter.startswith("funding.property_subsidy_")
    assert found.source is not None
    if outcome == "refused":
        assert "total_yuan" not in decision.figures


def test_rounding_half_up_to_cents() -> None:
    # 0.15 × 0.1 × 1 = 0.015 → 0.02 (half up), not 0.01 (banker's rounding)
    policy = Policy.from_mapping({"funding.property_subsidy_rate": "0.15", "funding.property_subsidy_months": 1})
    assert property_subsidy_decide(Decimal("0.1"), policy).figures["total_yuan"] == Decimal("0.02")


@pytest.mark.parametrize(
    ("area", "rate", "months", "message"),
    [
        (Decimal(-1), None, None, "negative"),
        (1.5, None, None, "Decimal"),
        (Decimal(1), 0.3, None, "rate"),
        (Decimal(1), Decimal(-1), None, "negative"),
        (Decimal(1), None, -1, "months"),
    ],
)
def test_bad_inputs(area: object, rate: object, months: object, message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        property_subsidy_decide(area, ZHANHE, rate=rate, months=months)  # type: ignore[arg-type]


@given(
    st.decimals(min_value=0, max_value=10**7, places=2),
    st.decimals(min_value=Decimal("0.3"), max_value=5, places=3),
    st.integers(36, 120),
)
def test_total_is_exact_product_rounded(area: Decimal, rate: Decimal, months: int) -> None:
    decision = property_subsidy_decide(area, ZHANHE, rate=rate, months=months)
    assert decision.outcome == "allowed"
    total = decision.figures["total_yuan"]
    assert abs(total - rate * area * months) <= Decimal("0.005")
    assert total.as_tuple().exponent == -2
