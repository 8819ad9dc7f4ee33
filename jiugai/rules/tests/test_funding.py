"""Funding rules: Jiyuan 1/3 (seeds/000), Guyuan no repeats and no idle funds (seeds/003), Zhanhe awards (seeds/001)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.decision import RuleInputError
from jiugai.rules.funding import (
    CENTRAL_EARMARKS,
    ITEM_CLASSES,
    SOURCE_KINDS,
    central_repeat_decide,
    district_award_decide,
    earmark_decide,
    idle_funds_decide,
    utility_may_implement_decide,
    water_meter_share_decide,
)
from jiugai.rules.params import ParameterError
from jiugai.rules.policy import Policy

JIYUAN = Policy.from_mapping({"funding.utility_may_implement_share": "1/3", "funding.water_meter_utility_share": "1/3"})
GUYUAN = Policy.from_mapping({"eligibility.no_repeat_central_funding": True, "funding.idle_funds_days": 90})
ZHANHE = Policy.from_mapping({"funding.district_award_rate": "30/100"})
EMPTY = Policy.from_mapping({})
D = Decimal


# ---------------------------------------------------------------------------------------------
# A utility paying at least 1/3 may run the works


@pytest.mark.parametrize(
    ("paid", "total", "outcome"),
    [
        (D(120000), D(360000), "allowed"),  # exactly 1/3 counts (达到1/3)
        (D("119999.99"), D(360000), "refused"),  # a cent short
        (D(100), D(300), "allowed"),
        (D("33.33"), D(100), "refused"),  # 0.3333 is not 1/3
        (D("33.34"), D(100), "allowed"),
        (D(0), D(1), "refused"),
        (D(5), D(5), "allowed"),
    ],
)
def test_utility_may_implement(paid: Decimal, total: Decimal, outcome: str) -> None:
    decision = utility_may_implement_decide(paid, total, JIYUAN)
    assert decision.outcome == outcome
    reason = decision.reasons[0]
    assert reason.parameter == "funding.utility_may_implement_share" and reason.threshold == Fraction(1, 3)
    assert decision.figures["share"] == Fraction(paid) / Fraction(total)


def test_utility_needed_amount_rounds_up() -> None:
    assert utility_may_implement_decide(D(0), D(100), JIYUAN).figures["needed"] == D("33.34")


@pytest.mark.parametrize(
    ("paid", "total", "message"),
    [
        (D(-1), D(100), "cannot be negative"),
        (D(1), D(-100), "cannot be negative"),
        (D(1), D(0), "more than zero"),
        (D(101), D(100), "exceeds"),
        ("1", D(100), "Decimal amount"),
        (1.0, D(100), "Decimal amount"),
        (D("Infinity"), D(100), "finite"),
    ],
)
def test_utility_bad_input(paid: Any, total: Any, message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        utility_may_implement_decide(paid, total, JIYUAN)


def test_utility_share_not_configured() -> None:
    with pytest.raises(ParameterError):
        utility_may_implement_decide(D(1), D(3), EMPTY)


# ---------------------------------------------------------------------------------------------
# One meter per household: the water company bears 1/3


@pytest.mark.parametrize(
    ("cost", "utility", "rest"),
    [
        (D("100000.00"), D("33333.33"), D("66666.67")),
        (D("300"), D("100.00"), D("200.00")),
        (D("0.02"), D("0.01"), D("0.01")),  # 0.00667 → 0.01 half-up
        (D("0.01"), D("0.00"), D("0.01")),
        (D(0), D("0.00"), D(0)),
    ],
)
def test_water_meter_share(cost: Decimal, utility: Decimal, rest: Decimal) -> None:
    decision = water_meter_share_decide(cost, JIYUAN)
    assert decision.outcome == "shared"
    assert decision.figures["utility"] == utility and decision.figures["rest"] == rest
    assert decision.reasons[0].parameter == "funding.water_meter_utility_share"


@given(st.integers(min_value=0, max_value=10**12))
def test_water_meter_parts_add_up(cents: int) -> None:
    cost = D(cents).scaleb(-2)
    figures = water_meter_share_decide(cost, JIYUAN).figures
    assert figures["utility"] + figures["rest"] == cost
    assert figures["utility"] >= 0 and figures["rest"] >= 0
    assert abs(Fraction(figures["utility"]) - Fraction(cost) / 3) <= Fraction(1, 200)


@pytest.mark.parametrize(("cost", "message"), [(D(-1), "negative"), (D("1.001"), "whole cents")])
def test_water_meter_bad_input(cost: Decimal, message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        water_meter_share_decide(cost, JIYUAN)


# ---------------------------------------------------------------------------------------------
# No second central application


@pytest.mark.parametrize(
    ("funded", "policy", "outcome", "code"),
    [
        (None, GUYUAN, "allowed", "not_centrally_funded"),
        (2021, GUYUAN, "refused", "repeat_central_funding"),
        (2022, GUYUAN, "refused", "repeat_central_funding"),  # already in this year's plan
        (
            2021,
            Policy.from_mapping({"eligibility.no_repeat_central_funding": False}),
            "allowed",
            "repeat_central_funding_allowed",
        ),
        (2021, EMPTY, "allowed", "repeat_central_funding_allowed"),  # not barred where not configured
    ],
)
def test_central_repeat(funded: int | None, policy: Policy, outcome: str, code: str) -> None:
    decision = central_repeat_decide(estate_funded_year=funded, programme="MOF", applying_year=2022, policy=policy)
    assert decision.outcome == outcome and decision.reasons[0].code == code
    assert decision.reasons[0].parameter == "eligibility.no_repeat_central_funding"
    assert decision.reasons[0].source is not None


@pytest.mark.parametrize(
    ("funded", "applying", "message"),
    [(2021, 22, "applying_year"), ("2021", 2022, "estate_funded_year"), (True, 2022, "estate_funded_year")],
)
def test_central_repeat_bad_years(funded: Any, applying: Any, message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        central_repeat_decide(estate_funded_year=funded, applying_year=applying, policy=GUYUAN)


# ---------------------------------------------------------------------------------------------
# District award on the street-borne remainder


@pytest.mark.parametrize(
    ("borne", "outside", "award", "outcome"),
    [
        (D(850000), D(50000), D("240000.00"), "awarded"),
        (D(100), D(100), D("0.00"), "no_award"),  # everything outside the scope
        (D("0.05"), D(0), D("0.02"), "awarded"),  # 0.015 → 0.02 half-up
        (D(0), D(0), D("0.00"), "no_award"),
    ],
)
def test_district_award(borne: Decimal, outside: Decimal, award: Decimal, outcome: str) -> None:
    decision = district_award_decide(borne, outside, ZHANHE)
    assert decision.outcome == outcome and decision.figures["award"] == award
    assert decision.reasons[-1].parameter == "funding.district_award_rate"


@pytest.mark.parametrize(
    ("borne", "outside", "message"),
    [(D(-1), D(0), "street_borne cannot be negative"), (D(1), D(-1), "out_of_scope cannot"), (D(1), D(2), "exceeds")],
)
def test_district_award_bad_input(borne: Decimal, outside: Decimal, message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        district_award_decide(borne, outside, ZHANHE)


def test_district_award_rate_not_configured() -> None:
    with pytest.raises(ParameterError):
        district_award_decide(D(1), D(0), EMPTY)


# ---------------------------------------------------------------------------------------------
# Earmarks


@pytest.mark.parametrize(
    ("kind", "item_class", "outcome"),
    [
        ("central_subsidy", "basic", "allowed"),
        ("central_subsidy", "improvement", "refused"),
        ("central_subsidy", "upgrade", "refused"),
        ("central_investment", "basic", "allowed"),
        ("central_investment", "improvement", "allowed"),
        ("central_investment", "upgrade", "refused"),
        ("local_budget", "upgrade", "allowed"),
        ("residents", "upgrade", "allowed"),
    ],
)
def test_earmark(kind: str, item_class: str, outcome: str) -> None:
    decision = earmark_decide(kind, item_class)
    assert decision.outcome == outcome
    if kind in CENTRAL_EARMARKS:
        assert decision.reasons[0].source is not None and decision.reasons[0].source.reference


def test_earmark_table_covers_known_kinds_and_classes() -> None:
    for kind in SOURCE_KINDS:
        for item_class in ITEM_CLASSES:
            assert earmark_decide(kind, item_class).outcome in {"allowed", "refused"}


@pytest.mark.parametrize(("kind", "item_class"), [("central", "basic"), ("central_subsidy", "luxury")])
def test_earmark_unknown(kind: str, item_class: str) -> None:
    with pytest.raises(RuleInputError, match="unknown"):
        earmark_decide(kind, item_class)


# ---------------------------------------------------------------------------------------------
# Idle funds


DAY = dt.date(2022, 3, 1)


@pytest.mark.parametrize(
    ("paid_after", "today_after", "outcome", "code"),
    [
        (None, 0, "ok", "waiting"),
        (None, 90, "ok", "waiting"),  # exactly the limit is not yet idle
        (None, 91, "alert", "idle"),
        (30, 200, "paid", "paid_in_time"),
        (90, 200, "paid", "paid_in_time"),
        (91, 200, "paid", "paid_late"),
    ],
)
def test_idle_funds(paid_after: int | None, today_after: int, outcome: str, code: str) -> None:
    paid = DAY + dt.timedelta(days=paid_after) if paid_after is not None else None
    decision = idle_funds_decide(DAY, paid, DAY + dt.timedelta(days=today_after), GUYUAN)
    assert decision.outcome == outcome and decision.reasons[0].code == code
    assert decision.reasons[0].parameter == "funding.idle_funds_days" and decision.reasons[0].threshold == 90


@pytest.mark.parametrize(
    ("received", "paid", "today", "message"),
    [
        (DAY, None, DAY - dt.timedelta(days=1), "after today"),
        (DAY, DAY - dt.timedelta(days=1), DAY, "before received_on"),
        (DAY, DAY + dt.timedelta(days=2), DAY + dt.timedelta(days=1), "after today"),
        ("2022-03-01", None, DAY, "received_on must be a date"),
        (dt.datetime(2022, 3, 1), None, DAY, "received_on must be a date"),
    ],
)
def test_idle_funds_bad_input(received: Any, paid: Any, today: Any, message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        idle_funds_decide(received, paid, today, GUYUAN)
