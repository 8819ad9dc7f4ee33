"""Plan-optimiser benchmark: the annual plan from 20,000 and 220,000 synthetic candidate estates.

No database: the candidates are generated in memory (seeded numpy, the same seed gives the same estates)
and handed to the pure rule `plan_optimise`. Each estate has 20–2,000 households (log-normal), an
investment of 0.3–15 M yuan that grows with its households (about ¥12,000–¥40,000 a household), a
priority score 0–100 and a benefit of score × households; about 20 % were completed after 2000 and count
against the Guyuan 15 % household cap (`eligibility.post2000_household_cap`); the estates lie in 150
districts, each of which must get at least one to three estates. The budget is 30 % of the total cost.

For each size and run it prints the plan's benefit (objective), the proven upper bound, the gap, the wall
time of `plan_optimise` (validation, LP, warm start, MILP and the "why not" of every excluded estate), the
office's spreadsheet method (take estates by score until the money runs out) and its share of the optimum,
and the objective's share of the LP bound. Medians over the runs are printed at the end. The target at
220,000 estates is a gap of at most 0.01 % within 10 s.

    uv run python bench/bench_plan.py                         # 20,000 and 220,000 estates, 3 runs
    uv run python bench/bench_plan.py --sizes 20000 --runs 1  # quick run
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jiugai.rules.plan_optimiser import (  # noqa: E402
    DistrictLimit,
    PlanCandidate,
    PlanProblem,
    plan_optimise,
)

TARGET_SECONDS = 10.0
TARGET_GAP = Fraction(1, 10000)
DISTRICTS = 150
CAP = Fraction(15, 100)


def synthetic_problem(estates: int, seed: int) -> PlanProblem:
    """`estates` candidates with realistic costs, scores and households; the same seed gives the same problem."""
    rng = np.random.default_rng(seed)
    households = np.clip(np.rint(rng.lognormal(mean=np.log(180), sigma=0.8, size=estates)), 20, 2000).astype(int)
    per_household = rng.uniform(12_000, 40_000, size=estates)
    cost = np.clip(np.rint(households * per_household * rng.lognormal(0, 0.25, size=estates)), 300_000, 15_000_000)
    score = rng.integers(0, 101, size=estates)
    post2000 = rng.random(estates) < 0.2
    district = rng.integers(0, DISTRICTS, size=estates)
    minimum = rng.integers(1, 4, size=DISTRICTS)
    candidates = [
        PlanCandidate(
            key=f"E{k:06d}",
            cost=Decimal(int(cost[k])),
            benefit=Decimal(int(score[k]) * int(households[k])),
            households=int(households[k]),
            post2000=bool(post2000[k]),
            district=f"D{int(district[k]):03d}",
        )
        for k in range(estates)
    ]
    return PlanProblem(
        candidates=candidates,
        budget=Decimal(int(cost.sum() * 0.3)),
        post2000_cap=CAP,
        district_limits={f"D{d:03d}": DistrictLimit(min_count=int(minimum[d])) for d in range(DISTRICTS)},
        time_limit_s=TARGET_SECONDS,
        gap_target=TARGET_GAP,
    )


def one_run(estates: int, seed: int, run: int) -> dict[str, Any]:
    problem = synthetic_problem(estates, seed)
    stages: dict[str, float] = {}
    started = time.perf_counter()
    result = plan_optimise(problem, progress=lambda stage, seconds: stages.__setitem__(stage, round(seconds, 2)))
    wall = time.perf_counter() - started
    lp_bound = Decimal(str(result.decision.figures["lp_bound"]))
    figures = {
        "estates": estates,
        "run": run,
        "objective": result.objective,
        "bound": result.bound,
        "gap_percent": float(result.gap * 100),
        "status": result.status,
        "wall_s": round(wall, 3),
        "stages_s": stages,
        "selected": len(result.selected),
        "spreadsheet_objective": result.spreadsheet_objective,
        "spreadsheet_share": float(result.spreadsheet_objective / result.objective),
        "lp_share": float(result.objective / lp_bound),
        "excluded_explained": len(result.exclusions),
    }
    print(
        f"{estates:,} estates, run {run}: objective {result.objective:,} bound {result.bound:,.2f} "
        f"gap {figures['gap_percent']:.5f}% ({result.status}) in {wall:.2f} s {stages}; "
        f"spreadsheet {result.spreadsheet_objective:,} = {figures['spreadsheet_share']:.1%} of the optimum; "
        f"objective / LP bound {figures['lp_share']:.6f}; {len(result.selected):,} selected",
        flush=True,
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 220_000], help="candidate estates")
    parser.add_argument("--runs", type=int, default=3, help="repetitions; the median is reported (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object at the end")
    args = parser.parse_args(argv)
    summary: dict[str, Any] = {}
    for size in args.sizes:
        runs = [one_run(size, args.seed + run - 1, run) for run in range(1, max(1, args.runs) + 1)]
        median = {
            key: statistics.median(float(r[key]) for r in runs)
            for key in ("objective", "bound", "gap_percent", "wall_s", "spreadsheet_objective", "spreadsheet_share")
        }
        median["lp_share"] = statistics.median(r["lp_share"] for r in runs)
        verdict = (
            "meets"
            if median["wall_s"] <= TARGET_SECONDS and median["gap_percent"] <= float(TARGET_GAP * 100)
            else "misses"
        )
        print(
            f"median of {len(runs)} at {size:,} estates: objective {median['objective']:,.0f}, "
            f"bound {median['bound']:,.2f}, gap {median['gap_percent']:.5f}%, {median['wall_s']:.2f} s "
            f"({verdict} the {float(TARGET_GAP * 100)}% in {TARGET_SECONDS:.0f} s target); spreadsheet "
            f"{median['spreadsheet_objective']:,.0f} = {median['spreadsheet_share']:.1%} of the optimum; "
            f"objective / LP bound {median['lp_share']:.6f}",
            flush=True,
        )
        summary[str(size)] = {"median": median, "runs": runs}
    if args.json:
        print(json.dumps(summary, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
