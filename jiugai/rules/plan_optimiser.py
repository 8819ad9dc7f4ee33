"""The annual plan optimiser: which estates to renovate this year for the most benefit within the budget.

The office method (`plan_spreadsheet`) sorts the estates by score and takes each one that still fits; with
a budget that buys about a third of the candidates it leaves much of the benefit on the table, because a
large high-scoring estate can crowd out several that give more per yuan. `plan_optimise` solves the exact
0-1 programme instead (HiGHS, a mixed-integer solver with a proven bound):

    maximise  Σ benefit_i · x_i
    subject to Σ cost_i · x_i ≤ budget                           (the year's budget)
               Σ source_cost_i,s · x_i ≤ source_budget_s         (each capped funding source)
               Σ (post2000_i − cap) · households_i · x_i ≤ 0     (later estates' share of households, Guyuan 15 %)
               district minimum/maximum counts and money
               x_i = 1 for carry-overs, 0 for ineligible and excluded estates; a bundle (片区) all in or all out.

The post-2000 cap is `eligibility.post2000_household_cap` (Guyuan draft 2022 plan, seeds/003_54d0b71b4a1e2a82.txt:
2000年底后建成小区 … 在2022年计划中占比不得超过15%(按居民户数计)); the cross-multiplied form above keeps the
share exact. Bundles follow Guyuan's "one area, one plan" 一片区一方案.

How it stays fast at national scale (220,000 estates): solve the LP relaxation, round it down and fill greedily
(the warm start), then use the LP duals as Lagrange multipliers. For any multipliers y ≥ 0 the value
L(y) = Σ y·rhs + Σ max(0, reduced cost) bounds every plan, and a plan that leaves out an estate with reduced
cost d > 0 (or takes one with d < 0) is worth at most L(y) − |d|. Estates with |d| above L(y) − (warm start)
can therefore be fixed without losing any plan better than the warm start (reduced-cost fixing); the small
remaining programme goes to HiGHS with the warm start as its first solution. The bound reported is
min(L(y), max(warm start, HiGHS's dual bound on the rest)): proven, never below the plan's objective.
Feasibility is checked again in exact integer arithmetic: the solver's floating-point answer is never trusted
for the budget.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import highspy
import numpy as np

from .common import show
from .decision import Decision, Reason, RuleInputError, Source
from .i18n import _

RULE = "plan_optimise"
CAP_KEY = "eligibility.post2000_household_cap"
GUYUAN = Source(title="Guyuan draft 2022 implementation plan", reference="seeds/003_54d0b71b4a1e2a82.txt")

# Below this many free variables the whole programme goes to HiGHS as it is; above it, reduced-cost fixing first.
FULL_MILP_LIMIT = 3000
# Inputs this small get exact "what would bring it in" figures from a re-solve per excluded estate.
EXACT_EXPLAIN_LIMIT = 60

EXCLUSION_CODES = (
    "ineligible",
    "must_exclude",
    "budget",
    "post2000_cap",
    "district_limit",
    "source_budget",
    "bundle",
    "lower_value_per_yuan",
)


@dataclass(frozen=True)
class PlanCandidate:
    """One estate the plan may include."""

    key: str  # estate code
    cost: Decimal  # estimated investment, yuan (>= 0)
    benefit: Decimal  # weighted benefit (priority score × households or similar), >= 0
    households: int
    post2000: bool = False  # completed after the full-eligibility cut-off: counts against the post-2000 cap
    district: str = ""  # district code, for per-district limits
    eligible: bool = True
    source_costs: Mapping[str, Decimal] = field(default_factory=dict)  # money asked from each capped source
    label: str = ""  # display name


@dataclass(frozen=True)
class DistrictLimit:
    """Per-district minimum/maximum number of estates and money (investment) in the plan."""

    min_count: int | None = None
    max_count: int | None = None
    min_money: Decimal | None = None
    max_money: Decimal | None = None


@dataclass(frozen=True)
class PlanProblem:
    """The candidates and every constraint the plan must meet."""

    candidates: Sequence[PlanCandidate]
    budget: Decimal
    source_budgets: Mapping[str, Decimal] = field(default_factory=dict)
    post2000_cap: Fraction | None = None  # max share of the plan's households in post-2000 estates (Guyuan 15 %)
    post2000_cap_source: Source | None = None
    district_limits: Mapping[str, DistrictLimit] = field(default_factory=dict)
    bundles: Mapping[str, frozenset[str]] = field(default_factory=dict)  # 片区 key -> estate keys, all in or out
    must_include: frozenset[str] = frozenset()  # carry-overs
    must_exclude: frozenset[str] = frozenset()
    time_limit_s: float = 10.0
    gap_target: Fraction = Fraction(1, 10000)  # 0.01 % of the bound


@dataclass(frozen=True)
class Exclusion:
    """Why a candidate is not in the plan and what would bring it in."""

    key: str
    code: str  # one of EXCLUSION_CODES
    message: str  # translated, explains why
    bring_in: str  # translated: what would bring it in
    figures: dict[str, Any]


@dataclass(frozen=True)
class PlanResult:
    """The chosen plan, its proven bound, and the office's spreadsheet plan for comparison."""

    selected: tuple[str, ...]  # estate keys, sorted
    objective: Decimal  # exact sum of the selected benefits
    bound: Decimal  # proven upper bound
    gap: Decimal  # (bound - objective) / bound, 0 when optimal
    status: str  # "optimal" | "gap_reached" | "time_limit"
    wall_s: float
    cost: Decimal
    households: int
    post2000_households: int
    spreadsheet_selected: tuple[str, ...]
    spreadsheet_objective: Decimal
    exclusions: Mapping[str, Exclusion]  # every candidate not selected (when explain=True)
    decision: Decision


class PlanConflict(RuleInputError):
    """Constraints that cannot all hold; `.conflicts` names them (e.g. budget below the must-include total)."""

    def __init__(self, message: str, conflicts: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.conflicts: tuple[str, ...] = tuple(conflicts)


# ---------------------------------------------------------------------------------------------
# The model: candidates grouped into items (a bundle is one item), money as exact integers


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _yuan(value: Decimal | int) -> str:
    return "¥" + show(Decimal(value).quantize(Decimal("0.01")) if isinstance(value, Decimal) else Decimal(value))


@dataclass
class _Model:
    """The problem as integer rows over items (an item is one estate or one whole bundle)."""

    problem: PlanProblem
    scale: int  # money × scale is an integer
    keys: list[str]  # candidate keys in input order
    by_key: dict[str, PlanCandidate]
    item_of: dict[str, int]  # candidate key -> item index (only for candidates that may be chosen)
    members: list[tuple[str, ...]]  # item -> candidate keys
    bundle_of_item: list[str]  # item -> bundle key ("" for a single estate)
    cost: list[int]  # scaled
    benefit: list[Decimal]
    households: list[int]
    post_households: list[int]
    cap_coef: list[int]  # (q·post − p)·households, summed over members; 0 without a cap
    cap_p: int
    cap_q: int
    sources: list[str]
    source_coef: list[dict[int, int]]  # per source: item -> scaled money
    source_rhs: list[int]
    districts: list[str]  # districts with a limit
    district_count: list[dict[int, int]]  # per limited district: item -> estates in it
    district_money: list[dict[int, int]]  # per limited district: item -> scaled money in it
    forced: list[bool]  # item fixed to 1
    static_out: dict[str, tuple[str, str]]  # candidate key -> (code, detail) for those never choosable
    budget: int
    item_district: list[tuple[int, ...]] = field(default_factory=list)  # item -> limited districts it touches
    min_money: list[int] = field(default_factory=list)  # per limited district, scaled
    max_money: list[int] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.cost)


def _money(value: Decimal, scale: int) -> int:
    return int(value * scale)


def _conflict(messages: list[str], codes: list[str]) -> None:
    if codes:
        raise PlanConflict("; ".join(messages), sorted(dict.fromkeys(codes)))


def _build(problem: PlanProblem) -> _Model:
    """Validate the problem and group it into items; raise PlanConflict naming every conflict found."""
    messages: list[str] = []
    codes: list[str] = []

    def fail(code: str, message: str) -> None:
        codes.append(code)
        messages.append(message)

    budget = Decimal(problem.budget)
    if not budget.is_finite() or budget <= 0:
        fail("budget", _("the budget %(budget)s must be more than zero") % {"budget": show(budget)})
    cap = problem.post2000_cap
    if cap is not None and not 0 <= cap <= 1:
        fail("post2000_cap", _("the post-2000 household cap %(cap)s must be between 0 and 1") % {"cap": show(cap)})
    for name, amount in problem.source_budgets.items():
        if amount < 0:
            fail(
                "source_budget",
                _("the budget of funding source %(source)s is negative (%(amount)s)")
                % {"source": name, "amount": show(amount)},
            )
    by_key: dict[str, PlanCandidate] = {}
    keys: list[str] = []
    duplicates: list[str] = []
    negative: list[str] = []
    places = _places(budget) if budget.is_finite() else 0
    for candidate in problem.candidates:
        if candidate.key in by_key:
            duplicates.append(candidate.key)
            continue
        by_key[candidate.key] = candidate
        keys.append(candidate.key)
        if (
            candidate.cost < 0
            or candidate.benefit < 0
            or candidate.households < 0
            or (candidate.source_costs and any(v < 0 for v in candidate.source_costs.values()))
        ):
            negative.append(candidate.key)
        if candidate.cost % 1:
            places = max(places, _places(candidate.cost))
        for value in candidate.source_costs.values():
            places = max(places, _places(value))
    if duplicates:
        fail("duplicate_key", _("estates listed twice: %(keys)s") % {"keys": ", ".join(sorted(set(duplicates))[:10])})
    if negative:
        fail(
            "negative_figures",
            _("negative cost, benefit or households for: %(keys)s") % {"keys": ", ".join(sorted(negative)[:10])},
        )
    for value in problem.source_budgets.values():
        places = max(places, _places(value))
    for limit in problem.district_limits.values():
        for money in (limit.min_money, limit.max_money):
            if money is not None:
                places = max(places, _places(money))
        if (limit.min_count is not None and limit.max_count is not None and limit.min_count > limit.max_count) or (
            limit.min_money is not None and limit.max_money is not None and limit.min_money > limit.max_money
        ):
            fail("district_limit", _("a district's minimum is above its maximum"))
    unknown = sorted((problem.must_include | problem.must_exclude) - by_key.keys())
    if unknown:
        fail("unknown_estate", _("unknown estates named: %(keys)s") % {"keys": ", ".join(unknown[:10])})
    both = sorted(problem.must_include & problem.must_exclude)
    if both:
        fail(
            "must_include_excluded",
            _("estates both required and excluded: %(keys)s") % {"keys": ", ".join(both[:10])},
        )
    ineligible_must = sorted(k for k in problem.must_include if k in by_key and not by_key[k].eligible)
    if ineligible_must:
        fail(
            "must_include_ineligible",
            _("required estates that are not eligible: %(keys)s") % {"keys": ", ".join(ineligible_must[:10])},
        )
    # Bundles: no estate in two, every estate known
    bundle_of: dict[str, str] = {}
    for bundle, estates in sorted(problem.bundles.items()):
        missing = sorted(set(estates) - by_key.keys())
        if missing:
            fail(
                "bundle_unknown",
                _("bundle %(bundle)s names unknown estates: %(keys)s")
                % {"bundle": bundle, "keys": ", ".join(missing[:10])},
            )
        for key in sorted(estates):
            if key in bundle_of:
                fail(
                    "bundle_overlap",
                    _("estate %(key)s is in two bundles: %(first)s and %(second)s")
                    % {"key": key, "first": bundle_of[key], "second": bundle},
                )
            else:
                bundle_of[key] = bundle
    _conflict(messages, codes)

    scale = 10**places
    p, q = (cap.numerator, cap.denominator) if cap is not None else (0, 1)
    static_out: dict[str, tuple[str, str]] = {}
    for key in keys:
        if key in problem.must_exclude:
            static_out[key] = ("must_exclude", "")
        elif not by_key[key].eligible:
            static_out[key] = ("ineligible", "")
    # A bundle with a member that cannot be chosen is out as a whole
    groups: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()
    for bundle, estates in sorted(problem.bundles.items()):
        members = tuple(k for k in keys if k in estates)
        seen.update(members)
        blocked = [k for k in members if k in static_out]
        if blocked:
            forced_members = [k for k in members if k in problem.must_include]
            if forced_members:
                fail(
                    "bundle_must_include_excluded",
                    _("bundle %(bundle)s holds required estates %(required)s and excluded or ineligible %(blocked)s")
                    % {"bundle": bundle, "required": ", ".join(forced_members), "blocked": ", ".join(blocked)},
                )
            for k in members:
                if k not in static_out:
                    static_out[k] = ("bundle", blocked[0])
            continue
        if members:
            groups.append((bundle, members))
    groups.extend(("", (k,)) for k in keys if k not in seen and k not in static_out)
    _conflict(messages, codes)

    sources = sorted(problem.source_budgets)
    source_index = {s: i for i, s in enumerate(sources)}
    limited = sorted(problem.district_limits)
    district_index = {d: i for i, d in enumerate(limited)}
    model = _Model(
        problem=problem,
        scale=scale,
        keys=keys,
        by_key=by_key,
        item_of={},
        members=[],
        bundle_of_item=[],
        cost=[],
        benefit=[],
        households=[],
        post_households=[],
        cap_coef=[],
        cap_p=p,
        cap_q=q,
        sources=sources,
        source_coef=[{} for _s in sources],
        source_rhs=[_money(problem.source_budgets[s], scale) for s in sources],
        districts=limited,
        district_count=[{} for _d in limited],
        district_money=[{} for _d in limited],
        forced=[],
        static_out=static_out,
        budget=_money(budget, scale),
    )
    for bundle, members in groups:
        if not bundle:
            break
        i = len(model.members)
        cost = benefit_households = post = 0
        benefit = Decimal(0)
        for key in members:
            c = by_key[key]
            model.item_of[key] = i
            estate_money = _money(c.cost, scale)
            cost += estate_money
            benefit += c.benefit
            benefit_households += c.households
            if c.post2000:
                post += c.households
            for source, amount in c.source_costs.items():
                s = source_index.get(source)
                if s is not None:
                    row = model.source_coef[s]
                    row[i] = row.get(i, 0) + _money(amount, scale)
            d = district_index.get(c.district)
            if d is not None:
                model.district_count[d][i] = model.district_count[d].get(i, 0) + 1
                model.district_money[d][i] = model.district_money[d].get(i, 0) + estate_money
        model.members.append(members)
        model.bundle_of_item.append(bundle)
        model.cost.append(cost)
        model.benefit.append(benefit)
        model.households.append(benefit_households)
        model.post_households.append(post)
        model.cap_coef.append((q * post - p * benefit_households) if cap is not None else 0)
        model.forced.append(any(k in problem.must_include for k in members))
    # Single estates (most items), column by column
    singles = [members[0] for bundle, members in groups if not bundle]
    chosen_cands = [by_key[k] for k in singles]
    first = len(model.members)
    model.item_of.update(zip(singles, range(first, first + len(singles)), strict=True))
    model.members.extend((k,) for k in singles)
    model.bundle_of_item.extend([""] * len(singles))
    costs = [int(c.cost) for c in chosen_cands] if scale == 1 else [_money(c.cost, scale) for c in chosen_cands]
    model.cost.extend(costs)
    model.benefit.extend(c.benefit for c in chosen_cands)
    households = [c.households for c in chosen_cands]
    posts = [c.households if c.post2000 else 0 for c in chosen_cands]
    model.households.extend(households)
    model.post_households.extend(posts)
    if cap is not None:
        model.cap_coef.extend([q * ph - p * h for ph, h in zip(posts, households, strict=True)])
    else:
        model.cap_coef.extend([0] * len(singles))
    must = problem.must_include
    model.forced.extend([k in must for k in singles])
    for i, c, estate_money in zip(range(first, first + len(singles)), chosen_cands, costs, strict=True):
        if c.source_costs:
            for source, amount in c.source_costs.items():
                s = source_index.get(source)
                if s is not None:
                    model.source_coef[s][i] = _money(amount, scale)
        d = district_index.get(c.district)
        if d is not None:
            model.district_count[d][i] = 1
            model.district_money[d][i] = estate_money
    _prepare_rows(model)
    _check_conflicts(model)
    return model


def _check_conflicts(model: _Model) -> None:
    """Conflicts that can be seen without solving: forced totals over a limit, unreachable minimums."""
    problem = model.problem
    messages: list[str] = []
    codes: list[str] = []
    forced = [i for i in range(model.n) if model.forced[i]]
    forced_cost = sum(model.cost[i] for i in forced)
    if forced_cost > model.budget:
        codes += ["budget", "must_include"]
        messages.append(
            _("the required estates cost %(cost)s, more than the budget %(budget)s")
            % {"cost": _yuan(Decimal(forced_cost) / model.scale), "budget": _yuan(problem.budget)}
        )
    for s, source in enumerate(model.sources):
        used = sum(model.source_coef[s].get(i, 0) for i in forced)
        if used > model.source_rhs[s]:
            codes += ["source_budget", "must_include"]
            messages.append(
                _("the required estates ask %(amount)s of funding source %(source)s, more than its budget %(budget)s")
                % {
                    "amount": _yuan(Decimal(used) / model.scale),
                    "source": source,
                    "budget": _yuan(problem.source_budgets[source]),
                }
            )
    if problem.post2000_cap is not None:
        excess = sum(model.cap_coef[i] for i in forced)
        if excess > 0:
            # Pre-2000 households can dilute the share: the most the remaining budget can buy (fractional
            # knapsack by households per yuan, an upper bound) must cover the excess.
            room = model.budget - forced_cost
            helpers = sorted(
                (i for i in range(model.n) if not model.forced[i] and model.cap_coef[i] < 0),
                key=lambda i: model.cap_coef[i] / max(model.cost[i], 1),
            )
            reachable = Fraction(0)
            for i in helpers:
                if room <= 0 or reachable >= excess:
                    break
                take = Fraction(1) if model.cost[i] <= room else Fraction(room, model.cost[i])
                reachable += -model.cap_coef[i] * take
                room -= model.cost[i]
            if reachable < excess:
                codes += ["post2000_cap", "must_include"]
                messages.append(
                    _(
                        "the required estates' post-2000 households break the cap %(cap)s, and the budget cannot buy "
                        "enough households in earlier estates to bring the share down"
                    )
                    % {"cap": show(problem.post2000_cap)}
                )
    # District limits
    spend_floor = forced_cost
    for d, district in enumerate(model.districts):
        limit = problem.district_limits[district]
        counts, money = model.district_count[d], model.district_money[d]
        forced_count = sum(counts.get(i, 0) for i in forced)
        forced_money = sum(money.get(i, 0) for i in forced)
        available = sum(counts.values())
        available_money = sum(money.values())
        label = {"district": district}
        if limit.max_count is not None and forced_count > limit.max_count:
            codes += ["district_limit", "must_include"]
            messages.append(
                _("district %(district)s: %(count)s required estates, more than its maximum %(maximum)s")
                % {**label, "count": forced_count, "maximum": limit.max_count}
            )
        if limit.max_money is not None and forced_money > _money(limit.max_money, model.scale):
            codes += ["district_limit", "must_include"]
            messages.append(
                _("district %(district)s: the required estates cost more than its maximum %(maximum)s")
                % {**label, "maximum": _yuan(limit.max_money)}
            )
        if limit.min_count is not None and available < limit.min_count:
            codes.append("district_minimum")
            messages.append(
                _("district %(district)s: at least %(minimum)s estates required but only %(available)s can be chosen")
                % {**label, "minimum": limit.min_count, "available": available}
            )
        if limit.min_money is not None and available_money < _money(limit.min_money, model.scale):
            codes.append("district_minimum")
            messages.append(
                _("district %(district)s: at least %(minimum)s required but its estates cost only %(available)s")
                % {
                    **label,
                    "minimum": _yuan(limit.min_money),
                    "available": _yuan(Decimal(available_money) / model.scale),
                }
            )
        # The cheapest way to meet the minimum count, beyond what the required estates already give
        if limit.min_count is not None and limit.min_count > forced_count:
            extra = sorted(model.cost[i] / counts[i] for i in counts if not model.forced[i] for _k in range(counts[i]))
            spend_floor += int(sum(extra[: limit.min_count - forced_count]))
    if spend_floor > max(model.budget, forced_cost) and "district_minimum" not in codes:
        codes += ["district_minimum", "budget"]
        messages.append(
            _("meeting every district's minimum count costs at least %(cost)s, more than the budget %(budget)s")
            % {"cost": _yuan(Decimal(spend_floor) / model.scale), "budget": _yuan(problem.budget)}
        )
    _conflict(messages, codes)


# ---------------------------------------------------------------------------------------------
# Exact feasibility in integers


@dataclass
class _Rows:
    """Row activity of a selection, in exact integers, to test and update feasibility quickly."""

    model: _Model
    cost: int = 0
    cap: int = 0
    source: list[int] = field(default_factory=list)
    count: list[int] = field(default_factory=list)
    money: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.source = [0] * len(self.model.sources)
        self.count = [0] * len(self.model.districts)
        self.money = [0] * len(self.model.districts)

    def add(self, i: int, sign: int = 1) -> None:
        m = self.model
        self.cost += sign * m.cost[i]
        self.cap += sign * m.cap_coef[i]
        for s, row in enumerate(m.source_coef):
            if i in row:
                self.source[s] += sign * row[i]
        for d in m.item_district[i]:
            self.count[d] += sign * m.district_count[d][i]
            self.money[d] += sign * m.district_money[d][i]

    def blocked_by(self, i: int) -> str:
        """Which upper limit adding item i would break ("" when it fits)."""
        m = self.model
        if self.cost + m.cost[i] > m.budget:
            return "budget"
        if m.problem.post2000_cap is not None and m.cap_coef[i] > 0 and self.cap + m.cap_coef[i] > 0:
            return "post2000_cap"
        for d in m.item_district[i]:
            limit = m.problem.district_limits[m.districts[d]]
            if limit.max_count is not None and self.count[d] + m.district_count[d][i] > limit.max_count:
                return "district_limit"
            if limit.max_money is not None and self.money[d] + m.district_money[d][i] > m.max_money[d]:
                return "district_limit"
        for s, row in enumerate(m.source_coef):
            if i in row and self.source[s] + row[i] > m.source_rhs[s]:
                return "source_budget"
        return ""

    def violations(self) -> list[str]:
        m = self.model
        out: list[str] = []
        if self.cost > m.budget:
            out.append("budget")
        if m.problem.post2000_cap is not None and self.cap > 0:
            out.append("post2000_cap")
        out.extend(f"source_budget:{m.sources[s]}" for s in range(len(m.sources)) if self.source[s] > m.source_rhs[s])
        for d, district in enumerate(m.districts):
            limit = m.problem.district_limits[district]
            if (
                (limit.min_count is not None and self.count[d] < limit.min_count)
                or (limit.max_count is not None and self.count[d] > limit.max_count)
                or (limit.min_money is not None and self.money[d] < m.min_money[d])
                or (limit.max_money is not None and self.money[d] > m.max_money[d])
            ):
                out.append(f"district_limit:{district}")
        return out


def _prepare_rows(model: _Model) -> None:
    item_district: list[tuple[int, ...]] = [()] * model.n
    for d, row in enumerate(model.district_count):
        for i in row:
            item_district[i] += (d,)
    model.item_district = item_district
    limits = [model.problem.district_limits[d] for d in model.districts]
    model.min_money = [_money(x.min_money, model.scale) if x.min_money is not None else 0 for x in limits]
    model.max_money = [_money(x.max_money, model.scale) if x.max_money is not None else 0 for x in limits]


def _rows_of(model: _Model, chosen: Iterable[int]) -> _Rows:
    items = list(chosen)
    rows = _Rows(model)
    rows.cost = sum(model.cost[i] for i in items)
    rows.cap = sum(model.cap_coef[i] for i in items)
    for s, row in enumerate(model.source_coef):
        rows.source[s] = sum(row.get(i, 0) for i in items)
    if model.districts:
        counts, money = model.district_count, model.district_money
        for i in items:
            for d in model.item_district[i]:
                rows.count[d] += counts[d][i]
                rows.money[d] += money[d][i]
    return rows


# ---------------------------------------------------------------------------------------------
# HiGHS


@dataclass
class _Solve:
    """One HiGHS run over a set of columns."""

    status: str  # "optimal" | "feasible" | "infeasible" | "none"
    x: np.ndarray  # column values (empty when none)
    objective: float  # including the offset
    bound: float  # dual bound including the offset (LP: the LP value)
    row_duals: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    rows: list[tuple[np.ndarray, np.ndarray]]  # per row: column positions, coefficients


def _model_rows(
    model: _Model, cols: np.ndarray, ones: Sequence[int]
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[float], list[float]]:
    """The rows over `cols` (item indices), with the items in `ones` moved to the right-hand side."""
    inf = highspy.kHighsInf
    pos = {int(i): k for k, i in enumerate(cols)}
    rows: list[tuple[np.ndarray, np.ndarray]] = []
    lower: list[float] = []
    upper: list[float] = []
    every = np.arange(len(cols), dtype=np.int32)
    cost = np.array([float(model.cost[i]) for i in cols]) / model.scale
    rows.append((every, cost))
    lower.append(-inf)
    upper.append((model.budget - sum(model.cost[i] for i in ones)) / model.scale)
    if model.problem.post2000_cap is not None:
        coef = np.array([float(model.cap_coef[i]) for i in cols])
        rows.append((every, coef))
        lower.append(-inf)
        upper.append(float(-sum(model.cap_coef[i] for i in ones)))

    def sparse(row: Mapping[int, int], divide: int) -> tuple[np.ndarray, np.ndarray, int]:
        idx = [(pos[i], v) for i, v in row.items() if i in pos]
        fixed = sum(row.get(i, 0) for i in ones)
        index = np.array([k for k, _v in idx], dtype=np.int32)
        values = np.array([v / divide for _k, v in idx], dtype=float)
        return index, values, fixed

    for s in range(len(model.sources)):
        index, values, fixed = sparse(model.source_coef[s], model.scale)
        rows.append((index, values))
        lower.append(-inf)
        upper.append((model.source_rhs[s] - fixed) / model.scale)
    for d, district in enumerate(model.districts):
        limit = model.problem.district_limits[district]
        if limit.min_count is not None or limit.max_count is not None:
            index, values, fixed = sparse(model.district_count[d], 1)
            rows.append((index, values))
            lower.append(limit.min_count - fixed if limit.min_count is not None else -inf)
            upper.append(limit.max_count - fixed if limit.max_count is not None else inf)
        if limit.min_money is not None or limit.max_money is not None:
            index, values, fixed = sparse(model.district_money[d], model.scale)
            rows.append((index, values))
            lower.append((model.min_money[d] - fixed) / model.scale if limit.min_money is not None else -inf)
            upper.append((model.max_money[d] - fixed) / model.scale if limit.max_money is not None else inf)
    return rows, lower, upper


def _highs_solve(
    model: _Model,
    cols: np.ndarray,
    ones: Sequence[int],
    *,
    integer: bool,
    start: np.ndarray | None = None,
    time_limit: float = 10.0,
    gap: float = 1e-4,
) -> _Solve:
    rows, lower, upper = _model_rows(model, cols, ones)
    offset = float(sum(model.benefit[i] for i in ones))
    n = len(cols)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(rows)
    lp.col_cost_ = np.array([float(model.benefit[i]) for i in cols]) if n else np.zeros(0)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.array(lower, dtype=float)
    lp.row_upper_ = np.array(upper, dtype=float)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.offset_ = offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lengths = [len(index) for index, _v in rows]
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate([index for index, _v in rows]).astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate([values for _i, values in rows]) if rows else np.zeros(0)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("time_limit", max(0.05, time_limit))
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("threads", 1)
    if not integer and n > FULL_MILP_LIMIT:
        # The dual simplex stalls on very wide LPs (220,000 columns, ~150 rows); the interior point method with
        # crossover solves them in seconds and still gives a basic solution with row duals.
        h.setOptionValue("solver", "ipm")
    h.passModel(lp)
    if integer and start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = [float(v) for v in start]
        h.setSolution(solution)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    empty = np.zeros(0)
    row_lower, row_upper = np.array(lower, dtype=float), np.array(upper, dtype=float)
    if status == highspy.HighsModelStatus.kInfeasible:
        return _Solve("infeasible", empty, -math.inf, -math.inf, empty, row_lower, row_upper, rows)
    solution = h.getSolution()
    if not solution.value_valid:
        return _Solve("none", empty, -math.inf, math.inf, empty, row_lower, row_upper, rows)
    x = np.array(solution.col_value)
    objective = float(info.objective_function_value)
    if integer:
        bound = float(info.mip_dual_bound)
        if not math.isfinite(bound):
            bound = math.inf
        done = "optimal" if status == highspy.HighsModelStatus.kOptimal else "feasible"
        return _Solve(done, x, objective, bound, empty, row_lower, row_upper, rows)
    duals = np.array(solution.row_dual)
    if not solution.dual_valid or len(duals) != len(rows):
        duals = np.zeros(len(rows))
    return _Solve("optimal", x, objective, objective, duals, row_lower, row_upper, rows)


def _lagrange(benefit: np.ndarray, solve: _Solve, offset: float) -> tuple[float, np.ndarray, np.ndarray]:
    """A proven bound from the LP duals, the reduced costs, and the multipliers used (signs made valid)."""
    y = solve.row_duals.copy()
    d = benefit.copy()
    bound = offset
    for r, (index, values) in enumerate(solve.rows):
        value = y[r]
        if (value > 0 and not math.isfinite(solve.row_upper[r])) or (
            value < 0 and not math.isfinite(solve.row_lower[r])
        ):
            value = 0.0
        y[r] = value
        if value == 0.0:
            continue
        bound += value * (solve.row_upper[r] if value > 0 else solve.row_lower[r])
        if len(index) == len(d):
            d -= value * values  # a dense row (budget, cap): every column in order
        else:
            np.subtract.at(d, index, value * values)
    bound += float(np.maximum(d, 0.0).sum())
    return bound, d, y


# ---------------------------------------------------------------------------------------------
# The warm start: round the LP down, meet district minimums, fill greedily


def _fill(model: _Model, rows: _Rows, chosen: set[int], order: Sequence[int]) -> None:
    for i in order:
        if i not in chosen and model.benefit[i] > 0 and not rows.blocked_by(i):
            chosen.add(i)
            rows.add(i)


def _heuristic(model: _Model, free: np.ndarray, x: np.ndarray, score: np.ndarray) -> set[int] | None:
    """A feasible plan near the LP optimum, or None when the greedy repair cannot find one."""
    chosen = {i for i in range(model.n) if model.forced[i]}
    chosen.update(int(free[k]) for k in np.flatnonzero(x >= 1 - 1e-6))
    rows = _rows_of(model, chosen)
    order = [int(free[k]) for k in np.argsort(-score, kind="stable")]
    # District minimums first: the best-scored estates of each short district that still fit
    for d, district in enumerate(model.districts):
        limit = model.problem.district_limits[district]
        for i in order:
            short_count = limit.min_count is not None and rows.count[d] < limit.min_count
            short_money = limit.min_money is not None and rows.money[d] < model.min_money[d]
            if not (short_count or short_money):
                break
            if i not in chosen and i in model.district_count[d] and not rows.blocked_by(i):
                chosen.add(i)
                rows.add(i)
    _fill(model, rows, chosen, order)
    if rows.cap > 0 and model.problem.post2000_cap is not None:
        # Rounding down dropped earlier estates: leave out later ones, lowest score first
        for i in reversed(order):
            if rows.cap <= 0:
                break
            if i in chosen and model.cap_coef[i] > 0 and not model.forced[i]:
                chosen.discard(i)
                rows.add(i, -1)
        _fill(model, rows, chosen, order)
    return None if rows.violations() else chosen


def _objective(model: _Model, chosen: Iterable[int]) -> Decimal:
    return sum((model.benefit[i] for i in chosen), Decimal(0))


def _solve_plan(
    model: _Model, progress: Callable[[str, float], None] | None
) -> tuple[set[int], Decimal, Decimal, str, dict[str, Any]]:
    """The chosen items, the exact objective, the proven bound, the status and the LP prices for explanations."""
    problem = model.problem
    started = time.perf_counter()
    deadline = started + problem.time_limit_s
    gap_target = float(problem.gap_target)
    forced = [i for i in range(model.n) if model.forced[i]]
    free = np.array([i for i in range(model.n) if not model.forced[i]], dtype=np.int64)
    benefit = np.array([float(model.benefit[i]) for i in free])
    offset = float(sum(model.benefit[i] for i in forced))

    def report(stage: str) -> None:
        if progress is not None:
            progress(stage, time.perf_counter() - started)

    if not len(free):
        # Nothing left to choose: the plan is the required estates
        rows = _rows_of(model, forced)
        if rows.violations():
            raise PlanConflict(
                _("the constraints cannot all hold together (the solver proves no plan meets them)"),
                ("infeasible",),
            )
        value = _objective(model, forced)
        report("lp")
        return set(forced), value, value, "optimal", {"y": np.zeros(0), "reduced": {}, "lp_bound": float(value)}
    lp = _highs_solve(model, free, forced, integer=False, time_limit=problem.time_limit_s)
    report("lp")
    if lp.status == "infeasible":
        raise PlanConflict(
            _("the constraints cannot all hold together (the solver proves no plan meets them)"), ("infeasible",)
        )
    lagrange_bound, reduced, y = _lagrange(benefit, lp, offset)
    cost = np.array([model.cost[i] for i in free], dtype=float)
    # LP-preferred first (reduced cost), then benefit per yuan among equals
    score = reduced + 1e-9 * benefit / np.maximum(cost / model.scale, 1.0)
    warm = _heuristic(model, free, lp.x, score)
    report("warm_start")
    warm_value = _objective(model, warm) if warm is not None else None
    prices = {"y": y, "reduced": dict(zip(free.tolist(), reduced.tolist(), strict=True)), "lp_bound": lagrange_bound}

    # Reduced-cost fixing against the warm start
    slack = lagrange_bound - float(warm_value) if warm_value is not None else math.inf
    tolerance = 1e-7 * max(1.0, abs(lagrange_bound))
    keep = np.ones(len(free), dtype=bool)
    fixed_one: list[int] = []
    if len(free) > FULL_MILP_LIMIT and math.isfinite(slack):
        threshold = slack + tolerance
        keep = np.abs(reduced) <= threshold
        fixed_one = [int(i) for i in free[reduced > threshold]]
    cols = free[keep]
    ones = forced + fixed_one
    start = None
    if warm is not None:
        consistent = all(i in warm for i in fixed_one) and not any(int(i) in warm for i in free[~keep & (reduced < 0)])
        if consistent:
            start = np.array([1.0 if int(i) in warm else 0.0 for i in cols])
    remaining = max(0.05, deadline - time.perf_counter())
    if warm_value is not None and lagrange_bound - float(warm_value) <= gap_target * abs(lagrange_bound):
        mip = None  # the warm start already meets the gap target
    else:
        mip = _highs_solve(model, cols, ones, integer=True, start=start, time_limit=remaining, gap=gap_target)
    report("milp")

    best = warm
    best_value = warm_value
    mip_taken = False
    restricted_bound = math.inf if mip is None else mip.bound
    if mip is not None and mip.status == "infeasible":
        restricted_bound = -math.inf
    if mip is not None and mip.status in ("optimal", "feasible"):
        chosen = set(ones) | {int(cols[k]) for k in np.flatnonzero(mip.x > 0.5)}
        rows = _rows_of(model, chosen)
        if not rows.violations():
            _fill(model, rows, chosen, [int(free[k]) for k in np.argsort(-score, kind="stable")])
            value = _objective(model, chosen)
            if best_value is None or value >= best_value:
                best, best_value, mip_taken = chosen, value, True
    if best is None or best_value is None:
        if mip is not None and mip.status == "infeasible" and not fixed_one:
            raise PlanConflict(
                _("the constraints cannot all hold together (the solver proves no plan meets them)"), ("infeasible",)
            )
        raise PlanConflict(
            _("no plan meeting every constraint was found within the time limit of %(seconds)s s")
            % {"seconds": show(Decimal(str(problem.time_limit_s)))},
            ("time_limit",),
        )
    # The bound: plans that break a fixing are worth at most the warm start
    if fixed_one or len(cols) < len(free):
        bound_value = min(lagrange_bound, max(float(warm_value or 0), restricted_bound))
    else:
        bound_value = min(lagrange_bound, restricted_bound)
    bound = Decimal(str(float(bound_value))) if math.isfinite(bound_value) else best_value
    if bound < best_value or bound - best_value <= best_value * Decimal("1e-9"):
        bound = best_value
    gap = (bound - best_value) / bound if bound > 0 else Decimal(0)
    optimal = gap == 0 or (mip is not None and mip.status == "optimal" and mip_taken and gap_target == 0)
    if optimal:
        bound, gap = best_value, Decimal(0)
    status = "optimal" if gap == 0 else "gap_reached" if gap <= Decimal(gap_target) + Decimal("1e-12") else "time_limit"
    prices["free"] = len(free)
    prices["milp_columns"] = len(cols)
    return best, best_value, bound, status, prices


# ---------------------------------------------------------------------------------------------
# Why not: one explanation per candidate left out

TEN_THOUSAND = Decimal(10000)


def _wan(value: float) -> str:
    """Benefit per 10,000 yuan (万元), the unit offices read."""
    return f"{value * 10000:.4g}"


def _money_text(value: float | int | Decimal) -> str:
    return f"¥{Decimal(value):,.2f}" if isinstance(value, Decimal) else f"¥{value:,.2f}"


def _int_array(values: Sequence[int]) -> np.ndarray:
    """Exact integers as int64 where they fit, else as Python integers (object dtype)."""
    if not values or max(abs(min(values)), abs(max(values))) < 2**62:
        return np.array(values, dtype=np.int64)
    return np.array(values, dtype=object)


def _blocked(model: _Model, rows: _Rows, items: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each item: which upper limit adding it to the plan breaks ("" none); whether it alone breaks the
    budget; whether it alone breaks a source budget. Exact integer comparisons, vectorised."""
    cost = _int_array(model.cost)[items]
    blocked = np.full(len(items), "", dtype=object)
    alone_budget = cost > model.budget
    alone_source = np.zeros(len(items), dtype=bool)
    blocked[cost > model.budget - rows.cost] = "budget"
    for s in reversed(range(len(model.sources))):
        row = model.source_coef[s]
        asked = _int_array([row.get(int(i), 0) for i in items])
        blocked[(asked > 0) & (asked > model.source_rhs[s] - rows.source[s])] = "source_budget"
        alone_source |= asked > model.source_rhs[s]
    for d, district in enumerate(model.districts):
        limit = model.problem.district_limits[district]
        if limit.max_count is None and limit.max_money is None:
            continue
        counts, money = model.district_count[d], model.district_money[d]
        in_district = np.array([int(i) in counts for i in items], dtype=bool)
        over = np.zeros(len(items), dtype=bool)
        if limit.max_count is not None:
            over |= _int_array([rows.count[d] + counts.get(int(i), 0) for i in items]) > limit.max_count
        if limit.max_money is not None:
            over |= _int_array([rows.money[d] + money.get(int(i), 0) for i in items]) > model.max_money[d]
        blocked[in_district & over] = "district_limit"
    if model.problem.post2000_cap is not None:
        cap = _int_array(model.cap_coef)[items]
        blocked[(cap > 0) & (cap > -rows.cap)] = "post2000_cap"
    return blocked, alone_budget, alone_source


def _explain(model: _Model, chosen: set[int], prices: Mapping[str, Any]) -> Mapping[str, Exclusion]:
    """Why each candidate is left out, and what would bring it in, from the LP prices: O(n log n)."""
    problem = model.problem
    scale = model.scale
    rows = _rows_of(model, chosen)
    out: dict[str, Exclusion] = {}
    # Estates that could never be chosen
    ineligible = (_("it is not eligible for the programme"), _("eligibility (it cannot be brought in)"))
    excluded = (_("it was excluded from this plan by hand"), _("removing it from the excluded estates"))
    partner_message = _(
        "its bundle partner %(partner)s cannot be in the plan, and the bundle goes in whole or not at all"
    )
    partner_bring = _("bringing in %(partner)s, or taking it out of the bundle")
    for key, (code, partner) in model.static_out.items():
        if code == "bundle":
            out[key] = Exclusion(
                key,
                "bundle",
                partner_message % {"partner": partner},
                partner_bring % {"partner": partner},
                {"partner": partner},
            )
        else:
            message, bring = ineligible if code == "ineligible" else excluded
            out[key] = Exclusion(key, code, message, bring, {})
    items = np.array([i for i in range(model.n) if i not in chosen], dtype=np.int64)
    if not len(items):
        return _Exclusions(out, {}, lambda k: ("", "", "", {}))
    # The marginal accepted estate: the lowest benefit per yuan among those chosen freely
    accepted = [
        (float(model.benefit[i]) * scale / model.cost[i], i) for i in chosen if not model.forced[i] and model.cost[i]
    ]
    marginal, marginal_item = min(accepted) if accepted else (0.0, -1)
    marginal_key = model.members[marginal_item][0] if marginal_item >= 0 else ""
    plan_households = sum(model.households[i] for i in chosen)
    plan_post = sum(model.post_households[i] for i in chosen)
    unused = Decimal(model.budget - rows.cost) / scale
    budget = Decimal(problem.budget)
    # LP prices: benefit per yuan of the budget and of each capped source
    y = prices["y"]
    budget_price = float(y[0]) if len(y) else 0.0
    first_source = 2 if problem.post2000_cap is not None else 1
    cost_f = np.array([model.cost[i] for i in items], dtype=float) / scale
    benefit_f = np.array([float(model.benefit[i]) for i in items])
    base = benefit_f - budget_price * cost_f
    for s in range(len(model.sources)):
        row = model.source_coef[s]
        price = float(y[first_source + s]) if len(y) > first_source + s else 0.0
        if price:
            base -= price * np.array([row.get(int(i), 0) for i in items], dtype=float) / scale
    blocked, alone_budget, alone_source = _blocked(model, rows, items)
    # Worth its money at the LP's price of the budget; for "the budget is too small" also at least as good per
    # yuan as the marginal accepted estate (the LP price is not unique when the budget is exactly spent).
    ratio_f = np.divide(benefit_f, cost_f, out=np.full(len(items), np.inf), where=cost_f > 0)
    attractive = (base >= -1e-9 * np.maximum(1.0, benefit_f)) & (
        (blocked != "budget") | (ratio_f >= marginal * (1 - 1e-12))
    )
    reduced_of = prices["reduced"]

    t_alone = _("it alone costs %(cost)s, more than the whole budget %(budget)s")
    t_alone_bring = _("a budget of at least %(needed)s")
    t_source_alone = _("it alone asks %(amount)s of a funding source, more than that source's budget")
    t_source_alone_bring = _("a larger budget for funding source %(source)s")
    t_cap = _(
        "its %(households)s post-2000 households would raise their share of the plan to %(share)s, "
        "above the cap %(cap)s"
    )
    t_cap_bring = _("%(more)s more households in earlier estates in the plan, or a cap of at least %(share)s")
    t_cap_zero = _("a cap above 0 for later estates")
    t_district = _("district %(district)s has reached its maximum")
    t_district_bring = _("a higher maximum for district %(district)s")
    t_source = _("funding source %(source)s has too little left for it")
    t_budget = _("it costs %(cost)s, more than the %(unused)s the plan leaves unused")
    t_budget_bring = _("a budget of at least %(needed)s (%(more)s more)")
    t_value = _(
        "its benefit of %(ratio)s per 10,000 yuan is below the %(marginal)s per 10,000 yuan of %(estate)s, "
        "the marginal accepted estate"
    )
    t_value_bring = _("a benefit of at least %(needed)s (now %(benefit)s)")
    t_bundle = _("its bundle %(bundle)s is left out as a whole: %(reason)s")
    cap = problem.post2000_cap or Fraction(0)
    cent = Decimal("0.01")
    item_list = items.tolist()
    alone_budget_list, alone_source_list = alone_budget.tolist(), alone_source.tolist()
    attractive_list, blocked_list = attractive.tolist(), blocked.tolist()

    def explain_one(k: int) -> tuple[str, str, str, dict[str, Any]]:
        item = item_list[k]
        cost = Decimal(model.cost[item]) / scale
        benefit = model.benefit[item]
        figures: dict[str, Any] = {"cost": cost, "benefit": benefit}
        sources = [s for n, s in enumerate(model.sources) if item in model.source_coef[n]]
        if alone_budget_list[k]:
            code = "budget"
            message = t_alone % {"cost": _money_text(cost), "budget": _money_text(budget)}
            bring = t_alone_bring % {"needed": _money_text(cost)}
            figures["budget_needed"] = cost
        elif alone_source_list[k]:
            code = "source_budget"
            asked = max(Decimal(model.source_coef[n].get(item, 0)) / scale for n in range(len(model.sources)))
            message = t_source_alone % {"amount": _money_text(asked)}
            bring = t_source_alone_bring % {"source": ", ".join(sources)}
            figures["sources"] = sources
        elif attractive_list[k] and blocked_list[k] == "post2000_cap":
            code = "post2000_cap"
            new_post = plan_post + model.post_households[item]
            new_total = plan_households + model.households[item]
            share = Fraction(new_post, new_total) if new_total else Fraction(0)
            figures.update({"share_with_it": share, "cap": cap})
            message = t_cap % {"households": model.post_households[item], "share": show(share), "cap": show(cap)}
            if cap > 0:
                more = max(0, math.ceil(Fraction(new_post) / cap - new_total))
                figures["earlier_households_needed"] = more
                bring = t_cap_bring % {"more": more, "share": show(share)}
            else:
                bring = t_cap_zero
        elif attractive_list[k] and blocked_list[k] == "district_limit":
            code = "district_limit"
            names = ", ".join(model.districts[d] for d in model.item_district[item])
            figures["districts"] = names
            message = t_district % {"district": names}
            bring = t_district_bring % {"district": names}
        elif attractive_list[k] and blocked_list[k] == "source_budget":
            code = "source_budget"
            figures["sources"] = sources
            message = t_source % {"source": ", ".join(sources)}
            bring = t_source_alone_bring % {"source": ", ".join(sources)}
        elif attractive_list[k] and blocked_list[k] == "budget":
            code = "budget"
            increase = cost - unused
            figures.update({"unused_budget": unused, "budget_increase_needed": increase})
            message = t_budget % {"cost": _money_text(cost), "unused": _money_text(unused)}
            bring = t_budget_bring % {"needed": _money_text(budget + increase), "more": _money_text(increase)}
        else:
            code = "lower_value_per_yuan"
            reduced = float(reduced_of.get(item, 0.0))
            needed = (benefit - Decimal(str(min(reduced, 0.0)))).quantize(cent, rounding="ROUND_CEILING")
            if needed <= benefit:
                needed = benefit + cent
            ratio = float(benefit) / float(cost) if cost > 0 else math.inf
            figures.update(
                {
                    "benefit_needed": needed,
                    "benefit_per_10000_yuan": ratio * 10000 if math.isfinite(ratio) else None,
                    "marginal_benefit_per_10000_yuan": marginal * 10000,
                    "marginal_estate": marginal_key,
                    "budget_increase_needed": max(Decimal(0), cost - unused),
                }
            )
            message = t_value % {
                "ratio": _wan(ratio) if math.isfinite(ratio) else "∞",
                "marginal": _wan(marginal),
                "estate": marginal_key,
            }
            bring = t_value_bring % {"needed": f"{needed:f}", "benefit": f"{benefit:f}"}
        if len(model.members[item]) > 1:
            bundle = model.bundle_of_item[item]
            figures = {**figures, "bundle": bundle, "bundle_reason": code}
            message = t_bundle % {"bundle": bundle, "reason": message}
            code = "bundle"
        return code, message, bring, figures

    position = {key: k for k, item in enumerate(item_list) for key in model.members[item]}
    return _Exclusions(out, position, explain_one)


class _Exclusions(Mapping[str, Exclusion]):
    """Every left-out candidate's Exclusion, each written out when first read (220,000 read in about 2 s;
    a page that shows a few pays for a few)."""

    def __init__(
        self,
        ready: dict[str, Exclusion],
        position: dict[str, int],
        explain_one: Callable[[int], tuple[str, str, str, dict[str, Any]]],
    ) -> None:
        self._ready = ready
        self._position = position
        self._explain_one = explain_one
        self._keys = [*ready, *position]

    def __getitem__(self, key: str) -> Exclusion:
        found = self._ready.get(key)
        if found is None:
            k = self._position[key]  # KeyError for a selected or unknown estate
            code, message, bring, figures = self._explain_one(k)
            found = self._ready[key] = Exclusion(key, code, message, bring, figures)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._ready or key in self._position

    def __repr__(self) -> str:
        return f"<{len(self)} exclusions>"


# ---------------------------------------------------------------------------------------------
# The office method


def _spreadsheet(model: _Model) -> set[int]:
    """Required estates, then each limited district's best estates up to its minimum, then by benefit."""
    chosen = {i for i in range(model.n) if model.forced[i]}
    rows = _rows_of(model, chosen)
    order = sorted(range(model.n), key=model.benefit.__getitem__, reverse=True)  # stable: ties keep input order
    for d, district in enumerate(model.districts):
        limit = model.problem.district_limits[district]
        for i in order:
            if (limit.min_count is None or rows.count[d] >= limit.min_count) and (
                limit.min_money is None or rows.money[d] >= model.min_money[d]
            ):
                break
            if i not in chosen and i in model.district_count[d] and not rows.blocked_by(i):
                chosen.add(i)
                rows.add(i)
    for i in order:
        if i not in chosen and not rows.blocked_by(i):
            chosen.add(i)
            rows.add(i)
    return chosen


def _keys(model: _Model, chosen: Iterable[int]) -> tuple[str, ...]:
    return tuple(sorted(key for i in chosen for key in model.members[i]))


def plan_spreadsheet(problem: PlanProblem) -> tuple[tuple[str, ...], Decimal]:
    """The office method: required estates first, each limited district's best up to its minimum, then the
    eligible estates by benefit (score) descending, each taken while it still fits every limit."""
    model = _build(problem)
    chosen = _spreadsheet(model)
    return _keys(model, chosen), _objective(model, chosen)


def plan_violations(problem: PlanProblem, selected: Iterable[str]) -> tuple[str, ...]:
    """The constraints a selection of estate keys breaks (empty when it is a valid plan)."""
    model = _build(problem)
    keys = set(selected)
    out: list[str] = []
    unknown = keys - model.by_key.keys()
    if unknown:
        out.append("unknown_estate")
    if keys & set(model.static_out):
        out.append("excluded_estate")
    chosen = {model.item_of[k] for k in keys if k in model.item_of}
    if any(key not in keys for i in chosen for key in model.members[i]):
        out.append("bundle")
    if any(model.forced[i] and i not in chosen for i in range(model.n)):
        out.append("must_include")
    out.extend(_rows_of(model, chosen).violations())
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# The rule


def _percent(value: Decimal) -> str:
    return f"{value * 100:.4f}%"


def plan_optimise(
    problem: PlanProblem,
    *,
    explain: bool = True,
    progress: Callable[[str, float], None] | None = None,
) -> PlanResult:
    """The plan with the most benefit that meets every constraint (exact MILP, HiGHS, proven bound).

    Raises PlanConflict (naming the conflicting constraints) when no plan can meet them all. `progress`
    is called with a stage name ("lp", "warm_start", "milp", "explain") and the seconds spent so far.
    """
    started = time.perf_counter()
    model = _build(problem)
    chosen, objective, bound, status, prices = _solve_plan(model, progress)
    spreadsheet = _spreadsheet(model)
    spreadsheet_objective = _objective(model, spreadsheet)
    exclusions: Mapping[str, Exclusion] = {}
    if explain:
        exclusions = _explain(model, chosen, prices)
        if progress is not None:
            progress("explain", time.perf_counter() - started)
    selected = _keys(model, chosen)
    cost = sum((model.by_key[k].cost for k in selected), Decimal(0))
    households = sum(model.households[i] for i in chosen)
    post_households = sum(model.post_households[i] for i in chosen)
    gap = (bound - objective) / bound if bound > 0 else Decimal(0)
    decision = _decision(
        model,
        selected=selected,
        objective=objective,
        bound=bound,
        gap=gap,
        status=status,
        cost=cost,
        households=households,
        post_households=post_households,
        spreadsheet_objective=spreadsheet_objective,
        rows=_rows_of(model, chosen),
        lp_bound=prices["lp_bound"],
    )
    return PlanResult(
        selected=selected,
        objective=objective,
        bound=bound,
        gap=gap,
        status=status,
        wall_s=time.perf_counter() - started,
        cost=cost,
        households=households,
        post2000_households=post_households,
        spreadsheet_selected=_keys(model, spreadsheet),
        spreadsheet_objective=spreadsheet_objective,
        exclusions=exclusions,
        decision=decision,
    )


def _decision(
    model: _Model,
    *,
    selected: tuple[str, ...],
    objective: Decimal,
    bound: Decimal,
    gap: Decimal,
    status: str,
    cost: Decimal,
    households: int,
    post_households: int,
    spreadsheet_objective: Decimal,
    rows: _Rows,
    lp_bound: float,
) -> Decision:
    problem = model.problem
    budget = Decimal(problem.budget)
    reasons = [
        Reason(
            code="plan_selected",
            message=_(
                "%(selected)s of %(candidates)s candidate estates selected, benefit %(objective)s; "
                "no plan can exceed %(bound)s (gap %(gap)s)"
            )
            % {
                "selected": len(selected),
                "candidates": len(model.keys),
                "objective": show(objective),
                "bound": show(bound),
                "gap": _percent(gap),
            },
            value=objective,
            threshold=bound,
            numerator=len(selected),
            denominator=len(model.keys),
        ),
        Reason(
            code="plan_budget",
            message=_("the plan costs %(cost)s of the budget %(budget)s (%(unused)s unused)")
            % {"cost": _money_text(cost), "budget": _money_text(budget), "unused": _money_text(budget - cost)},
            fact="cost",
            value=cost,
            threshold=budget,
        ),
    ]
    if problem.post2000_cap is not None:
        cap = problem.post2000_cap
        plan_share = Fraction(post_households, households) if households else Fraction(0)
        reasons.append(
            Reason(
                code="post2000_share_within_cap",
                message=_(
                    "%(post)s of the plan's %(households)s households live in estates completed after 2000 "
                    "(%(share)s), within the cap %(cap)s"
                )
                % {"post": post_households, "households": households, "share": show(plan_share), "cap": show(cap)},
                parameter=CAP_KEY,
                value=plan_share,
                threshold=cap,
                source=problem.post2000_cap_source or GUYUAN,
                numerator=post_households,
                denominator=households,
            )
        )
    for s, source in enumerate(model.sources):
        used = Decimal(rows.source[s]) / model.scale
        reasons.append(
            Reason(
                code="source_budget_met",
                message=_("funding source %(source)s: %(used)s of its budget %(budget)s")
                % {"source": source, "used": _money_text(used), "budget": _money_text(problem.source_budgets[source])},
                fact=f"source:{source}",
                value=used,
                threshold=problem.source_budgets[source],
            )
        )
    if model.districts:
        reasons.append(
            Reason(
                code="district_limits_met",
                message=_("every limit of the %(districts)s districts with limits is met")
                % {"districts": len(model.districts)},
                value=len(model.districts),
            )
        )
    if problem.must_include:
        reasons.append(
            Reason(
                code="required_included",
                message=_("all %(count)s required estates (carry-overs) are in the plan")
                % {"count": len(problem.must_include)},
                value=len(problem.must_include),
            )
        )
    share = spreadsheet_objective / objective if objective > 0 else Decimal(1)
    reasons.append(
        Reason(
            code="spreadsheet_comparison",
            message=_("taking estates by score until the money runs out gives %(spreadsheet)s, %(share)s of this plan")
            % {"spreadsheet": show(spreadsheet_objective), "share": _percent(share)},
            value=spreadsheet_objective,
            threshold=objective,
        )
    )
    return Decision(
        rule=RULE,
        outcome=status,
        reasons=tuple(reasons),
        figures={
            "selected": list(selected),
            "objective": objective,
            "bound": bound,
            "gap": gap,
            "cost": cost,
            "households": households,
            "post2000_households": post_households,
            "spreadsheet_objective": spreadsheet_objective,
            "spreadsheet_share": share,
            "lp_bound": Decimal(str(float(lp_bound))).quantize(Decimal("0.01")) if math.isfinite(lp_bound) else None,
        },
    )
