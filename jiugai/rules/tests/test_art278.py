"""Civil Code Art. 278 tallies: quorum, special and ordinary approval, counting rules."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.art278 import SPECIAL_MATTERS, Matter, art278_decide, art278_tally
from jiugai.rules.decision import Decision, Reason, RuleInputError
from jiugai.rules.policy import Policy

STATUTE = Policy.from_mapping(
    {
        "art278.participation_area": "2/3",
        "art278.participation_owners": "2/3",
        "art278.special_approval": "3/4",
        "art278.ordinary_approval": "1/2",
    }
)
EMPTY = Policy.from_mapping({})
A = Decimal(100)


def units(*votes: str | None, area: Decimal = A) -> list[tuple[str, Decimal, str | None, bool]]:
    """One unit per vote, each with its own owner and the same area."""
    return [(f"o{i}", area, vote, False) for i, vote in enumerate(votes)]


def reason(decision: Decision, code: str) -> Reason:
    return next(r for r in decision.reasons if r.code.startswith(code))


@pytest.mark.parametrize(
    ("matter", "votes", "outcome"),
    [
        # special matters: at least 3/4 of participating area and owners
        (Matter.RAISE_FUND, ["yes"] * 3 + ["no"], "passed"),  # exactly 3/4
        (Matter.REBUILD, ["yes"] * 3 + ["no"], "passed"),
        (Matter.ELEVATOR, ["yes"] * 3 + ["no"], "passed"),
        (Matter.CHANGE_USE, ["yes"] * 5 + ["no"] * 2, "rejected"),  # 5/7 < 3/4
        (Matter.CHANGE_USE, ["yes"] * 2 + ["no"], "rejected"),  # 2/3 < 3/4
        (Matter.REBUILD, ["yes"] * 3 + ["abstain"], "passed"),  # abstaining takes part and does not approve
        (Matter.REBUILD, ["yes"] * 2 + ["abstain"] * 2, "rejected"),
        # ordinary matters: strictly more than 1/2
        (Matter.USE_FUND, ["yes"] * 2 + ["no"] * 2, "rejected"),  # exactly 1/2 fails
        (Matter.USE_FUND, ["yes"] * 3 + ["no"] * 2, "passed"),  # 1/2 + ε passes
        (Matter.HIRE_PROPERTY_COMPANY, ["yes"] * 2 + ["no"], "passed"),
        (Matter.RULES, ["yes"] + ["abstain"], "rejected"),
        (Matter.ELECT_COMMITTEE, ["yes"] * 51 + ["no"] * 49, "passed"),
        (Matter.OTHER, ["yes"] * 50 + ["no"] * 50, "rejected"),
        # quorum: at least 2/3 of area and owners take part
        (Matter.USE_FUND, ["yes", "yes", None], "passed"),  # exactly 2/3 take part
        (Matter.USE_FUND, ["yes", "yes", None, None], "no_quorum"),  # 1/2 take part
        (Matter.REBUILD, ["yes"] * 6 + [None] * 4, "no_quorum"),  # 3/5 < 2/3
        (Matter.REBUILD, [None] * 3, "no_quorum"),
    ],
)
def test_table(matter: Matter, votes: list[str | None], outcome: str) -> None:
    assert art278_decide(matter, units(*votes), STATUTE).outcome == outcome


def test_statutory_defaults_apply_when_not_configured() -> None:
    decision = art278_decide("rebuild", units("yes", "yes", "yes", "no"), EMPTY)
    assert decision.outcome == "passed"
    approval = reason(decision, "approval_area")
    assert approval.parameter == "art278.special_approval"
    assert approval.threshold == Fraction(3, 4)
    assert approval.source is not None and approval.source.title == "Civil Code Art. 278"
    assert "statutory" in approval.message


def test_policy_thresholds_override_statute() -> None:
    stricter = Policy.from_mapping({"art278.special_approval": "4/5"})
    assert art278_decide("rebuild", units("yes", "yes", "yes", "no"), stricter).outcome == "rejected"


def test_area_and_heads_must_both_pass() -> None:
    # 3 small owners approve, 1 big owner objects: 3/4 of heads but only 30/130 of area.
    owners = [*units("yes", "yes", "yes", area=Decimal(10)), ("big", Decimal(100), "no", False)]
    decision = art278_decide("rebuild", owners, STATUTE)
    assert decision.outcome == "rejected"
    assert reason(decision, "approval_owners").code == "approval_owners"
    assert reason(decision, "approval_area").code == "approval_area_not_met"


def test_quorum_by_area_alone_fails() -> None:
    # 3 of 4 owners take part, but the absent owner holds most of the area.
    owners = [*units("yes", "yes", "yes", area=Decimal(10)), ("big", Decimal(100), None, False)]
    assert art278_decide("use_fund", owners, STATUTE).outcome == "no_quorum"


def test_multi_unit_owner_counts_once() -> None:
    owners = [
        ("wang", Decimal("90.5"), "yes", False),
        ("wang", Decimal("60.25"), "yes", False),
        ("li", Decimal(80), "no", False),
    ]
    tally = art278_tally(owners)
    assert tally.units == 3
    assert tally.total_heads == 2
    assert tally.yes_heads == 1
    assert tally.yes_area == Decimal("150.75")
    assert tally.total_area == Decimal("230.75")
    decision = art278_decide("use_fund", owners, STATUTE)
    # 1 of 2 heads is exactly 1/2: not a majority even though the area is.
    assert decision.outcome == "rejected"
    headcount = reason(decision, "headcount")
    assert (headcount.numerator, headcount.denominator) == (2, 3)


def test_developer_held_units_count_as_one() -> None:
    owners = [
        ("dev-a", Decimal(80), "no", True),
        ("dev-b", Decimal(80), "no", True),
        ("dev-c", Decimal(80), "no", True),
        ("x", Decimal(80), "yes", False),
        ("y", Decimal(80), "yes", False),
    ]
    tally = art278_tally(owners)
    assert tally.total_heads == 3
    assert tally.participating_heads == 3
    assert tally.yes_heads == 2
    decision = art278_decide("use_fund", owners, STATUTE)
    # heads 2/3 > 1/2 but area 160/400 < 1/2
    assert decision.outcome == "rejected"


def test_owner_with_conflicting_votes_is_refused() -> None:
    with pytest.raises(RuleInputError, match="one owner casts one vote"):
        art278_tally([("wang", A, "yes", False), ("wang", A, "no", False)])


@pytest.mark.parametrize(
    ("owners", "message"),
    [
        ([], "no units"),
        ([("a", Decimal(0), "yes", False)], "more than zero"),
        ([("a", A, "maybe", False)], "vote must be"),
        ([("", A, "yes", False)], "owner_key"),
        ([("a", 1.5, "yes", False)], "Decimal"),
        ([("a", A)], "give"),
    ],
)
def test_bad_units(owners: list[tuple], message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        art278_decide("use_fund", owners, STATUTE)


def test_unknown_matter() -> None:
    with pytest.raises(RuleInputError, match="matter must be one of"):
        art278_decide("demolish_everything", units("yes"), STATUTE)


def test_special_matters_are_items_6_to_8() -> None:
    assert {m.value for m in SPECIAL_MATTERS} == {"raise_fund", "rebuild", "change_use", "elevator"}


def test_non_voters_flag_is_reported_not_applied() -> None:
    policy = Policy.from_mapping({"art278.non_voters_follow_majority": True})
    decision = art278_decide("use_fund", units("yes", "yes", "no"), policy)
    assert any(r.code == "non_voters_not_counted" for r in decision.reasons)


# --- properties --------------------------------------------------------------------------------

vote = st.sampled_from(["yes", "no", "abstain", None])
unit = st.tuples(
    st.sampled_from([f"o{i}" for i in range(8)]),
    st.decimals(min_value=Decimal("1"), max_value=Decimal("500"), places=2),
    vote,
    st.booleans(),
)


def consistent(raw: list[tuple[str, Decimal, str | None, bool]]) -> list[tuple[str, Decimal, str | None, bool]]:
    """Give every owner (and the developer) a single vote, as the counting rule requires."""
    first: dict[str, str | None] = {}
    out = []
    for owner, area, v, developer in raw:
        head = "developer" if developer else owner
        first.setdefault(head, v)
        out.append((owner, area, first[head], developer))
    return out


@given(st.lists(unit, min_size=1, max_size=30))
def test_headcount_never_exceeds_units(raw: list[tuple[str, Decimal, str | None, bool]]) -> None:
    tally = art278_tally(consistent(raw))
    assert 1 <= tally.total_heads <= tally.units
    assert tally.yes_heads <= tally.participating_heads <= tally.total_heads
    assert tally.yes_area <= tally.participating_area <= tally.total_area


@given(st.lists(unit, min_size=1, max_size=30), st.sampled_from(list(Matter)), st.decimals(1, 500, places=2))
def test_adding_a_yes_never_turns_passed_into_rejected(
    raw: list[tuple[str, Decimal, str | None, bool]], matter: Matter, area: Decimal
) -> None:
    owners = consistent(raw)
    before = art278_decide(matter, owners, STATUTE)
    after = art278_decide(matter, [*owners, ("new-owner", area, "yes", False)], STATUTE)
    if before.outcome == "passed":
        assert after.outcome == "passed"


@given(st.lists(unit, min_size=1, max_size=30), st.sampled_from(list(Matter)))
def test_outcome_matches_the_reference_arithmetic(
    raw: list[tuple[str, Decimal, str | None, bool]], matter: Matter
) -> None:
    owners = consistent(raw)
    t = art278_tally(owners)
    quorum = t.participating_area * 3 >= t.total_area * 2 and t.participating_heads * 3 >= t.total_heads * 2
    if not quorum or t.participating_heads == 0:
        expected = "no_quorum"
    elif matter in SPECIAL_MATTERS:
        ok = t.yes_area * 4 >= t.participating_area * 3 and t.yes_heads * 4 >= t.participating_heads * 3
        expected = "passed" if ok else "rejected"
    else:
        ok = t.yes_area * 2 > t.participating_area and t.yes_heads * 2 > t.participating_heads
        expected = "passed" if ok else "rejected"
    assert art278_decide(matter, owners, STATUTE).outcome == expected
