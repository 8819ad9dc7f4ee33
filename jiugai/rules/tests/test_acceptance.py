"""Joint acceptance (Zhanhe seeds/001: six parties, problems rectified; Guyuan seeds/003: pass rate 100 %)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.acceptance import (
    ANSWERS,
    PARTIES,
    PASS_RATE_KEY,
    RoundOutcome,
    acceptance_decide,
    parties_for_role,
    party_roles,
    pass_rate,
    satisfaction_summary,
    signer_may_sign,
)
from jiugai.rules.decision import RuleInputError
from jiugai.rules.policy import Policy

FIRMS = {"contractor": "固原建工集团", "designer": "固原设计院", "supervisor": "宁夏监理公司"}
GUYUAN = Policy.from_mapping({PASS_RATE_KEY: "1"})


@pytest.mark.parametrize(
    ("party", "role", "organisation", "outcome", "code"),
    [
        ("owner_unit", "leading_group_office", "", "allowed", "own_party"),
        ("owner_unit", "department", "住建局", "allowed", "own_party"),
        ("street_office", "street_office", "", "allowed", "own_party"),
        ("owners", "owners_committee", "", "allowed", "own_party"),
        ("contractor", "construction_firm", "固原建工集团", "allowed", "own_party"),
        ("contractor", "construction_firm", " 固原建工 集团 ", "allowed", "own_party"),  # blanks do not matter
        ("designer", "design_firm", "固原设计院", "allowed", "own_party"),
        ("supervisor", "supervision_firm", "宁夏监理公司", "allowed", "own_party"),
        # Signing for another party
        ("supervisor", "construction_firm", "固原建工集团", "refused", "other_party"),
        ("owners", "street_office", "", "refused", "other_party"),
        ("street_office", "leading_group_office", "", "refused", "other_party"),
        ("owner_unit", "street_office", "", "refused", "other_party"),
        ("contractor", "platform_admin", "", "refused", "other_party"),
        ("owners", "community_committee", "", "refused", "other_party"),
        # A firm that is not the project's contracted firm
        ("contractor", "construction_firm", "别的建筑公司", "refused", "not_contracted_firm"),
        ("designer", "design_firm", "", "refused", "not_contracted_firm"),
    ],
)
def test_signer_table(party: str, role: str, organisation: str, outcome: str, code: str) -> None:
    decision = signer_may_sign(party, role, organisation, FIRMS)
    assert decision.outcome == outcome
    assert decision.reasons[0].code == code
    assert decision.reasons[0].source is not None and decision.reasons[0].source.reference.startswith("seeds/001")


def test_firm_without_contracted_firm_is_refused() -> None:
    decision = signer_may_sign("supervisor", "supervision_firm", "宁夏监理公司", {"contractor": "固原建工集团"})
    assert decision.outcome == "refused" and decision.reasons[0].code == "no_contracted_firm"


def test_party_role_map() -> None:
    assert party_roles("owner_unit") == {"leading_group_office", "department"}
    assert parties_for_role("construction_firm") == ("contractor",)
    assert parties_for_role("platform_admin") == ()
    assert len(PARTIES) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("builder", "construction_firm", "", {}), "party"),
        (("contractor", None, "", {}), "text"),
        (("contractor", "construction_firm", "x", {"nobody": "x"}), "project_firms"),
    ],
)
def test_signer_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        signer_may_sign(*args)


ALL = list(PARTIES)


@pytest.mark.parametrize(
    ("required", "signatures", "outcome", "missing"),
    [
        (ALL, {}, "open", ALL),
        (ALL, dict.fromkeys(ALL, "pass"), "passed", []),
        (ALL, {**dict.fromkeys(ALL[:5], "pass")}, "open", ALL[5:]),
        (ALL, {"contractor": "fail"}, "failed", [p for p in ALL if p != "contractor"]),
        (ALL, {**dict.fromkeys(ALL[:5], "pass"), ALL[5]: "fail"}, "failed", []),
        (
            ["owner_unit", "contractor", "supervisor"],
            dict.fromkeys(["owner_unit", "contractor", "supervisor"], "pass"),
            "passed",
            [],
        ),
    ],
)
def test_acceptance_table(required: list[str], signatures: dict[str, str], outcome: str, missing: list[str]) -> None:
    decision = acceptance_decide(required, signatures)
    assert decision.outcome == outcome
    assert decision.figures["missing"] == missing
    assert decision.passed is (outcome == "passed")


@pytest.mark.parametrize(
    ("required", "signatures", "message"),
    [
        ([], {}, "at least one"),
        (["owners", "owners"], {}, "twice"),
        (["nobody"], {}, "required party"),
        (["owners"], {"contractor": "pass"}, "not a required party"),
        (["owners"], {"owners": "maybe"}, "verdict"),
    ],
)
def test_acceptance_bad_input(required: list[str], signatures: dict[str, str], message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        acceptance_decide(required, signatures)


@given(
    required=st.sets(st.sampled_from(PARTIES), min_size=1),
    data=st.data(),
)
def test_acceptance_properties(required: set[str], data: st.DataObject) -> None:
    signed = data.draw(st.sets(st.sampled_from(sorted(required))))
    signatures = {p: data.draw(st.sampled_from(["pass", "fail"])) for p in signed}
    decision = acceptance_decide(required, signatures)
    if "fail" in signatures.values():
        assert decision.outcome == "failed"  # any 'fail' fails the round
    elif signed == required:
        assert decision.outcome == "passed"  # all required 'pass' passes
    else:
        assert decision.outcome == "open"
    # Order of the required parties does not matter.
    assert acceptance_decide(sorted(required, reverse=True), signatures).outcome == decision.outcome


def _rounds(*rows: tuple[str, int, str]) -> list[RoundOutcome]:
    return [RoundOutcome(p, n, s) for p, n, s in rows]


def test_pass_rate_first_time() -> None:
    rounds = _rounds(("A", 1, "passed"), ("B", 1, "failed"), ("B", 2, "passed"), ("C", 1, "open"), ("D", 1, "passed"))
    decision = pass_rate(rounds, GUYUAN)
    assert decision.outcome == "failed"
    assert decision.figures["rate"] == Fraction(2, 3)
    assert decision.figures["eventual_share"] == Fraction(1)
    assert decision.figures["undecided"] == 1 and decision.figures["target"] == Fraction(1)
    reason = decision.reasons[0]
    assert reason.code == "pass_rate_not_met" and reason.parameter == PASS_RATE_KEY
    assert (reason.numerator, reason.denominator) == (2, 3)


def test_pass_rate_met_at_the_boundary_and_order_free() -> None:
    rounds = _rounds(("A", 2, "failed"), ("A", 1, "passed"), ("B", 1, "passed"))
    assert pass_rate(rounds, GUYUAN).outcome == "passed"
    ninety = Policy.from_mapping({PASS_RATE_KEY: "9/10"})
    nine_of_ten = _rounds(*[(str(i), 1, "passed") for i in range(9)], ("X", 1, "failed"))
    assert pass_rate(nine_of_ten, ninety).outcome == "passed"  # 9/10 达到 9/10


def test_pass_rate_no_data_and_no_target() -> None:
    assert pass_rate([], GUYUAN).outcome == "no_data"
    assert pass_rate(_rounds(("A", 1, "open")), GUYUAN).outcome == "no_data"
    decision = pass_rate(_rounds(("A", 1, "passed")), Policy.from_mapping({}))
    assert decision.outcome == "no_target" and decision.figures["rate"] == Fraction(1)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("A", 0, "passed")], "positive"),
        ([("A", 1, "maybe")], "status"),
        ([("A", 1, "passed"), ("A", 1, "failed")], "two rounds"),
    ],
)
def test_pass_rate_bad_input(rows: list[tuple[str, int, str]], message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        pass_rate(_rounds(*rows), GUYUAN)


@given(st.lists(st.tuples(st.sampled_from("ABCDEFGH"), st.sampled_from(["passed", "failed", "open"])), max_size=30))
def test_pass_rate_properties(rows: list[tuple[str, str]]) -> None:
    numbered: dict[str, int] = {}
    rounds = []
    for project, status in rows:
        numbered[project] = numbered.get(project, 0) + 1
        rounds.append(RoundOutcome(project, numbered[project], status))
    decision = pass_rate(rounds, GUYUAN)
    figures = decision.figures
    assert 0 <= figures["passed_first_time"] <= figures["passed_eventually"] <= figures["decided"]
    if figures["decided"]:
        assert 0 <= figures["rate"] <= 1
        assert decision.outcome == ("passed" if figures["rate"] == 1 else "failed")
    else:
        assert decision.outcome == "no_data"


def test_satisfaction_summary_exact() -> None:
    decision = satisfaction_summary({"satisfied": 2, "basically": 1, "dissatisfied": 0})
    assert decision.outcome == "summarised"
    assert decision.figures["satisfied_share"] == Fraction(1)
    decision = satisfaction_summary({"satisfied": 1, "basically": 1, "dissatisfied": 1})
    assert decision.figures["satisfied_share"] == Fraction(2, 3)  # exactly 2/3, not 0.6667
    assert decision.as_dict()["figures"]["satisfied_share"] == "2/3"
    assert satisfaction_summary({}).outcome == "no_answers"


@pytest.mark.parametrize(
    ("counts", "message"), [({"happy": 1}, "answer"), ({"satisfied": -1}, "at least 0"), ({"satisfied": True}, "whole")]
)
def test_satisfaction_bad_input(counts: dict, message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        satisfaction_summary(counts)


@given(st.fixed_dictionaries({a: st.integers(min_value=0, max_value=10_000) for a in ANSWERS}))
def test_satisfaction_properties(counts: dict[str, int]) -> None:
    figures = satisfaction_summary(counts).figures
    total = sum(counts.values())
    assert figures["total"] == total
    if total:
        assert sum(figures["shares"].values()) == 1
        assert figures["satisfied_share"] == Fraction(counts["satisfied"] + counts["basically"], total)
