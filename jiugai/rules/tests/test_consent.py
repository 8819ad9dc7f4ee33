"""Consent share of all owner households (Xuchang reply, seeds/002_40d8e389fe8940d7.txt)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.consent import SHARE_KEY, consent_decide
from jiugai.rules.decision import RuleInputError
from jiugai.rules.params import ParameterError
from jiugai.rules.policy import Policy

XUCHANG = Policy.from_mapping({SHARE_KEY: "2/3"})


@pytest.mark.parametrize(
    ("agreeing", "total", "outcome"),
    [
        (20, 30, "passed"),  # exactly 2/3
        (19, 30, "rejected"),  # one short of 2/3
        (30, 30, "passed"),
        (0, 30, "rejected"),
        (67, 100, "passed"),  # 0.67 > 2/3
        (66, 100, "rejected"),  # 0.66 < 2/3: no rounding of 2/3 to 0.66 or 0.67
        (2, 3, "passed"),
        (1, 2, "rejected"),
        (1, 1, "passed"),
        (0, 1, "rejected"),
    ],
)
def test_consent_boundaries(agreeing: int, total: int, outcome: str) -> None:
    decision = consent_decide(agreeing, total, XUCHANG)
    assert decision.outcome == outcome
    reason = decision.reasons[0]
    assert reason.parameter == SHARE_KEY
    assert reason.threshold == Fraction(2, 3)
    assert (reason.numerator, reason.denominator) == (agreeing, total)
    assert reason.value == Fraction(agreeing, total)
    assert reason.source is not None and reason.source.title == "scenario"


def test_share_is_of_all_households_not_respondents() -> None:
    # 20 agree, 1 against, 79 did not answer: 20/21 of respondents, but only 1/5 of all households.
    assert consent_decide(20, 100, XUCHANG).outcome == "rejected"


def test_figures_report_households_needed() -> None:
    figures = consent_decide(19, 31, XUCHANG).figures
    assert figures["households_needed"] == 21  # ceil(31 × 2/3) = ceil(20.67)
    assert figures["shortfall"] == 2


def test_other_share_from_policy() -> None:
    policy = Policy.from_mapping({SHARE_KEY: "3/4"})
    assert consent_decide(3, 4, policy).outcome == "passed"
    assert consent_decide(74, 100, policy).outcome == "rejected"


@pytest.mark.parametrize(
    ("agreeing", "total", "message"),
    [
        (-1, 10, "negative"),
        (5, 0, "at least 1"),
        (11, 10, "exceeds"),
        (True, 10, "whole number"),
        ("5", 10, "whole number"),
    ],
)
def test_bad_inputs(agreeing: object, total: object, message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        consent_decide(agreeing, total, XUCHANG)  # type: ignore[arg-type]


def test_missing_parameter_is_reported() -> None:
    with pytest.raises(ParameterError, match="not configured"):
        consent_decide(1, 2, Policy.from_mapping({}))


@given(total=st.integers(1, 5000), data=st.data())
def test_consent_is_monotone_in_agreeing(total: int, data: st.DataObject) -> None:
    agreeing = data.draw(st.integers(0, total - 1))
    if consent_decide(agreeing, total, XUCHANG).passed:
        assert consent_decide(agreeing + 1, total, XUCHANG).passed


@given(total=st.integers(1, 5000), data=st.data())
def test_consent_matches_exact_fraction(total: int, data: st.DataObject) -> None:
    agreeing = data.draw(st.integers(0, total))
    assert consent_decide(agreeing, total, XUCHANG).passed == (Fraction(agreeing, total) >= Fraction(2, 3))


@given(total=st.integers(1, 5000))
def test_households_needed_is_the_smallest_passing_count(total: int) -> None:
    needed = consent_decide(0, total, XUCHANG).figures["households_needed"]
    assert consent_decide(needed, total, XUCHANG).passed
    if needed > 0:
        assert not consent_decide(needed - 1, total, XUCHANG).passed
