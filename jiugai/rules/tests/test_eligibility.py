"""Estate eligibility (Zhanhe seeds/001, Guyuan seeds/003)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.decision import RuleInputError
from jiugai.rules.eligibility import EXCLUSIONS, EstateFacts, eligibility_decide
from jiugai.rules.params import ParameterError
from jiugai.rules.policy import Policy

BASE = {
    "eligibility.completed_by": "2000-12-31",
    "eligibility.post2000_completed_by": "2005-12-31",
    "eligibility.no_repeat_central_funding": True,
}
GUYUAN = Policy.from_mapping(
    {**BASE, "eligibility.post2000_allowed": True, "eligibility.post2000_household_cap": "15/100"}
)
ZHANHE = Policy.from_mapping({**BASE, "eligibility.post2000_allowed": False})


@pytest.mark.parametrize(
    ("facts", "guyuan", "zhanhe"),
    [
        ({"completed_on": dt.date(1995, 6, 1)}, "eligible", "eligible"),
        ({"completed_on": dt.date(2000, 12, 31)}, "eligible", "eligible"),
        ({"completed_on": dt.date(2001, 1, 1)}, "eligible_capped", "not_eligible"),
        ({"completed_on": dt.date(2005, 12, 31)}, "eligible_capped", "not_eligible"),
        ({"completed_on": dt.date(2006, 1, 1)}, "not_eligible", "not_eligible"),
        ({"build_year": 2000}, "eligible", "eligible"),
        ({"build_year": 2001}, "eligible_capped", "not_eligible"),
        ({"build_year": 2005}, "eligible_capped", "not_eligible"),
        ({"build_year": 2006}, "not_eligible", "not_eligible"),
    ],
)
def test_completion_dates(facts: dict[str, Any], guyuan: str, zhanhe: str) -> None:
    assert eligibility_decide(facts, GUYUAN).outcome == guyuan
    assert eligibility_decide(facts, ZHANHE).outcome == zhanhe


def test_completed_on_takes_precedence_over_build_year() -> None:
    decision = eligibility_decide({"completed_on": dt.date(2000, 12, 31), "build_year": 2003}, ZHANHE)
    assert decision.outcome == "eligible"
    assert decision.reasons[0].fact == "completed_on"


def test_build_year_reason_names_the_fact_and_parameter() -> None:
    r = eligibility_decide({"build_year": 2000}, ZHANHE).reasons[0]
    assert (r.fact, r.value, r.parameter, r.threshold) == (
        "build_year",
        2000,
        "eligibility.completed_by",
        dt.date(2000, 12, 31),
    )
    assert r.source is not None and r.source.title == "scenario"


@pytest.mark.parametrize("flag", sorted(EXCLUSIONS))
def test_each_exclusion(flag: str) -> None:
    decision = eligibility_decide({"completed_on": dt.date(1990, 1, 1), flag: True}, GUYUAN)
    assert decision.outcome == "not_eligible"
    excluded = [r for r in decision.reasons if r.code == f"excluded_{flag}"]
    assert len(excluded) == 1
    assert excluded[0].fact == flag and excluded[0].value is True
    assert excluded[0].source is not None and "seeds/001" in excluded[0].source.reference


def test_every_exclusion_is_listed() -> None:
    facts = {"completed_on": dt.date(1990, 1, 1), **dict.fromkeys(EXCLUSIONS, True)}
    decision = eligibility_decide(facts, GUYUAN)
    assert {r.code for r in decision.reasons} >= {f"excluded_{flag}" for flag in EXCLUSIONS}


def test_repeat_central_funding() -> None:
    decision = eligibility_decide({"completed_on": dt.date(1990, 1, 1), "central_funded_year": 2020}, GUYUAN)
    assert decision.outcome == "not_eligible"
    r = decision.reasons[-1]
    assert (r.code, r.fact, r.value, r.parameter) == (
        "excluded_repeat_central_funding",
        "central_funded_year",
        2020,
        "eligibility.no_repeat_central_funding",
    )


def test_repeat_central_funding_allowed_when_not_barred() -> None:
    policy = Policy.from_mapping({**BASE, "eligibility.no_repeat_central_funding": False})
    decision = eligibility_decide({"completed_on": dt.date(1990, 1, 1), "central_funded_year": 2020}, policy)
    assert decision.outcome == "eligible"
    assert decision.reasons[-1].code == "repeat_central_funding_allowed"


def test_capped_reason_names_the_household_cap() -> None:
    decision = eligibility_decide(EstateFacts(build_year=2003), GUYUAN)
    cap = next(r for r in decision.reasons if r.code == "post2000_household_cap")
    assert cap.parameter == "eligibility.post2000_household_cap"
    assert str(cap.threshold) == "3/20"


def test_missing_post2000_allowed_means_not_allowed() -> None:
    policy = Policy.from_mapping({"eligibility.completed_by": "2000-12-31"})
    assert eligibility_decide({"build_year": 2003}, policy).outcome == "not_eligible"


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({}, "completed_on"),
        ({"build_year": "1999"}, "build_year"),
        ({"completed_on": "1999-01-01"}, "must be a date"),
        ({"build_year": 1999, "urban_village": "yes"}, "true or false"),
        ({"build_year": 1999, "colour": "red"}, "unknown estate facts"),
        ({"build_year": 1999, "central_funded_year": "2020"}, "central_funded_year"),
    ],
)
def test_bad_facts(facts: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        eligibility_decide(facts, GUYUAN)


def test_missing_cut_off_is_reported() -> None:
    with pytest.raises(ParameterError, match="completed_by"):
        eligibility_decide({"build_year": 1990}, Policy.from_mapping({}))


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_outcome_is_monotone_in_completion_date(day: dt.date) -> None:
    rank = {"eligible": 2, "eligible_capped": 1, "not_eligible": 0}
    today = rank[eligibility_decide({"completed_on": day}, GUYUAN).outcome]
    later = rank[eligibility_decide({"completed_on": day + dt.timedelta(days=1)}, GUYUAN).outcome]
    assert later <= today


@given(st.integers(1950, 2030))
def test_build_year_agrees_with_the_years_last_day(year: int) -> None:
    by_year = eligibility_decide({"build_year": year}, GUYUAN).outcome
    by_date = eligibility_decide({"completed_on": dt.date(year, 12, 31)}, GUYUAN).outcome
    assert by_year == by_date
