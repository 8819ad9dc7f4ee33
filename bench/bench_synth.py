"""Synthetic-data benchmark: the synth loader against a raw COPY of the same rows, on PostgreSQL.

Each run: empty the inventory tables, load a province (or a scaled-down one) through `synth_load`
(generation + COPY, as `jiugai synth` does), remember a fingerprint of the rows, empty the tables,
regenerate exactly the same rows untimed, then time only COPY of them into the same tables. The
ratio synth rows/s ÷ raw COPY rows/s says how much the generator costs on top of the database.

    uv run python bench/bench_synth.py                       # province scale (≈ 3 M households), 3 runs
    uv run python bench/bench_synth.py --households 300000   # quick run
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jiugai_bench"
TABLES = "inventory_household, inventory_building, inventory_estate"


def _admin_conninfo(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit("DATABASE_URL must name a database")
    return urlunsplit(parts._replace(path="/postgres")), name


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _execute(statement: str) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)
        return list(cursor.fetchall()) if cursor.description else []


def empty_tables(*, jurisdictions: bool) -> None:
    from django.db import transaction

    with transaction.atomic():
        _execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
        if jurisdictions:
            _execute("DELETE FROM accounts_jurisdiction WHERE code LIKE 'SYN%' AND level = 'community'")
            _execute("DELETE FROM accounts_jurisdiction WHERE code LIKE 'SYN%' AND level = 'street'")
            _execute("DELETE FROM accounts_jurisdiction WHERE code LIKE 'SYN%'")
    _execute("CHECKPOINT")


def fingerprint() -> tuple[Any, ...]:
    """Counts, total area and a digest of every household's identity, to prove both paths wrote the same rows."""
    return tuple(
        _execute(
            "SELECT (SELECT count(*) FROM inventory_estate), (SELECT count(*) FROM inventory_building), "
            "count(*), sum(area)::text, md5(string_agg(id::text || ':' || building_id::text || ':' || room || ':' "
            "|| owner_name || ':' || id_number || ':' || area::text, ',' ORDER BY id)) FROM inventory_household"
        )[0]
    )


def raw_copy(*, prefix: str, seed: int, estates: int, per_estate: int, now: str, batch_estates: int) -> float:
    """Regenerate the synth rows (untimed) and time COPY of them alone; returns seconds."""
    from django.db import connection, transaction

    from jiugai.core.bulk import copy_rows
    from jiugai.demo.synth import (
        BUILDING_COLUMNS,
        ESTATE_COLUMNS,
        HOUSEHOLD_COLUMNS,
        SynthGenerator,
        synth_place_get,
    )
    from jiugai.inventory.models import Building, Estate, Household

    place = synth_place_get(prefix=prefix)
    generator = SynthGenerator(
        seed=seed,
        place=place,
        estates=estates,
        households_per_estate=per_estate,
        now=now,
        batch_estates=batch_estates,
    )
    seconds = 0.0
    e0 = b0 = h0 = 1
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for batch in generator.batches():
            estate_rows = generator.estate_rows(batch, e0)
            building_rows = generator.building_rows(batch, e0, b0)
            household_rows = list(generator.household_rows(batch, b0, h0))
            started = time.perf_counter()
            copy_rows(cursor, Estate, ESTATE_COLUMNS, estate_rows)
            copy_rows(cursor, Building, BUILDING_COLUMNS, building_rows)
            copy_rows(cursor, Household, HOUSEHOLD_COLUMNS, household_rows)
            seconds += time.perf_counter() - started
            e0 += len(estate_rows)
            b0 += len(building_rows)
            h0 += len(household_rows)
        started = time.perf_counter()
    seconds += time.perf_counter() - started  # the commit
    return seconds


def one_run(args: argparse.Namespace, run: int) -> dict[str, Any]:
    from jiugai.demo.synth import synth_counts, synth_load

    empty_tables(jurisdictions=True)
    result = synth_load(
        scale=args.scale,
        seed=args.seed,
        estates=args.estates,
        households=args.households,
        batch_estates=args.batch_estates,
    )
    rows = result.estates + result.buildings + result.households
    synth_fp = fingerprint()
    empty_tables(jurisdictions=False)
    estates, per_estate = synth_counts(scale=args.scale, estates=args.estates, households=args.households)
    raw_seconds = raw_copy(
        prefix=result.prefix,
        seed=args.seed,
        estates=estates,
        per_estate=per_estate,
        now=result.now,
        batch_estates=args.batch_estates,
    )
    raw_fp = fingerprint()
    if raw_fp != synth_fp:
        raise SystemExit(f"the raw COPY wrote different rows: {raw_fp} != {synth_fp}")
    synth_rate = rows / result.seconds
    raw_rate = rows / raw_seconds
    figures = {
        "run": run,
        "estates": result.estates,
        "buildings": result.buildings,
        "households": result.households,
        "rows": rows,
        "synth_s": round(result.seconds, 3),
        "raw_copy_s": round(raw_seconds, 3),
        "synth_rows_per_s": round(synth_rate),
        "raw_copy_rows_per_s": round(raw_rate),
        "ratio": round(synth_rate / raw_rate, 3),
    }
    print(
        f"run {run}: {rows:,} rows ({result.households:,} households) — synth {result.seconds:.2f} s "
        f"= {synth_rate:,.0f} rows/s; raw COPY {raw_seconds:.2f} s = {raw_rate:,.0f} rows/s; "
        f"ratio {synth_rate / raw_rate:.0%}",
        flush=True,
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="province", choices=("city", "province", "national"))
    parser.add_argument("--households", type=int, help="Scale down to about this many households (e.g. 300000).")
    parser.add_argument("--estates", type=int, help="Or give the number of estates directly.")
    parser.add_argument("--runs", type=int, default=3, help="Repetitions; medians are reported (default 3).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-estates", type=int, default=500, help="Estates per streamed COPY batch.")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    parser.add_argument("--json", action="store_true", help="Print the figures as one JSON object at the end.")
    args = parser.parse_args(argv)

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
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        print(f"migrated {args.database_url} in {time.perf_counter() - started:.1f} s", flush=True)
        runs = [one_run(args, i) for i in range(1, max(1, args.runs) + 1)]
        summary = {
            key: statistics.median(r[key] for r in runs)
            for key in ("synth_rows_per_s", "raw_copy_rows_per_s", "ratio", "synth_s", "raw_copy_s")
        }
        summary.update({"runs": len(runs), "rows": runs[0]["rows"], "households": runs[0]["households"]})
        verdict = "meets" if summary["ratio"] >= 0.5 else "misses"
        print(
            f"median of {len(runs)}: synth {summary['synth_rows_per_s']:,.0f} rows/s, raw COPY "
            f"{summary['raw_copy_rows_per_s']:,.0f} rows/s, ratio {summary['ratio']:.0%} ({verdict} the 50% target)"
        )
        if args.json:
            print(json.dumps({"summary": summary, "runs": runs}))
        connection.close()
    finally:
        if not args.keep:
            drop_database(args.database_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
