"""Import benchmark: a generated 100,000-household workbook imported end to end vs python-calamine's raw read.

The workbook (sheets 小区, 楼栋 and 住户, written with openpyxl write-only) is generated once. Each run
empties the inventory tables, times python-calamine reading every sheet of the file (`to_python()`,
median of three reads), then times the whole import the way `jiugai import_inventory --commit` does
it: store the upload, read, validate every row and write everything in one transaction with one
audit entry (one pass: clean household chunks are written while later ones are checked). The ratio
import ÷ raw read is the figure to watch (target ≤ 3). A second import of the same file (every row
unchanged, nothing duplicated) is timed too.

    uv run python bench/bench_import.py                          # PostgreSQL, 100,000 households, 3 runs
    uv run python bench/bench_import.py --households 20000 --runs 1
    uv run python bench/bench_import.py --database-url sqlite:////tmp/bench_import.sqlite3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jiugai_bench_import"
PER_BUILDING = 50  # 2 stairwells × 5 floors × 5 rooms
BUILDINGS_PER_ESTATE = 20


def _admin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    if not url.startswith("postgres"):
        path = urlsplit(url).path
        if path and path != "/:memory:" and Path(path).exists():
            Path(path).unlink()
        return
    import psycopg
    from psycopg import sql

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def id_number(n: int) -> str:
    from stdnum.cn import ric

    body = f"110105{1940 + n % 60}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def generate(path: Path, households: int) -> dict[str, int]:
    """Write the benchmark workbook; returns its row counts."""
    from openpyxl import Workbook

    buildings = -(-households // PER_BUILDING)
    estates = -(-buildings // BUILDINGS_PER_ESTATE)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("小区")
    sheet.append(
        ["小区编码", "小区名称", "别名", "街道", "社区", "地址", "建成年份", "房屋总面积(㎡)", "户数", "楼栋数"]
    )
    for e in range(estates):
        sheet.append(
            [f"B{e:05d}", f"测试{e}号院", "", "基准街道", "基准社区", f"基准路{e}号", 1980 + e % 20, 30000, 1000, 20]
        )
    sheet = book.create_sheet("楼栋")
    sheet.append(["小区编码", "楼栋号", "层数", "单元数", "户数", "建筑面积(㎡)", "建成年份"])
    for b in range(buildings):
        sheet.append([f"B{b // BUILDINGS_PER_ESTATE:05d}", f"{b % BUILDINGS_PER_ESTATE + 1}号楼", 5, 2, 50, 3600, 1990])
    sheet = book.create_sheet("住户")
    sheet.append(
        ["小区编码", "楼栋号", "单元", "楼层", "房号", "面积(㎡)", "业主姓名", "联系电话", "身份证号", "低保/特困"]
    )
    for h in range(households):
        b, slot = divmod(h, PER_BUILDING)
        stairwell, rest = divmod(slot, 25)
        floor, room = divmod(rest, 5)
        sheet.append(
            [
                f"B{b // BUILDINGS_PER_ESTATE:05d}",
                f"{b % BUILDINGS_PER_ESTATE + 1}号楼",
                stairwell + 1,
                floor + 1,
                f"{floor + 1}0{room + 1}",
                round(50 + (h * 37 % 5000) / 100, 2),
                f"业主{h}",
                f"139{h:08d}",
                id_number(h),
                "是" if h % 50 == 0 else "否",
            ]
        )
    book.save(path)
    return {"estates": estates, "buildings": buildings, "households": households}


def raw_read(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    return time.perf_counter() - started


def empty_tables() -> None:
    from django.db import connection

    from jiugai.inventory.models import Building, Estate, Household, ImportJob

    with connection.cursor() as cursor:
        for model in (Household, Building, Estate, ImportJob):
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
            else:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608


def place() -> Any:
    from jiugai.accounts.choices import Level
    from jiugai.accounts.services import jurisdiction_get_or_create

    city = jurisdiction_get_or_create(code="BENCH01", name="基准市", level=Level.CITY)
    street = jurisdiction_get_or_create(code="BENCH0101", name="基准街道", level=Level.STREET, parent=city)
    jurisdiction_get_or_create(code="BENCH010101", name="基准社区", level=Level.COMMUNITY, parent=street)
    return street


def import_once(path: Path, street: Any) -> tuple[float, Any]:
    from jiugai.inventory.imports.commit import file_from_bytes, import_job_create, import_job_process

    started = time.perf_counter()
    job = import_job_create(
        kind="households",
        file=file_from_bytes(path.read_bytes(), path.name),
        original_name=path.name,
        jurisdiction=street,
    )
    job = import_job_process(job=job, commit=True)
    return time.perf_counter() - started, job


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="repetitions; medians are reported (default 3)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--workbook", help="reuse (or keep) the generated workbook at this path")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--json", action="store_true", help="also print every figure as one JSON object")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiugai.settings.dev")
    os.environ.pop("CELERY_BROKER_URL", None)
    recreate_database(args.database_url)
    media = tempfile.TemporaryDirectory(prefix="bench-import-media-")
    work = tempfile.TemporaryDirectory(prefix="bench-import-")
    try:
        import django
        from django.conf import settings
        from django.core.management import call_command

        django.setup()
        settings.MEDIA_ROOT = media.name
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        print(f"migrated {args.database_url} in {time.perf_counter() - started:.1f} s", flush=True)
        street = place()

        path = Path(args.workbook) if args.workbook else Path(work.name) / "households.xlsx"
        if not path.exists():
            started = time.perf_counter()
            counts = generate(path, args.households)
            print(
                f"generated {path.name}: {counts} ({path.stat().st_size / 1048576:.1f} MB) in {time.perf_counter() - started:.1f} s"
            )
        rows_in_file = args.households

        runs: list[dict[str, Any]] = []
        for run in range(1, args.runs + 1):
            empty_tables()
            reads = [raw_read(path) for _ in range(3)]
            read = statistics.median(reads)
            seconds, job = import_once(path, street)
            if job.status != "committed":
                print(json.dumps(job.errors[:10], ensure_ascii=False, indent=2))
                raise SystemExit(f"import failed: {job.status}")
            again, job2 = import_once(path, street)
            written = job.summary["written"]
            assert written["households"]["create"] == rows_in_file, written  # noqa: S101
            assert job2.summary["written"]["households"]["create"] == 0  # noqa: S101 - re-import creates nothing
            figures = {
                "run": run,
                "raw_read_s": round(read, 3),
                "raw_reads_s": [round(r, 3) for r in reads],
                "import_s": round(seconds, 3),
                "ratio": round(seconds / read, 2),
                "reimport_s": round(again, 3),
                "households_per_s": round(rows_in_file / seconds),
            }
            runs.append(figures)
            print(
                f"run {run}: raw calamine read {read:.2f} s (median of 3) · import {seconds:.2f} s "
                f"({figures['households_per_s']:,} households/s) · ratio {figures['ratio']:.2f}× · "
                f"re-import of the same file {again:.2f} s",
                flush=True,
            )
        summary = {
            "database": "postgresql" if args.database_url.startswith("postgres") else "sqlite",
            "households": rows_in_file,
            "raw_read_median_s": round(statistics.median(r["raw_read_s"] for r in runs), 3),
            "import_median_s": round(statistics.median(r["import_s"] for r in runs), 3),
            "ratio_median": round(statistics.median(r["ratio"] for r in runs), 2),
            "reimport_median_s": round(statistics.median(r["reimport_s"] for r in runs), 3),
            "target_ratio": 3.0,
            "runs": runs,
        }
        print(
            f"median: raw read {summary['raw_read_median_s']:.2f} s · import {summary['import_median_s']:.2f} s · "
            f"ratio {summary['ratio_median']:.2f}× (target ≤ 3×) · re-import {summary['reimport_median_s']:.2f} s"
        )
        if args.json:
            print(json.dumps(summary, ensure_ascii=False))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate_database(args.database_url, drop_only=True)
        media.cleanup()
        if not args.workbook:
            work.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
