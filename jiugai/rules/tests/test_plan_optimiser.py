"""The annual-plan optimiser: exact against brute force, every constraint held, conflicts named, why-nots."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiugai.rules.decision import RuleInputError
from jiugai.rules.plan_optimiser import (
    DistrictLimit,
    PlanCandidate,
    PlanConflict,
    PlanProblem,
    plan_optimise,
    plan_spreadsheet,
    plan_violations,
)

D = Decimal


def cand(key: str, cost: int, benefit: int, households: int = 10, **kw: object) -> PlanCandidate:
    return PlanCandidate(key=key, cost=D(cost), benefit=D(benefit), households=households, **kw)  # type: ignore[arg-type]


def problem(candidates: list[PlanCandidate], budget: int, **kw: object) -> PlanProblem:
    kw.setdefault("gap_target", Fraction(0))
    return PlanProblem(candidates=candidates, budget=D(budget), **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# An independent checker and brute force


def broken(p: PlanProblem, selected: Iterable[str]) -> list[str]:
    """Every constraint a selection breaks, computed directly from the problem."""
    chosen = set(selected)
    by_key = {c.key: c for c in p.candidates}
    out: list[str] = []
    picked = [by_key[k] for k in chosen]
    if sum((c.cost for c in picked), D(0)) > p.budget:
        out.append("budget")
    if any(not c.eligible for c in picked) or chosen & p.must_exclude:
        out.append("excluded")
    if not p.must_include <= chosen:
        out.append("must_include")
    for estates in p.bundles.values():
        if chosen & estates and not estates <= chosen:
            out.append("bundle")
    for source, amount in p.source_budgets.items():
        if sum((c.source_costs.get(source, D(0)) for c in picked), D(0)) > amount:
            out.append("source")
    if p.post2000_cap is not None:
        total = sum(c.households for c in picked)
        post = sum(c.households for c in picked if c.post2000)
        if post > p.post2000_cap * total:
            out.append("cap")
    for district, limit in p.district_limits.items():
        inside = [c for c in picked if c.district == district]
        money = sum((c.cost for c in inside), D(0))
        if (
            (limit.min_count is not None and len(inside) < limit.min_count)
            or (limit.max_count is not None and len(inside) > limit.max_count)
            or (limit.min_money is not None and money < limit.min_money)
            or (limit.max_money is not None and money > limit.max_money)
        ):
            out.append(f"district:{district}")
    return out


def brute_force(p: PlanProblem) -> Decimal | None:
    keys = [c.key for c in p.candidates]
    benefit = {c.key: c.benefit for c in p.candidates}
    best: Decimal | None = None
    for size in range(len(keys) + 1):
        for subset in combinations(keys, size):
            if not broken(p, subset):
                value = sum((benefit[k] for k in subset), D(0))
                best = value if best is None or value > best else best
    return best


# ---------------------------------------------------------------------------------------------
# Table-driven cases


def test_optimum_beats_sorting_by_score() -> None:
    # The large estate scores highest but gives least per yuan: the spreadsheet takes it, the optimum does not.
    p = problem([cand("big", 60, 100), cand("a", 30, 60), cand("b", 30, 60), cand("c", 40, 70)], 100)
    result = plan_optimise(p)
    assert result.selected == ("a", "b", "c")
    assert result.objective == 190 and result.bound == 190 and result.gap == 0
    assert result.status == "optimal"
    assert result.spreadsheet_selected == ("big", "c") and result.spreadsheet_objective == 170
    assert plan_spreadsheet(p) == (("big", "c"), D(170))
    assert result.cost == 100 and result.households == 30
    assert result.decision.rule == "plan_optimise" and result.decision.outcome == "optimal"
    codes = [r.code for r in result.decision.reasons]
    assert codes[:2] == ["plan_selected", "plan_budget"] and "spreadsheet_comparison" in codes
    assert result.exclusions["big"].code == "lower_value_per_yuan"
    assert D(result.exclusions["big"].figures["benefit_needed"]) > 100


def test_post2000_cap_is_exact_and_cited() -> None:
    # 15 of 100 households in later estates is exactly 15 %: allowed ("not more than"); 16 would not be.
    p = problem(
        [cand("old", 10, 10, households=85), cand("new", 10, 50, households=15, post2000=True)],
        100,
        post2000_cap=Fraction(15, 100),
    )
    result = plan_optimise(p)
    assert result.selected == ("new", "old") and result.post2000_households == 15
    cap_reason = next(r for r in result.decision.reasons if r.parameter == "eligibility.post2000_household_cap")
    assert cap_reason.value == Fraction(15, 100) and cap_reason.source is not None
    assert "seeds/003" in cap_reason.source.reference
    over = problem(
        [cand("old", 10, 10, households=84), cand("new", 10, 50, households=16, post2000=True)],
        100,
        post2000_cap=Fraction(15, 100),
    )
    result = plan_optimise(over)
    assert result.selected == ("old",)
    why = result.exclusions["new"]
    assert why.code == "post2000_cap"
    assert why.figures["earlier_households_needed"] == 7  # 16 ≤ 15 % of (84 + 16 + 7)


def test_exclusion_codes() -> None:
    p = problem(
        [
            cand("good", 10, 100, district="a"),
            cand("second", 10, 90, district="a"),  # district a allows one estate
            cand("huge", 500, 1000, district="b"),  # alone over the budget
            cand("late", 10, 80, households=50, post2000=True, district="b"),
            cand("gone", 1, 50, eligible=False, district="b"),
            cand("partner", 1, 50, district="b"),  # bundled with the ineligible one
            cand("cut", 1, 50, district="b"),
            cand("w1", 30, 40, district="c"),
            cand("w2", 30, 10, district="c"),
        ],
        60,
        post2000_cap=Fraction(1, 5),
        district_limits={"a": DistrictLimit(max_count=1)},
        bundles={"blocked": frozenset({"gone", "partner"}), "west": frozenset({"w1", "w2"})},
        must_exclude=frozenset({"cut"}),
    )
    result = plan_optimise(p)
    assert not broken(p, result.selected)
    codes = {k: e.code for k, e in result.exclusions.items()}
    assert codes["second"] == "district_limit"
    assert codes["huge"] == "budget"
    assert codes["late"] == "post2000_cap"
    assert codes["gone"] == "ineligible"
    assert codes["partner"] == "bundle"
    assert codes["cut"] == "must_exclude"
    assert codes["w1"] == codes["w2"] == "bundle"
    assert set(result.exclusions) | set(result.selected) == {c.key for c in p.candidates}
    assert all(e.message and e.bring_in for e in result.exclusions.values())
    assert result.exclusions["huge"].figures["budget_needed"] == 500


def test_budget_exclusion_says_how_much_more() -> None:
    p = problem([cand("a", 60, 120), cand("b", 50, 110)], 100)
    result = plan_optimise(p)
    assert result.selected == ("a",)
    why = result.exclusions["b"]
    assert why.code == "budget" and why.figures["budget_increase_needed"] == 10


def test_source_budget_and_district_minimum() -> None:
    central = {"central": D(40)}
    p = problem(
        [
            cand("a", 30, 100, source_costs={"central": D(30)}, district="x"),
            cand("b", 30, 90, source_costs={"central": D(30)}, district="x"),
            cand("c", 30, 10, district="y"),
        ],
        90,
        source_budgets=central,
        district_limits={"y": DistrictLimit(min_count=1)},
    )
    result = plan_optimise(p)
    assert result.selected == ("a", "c")
    assert result.exclusions["b"].code == "source_budget"
    assert any(r.code == "source_budget_met" for r in result.decision.reasons)


def test_must_include_and_bundles() -> None:
    p = problem(
        [cand("carry", 50, 1), cand("x", 40, 100), cand("y", 10, 30), cand("z", 10, 30)],
        70,
        must_include=frozenset({"carry"}),
        bundles={"pair": frozenset({"y", "z"})},
    )
    result = plan_optimise(p)
    assert result.selected == ("carry", "y", "z")
    # x gives 2.5 per yuan, the bundle 3: x is the worse buy, and 40 more would bring it in
    assert result.exclusions["x"].code == "lower_value_per_yuan"
    assert result.exclusions["x"].figures["budget_increase_needed"] == 40


def test_exclusions_skipped_when_not_asked() -> None:
    result = plan_optimise(problem([cand("a", 10, 1), cand("b", 10, 1)], 10), explain=False)
    assert len(result.selected) == 1 and not result.exclusions


def test_plan_violations_names_broken_constraints() -> None:
    p = problem([cand("a", 10, 1), cand("b", 10, 1, post2000=True)], 15, post2000_cap=Fraction(1, 10))
    assert plan_violations(p, ["a"]) == ()
    assert set(plan_violations(p, ["a", "b"])) == {"budget", "post2000_cap"}


@pytest.mark.parametrize(
    ("kwargs", "conflicts"),
    [
        ({"budget": 0}, {"budget"}),
        ({"budget": -5}, {"budget"}),
        ({"must_include": {"a", "b", "c"}, "budget": 25}, {"budget", "must_include"}),
        ({"must_include": {"bad"}}, {"must_include_ineligible"}),
        ({"must_include": {"a"}, "must_exclude": {"a"}}, {"must_include_excluded"}),
        ({"must_include": {"nope"}}, {"unknown_estate"}),
        (
            {"must_include": {"late"}, "post2000_cap": Fraction(1, 10), "budget": 12},
            {"post2000_cap", "must_include"},
        ),
        ({"district_limits": {"x": DistrictLimit(min_count=3)}}, {"district_minimum"}),
        ({"district_limits": {"x": DistrictLimit(min_count=2)}, "budget": 15}, {"district_minimum", "budget"}),
        ({"district_limits": {"x": DistrictLimit(min_count=3, max_count=1)}}, {"district_limit"}),
        ({"bundles": {"p": frozenset({"a", "b"}), "q": frozenset({"b", "c"})}}, {"bundle_overlap"}),
        ({"bundles": {"p": frozenset({"a", "ghost"})}}, {"bundle_unknown"}),
        (
            {"bundles": {"p": frozenset({"a", "bad"})}, "must_include": {"a"}},
            {"bundle_must_include_excluded"},
        ),
        ({"post2000_cap": Fraction(3, 2)}, {"post2000_cap"}),
        ({"source_budgets": {"central": D(-1)}}, {"source_budget"}),
    ],
)
def test_conflicts_are_named(kwargs: dict[str, object], conflicts: set[str]) -> None:
    candidates = [
        cand("a", 10, 5, district="x"),
        cand("b", 10, 5, district="x"),
        cand("c", 10, 5),
        cand("late", 10, 5, households=50, post2000=True),
        cand("bad", 1, 5, eligible=False, district="x"),
    ]
    budget = kwargs.pop("budget", 100)
    for name in ("must_include", "must_exclude"):
        if name in kwargs:
            kwargs[name] = frozenset(kwargs[name])  # type: ignore[call-overload]
    with pytest.raises(PlanConflict) as raised:
        plan_optimise(problem(candidates, budget, **kwargs))  # type: ignore[arg-type]
    assert set(raised.value.conflicts) == conflicts
    assert str(raised.value)
    assert isinstance(raised.value, RuleInputError)


@pytest.mark.parametrize(
    "candidates",
    [
        [cand("a", 10, 5), cand("a", 5, 5)],
        [cand("a", -1, 5)],
        [cand("a", 1, -5)],
        [cand("a", 1, 5, households=-1)],
    ],
)
def test_bad_candidates(candidates: list[PlanCandidate]) -> None:
    with pytest.raises(PlanConflict) as raised:
        plan_optimise(problem(candidates, 10))
    assert raised.value.conflicts[0] in {"duplicate_key", "negative_figures"}


def test_infeasible_caps_reach_the_solver_backstop() -> None:
    # Only later estates, and district y needs one: the cap 0 cannot hold with any estate from y.
    p = problem(
        [cand("a", 10, 5, post2000=True, district="y"), cand("b", 10, 5, district="z")],
        100,
        post2000_cap=Fraction(0),
        district_limits={"y": DistrictLimit(min_count=1)},
    )
    with pytest.raises(PlanConflict) as raised:
        plan_optimise(p)
    assert "infeasible" in raised.value.conflicts or "post2000_cap" in raised.value.conflicts


def test_progress_is_reported() -> None:
    stages: list[str] = []
    plan_optimise(problem([cand("a", 10, 5), cand("b", 10, 6)], 10), progress=lambda s, _t: stages.append(s))
    assert stages[0] == "lp" and stages[-1] == "explain"


# ---------------------------------------------------------------------------------------------
# Properties on small random instances


@st.composite
def small_problems(draw: st.DrawFn) -> PlanProblem:
    n = draw(st.integers(1, 10))
    candidates = [
        cand(
            f"e{k}",
            draw(st.integers(0, 40)),
            draw(st.integers(0, 60)),
            households=draw(st.integers(0, 30)),
            post2000=draw(st.booleans()),
            district=draw(st.sampled_from(["x", "y", "z"])),
            eligible=draw(st.integers(0, 9)) > 0,
            source_costs={"central": D(draw(st.integers(0, 20)))},
        )
        for k in range(n)
    ]
    keys = [c.key for c in candidates]
    bundles: dict[str, frozenset[str]] = {}
    if n >= 4 and draw(st.booleans()):
        bundles["b1"] = frozenset(keys[:2])
    limits: dict[str, DistrictLimit] = {}
    if draw(st.booleans()):
        limits["x"] = DistrictLimit(
            min_count=draw(st.sampled_from([None, 0, 1])),
            max_count=draw(st.sampled_from([None, 1, 2, 3])),
            max_money=draw(st.sampled_from([None, D(30), D(60)])),
        )
    if draw(st.booleans()):
        limits["y"] = DistrictLimit(min_money=draw(st.sampled_from([None, D(10)])))
    return problem(
        candidates,
        draw(st.integers(1, 150)),
        source_budgets={"central": D(draw(st.integers(0, 60)))} if draw(st.booleans()) else {},
        post2000_cap=draw(st.sampled_from([None, Fraction(0), Fraction(15, 100), Fraction(1, 2)])),
        district_limits=limits,
        bundles=bundles,
        must_include=frozenset(keys[-1:]) if draw(st.integers(0, 4)) == 0 else frozenset(),
        must_exclude=frozenset(keys[2:3]) if draw(st.integers(0, 4)) == 0 else frozenset(),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_optimum_equals_brute_force(p: PlanProblem) -> None:
    best = brute_force(p)
    try:
        result = plan_optimise(p)
    except PlanConflict:
        assert best is None, "a conflict was reported for a problem that has a plan"
        return
    assert best is not None
    assert not broken(p, result.selected)
    assert plan_violations(p, result.selected) == ()
    assert result.objective == best
    assert result.bound >= result.objective
    assert result.status == "optimal" and result.gap == 0
    assert result.objective == sum((c.benefit for c in p.candidates if c.key in result.selected), D(0))
    if not broken(p, result.spreadsheet_selected):
        assert result.spreadsheet_objective <= result.objective
    left_out = {c.key for c in p.candidates} - set(result.selected)
    assert set(result.exclusions) == left_out
    for key, why in result.exclusions.items():
        assert why.key == key and why.message and why.bring_in


@settings(max_examples=40, deadline=None)
@given(small_problems(), st.sampled_from([Fraction(1, 10), Fraction(1, 100)]))
def test_bound_holds_with_a_loose_gap(p: PlanProblem, gap: Fraction) -> None:
    best = brute_force(p)
    try:
        result = plan_optimise(PlanProblem(**{**p.__dict__, "gap_target": gap}))
    except PlanConflict:
        assert best is None
        return
    assert best is not None and not broken(p, result.selected)
    assert result.objective <= best <= result.bound
    assert result.gap <= gap or result.status == "time_limit"
