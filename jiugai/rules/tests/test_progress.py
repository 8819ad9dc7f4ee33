"""Weekly progress (Jiyuan seeds/000: reports every Friday, bill-of-quantities tendering; Zhanhe seeds/001)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.decision import RuleInputError, Source
from jiugai.rules.progress import (
    PERCENT_BUCKETS,
    WEEKDAY_KEY,
    LineQuantity,
    is_report_day,
    percent_bucket,
    percent_complete,
    progress_check,
    report_date_decide,
    reporter_decide,
    week_ending_for,
    week_ending_on_or_before,
    week_span,
)

FRIDAY = 5
D = Decimal


def line(key: int, quantity: str, price: str, done: str = "0", code: str = "") -> LineQuantity:
    return LineQuantity(key=key, code=code or f"L{key}", quantity=D(quantity), unit_price=D(price), done=D(done))


# --- the report day ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "weekday", "expected"),
    [
        (dt.date(2022, 3, 18), FRIDAY, dt.date(2022, 3, 18)),  # a Friday closes its own week
        (dt.date(2022, 3, 14), FRIDAY, dt.date(2022, 3, 18)),  # Monday → that Friday
        (dt.date(2022, 3, 19), FRIDAY, dt.date(2022, 3, 25)),  # Saturday → next Friday
        (dt.date(2022, 3, 20), 7, dt.date(2022, 3, 20)),  # Sunday reporters
        (dt.date(2022, 3, 21), 1, dt.date(2022, 3, 21)),
        (dt.date(2022, 3, 22), 1, dt.date(2022, 3, 28)),
        (dt.date(2022, 3, 22), None, dt.date(2022, 3, 22)),  # no report day: any day
        (dt.date(2021, 12, 30), FRIDAY, dt.date(2021, 12, 31)),  # across a year end
    ],
)
def test_week_ending_for(day: dt.date, weekday: int | None, expected: dt.date) -> None:
    assert week_ending_for(day, weekday) == expected
    assert is_report_day(expected, weekday)


def test_week_ending_on_or_before_and_span() -> None:
    assert week_ending_on_or_before(dt.date(2022, 3, 18), FRIDAY) == dt.date(2022, 3, 18)
    assert week_ending_on_or_before(dt.date(2022, 3, 17), FRIDAY) == dt.date(2022, 3, 11)
    assert week_ending_on_or_before(dt.date(2022, 3, 17), None) == dt.date(2022, 3, 17)
    assert week_span(dt.date(2022, 3, 18)) == (dt.date(2022, 3, 12), dt.date(2022, 3, 18))
    assert not is_report_day(dt.date(2022, 3, 17), FRIDAY)
    assert is_report_day(dt.date(2022, 3, 17), None)


@pytest.mark.parametrize("bad", [0, 8, -1, True, "5", 5.0])
def test_bad_weekday_is_an_input_error(bad: object) -> None:
    with pytest.raises(RuleInputError):
        week_ending_for(dt.date(2022, 3, 18), bad)  # type: ignore[arg-type]


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)), st.integers(1, 7))
def test_week_ending_properties(day: dt.date, weekday: int) -> None:
    end = week_ending_for(day, weekday)
    assert end.isoweekday() == weekday and 0 <= (end - day).days <= 6
    first, last = week_span(end)
    assert first <= day <= last
    before = week_ending_on_or_before(day, weekday)
    assert before.isoweekday() == weekday and 0 <= (day - before).days <= 6
    assert before == end or end - before == dt.timedelta(days=7)


# --- the report date -----------------------------------------------------------------------------------------

TODAY = dt.date(2022, 4, 1)


@pytest.mark.parametrize(
    ("week_ending", "weekday", "others", "started_on", "outcome", "codes"),
    [
        (dt.date(2022, 3, 25), FRIDAY, [], dt.date(2022, 3, 20), "allowed", ["report_day"]),
        (dt.date(2022, 3, 24), None, [], None, "allowed", ["any_day"]),
        (dt.date(2022, 4, 8), FRIDAY, [], None, "refused", ["future"]),
        (dt.date(2022, 3, 24), FRIDAY, [], None, "refused", ["not_report_day"]),
        (dt.date(2022, 3, 25), FRIDAY, [dt.date(2022, 3, 25)], None, "refused", ["duplicate"]),
        (dt.date(2022, 3, 25), FRIDAY, [dt.date(2022, 3, 18), dt.date(2022, 4, 1)], None, "allowed", ["report_day"]),
        (dt.date(2022, 3, 24), None, [dt.date(2022, 3, 21)], None, "refused", ["overlap"]),
        (dt.date(2022, 3, 24), None, [dt.date(2022, 3, 17)], None, "allowed", ["any_day"]),  # 7 days apart
        (dt.date(2022, 3, 18), FRIDAY, [], dt.date(2022, 3, 20), "refused", ["before_start"]),
        # Every reason at once: a Thursday in the future, before the start, overlapping a report.
        (
            dt.date(2022, 4, 7),
            FRIDAY,
            [dt.date(2022, 4, 8)],
            dt.date(2022, 4, 10),
            "refused",
            ["future", "not_report_day", "before_start", "overlap"],
        ),
    ],
)
def test_report_date_table(
    week_ending: dt.date,
    weekday: int | None,
    others: list[dt.date],
    started_on: dt.date | None,
    outcome: str,
    codes: list[str],
) -> None:
    decision = report_date_decide(week_ending, today=TODAY, weekday=weekday, other_weeks=others, started_on=started_on)
    assert decision.outcome == outcome
    assert [r.code for r in decision.reasons] == codes


def test_not_report_day_names_the_parameter_and_source() -> None:
    source = Source(title="济源", reference="seeds/000_f9b901b302fa6203.txt")
    decision = report_date_decide(dt.date(2022, 3, 24), today=TODAY, weekday=FRIDAY, weekday_source=source)
    reason = decision.reasons[0]
    assert reason.parameter == WEEKDAY_KEY and reason.threshold == FRIDAY and reason.value == 4
    assert reason.source == source
    assert "Thursday" in reason.message and "Friday" in reason.message and "2022-03-25" in reason.message


# --- percent complete ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([], "0"),
        ([line(1, "100", "10")], "0.00"),
        ([line(1, "100", "10", "50")], "50.00"),
        ([line(1, "100", "10", "100")], "100.00"),
        # Weighted by amount: 1,000 yuan of 11,000 done.
        ([line(1, "100", "10", "100"), line(2, "10", "1000")], "9.09"),
        ([line(1, "100", "10"), line(2, "10", "1000", "10")], "90.90"),  # 10000/11000 = 90.909… → cut to 90.90
        # 2/3 done is 66.66, never rounded up to 66.67.
        ([line(1, "3", "1", "2")], "66.66"),
        # A line a variation removed (quantity 0) weighs nothing.
        ([line(1, "0", "100"), line(2, "4", "5", "1")], "25.00"),
        # Done beyond the quantity (a later variation cut the line) counts as the quantity.
        ([line(1, "10", "2", "12"), line(2, "10", "2")], "50.00"),
        # No prices yet: each line counts equally by its own share.
        ([line(1, "10", "0", "10"), line(2, "4", "0", "1")], "62.50"),
        # A zero-priced line left undone keeps the project below 100.
        ([line(1, "10", "5", "10"), line(2, "1", "0")], "99.99"),
    ],
)
def test_percent_complete_table(lines: list[LineQuantity], expected: str) -> None:
    assert percent_complete(lines) == D(expected)


def test_percent_rejects_bad_lines() -> None:
    with pytest.raises(RuleInputError):
        percent_complete([line(1, "10", "-1")])
    with pytest.raises(RuleInputError):
        percent_complete([line(1, "10", "1"), line(1, "5", "1")])
    with pytest.raises(RuleInputError):
        percent_complete([LineQuantity(key=1, code="x", quantity=10.0, unit_price=D(1))])  # type: ignore[arg-type]


quantities = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)
prices = st.decimals(min_value=D("0"), max_value=D("50000"), places=2)


@st.composite
def bills(draw: st.DrawFn) -> list[LineQuantity]:
    n = draw(st.integers(1, 8))
    out = []
    for i in range(n):
        quantity = draw(quantities)
        done = draw(st.decimals(min_value=D("0"), max_value=quantity, places=2))
        out.append(LineQuantity(key=i, code=f"L{i}", quantity=quantity, unit_price=draw(prices), done=done))
    return out


@given(bills())
def test_percent_properties(lines: list[LineQuantity]) -> None:
    percent = percent_complete(lines)
    assert D(0) <= percent <= D(100)
    assert percent == percent.quantize(D("0.01"))
    finished = all(x.done >= x.quantity for x in lines)
    assert (percent == D(100)) == finished
    # Doing more of any line never lowers the percentage.
    more = [
        LineQuantity(key=x.key, code=x.code, quantity=x.quantity, unit_price=x.unit_price, done=x.quantity)
        if i == 0
        else x
        for i, x in enumerate(lines)
    ]
    assert percent_complete(more) >= percent
    assert percent_bucket(percent) in {label for label, _low, _high in PERCENT_BUCKETS}


# --- the quantities of a report -------------------------------------------------------------------------------


BILL = [line(1, "100", "10", "40", code="01"), line(2, "20", "500", "0", code="02")]


@pytest.mark.parametrize(
    ("week", "outcome", "codes"),
    [
        ({1: D("60")}, "allowed", ["within_quantities"]),  # exactly to the quantity
        ({1: D("10"), 2: D("5")}, "allowed", ["within_quantities"]),
        ({}, "allowed", ["within_quantities"]),  # a week without work (holiday, weather)
        ({1: D("0")}, "allowed", ["within_quantities"]),
        ({1: D("60.01")}, "refused", ["over_quantity"]),
        ({2: D("21")}, "refused", ["over_quantity"]),
        ({1: D("-1")}, "refused", ["negative"]),
        ({1: D("1.005")}, "refused", ["precision"]),
        ({99: D("1")}, "refused", ["unknown_line"]),
        ({1: D("61"), 2: D("-2"), 3: D("1")}, "refused", ["over_quantity", "negative", "unknown_line"]),
    ],
)
def test_progress_check_table(week: dict[int, Decimal], outcome: str, codes: list[str]) -> None:
    decision = progress_check(BILL, week)
    assert decision.outcome == outcome
    assert [r.code for r in decision.reasons] == codes


def test_progress_check_figures_and_reasons() -> None:
    ok = progress_check(BILL, {1: D("10"), 2: D("5")})
    # (50 × 10 + 5 × 500) / (100 × 10 + 20 × 500) = 3000 / 11000 = 27.27…
    assert ok.figures["percent_before"] == D("3.63")
    assert ok.figures["percent_after"] == D("27.27")
    assert ok.figures["cumulative"] == {"1": D("50"), "2": D("5")}
    over = progress_check(BILL, {1: D("61")})
    reason = over.reasons[0]
    assert reason.value == D("101") and reason.threshold == D("100")
    assert "01" in reason.message and "101" in reason.message and "100" in reason.message
    assert reason.source is not None and reason.source.reference == "seeds/001_f6a39a551d1fc451.txt"


@given(bills(), st.data())
def test_allowed_weeks_never_exceed_a_line(lines: list[LineQuantity], data: st.DataObject) -> None:
    week = {
        x.key: data.draw(st.decimals(min_value=D("0"), max_value=x.quantity * 2, places=2), label=x.code) for x in lines
    }
    decision = progress_check(lines, week)
    over = any(x.done + week[x.key] > x.quantity and week[x.key] > 0 for x in lines)
    assert decision.passed is not over
    if decision.passed:
        assert all(decision.figures["cumulative"][str(x.key)] <= x.quantity for x in lines)
        assert decision.figures["percent_after"] >= decision.figures["percent_before"]


# --- who reports -----------------------------------------------------------------------------------------------

FIRMS = {"construction": ["固原建工集团"], "supervision": ["宁夏监理公司"]}


@pytest.mark.parametrize(
    ("role", "organisation", "firms", "outcome", "code"),
    [
        ("street_office", "", FIRMS, "allowed", "implementing_body"),
        ("construction_firm", "固原建工集团", FIRMS, "allowed", "contracted_firm"),
        ("construction_firm", " 固原建工 集团", FIRMS, "allowed", "contracted_firm"),
        ("supervision_firm", "宁夏监理公司", FIRMS, "allowed", "contracted_firm"),
        ("construction_firm", "别的公司", FIRMS, "refused", "not_contracted_firm"),
        ("construction_firm", "", FIRMS, "refused", "not_contracted_firm"),
        ("supervision_firm", "固原建工集团", FIRMS, "refused", "not_contracted_firm"),
        ("construction_firm", "固原建工集团", {}, "refused", "no_contracted_firm"),
    ],
)
def test_reporter_table(role: str, organisation: str, firms: dict[str, list[str]], outcome: str, code: str) -> None:
    decision = reporter_decide(role, organisation, firms)
    assert decision.outcome == outcome
    assert decision.reasons[0].code == code


# --- digest buckets ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "label"),
    [("0", "0"), ("0.01", "0-25"), ("25", "0-25"), ("25.01", "25-50"), ("99.99", "75-100"), ("100", "100")],
)
def test_percent_bucket(percent: str, label: str) -> None:
    assert percent_bucket(D(percent)) == label


def test_percent_bucket_out_of_range() -> None:
    with pytest.raises(RuleInputError):
        percent_bucket(D("100.01"))
