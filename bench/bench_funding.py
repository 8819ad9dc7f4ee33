"""Funding benchmark: cost shares for 1,000,000 households, and (later) the funding dashboard's p95.

Section 1 — cost shares (pure rules, no database). 20,000 synthetic stairwells of 50 households each (seeded
numpy: the same seed gives the same households) share a cost tiered by floor (梯次分摊) with the Guangzhou
coefficient table (floors 1–2 at 0, then 0.7 … 1.3; REFERENCE.md §2.5) times each household's exclusive area
(45–130 m²); about 3 % are hardship households exempted (Jincheng, `funding.hardship_exemption`), their share
carried by the others. Each stairwell's cost is 50,000–600,000 yuan in cents. Three paths are timed per run:

- `core`: `cost_shares_cents` (the integer largest-remainder core) once per stairwell, on integer weights
  prepared beforehand (coefficient in hundredths × area in cents);
- `decide`: `cost_share_decide(..., method="floor")` once per stairwell on prepared `ShareUnit`s — the whole rule
  with its checks, Decimal figures and reasons, as the funding app calls it;
- `baseline`: a plain vectorised numpy proportional split of all 1,000,000 households at once (total × weight ÷
  the stairwell's weight, rounded to cents) with **no** exact reconciliation; the ratios are each path's time
  over the baseline's in the same run. The baseline's stairwells whose cents do not add up are counted.

Every path's result is checked untimed (each stairwell's shares add up exactly to its cost; exempt pay 0).
Households per second and medians over the runs are printed; the target is ≥ 200,000 households/s.

Section 2 — the funding dashboard (p95 ≤ 200 ms over 50,000 projects) needs the Django app `jiugai.funding`;
`dashboard()` is a stub the lead fills in (`--dashboard`).

    uv run python bench/bench_funding.py                     # 1,000,000 households, 3 runs
    uv run python bench/bench_funding.py --groups 2000 --runs 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jiugai.rules.cost_share import ShareUnit, cost_share_decide, cost_shares_cents  # noqa: E402
from jiugai.rules.policy import Policy  # noqa: E402

TARGET_HOUSEHOLDS_PER_S = 200_000
GUANGZHOU = {1: "0", 2: "0", 3: "0.7", 4: "0.8", 5: "0.9", 6: "1.0", 7: "1.1", 8: "1.2", 9: "1.3"}
HUNDREDTHS = np.array([0] + [int(Decimal(GUANGZHOU[f]) * 100) for f in range(1, 10)], dtype=np.int64)
POLICY = Policy.from_mapping(
    {"funding.floor_coefficients": {str(k): v for k, v in GUANGZHOU.items()}, "funding.hardship_exemption": True}
)


def synthetic_stairwells(groups: int, size: int, seed: int) -> dict[str, Any]:
    """`groups` stairwells of `size` households: floors, areas in cents of m², hardship flags, costs in cents."""
    rng = np.random.default_rng(seed)
    n = groups * size
    floor = np.tile(np.repeat(np.arange(1, 10), -(-size // 9))[:size], groups)  # 9 storeys, ~even per floor
    area_cents = rng.integers(4_500, 13_001, size=n) * 100 + rng.integers(0, 100, size=n)  # 45.00–130.99 m²
    exempt = rng.random(n) < 0.03
    total_cents = rng.integers(5_000_000, 60_000_001, size=groups)
    weights = HUNDREDTHS[floor] * area_cents
    return {
        "groups": groups,
        "size": size,
        "floor": floor,
        "area_cents": area_cents,
        "exempt": exempt,
        "total_cents": total_cents,
        "weights": weights,
    }


def run_core(data: dict[str, Any]) -> tuple[float, list[list[int]]]:
    size = data["size"]
    weights = [data["weights"][g * size : (g + 1) * size].tolist() for g in range(data["groups"])]
    exempt = [data["exempt"][g * size : (g + 1) * size].tolist() for g in range(data["groups"])]
    totals = data["total_cents"].tolist()
    started = time.perf_counter()
    out = [cost_shares_cents(t, w, e) for t, w, e in zip(totals, weights, exempt, strict=True)]
    return time.perf_counter() - started, out


def run_decide(data: dict[str, Any]) -> tuple[float, list[dict[str, Decimal]]]:
    size = data["size"]
    floor, area, exempt = data["floor"].tolist(), data["area_cents"].tolist(), data["exempt"].tolist()
    groups = [
        [
            ShareUnit(f"{g:05d}-{k:02d}", Decimal(area[i]).scaleb(-2), floor[i], exempt[i])
            for k, i in enumerate(range(g * size, (g + 1) * size))
        ]
        for g in range(data["groups"])
    ]
    totals = [Decimal(t).scaleb(-2) for t in data["total_cents"].tolist()]
    started = time.perf_counter()
    out = [
        cost_share_decide(total, units, method="floor", policy=POLICY).figures["shares"]
        for total, units in zip(totals, groups, strict=True)
    ]
    return time.perf_counter() - started, out


def run_baseline(data: dict[str, Any]) -> tuple[float, np.ndarray]:
    weights = np.where(data["exempt"], 0, data["weights"]).astype(np.float64)
    group = np.repeat(np.arange(data["groups"]), data["size"])
    started = time.perf_counter()
    group_weight = np.bincount(group, weights=weights, minlength=data["groups"])
    shares = np.round(data["total_cents"][group] * weights / group_weight[group])
    return time.perf_counter() - started, shares


def check(data: dict[str, Any], core: list[list[int]], decide: list[dict[str, Decimal]], baseline: np.ndarray) -> int:
    """Stop unless the exact paths reconcile; return how many stairwells the baseline gets wrong by a cent or more."""
    totals = data["total_cents"].tolist()
    size = data["size"]
    exempt = data["exempt"]
    for g, (shares, figures) in enumerate(zip(core, decide, strict=True)):
        if sum(shares) != totals[g]:
            raise SystemExit(f"stairwell {g}: core shares do not add up")
        if [int(v.scaleb(2)) for v in figures.values()] != shares:
            raise SystemExit(f"stairwell {g}: decide differs from core")
        if any(s for s, e in zip(shares, exempt[g * size : (g + 1) * size], strict=True) if e):
            raise SystemExit(f"stairwell {g}: an exempt household pays")
    sums = baseline.reshape(data["groups"], size).sum(axis=1)
    return int(np.count_nonzero(sums != data["total_cents"]))


def one_run(groups: int, size: int, seed: int, run: int) -> dict[str, Any]:
    data = synthetic_stairwells(groups, size, seed)
    households = groups * size
    core_s, core = run_core(data)
    decide_s, decide = run_decide(data)
    base_s, baseline = run_baseline(data)
    off = check(data, core, decide, baseline)
    figures = {
        "run": run,
        "households": households,
        "core_s": core_s,
        "decide_s": decide_s,
        "baseline_s": base_s,
        "core_per_s": households / core_s,
        "decide_per_s": households / decide_s,
        "baseline_per_s": households / base_s,
        "core_ratio": core_s / base_s,
        "decide_ratio": decide_s / base_s,
        "baseline_groups_off": off,
    }
    print(
        f"run {run}: {households:,} households in {groups:,} stairwells — core {core_s:.2f} s "
        f"({figures['core_per_s']:,.0f}/s), decide {decide_s:.2f} s ({figures['decide_per_s']:,.0f}/s), "
        f"numpy baseline {base_s:.3f} s ({figures['baseline_per_s']:,.0f}/s; {off:,} stairwells off by ≥ 1 cent); "
        f"core/baseline {figures['core_ratio']:.1f}×, decide/baseline {figures['decide_ratio']:.1f}×",
        flush=True,
    )
    return figures


def cost_shares(groups: int, size: int, runs: int, seed: int) -> dict[str, Any]:
    results = [one_run(groups, size, seed + run - 1, run) for run in range(1, max(1, runs) + 1)]
    median = {key: statistics.median(r[key] for r in results) for key in results[0] if key != "run"}
    for path in ("core", "decide"):
        verdict = "meets" if median[f"{path}_per_s"] >= TARGET_HOUSEHOLDS_PER_S else "misses"
        print(
            f"median of {len(results)}: {path} {median[f'{path}_per_s']:,.0f} households/s "
            f"({verdict} the {TARGET_HOUSEHOLDS_PER_S:,}/s target), {median[f'{path}_ratio']:.1f}× the numpy "
            f"baseline's time ({median['baseline_per_s']:,.0f}/s, inexact)",
            flush=True,
        )
    return {"median": median, "runs": results}


# =============================================================================================
# Section 2 — the funding dashboard (needs the Django app; filled in by the lead)

DASHBOARD_PROJECTS = 50_000
DASHBOARD_TARGET_P95_MS = 200.0


def dashboard(projects: int = DASHBOARD_PROJECTS, runs: int = 3, requests: int = 50) -> dict[str, Any] | None:
    """p95 of the funding dashboard over `projects` projects; target p95 ≤ 200 ms.

    To be written with `jiugai.funding`: set up Django (`jiugai.settings.bench` or test settings), load
    `projects` projects with sources, allocations and disbursements, then time `requests` dashboard requests
    per run (selector and rendered page) and print p50/p95 and whether p95 ≤ DASHBOARD_TARGET_P95_MS.
    """
    print(
        f"dashboard: not measured yet — needs the funding app (target p95 ≤ {DASHBOARD_TARGET_P95_MS:.0f} ms "
        f"over {projects:,} projects)",
        flush=True,
    )
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=20_000, help="stairwells (default 20,000)")
    parser.add_argument("--size", type=int, default=50, help="households per stairwell (default 50)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions; the median is reported (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dashboard", action="store_true", help="also run section 2, the dashboard p95")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object at the end")
    args = parser.parse_args(argv)
    summary: dict[str, Any] = {"cost_shares": cost_shares(args.groups, args.size, args.runs, args.seed)}
    if args.dashboard:
        summary["dashboard"] = dashboard(runs=args.runs)
    if args.json:
        print(json.dumps(summary, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
