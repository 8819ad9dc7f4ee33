"""Utility coordination (Jiyuan seeds/000: one schedule per estate; Jincheng seeds/004: dig once) and the answer
deadline of complaints (our operating rule: 1 working day for safety, 3 otherwise)."""

from __future__ import annotations

import datetime as dt
from itertools import combinations, pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiugai.rules.coordination import (
    DAYS_KEY,
    URGENT_DAYS_KEY,
    TaskSpan,
    complaint_due,
    complaint_late,
    dependency_cycle,
    dependency_decide,
    place_key,
    satisfaction_shares,
    shared_weeks,
    task_clashes,
    working_days_after,
)
from jiugai.rules.decision import RuleInputError

SH = ZoneInfo("Asia/Shanghai")
D = dt.date


MONDAY = D(2022, 3, 21)
FRIDAY = D(2022, 3, 25)


def task(id, place="北侧道路", start=MONDAY, end=FRIDAY, dig=True, estate="E1", deps=(), status="planned"):
    return TaskSpan(
        id=id,
        estate=estate,
        place=place,
        starts_on=start,
        ends_on=end,
        excavation=dig,
        title=f"work {id}",
        depends_on=tuple(deps),
        status=status,
    )


# --- places and weeks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("北侧道路", "北侧 道路", True),
        ("北侧道路", "北侧道路。", True),
        ("North Road", "north  road", True),
        ("３号楼东侧", "3号楼东侧", True),  # full-width digit
        ("北侧道路", "南侧道路", False),
        ("", "  ", True),
    ],
)
def test_place_key(a, b, same):
    assert (place_key(a) == place_key(b)) is same


@pytest.mark.parametrize(
    ("a", "b", "weeks"),
    [
        # Mon–Fri and the next Mon–Fri: different weeks
        ((D(2022, 3, 21), D(2022, 3, 25)), (D(2022, 3, 28), D(2022, 4, 1)), ()),
        # Sunday and the following Monday: different ISO weeks
        ((D(2022, 3, 27), D(2022, 3, 27)), (D(2022, 3, 28), D(2022, 3, 28)), ()),
        # Monday and Sunday of the same week, not overlapping in days: same week
        ((D(2022, 3, 21), D(2022, 3, 21)), (D(2022, 3, 27), D(2022, 3, 27)), ("2022-W12",)),
        # Overlapping over two weeks
        ((D(2022, 3, 21), D(2022, 4, 1)), (D(2022, 3, 25), D(2022, 4, 8)), ("2022-W12", "2022-W13")),
        # Across the new year: ISO year 2021 week 52 then 2022-W01
        ((D(2022, 1, 1), D(2022, 1, 4)), (D(2021, 12, 30), D(2022, 1, 3)), ("2021-W52", "2022-W01")),
    ],
)
def test_shared_weeks(a, b, weeks):
    assert shared_weeks(*a, *b) == weeks
    assert shared_weeks(*b, *a) == weeks


# --- clashes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "clash"),
    [
        ({}, {}, True),  # same place, same week, both dig
        ({}, {"dig": False}, True),  # one digs is enough
        ({"dig": False}, {"dig": False}, False),  # nobody digs
        ({}, {"place": "北侧 道路。"}, True),  # same place written differently
        ({}, {"place": "南侧道路"}, False),  # another place
        ({}, {"estate": "E2"}, False),  # another estate
        ({}, {"start": D(2022, 3, 28), "end": D(2022, 4, 1)}, False),  # next week
        ({"end": D(2022, 3, 21)}, {"start": D(2022, 3, 27), "end": D(2022, 3, 27)}, True),  # Monday and Sunday
        ({}, {"place": ""}, False),  # no usable place
    ],
)
def test_clash_table(first, second, clash):
    found = task_clashes([task(1, **first), task(2, **second)])
    assert bool(found) is clash
    if clash:
        (c,) = found
        assert (c.first, c.second) == (1, 2)
        assert c.reason.code == "same_place_same_week"
        assert c.reason.source is not None and c.reason.source.reference == "seeds/004_391429ce0bbb685b.txt"
        assert "2022-W12" in c.weeks and "work 1" in c.reason.message


def test_clashes_sorted_and_each_pair_once():
    tasks = [
        task("c", start=D(2022, 3, 22), end=D(2022, 3, 23)),
        task("a", start=D(2022, 3, 21), end=D(2022, 4, 1)),
        task("b", start=D(2022, 3, 30), end=D(2022, 3, 30)),
        task("z", place="别处"),
    ]
    pairs = [(c.first, c.second) for c in task_clashes(tasks)]
    assert pairs == [("a", "c"), ("a", "b")]


def test_reversed_dates_refused():
    with pytest.raises(RuleInputError):
        task_clashes([task(1, start=D(2022, 3, 25), end=D(2022, 3, 21))])
    with pytest.raises(RuleInputError):
        TaskSpan(id=1, estate=1, place="x", starts_on=D(2022, 1, 1), ends_on=D(2022, 1, 2), status="started")


weeks_strategy = st.integers(min_value=0, max_value=60)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 80),
            st.integers(0, 20),
            st.booleans(),
            st.sampled_from(["A", "B", " a", "C"]),
            st.sampled_from(["E1", "E2"]),
        ),
        max_size=12,
    )
)
def test_clashes_match_brute_force(rows):
    """The sorted sweep finds exactly the pairs a brute-force comparison of ISO-week sets finds."""
    base = D(2022, 1, 3)
    tasks = [
        task(i, place=place, start=base + dt.timedelta(days=s), end=base + dt.timedelta(days=s + n), dig=dig, estate=e)
        for i, (s, n, dig, place, e) in enumerate(rows)
    ]

    def weeks(t):
        return {
            (t.starts_on + dt.timedelta(days=k)).isocalendar()[:2] for k in range((t.ends_on - t.starts_on).days + 1)
        }

    expected = {
        frozenset((a.id, b.id))
        for a, b in combinations(tasks, 2)
        if a.estate == b.estate
        and place_key(a.place) == place_key(b.place)
        and (a.excavation or b.excavation)
        and weeks(a) & weeks(b)
    }
    found = task_clashes(tasks)
    assert {frozenset((c.first, c.second)) for c in found} == expected
    assert len(found) == len(expected)


# --- dependencies -----------------------------------------------------------------------------------


def test_cycle_found_with_its_path():
    assert dependency_cycle({1: [2], 2: [3], 3: [1]}) == (1, 2, 3, 1)
    assert dependency_cycle({1: [1]}) == (1, 1)
    assert dependency_cycle({1: [2], 2: [3], 3: []}) is None
    assert dependency_cycle({1: [99]}) is None  # unknown targets are not cycles
    long_chain = {i: [i + 1] for i in range(5000)}
    assert dependency_cycle(long_chain) is None  # no recursion limit
    long_chain[5000] = [0]
    cycle = dependency_cycle(long_chain)
    assert cycle is not None and cycle[0] == cycle[-1] and len(cycle) == 5002


@given(st.dictionaries(st.integers(0, 8), st.lists(st.integers(0, 8), max_size=3), max_size=9))
def test_cycle_iff_no_topological_order(edges):
    """A cycle is reported exactly when the graph has no topological order, and what is reported is a cycle."""
    graph = {k: [v for v in vs if v in edges] for k, vs in edges.items()}
    remaining = dict(graph)
    while True:
        free = [k for k, vs in remaining.items() if not any(v in remaining for v in vs)]
        if not free:
            break
        for k in free:
            del remaining[k]
    cycle = dependency_cycle(edges)
    assert (cycle is not None) is bool(remaining)
    if cycle is not None:
        assert cycle[0] == cycle[-1]
        assert all(b in graph[a] for a, b in pairwise(cycle))


@pytest.mark.parametrize(
    ("new", "codes"),
    [
        (task(3, start=D(2022, 4, 2), end=D(2022, 4, 5), deps=(1,)), ["schedule_fits"]),
        (task(3, start=D(2022, 4, 1), end=D(2022, 4, 5), deps=(1,)), ["starts_before_dependency"]),  # same day
        (task(3, start=D(2022, 3, 1), end=D(2022, 3, 5), deps=(1,)), ["starts_before_dependency"]),
        (task(3, start=D(2022, 4, 5), end=D(2022, 4, 2)), ["ends_before_start"]),
        (task(3, start=D(2022, 4, 5), end=D(2022, 4, 6), deps=(99,)), ["unknown_dependency"]),
        (task(3, start=D(2022, 4, 5), end=D(2022, 4, 6), deps=(3,)), ["cycle"]),
        (task(3, start=D(2022, 4, 5), end=D(2022, 4, 6), deps=(1,), status="in_progress"), ["dependency_not_done"]),
        # Task 1 moved so that it ends after task 2 (which waits for it) starts, and made to wait for task 2.
        (
            task(1, start=D(2022, 3, 21), end=D(2022, 4, 20), deps=(2,)),
            ["cycle", "dependent_starts_before_end", "starts_before_dependency"],
        ),
    ],
)
def test_dependency_table(new, codes):
    existing = {
        1: task(1, start=D(2022, 3, 21), end=D(2022, 4, 1)),
        2: task(2, start=D(2022, 4, 4), end=D(2022, 4, 15), deps=(1,)),
    }
    decision = dependency_decide(new, existing)
    assert sorted(r.code for r in decision.reasons) == sorted(codes)
    assert decision.passed is (codes == ["schedule_fits"])


def test_dependency_earliest_start_and_done_dependency():
    existing = {
        1: task(1, start=D(2022, 3, 21), end=D(2022, 4, 1), status="done"),
        2: task(2, start=D(2022, 3, 21), end=D(2022, 3, 25), status="done"),
    }
    decision = dependency_decide(task(3, start=D(2022, 4, 2), end=D(2022, 4, 3), deps=(1, 2), status="done"), existing)
    assert decision.passed and decision.figures["earliest_start"] == D(2022, 4, 2)
    assert (
        dependency_decide(task(4, start=D(2022, 4, 2), end=D(2022, 4, 3)), existing).figures["earliest_start"] is None
    )


# --- complaints -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "category", "due_day"),
    [
        (dt.datetime(2022, 3, 21, 10, 0), "safety", D(2022, 3, 22)),  # Monday → Tuesday
        (dt.datetime(2022, 3, 21, 10, 0), "noise", D(2022, 3, 24)),  # Monday → Thursday
        (dt.datetime(2022, 3, 25, 18, 0), "safety", D(2022, 3, 28)),  # Friday → Monday
        (dt.datetime(2022, 3, 26, 9, 0), "dust", D(2022, 3, 30)),  # Saturday → Wednesday
        # National Day 2022: 1–7 October off, Saturday 8 and Sunday 9 October are working days.
        (dt.datetime(2022, 9, 30, 10, 0), "parking", D(2022, 10, 10)),
        (dt.datetime(2022, 10, 3, 10, 0), "safety", D(2022, 10, 8)),
        (dt.datetime(2022, 3, 21, 23, 59), "damage", D(2022, 3, 24)),
    ],
)
def test_complaint_due_table(received, category, due_day):
    decision = complaint_due(received.replace(tzinfo=SH), category)
    assert decision.figures["due_day"] == due_day
    assert decision.figures["due_at"] == dt.datetime.combine(due_day, dt.time(23, 59, 59), tzinfo=SH)
    reason = decision.reasons[0]
    assert reason.parameter == (URGENT_DAYS_KEY if category == "safety" else DAYS_KEY)
    assert reason.source is not None and "operating rule" in reason.source.title


def test_complaint_due_counts_the_local_day():
    # 17:00 UTC on Monday is 01:00 on Tuesday in Shanghai: the count starts from Tuesday.
    received = dt.datetime(2022, 3, 21, 17, 0, tzinfo=dt.UTC)
    assert complaint_due(received, "safety").figures["due_day"] == D(2022, 3, 22)
    assert complaint_due(received, "safety", tz=SH).figures["due_day"] == D(2022, 3, 23)


def test_complaint_due_parameters_and_bad_input():
    received = dt.datetime(2022, 3, 21, 10, tzinfo=SH)
    assert complaint_due(received, "noise", days=5).figures["due_day"] == D(2022, 3, 28)
    decision = complaint_due(received, "noise", urgent_categories={"noise"}, urgent_days=2)
    assert decision.figures["urgent"] and decision.figures["due_day"] == D(2022, 3, 23)
    with pytest.raises(RuleInputError):
        complaint_due(dt.datetime(2022, 3, 21, 10), "noise")  # naive
    with pytest.raises(RuleInputError):
        complaint_due(received, "weather")
    for bad in (0, -1, True, 1.5):
        with pytest.raises(RuleInputError):
            complaint_due(received, "noise", days=bad)  # type: ignore[arg-type]
    with pytest.raises(RuleInputError):
        working_days_after(D(2022, 3, 21), 0)


@given(
    st.datetimes(min_value=dt.datetime(2019, 1, 1), max_value=dt.datetime(2030, 12, 31)),
    st.sampled_from(["noise", "safety", "parking", "dust", "damage", "other"]),
    st.integers(1, 10),
)
def test_due_is_a_working_day_after_receipt_and_urgent_never_later(received, category, days):
    received = received.replace(tzinfo=SH)
    decision = complaint_due(received, category, days=days, urgent_days=min(days, 1))
    due_day = decision.figures["due_day"]
    assert due_day > received.date()
    from jiugai.rules.coordination import is_workday

    assert is_workday(due_day)
    working = sum(
        1 for k in range(1, (due_day - received.date()).days + 1) if is_workday(received.date() + dt.timedelta(days=k))
    )
    assert working == decision.figures["working_days"]
    safety = complaint_due(received, "safety", days=days, urgent_days=min(days, 1)).figures["due_at"]
    assert safety <= complaint_due(received, "other", days=days, urgent_days=min(days, 1)).figures["due_at"]


def test_late_and_satisfaction_shares():
    due = dt.datetime(2022, 3, 24, 23, 59, 59, tzinfo=SH)
    after = due + dt.timedelta(seconds=1)
    assert complaint_late(due_at=due, answered_at=None, now=after)
    assert not complaint_late(due_at=due, answered_at=None, now=due)
    assert complaint_late(due_at=due, answered_at=after, now=after)
    assert not complaint_late(due_at=due, answered_at=due, now=after + dt.timedelta(days=9))
    assert satisfaction_shares(
        {"satisfied": 2, "basically": 1, "dissatisfied": 1}, ["satisfied", "basically", "dissatisfied"]
    ) == {
        "satisfied": 50.0,
        "basically": 25.0,
        "dissatisfied": 25.0,
    }
    assert satisfaction_shares({}, ["satisfied"]) == {"satisfied": None}
