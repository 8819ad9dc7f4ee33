"""Screening benchmark: eligibility screening of every estate of a synthetic nation, on PostgreSQL.

Setup (untimed): a fresh database, a Guyuan-like policy profile on the nation, and N synthetic estates
written with the `jiugai synth` generator (estates only: screening reads no buildings or households),
with a mix of exclusions, central funding and missing completion dates. Each run (timed) is one
`jurisdiction_screen` of the whole nation: read the facts, decide, store each distinct decision once,
write one narrow ScreeningResult per estate and upsert each estate's latest outcome (EstateEligibility).
The target is 220,000 estates in at most 10 s. Each run starts with no screening stored (every estate
gets a new latest-outcome row) and also times a second screening right after the first, in which no
estate's outcome changes, as a re-screening after a policy date or a data fix mostly is.

    uv run python bench/bench_screen.py                   # 220,000 estates, 3 runs
    uv run python bench/bench_screen.py --estates 20000   # quick run
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jiugai_bench_screen"
TARGET_SECONDS = 10.0
NATIONAL_ESTATES = 220_000

POLICY = {
    "eligibility.completed_by": "2000-12-31",
    "eligibility.post2000_allowed": True,
    "eligibility.post2000_completed_by": "2005-12-31",
    "eligibility.post2000_household_cap": "15/100",
    "eligibility.no_repeat_central_funding": True,
}


def load_estates(*, estates: int, seed: int, batch_estates: int) -> Any:
    """Write `estates` synthetic estates under the nation and vary their exclusion facts; returns the nation."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jiugai.accounts.choices import Level
    from jiugai.accounts.services import jurisdiction_get_or_create
    from jiugai.core.bulk import copy_rows
    from jiugai.demo.synth import ESTATE_COLUMNS, SynthGenerator, synth_place_create
    from jiugai.inventory.models import Estate
    from jiugai.policy.services import policy_profile_create

    nation = jurisdiction_get_or_create(code="CN", name="全国", level=Level.NATION)
    policy_profile_create(
        jurisdiction=nation, effective_from=dt.date(2020, 1, 1), title="benchmark profile", values=POLICY
    )
    started = time.perf_counter()
    place = synth_place_create(parent=nation, seed=seed, estates=estates)
    generator = SynthGenerator(
        seed=seed,
        place=place,
        estates=estates,
        households_per_estate=4,  # only the estates are written; few households keep generation quick
        now=timezone.now().isoformat(),
        batch_estates=batch_estates,
    )
    first = 1
    with transaction.atomic(), connection.cursor() as wrapper:
        for batch in generator.batches():
            rows = generator.estate_rows(batch, first)
            copy_rows(wrapper.cursor, Estate, ESTATE_COLUMNS, rows)
            first += len(rows)
        # A realistic mix: some exclusions, some centrally funded before, some with only a build year,
        # a few with neither (left unscreened with a reason).
        wrapper.execute(
            "UPDATE inventory_estate SET "
            "urban_village = (id % 53 = 0), in_shantytown_plan = (id % 71 = 0), "
            "three_supplies_done = (id % 89 = 0), "
            "central_funded_year = CASE WHEN id % 41 = 0 THEN 2019 ELSE NULL END, "
            "completed_on = CASE WHEN id % 3 = 0 THEN NULL ELSE completed_on END, "
            "build_year = CASE WHEN id % 997 = 0 THEN NULL ELSE build_year END"
        )
        wrapper.execute("UPDATE inventory_estate SET completed_on = NULL WHERE build_year IS NULL")
        wrapper.execute("SELECT setval(pg_get_serial_sequence('inventory_estate', 'id'), %s)", [first])
    connection.cursor().execute("VACUUM ANALYZE inventory_estate")
    print(f"wrote {first - 1:,} estates in {time.perf_counter() - started:.1f} s (untimed)", flush=True)
    return nation


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE inventory_estateeligibility, inventory_screeningresult, inventory_screeningrun, "
            "inventory_screeningdecision RESTART IDENTITY"
        )
        cursor.execute("VACUUM ANALYZE inventory_estate")


def one_run(nation: Any, run: int) -> dict[str, Any]:
    """A first screening (every estate's outcome changes), then a re-screening (none changes)."""
    from jiugai.inventory.services import jurisdiction_screen

    reset()
    started = time.perf_counter()
    summary = jurisdiction_screen(jurisdiction=nation, on=dt.date(2024, 1, 1))
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    jurisdiction_screen(jurisdiction=nation, on=dt.date(2024, 1, 1))
    again = time.perf_counter() - started
    figures = {
        "run": run,
        "estates": summary.estates,
        "seconds": round(seconds, 3),
        "estates_per_s": round(summary.estates / seconds),
        "rescreen_seconds": round(again, 3),
        "counts": summary.counts,
    }
    counts = ", ".join(f"{outcome or 'unscreened'} {n:,}" for outcome, n in summary.counts.items())
    print(
        f"run {run}: screened {summary.estates:,} estates in {seconds:.2f} s = "
        f"{summary.estates / seconds:,.0f} estates/s ({counts}); re-screened in {again:.2f} s",
        flush=True,
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--estates", type=int, default=NATIONAL_ESTATES, help="estates to screen (default 220000)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions; the median is reported (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-estates", type=int, default=2000, help="estates per COPY batch while loading")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object at the end")
    args = parser.parse_args(argv)

    from bench_synth import drop_database, recreate_database

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiugai.settings.dev")
    recreate_database(args.database_url)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        from django.db import connection

        if connection.vendor != "postgresql":
            raise SystemExit("this benchmark needs PostgreSQL")
        call_command("migrate", interactive=False, verbosity=0)
        nation = load_estates(estates=args.estates, seed=args.seed, batch_estates=args.batch_estates)
        runs = [one_run(nation, i) for i in range(1, max(1, args.runs) + 1)]
        median = statistics.median(r["seconds"] for r in runs)
        median_again = statistics.median(r["rescreen_seconds"] for r in runs)
        rate = runs[0]["estates"] / median
        scaled = median * NATIONAL_ESTATES / runs[0]["estates"]
        verdict = "meets" if scaled <= TARGET_SECONDS else "misses"
        print(
            f"median of {len(runs)}: {median:.2f} s for {runs[0]['estates']:,} estates = {rate:,.0f} estates/s; "
            f"{NATIONAL_ESTATES:,} estates at this rate: {scaled:.1f} s ({verdict} the {TARGET_SECONDS:.0f} s target); "
            f"re-screening with no outcome changed: {median_again:.2f} s"
        )
        if args.json:
            print(
                json.dumps(
                    {"median_s": median, "estates_per_s": round(rate), "rescreen_median_s": median_again, "runs": runs}
                )
            )
        connection.close()
    finally:
        if not args.keep:
            drop_database(args.database_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
