"""Tender rules (Jiyuan seeds/000: BoQ tendering, prices posted; NDRC Order 16 thresholds; Bidding Law)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.common import Param
from jiugai.rules.decision import RuleInputError, Source
from jiugai.rules.policy import Policy
from jiugai.rules.tender import (
    CONSTRUCTION_KEY,
    SERVICES_KEY,
    BidEntry,
    VariationChange,
    award_decide,
    bid_check,
    bid_window_decide,
    line_amount,
    same_firm,
    tender_method_decide,
    tender_thresholds,
    variation_check,
)

D = Decimal
JIYUAN = Source(title="济源", reference="seeds/000_f9b901b302fa6203.txt")
CONSTRUCTION = Param(CONSTRUCTION_KEY, D("4000000"), JIYUAN)
SERVICES = Param(SERVICES_KEY, D("1000000"), JIYUAN)


def method(kind: str, amount: str, requested: str = "", reason: str = ""):
    return tender_method_decide(
        kind,
        D(amount),
        construction_threshold=CONSTRUCTION,
        services_threshold=SERVICES,
        requested=requested,
        invited_reason=reason,
    )


@pytest.mark.parametrize(
    ("kind", "amount", "requested", "reason", "outcome", "chosen", "required"),
    [
        # Construction: 400万 "以上" includes the boundary.
        ("construction", "3999999.99", "", "", "allowed", "direct", False),
        ("construction", "4000000", "", "", "allowed", "open", True),
        ("construction", "4000000.01", "", "", "allowed", "open", True),
        ("construction", "4000000", "direct", "", "refused", "", True),
        ("construction", "5000000", "invited", "", "refused", "", True),
        ("construction", "5000000", "invited", "只有两家具备资质", "allowed", "invited", True),
        ("construction", "100000", "open", "", "allowed", "open", False),  # a voluntary tender
        ("construction", "100000", "invited", "", "allowed", "invited", False),
        # Design and supervision: 100万.
        ("design", "999999.99", "", "", "allowed", "direct", False),
        ("design", "1000000", "", "", "allowed", "open", True),
        ("supervision", "1000000", "direct", "", "refused", "", True),
        ("supervision", "0", "", "", "allowed", "direct", False),
    ],
)
def test_method_table(kind, amount, requested, reason, outcome, chosen, required) -> None:
    decision = method(kind, amount, requested, reason)
    assert decision.outcome == outcome
    assert decision.figures["required"] is required
    assert decision.figures["method"] == chosen
    first = decision.reasons[0]
    assert first.parameter == (CONSTRUCTION_KEY if kind == "construction" else SERVICES_KEY)
    assert first.source == JIYUAN and first.value == D(amount)


def test_refusal_reasons() -> None:
    assert method("construction", "4000000", "direct").reasons[-1].code == "direct_refused"
    refused = method("design", "2000000", "invited")
    assert refused.reasons[-1].code == "invited_needs_reason"
    assert "招标投标法实施条例" in refused.reasons[-1].source.title


def test_thresholds_from_profile_or_national_floor() -> None:
    found = tender_thresholds(Policy.from_mapping({CONSTRUCTION_KEY: "2000000"}))
    assert found[CONSTRUCTION_KEY].value == D("2000000") and not found[CONSTRUCTION_KEY].defaulted
    assert found[SERVICES_KEY].value == D("1000000") and found[SERVICES_KEY].defaulted
    assert "第16号" in found[SERVICES_KEY].source.title
    decision = tender_method_decide(
        "construction",
        D("2000000"),
        construction_threshold=found[CONSTRUCTION_KEY],
        services_threshold=found[SERVICES_KEY],
    )
    assert decision.figures["method"] == "open"


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("roads", D("1")), {}),
        (("design", D("-1")), {}),
        (("design", 1.5), {}),
        (("design", D("1")), {"requested": "auction"}),
        (("design", D("1")), {"services_threshold": CONSTRUCTION}),
    ],
)
def test_method_bad_input(args, kwargs) -> None:
    params = {"construction_threshold": CONSTRUCTION, "services_threshold": SERVICES, **kwargs}
    with pytest.raises(RuleInputError):
        tender_method_decide(*args, **params)


@pytest.mark.parametrize(
    ("opened", "closes", "required", "outcome", "code"),
    [
        (dt.date(2022, 1, 1), dt.date(2022, 1, 21), True, "allowed", "window_ok"),
        (dt.date(2022, 1, 1), dt.date(2022, 1, 20), True, "refused", "window_too_short"),
        (dt.date(2022, 1, 1), dt.date(2022, 1, 5), False, "allowed", "window_ok"),
        (dt.date(2022, 1, 5), dt.date(2022, 1, 1), False, "refused", "closes_before_opening"),
        (dt.date(2022, 1, 1), None, True, "refused", "deadline_missing"),
        (dt.date(2022, 1, 1), None, False, "allowed", "no_deadline"),
    ],
)
def test_bid_window(opened, closes, required, outcome, code) -> None:
    decision = bid_window_decide(opened_on=opened, closes_on=closes, required=required)
    assert decision.outcome == outcome and decision.reasons[0].code == code


BILL = {"B01": D("120"), "B02": D("3.5"), "B03": D("0.33")}
PRICES = {"B01": D("2500"), "B02": D("99.99"), "B03": D("10.01")}
# 300000.00 + 349.965 → 349.97 + 3.3033 → 3.30 (each line half-up to the cent)
TOTAL = D("300353.27")


@pytest.mark.parametrize(
    ("price", "prices", "required", "outcome", "codes"),
    [
        (TOTAL, PRICES, True, "passed", {"within_control_price", "total_matches"}),
        (TOTAL + D("0.01"), PRICES, True, "failed", {"total_mismatch"}),
        (D("400000"), {}, True, "failed", {"lines_missing", "above_control_price"}),
        (D("300000"), {"B01": D("2500")}, True, "failed", {"lines_missing"}),
        (TOTAL, {**PRICES, "X9": D("1")}, True, "failed", {"unknown_lines"}),
        (TOTAL, {**PRICES, "B02": D("-1")}, True, "failed", {"line_price_invalid"}),
        (D("90000"), {}, False, "passed", {"within_control_price"}),  # design: a price only
        (D("350000"), {}, False, "failed", {"above_control_price"}),
    ],
)
def test_bid_table(price, prices, required, outcome, codes) -> None:
    decision = bid_check(
        price=price, control_price=D("310000"), quantities=BILL, line_prices=prices, lines_required=required
    )
    assert decision.outcome == outcome
    found = {r.code for r in decision.reasons}
    assert codes <= found
    if outcome == "passed" and prices:
        assert decision.figures["computed_total"] == TOTAL


def test_bid_at_control_price_is_valid() -> None:
    decision = bid_check(
        price=D("310000"), control_price=D("310000"), quantities={}, line_prices={}, lines_required=False
    )
    assert decision.passed


def test_line_amount_rounds_half_up() -> None:
    assert line_amount(D("3.5"), D("99.99")) == D("349.97")
    assert line_amount(D("0.5"), D("0.01")) == D("0.01")
    assert line_amount(D("-0.5"), D("0.01")) == D("-0.01")


def entry(key: str, bidder: str, price: str, day: int = 1, valid: bool = True) -> BidEntry:
    check = bid_check(
        price=D(price),
        control_price=D("1000") if valid else D("1"),
        quantities={},
        line_prices={},
        lines_required=False,
    )
    return BidEntry(key=key, bidder=bidder, price=D(price), submitted_on=dt.date(2022, 2, day), check=check)


def test_award_lowest_valid() -> None:
    decision = award_decide([entry("1", "甲", "900"), entry("2", "乙", "800"), entry("3", "丙", "850")])
    assert decision.outcome == "awarded" and decision.figures["winner"] == "2"
    assert decision.figures["ranking"] == ["2", "3", "1"]
    assert decision.reasons[0].code == "lowest_valid_bid" and decision.reasons[0].threshold == D("850")


def test_award_skips_invalid_and_breaks_ties_by_date() -> None:
    bids = [entry("1", "甲", "700", valid=False), entry("2", "乙", "800", day=5), entry("3", "丙", "800", day=3)]
    decision = award_decide(bids)
    assert decision.figures["winner"] == "3"
    codes = [r.code for r in decision.reasons]
    assert "tie_broken" in codes and "bid_rejected" in codes
    assert decision.figures["rejected"] == ["1"]


def test_award_too_few_or_no_valid() -> None:
    assert award_decide([entry("1", "甲", "900"), entry("2", "乙", "800")]).outcome == "too_few_bids"
    none_valid = award_decide([entry(str(i), f"X{i}", "5", valid=False) for i in range(3)])
    assert none_valid.outcome == "no_valid_bid"
    assert award_decide([entry("1", "甲", "900")], min_bids=1).outcome == "awarded"
    with pytest.raises(RuleInputError):
        award_decide([entry("1", "甲", "900"), entry("1", "乙", "800")])
    with pytest.raises(RuleInputError):
        award_decide([], min_bids=0)


def test_variation_table() -> None:
    ok = variation_check(
        [
            VariationChange("B01", D("120"), D("-20"), D("2500")),
            VariationChange("N01", D("0"), D("3"), D("100.005")),
        ]
    )
    assert ok.passed and ok.figures["cost_delta"] == D("-50000") + line_amount(D("3"), D("100.005"))
    assert ok.figures["new_quantities"] == {"B01": D("100"), "N01": D("3")}
    to_zero = variation_check([VariationChange("B01", D("120"), D("-120"), D("2500"))])
    assert to_zero.passed
    negative = variation_check([VariationChange("B01", D("120"), D("-120.01"), D("2500"))])
    assert negative.outcome == "failed" and negative.reasons[0].code == "negative_quantity"
    assert variation_check([VariationChange("B01", D("1"), D("0"), D("1"))]).reasons[0].code == "zero_change"
    twice = variation_check(
        [VariationChange("B01", D("9"), D("1"), D("1")), VariationChange("B01", D("9"), D("1"), D("1"))]
    )
    assert twice.reasons[0].code == "line_twice"
    assert variation_check([]).reasons[0].code == "no_lines"


def test_same_firm() -> None:
    assert same_firm(" 固原建工 集团", "固原建工集团")
    assert not same_firm("", "")
    assert not same_firm("甲公司", "乙公司")


cents = st.decimals(min_value=D("0"), max_value=D("99999"), places=2)


@given(st.dictionaries(st.sampled_from([f"L{i}" for i in range(12)]), st.tuples(cents, cents), min_size=1))
def test_bid_total_is_sum_of_lines(lines: dict[str, tuple[Decimal, Decimal]]) -> None:
    """Any priced bill whose price is Σ qty × unit price (per line, to the cent) passes the total check, and a
    price one cent off fails it."""
    quantities = {code: q for code, (q, _p) in lines.items()}
    prices = {code: p for code, (_q, p) in lines.items()}
    total = sum((line_amount(q, p) for q, p in lines.values()), D("0"))
    control = total + D("1")
    good = bid_check(price=total, control_price=control, quantities=quantities, line_prices=prices, lines_required=True)
    assert good.passed
    off = bid_check(
        price=total + D("0.01"), control_price=control, quantities=quantities, line_prices=prices, lines_required=True
    )
    assert not off.passed and "total_mismatch" in {r.code for r in off.reasons}


@given(st.lists(st.tuples(cents, st.booleans()), min_size=3, max_size=8))
def test_award_winner_is_the_lowest_valid(bids: list[tuple[Decimal, bool]]) -> None:
    entries = [entry(str(i), f"F{i}", str(price), valid=valid) for i, (price, valid) in enumerate(bids)]
    decision = award_decide(entries)
    valid = [e for e in entries if e.check.passed]
    if not valid:
        assert decision.outcome == "no_valid_bid"
        return
    assert decision.outcome == "awarded"
    winner = next(e for e in entries if e.key == decision.figures["winner"])
    assert winner.check.passed and all(winner.price <= e.price for e in valid)


@given(st.lists(st.tuples(cents, st.decimals(min_value=D("-500"), max_value=D("500"), places=2), cents), max_size=6))
def test_variation_never_leaves_a_negative_quantity(rows: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    changes = [VariationChange(f"L{i}", q, d, p) for i, (q, d, p) in enumerate(rows)]
    decision = variation_check(changes)
    if decision.passed:
        assert all(q >= 0 for q in decision.figures["new_quantities"].values())
        assert decision.figures["cost_delta"] == sum((line_amount(d, p) for _q, d, p in rows), D("0"))
    else:
        assert any(q + d < 0 or d == 0 for q, d, _p in rows) or not rows
