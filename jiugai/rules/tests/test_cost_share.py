"""Cost sharing (Zhanhe seeds/001: 单户承担、平均分摊、梯次分摊; Jincheng seeds/004: hardship exemption)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiugai.rules.cost_share import ShareUnit, cost_share_decide, cost_shares_cents
from jiugai.rules.decision import RuleInputError
from jiugai.rules.params import ParameterError
from jiugai.rules.policy import Policy

# Guangzhou reference table (REFERENCE.md §2.5): floors 1–2 pay nothing, then 0.7 … 1.3.
GUANGZHOU = {"1": "0", "2": "0", "3": "0.7", "4": "0.8", "5": "0.9", "6": "1.0", "7": "1.1", "8": "1.2", "9": "1.3"}
TIERED = Policy.from_mapping({"funding.floor_coefficients": GUANGZHOU, "funding.hardship_exemption": True})
NO_EXEMPTION = Policy.from_mapping({"funding.floor_coefficients": GUANGZHOU, "funding.hardship_exemption": False})
EMPTY = Policy.from_mapping({})


def units(*spec: tuple[str, str, int] | tuple[str, str, int, bool]) -> list[ShareUnit]:
    return [ShareUnit(s[0], Decimal(s[1]), s[2], bool(s[3]) if len(s) > 3 else False) for s in spec]


def total_of(decision: Any) -> Decimal:
    return sum(decision.figures["shares"].values(), Decimal(0)) + decision.figures["fund"]


# ---------------------------------------------------------------------------------------------
# The integer core


@pytest.mark.parametrize(
    ("total", "weights", "exempt", "expected"),
    [
        (100, [1, 1, 1], None, [34, 33, 33]),  # a cent that would be lost goes to the first tie
        (200, [1, 1, 1], None, [67, 67, 66]),
        (1, [1, 1, 1], None, [1, 0, 0]),
        (0, [1, 2], None, [0, 0]),
        (100, [0, 1, 3], None, [0, 25, 75]),
        (100, [1, 1, 1], [False, True, False], [50, 0, 50]),
        (101, [2, 1], None, [67, 34]),  # 67.33 and 33.67: the leftover cent goes to the larger remainder
    ],
)
def test_core_largest_remainder(total: int, weights: list[int], exempt: list[bool] | None, expected: list[int]) -> None:
    result = cost_shares_cents(total, weights, exempt)
    assert result == expected and sum(result) == total


@pytest.mark.parametrize(
    ("total", "weights", "exempt", "message"),
    [
        (-1, [1], None, "negative"),
        (100, [0, 0], None, "no paying unit"),
        (100, [1, 1], [True, True], "no paying unit"),
        (100, [1, -1, 3], None, "weights cannot be negative"),
        (100, [1, 1], [True], "one flag per weight"),
        (Decimal(1), [1], None, "whole number of cents"),
    ],
)
def test_core_bad_input(total: Any, weights: list[int], exempt: list[bool] | None, message: str) -> None:
    with pytest.raises(RuleInputError, match=message):
        cost_shares_cents(total, weights, exempt)


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=60),
    data=st.data(),
)
def test_core_properties(total: int, weights: list[int], data: st.DataObject) -> None:
    exempt = data.draw(st.lists(st.booleans(), min_size=len(weights), max_size=len(weights)))
    paying = [w for w, e in zip(weights, exempt, strict=True) if not e]
    if sum(paying) == 0:
        with pytest.raises(RuleInputError):
            cost_shares_cents(total, weights, exempt)
        return
    shares = cost_shares_cents(total, weights, exempt)
    assert sum(shares) == total
    assert all(s >= 0 for s in shares)
    paying_weight = sum(paying)
    for w, e, s in zip(weights, exempt, shares, strict=True):
        if e or w == 0:
            assert s == 0
        else:  # within one cent of the exact share, never below its floor
            exact_floor = total * w // paying_weight
            assert exact_floor <= s <= exact_floor + 1
    # a heavier payer never pays less than a lighter one
    pairs = sorted((w, s) for w, e, s in zip(weights, exempt, shares, strict=True) if not e)
    for (w1, s1), (w2, s2) in itertools.pairwise(pairs):
        if w1 < w2:
            assert s1 <= s2


# ---------------------------------------------------------------------------------------------
# The decision: methods


def test_single_payer_pays_everything() -> None:
    decision = cost_share_decide(
        Decimal("888.88"), units(("a", "50", 1), ("b", "60", 2)), method="single", policy=EMPTY, payer="b"
    )
    assert decision.outcome == "shared"
    assert decision.figures["shares"] == {"a": Decimal("0.00"), "b": Decimal("888.88")}
    assert decision.reasons[0].code == "method_single"


def test_equal_split_reconciles_cents_by_key() -> None:
    decision = cost_share_decide(
        Decimal("100.00"), units(("c", "1", 1), ("a", "1", 1), ("b", "1", 1)), method="equal", policy=EMPTY
    )
    # 33.33 each and one cent left: it goes to the first key, "a", whatever the input order
    assert decision.figures["shares"] == {"c": Decimal("33.33"), "a": Decimal("33.34"), "b": Decimal("33.33")}
    assert list(decision.figures["shares"]) == ["c", "a", "b"]
    assert total_of(decision) == Decimal("100.00")


def test_area_split() -> None:
    decision = cost_share_decide(
        Decimal("1000"), units(("a", "60.5", 1), ("b", "39.5", 1)), method="area", policy=EMPTY
    )
    assert decision.figures["shares"] == {"a": Decimal("605.00"), "b": Decimal("395.00")}


def test_floor_tiers_guangzhou() -> None:
    stairwell = units(("1", "80", 1), ("2", "80", 2), ("3", "80", 3), ("6", "80", 6), ("9", "80", 9))
    decision = cost_share_decide(Decimal("3000"), stairwell, method="floor", policy=TIERED)
    shares = decision.figures["shares"]
    assert shares["1"] == shares["2"] == Decimal("0.00")  # floors 1–2 at 0
    # weights 0.7 : 1.0 : 1.3 of 3.0 → 700, 1000, 1300
    assert (shares["3"], shares["6"], shares["9"]) == (Decimal("700.00"), Decimal("1000.00"), Decimal("1300.00"))
    reason = decision.reasons[0]
    assert reason.code == "method_floor" and reason.parameter == "funding.floor_coefficients"
    assert decision.figures["coefficients"] == {
        1: Decimal(0),
        2: Decimal(0),
        3: Decimal("0.7"),
        6: Decimal("1.0"),
        9: Decimal("1.3"),
    }


def test_floor_tiers_weigh_area() -> None:
    decision = cost_share_decide(Decimal("1500"), units(("a", "100", 6), ("b", "50", 6)), method="floor", policy=TIERED)
    assert decision.figures["shares"] == {"a": Decimal("1000.00"), "b": Decimal("500.00")}


# ---------------------------------------------------------------------------------------------
# Exemptions


def test_exempt_carried_by_others() -> None:
    decision = cost_share_decide(
        Decimal("300"), units(("a", "1", 1), ("b", "1", 1, True), ("c", "1", 1)), method="equal", policy=TIERED
    )
    assert decision.figures["shares"] == {"a": Decimal("150.00"), "b": Decimal("0.00"), "c": Decimal("150.00")}
    assert decision.figures["fund"] == Decimal("0.00")
    exempt = next(r for r in decision.reasons if r.code == "exempt_carried_by_others")
    assert exempt.parameter == "funding.hardship_exemption"


def test_exempt_carried_by_fund() -> None:
    decision = cost_share_decide(
        Decimal("100"),
        units(("a", "1", 1), ("b", "1", 1, True), ("c", "1", 1)),
        method="equal",
        policy=TIERED,
        exempt_carried_by="fund",
    )
    assert decision.figures["shares"] == {"a": Decimal("33.34"), "b": Decimal("0.00"), "c": Decimal("33.33")}
    assert decision.figures["fund"] == Decimal("33.33")
    assert total_of(decision) == Decimal("100")


def test_all_exempt_with_a_fund() -> None:
    decision = cost_share_decide(
        Decimal("10"), units(("a", "1", 1, True)), method="equal", policy=TIERED, exempt_carried_by="fund"
    )
    assert decision.figures["fund"] == Decimal("10.00") and decision.figures["shares"] == {"a": Decimal("0.00")}


def test_exemption_ignored_without_the_policy() -> None:
    decision = cost_share_decide(
        Decimal("100"), units(("a", "1", 1), ("b", "1", 1, True)), method="equal", policy=NO_EXEMPTION
    )
    assert decision.figures["shares"] == {"a": Decimal("50.00"), "b": Decimal("50.00")}
    assert any(r.code == "exemption_not_allowed" for r in decision.reasons)


# ---------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("total", "spec", "kwargs", "error", "message"),
    [
        (Decimal("-1"), [("a", "1", 1)], {"method": "equal"}, RuleInputError, "negative"),
        (Decimal("1.005"), [("a", "1", 1)], {"method": "equal"}, RuleInputError, "whole cents"),
        ("100", [("a", "1", 1)], {"method": "equal"}, RuleInputError, "Decimal number"),
        (Decimal("NaN"), [("a", "1", 1)], {"method": "equal"}, RuleInputError, "finite"),
        (Decimal(1), [], {"method": "equal"}, RuleInputError, "no units"),
        (Decimal(1), [("a", "1", 1)], {"method": "lottery"}, RuleInputError, "unknown method"),
        (Decimal(1), [("a", "1", 1)], {"method": "single"}, RuleInputError, "needs a payer"),
        (Decimal(1), [("a", "1", 1)], {"method": "single", "payer": "z"}, RuleInputError, "not among"),
        (Decimal(1), [("a", "1", 1)], {"method": "equal", "payer": "a"}, RuleInputError, "only with the single"),
        (Decimal(1), [("a", "1", 1), ("a", "2", 1)], {"method": "equal"}, RuleInputError, "listed twice"),
        (Decimal(1), [("a", "-1", 1)], {"method": "area"}, RuleInputError, "cannot be negative"),
        (Decimal(1), [("a", "0", 1)], {"method": "area"}, RuleInputError, "no paying unit"),
        (Decimal(1), [("a", "50", 1), ("b", "50", 2)], {"method": "floor"}, RuleInputError, "no paying unit"),
        (Decimal(1), [("a", "50", 10)], {"method": "floor"}, RuleInputError, r"floor\(s\) 10 are missing"),
        (Decimal(1), [("a", "50", 0)], {"method": "floor"}, RuleInputError, r"floor\(s\) 0 are missing"),
        (Decimal(1), [("a", "1", 1, True)], {"method": "equal"}, RuleInputError, "no paying unit"),
        (
            Decimal(1),
            [("a", "1", 1)],
            {"method": "equal", "exempt_carried_by": "state"},
            RuleInputError,
            "exempt_carried_by",
        ),
    ],
)
def test_bad_input(total: Any, spec: list[Any], kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        cost_share_decide(total, units(*spec), policy=TIERED, **kwargs)


def test_floor_method_needs_the_table() -> None:
    with pytest.raises(ParameterError):
        cost_share_decide(Decimal(1), units(("a", "1", 3)), method="floor", policy=EMPTY)


# ---------------------------------------------------------------------------------------------
# Properties

money = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c).scaleb(-2))
area = st.integers(min_value=1, max_value=30000).map(lambda c: Decimal(c).scaleb(-2))
share_units = st.lists(
    st.tuples(area, st.integers(min_value=1, max_value=9), st.booleans()), min_size=1, max_size=40
).map(lambda rows: [ShareUnit(f"h{k:03d}", a, f, e) for k, (a, f, e) in enumerate(rows)])


@settings(max_examples=200)
@given(
    total=money,
    items=share_units,
    method=st.sampled_from(["equal", "area", "floor"]),
    carrier=st.sampled_from(["others", "fund"]),
)
def test_shares_sum_to_total_never_negative_exempt_pay_nothing(
    total: Decimal, items: list[ShareUnit], method: str, carrier: str
) -> None:
    try:
        decision = cost_share_decide(total, items, method=method, policy=TIERED, exempt_carried_by=carrier)
    except RuleInputError as exc:
        assert "no paying unit" in str(exc)
        return
    shares = decision.figures["shares"]
    assert total_of(decision) == total
    assert all(s >= 0 for s in shares.values()) and decision.figures["fund"] >= 0
    assert all(s.as_tuple().exponent == -2 for s in shares.values())
    for unit in items:
        if unit.exempt:
            assert shares[unit.key] == 0
    if carrier == "others":
        assert decision.figures["fund"] == 0


coefficient_steps = st.lists(st.integers(min_value=0, max_value=50), min_size=9, max_size=9)


@settings(max_examples=200)
@given(
    total=money,
    steps=coefficient_steps,
    floors=st.lists(st.integers(min_value=1, max_value=9), min_size=2, max_size=30),
    size=area,
)
def test_tiered_shares_monotone_in_floor(total: Decimal, steps: list[int], floors: list[int], size: Decimal) -> None:
    running, table = 0, {}
    for floor, step in enumerate(steps, start=1):  # non-decreasing coefficients in hundredths
        running += step
        table[str(floor)] = str(Decimal(running).scaleb(-2))
    policy = Policy.from_mapping({"funding.floor_coefficients": table})
    items = [ShareUnit(f"h{k:03d}", size, f) for k, f in enumerate(floors)]
    try:
        decision = cost_share_decide(total, items, method="floor", policy=policy)
    except RuleInputError:
        return  # every household on a zero-coefficient floor
    shares = decision.figures["shares"]
    for a in items:
        for b in items:
            ca, cb = Decimal(table[str(a.floor)]), Decimal(table[str(b.floor)])
            if ca < cb:
                assert shares[a.key] <= shares[b.key]
            elif ca == cb:  # equal weights differ by at most the one reconciling cent
                assert abs(shares[a.key] - shares[b.key]) <= Decimal("0.01")
