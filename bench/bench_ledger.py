"""Ledger benchmark on PostgreSQL: the project ledger page and API under 16 concurrent clients, and the weekly digest
of a whole city.

It creates its own database (default `jiugai_bench_ledger`), migrates it, and drops it at the end. Set-up (untimed,
its time printed): a synthetic city of streets and communities and one estate per project (the `jiugai synth`
generator, estates only), a Guyuan-like policy profile (deadlines; Jiyuan's Friday report day), N projects written
with COPY (`jiugai.core.bulk.copy_rows`) at every stage — about 10 % not started, 30 % under construction, the rest
finished, accepted, handed over or closed out, some started after their 15 March deadline — and their weekly
reports, one per Friday from the start of works (COPY, 2.5 M by default: 50 a project on average), then
`VACUUM ANALYZE`.

Then:

(a) ledger page and API p95: the app runs under gunicorn (`jiugai.wsgi`, `DEBUG=0`, persistent connections) on
    127.0.0.1 (the server class of `bench_votes.py`); `--clients` threads (16) with keep-alive connections each
    request a mix of ledger pages — random pages of the whole city, a street, overdue only, a stage, a search —
    as a signed-in leading-group office user (a stored session), first `/projects/ledger/` (HTML), then
    `/api/v1/projects/ledger/` (JSON, token authentication), each for `--seconds`;
(b) a baseline in the same run: the same mix as two raw SQL statements per page (the count and the page of rows
    with the street and estate names) on `--clients` psycopg connections at the same concurrency; the ratio is the
    app's p95 over the baseline's;
(c) the weekly digest of the whole city (`digest_build`, all projects, the latest Friday) `--digest-runs` times.

Targets: p95 ≤ 200 ms for the page and the API; digest ≤ 30 s.

    uv run python bench/bench_ledger.py                                   # 50,000 projects, 2.5 M reports
    uv run python bench/bench_ledger.py --projects 5000 --reports 250000 --seconds 15   # quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jiugai_bench_ledger"
TARGET_P95_MS = 200.0
TARGET_DIGEST_S = 30.0
PAGE = 50
GUYUAN = {"source_title": "固原市2022年城镇老旧小区改造实施方案", "source_reference": "seeds/003_54d0b71b4a1e2a82.txt"}
JIYUAN = {"source_title": "济源市政协提案第105049号答复", "source_reference": "seeds/000_f9b901b302fa6203.txt"}


# --- data ----------------------------------------------------------------------------------------------------


def _friday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.isoweekday() - 5) % 7)


@dataclass
class City:
    """What the load wrote and what the clients ask for."""

    code: str
    pk: int
    streets: list[str]
    projects: int = 0
    reports: int = 0
    last_friday: dt.date = field(default_factory=dt.date.today)
    session: str = ""
    token: str = ""
    searches: list[str] = field(default_factory=list)


def load(args: argparse.Namespace) -> City:
    """Estates, projects and weekly reports through COPY; a policy profile, an office user, its session and token."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection, transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from jiugai.accounts.choices import Level, Role
    from jiugai.accounts.models import Jurisdiction
    from jiugai.accounts.services import jurisdiction_get_or_create, user_create
    from jiugai.core.bulk import copy_rows
    from jiugai.demo.synth import ESTATE_COLUMNS, SynthGenerator, synth_place_create
    from jiugai.inventory.models import Estate
    from jiugai.policy.services import policy_profile_create
    from jiugai.projects.models import Project, WeeklyReport

    rng = random.Random(args.seed)
    started = time.perf_counter()
    nation = jurisdiction_get_or_create(code="CN", name="全国", level=Level.NATION)
    place = synth_place_create(parent=nation, seed=args.seed, estates=args.projects, estates_per_community=50)
    city = Jurisdiction.objects.get(code=place.city_code)
    policy_profile_create(
        jurisdiction=city,
        effective_from=dt.date(2015, 1, 1),
        title="基准测试：固原的期限，济源的周五报送",
        values={
            "projects.preliminary_deadline": {"value": "2022-02-28", **GUYUAN},
            "projects.start_deadline": {"value": "2022-03-15", **GUYUAN},
            "projects.completion_deadline": {"value": "2022-09-30", **GUYUAN},
            "projects.acceptance_deadline": {"value": "2022-11-30", **GUYUAN},
            "projects.weekly_report_weekday": {"value": 5, **JIYUAN},
        },
    )
    now = timezone.now()
    generator = SynthGenerator(
        seed=args.seed,
        place=place,
        estates=args.projects,
        households_per_estate=4,  # only the estates are written
        now=now.isoformat(),
        batch_estates=2000,
    )
    today = timezone.localdate()
    last_friday = _friday_on_or_before(today)
    n_started = round(args.projects * 0.9)
    mean_weeks = args.reports / max(n_started, 1)
    low, high = max(1, round(mean_weeks * 0.5)), max(1, round(mean_weeks * 1.5))
    project_cols = (
        "id",
        "created_at",
        "updated_at",
        "code",
        "name",
        "jurisdiction_id",
        "estate_id",
        "year",
        "street_office",
        "content",
        "budget",
        "utilities",
        "design_firm",
        "construction_firm",
        "supervision_firm",
        "stage",
        "registered_on",
        "preliminary_due",
        "start_due",
        "completion_due",
        "acceptance_due",
        "deadline_sources",
        "preliminary_done_on",
        "started_on",
        "completed_on",
        "accepted_on",
        "handed_over_on",
        "closed_on",
        "percent_complete",
        "last_report_on",
        "public_id",
    )
    report_cols = (
        "created_at",
        "updated_at",
        "project_id",
        "week_ending",
        "summary",
        "problems",
        "next_week",
        "percent_complete",
    )
    stamp = now.isoformat()
    projects = reports = 0
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        first = 1
        for batch in generator.batches():
            rows = generator.estate_rows(batch, first)
            copy_rows(cursor, Estate, ESTATE_COLUMNS, rows)
            first += len(rows)
        wrapper.execute("SELECT setval(pg_get_serial_sequence('inventory_estate', 'id'), %s)", [first])
        estates = list(Estate.objects.order_by("pk").values_list("pk", "street_id", "name", "code"))
        street_names = dict(Jurisdiction.objects.filter(level=Level.STREET).values_list("pk", "name"))
        plan: list[tuple[Any, ...]] = []  # (project id, started_on, weeks reported, completed?)

        def project_rows() -> Iterator[tuple[Any, ...]]:
            nonlocal projects
            for n, (estate_id, street_id, name, code) in enumerate(estates, start=1):
                r = rng.random()
                if n > n_started:  # not started yet: registered this year, some in preliminary work
                    year = today.year
                    stage = "registered" if r < 0.5 else "preliminary"
                    started = completed = None
                    weeks = 0
                    gap = 0
                else:
                    weeks = rng.randint(low, high)
                    under = r < 0.33
                    gap = 0 if under else rng.randint(1, 150)
                    last = last_friday - dt.timedelta(weeks=gap)
                    started = last - dt.timedelta(weeks=weeks - 1) - dt.timedelta(days=rng.randint(0, 6))
                    completed = None if under else last + dt.timedelta(days=rng.randint(0, 6))
                    if completed is not None and completed > today:
                        completed = today
                    year = started.year if started.month >= 3 else started.year - 1
                    if under:
                        stage = "construction"
                    elif gap < 8:
                        stage = "acceptance"
                    elif gap < 40:
                        stage = "handed_over"
                    else:
                        stage = "closed"
                registered = dt.date(year, 1, 10)
                handed = completed + dt.timedelta(days=40) if completed and stage in ("handed_over", "closed") else None
                closed = handed + dt.timedelta(days=60) if handed and stage == "closed" else None
                if closed and closed > today:
                    closed = None
                    stage = "handed_over"
                percent = Decimal("100.00") if completed else Decimal(rng.randint(5, 9499)) / 100

                def due(base: dt.date, early: int, late: int) -> dt.date:
                    return base + dt.timedelta(days=rng.randint(early, late))

                # Deadlines around the real dates, so that about one project in five is behind one of them.
                if started is not None:
                    preliminary_due = due(started - dt.timedelta(days=7), -5, 60)
                    start_due = due(started, -7, 90)
                    finish = completed or (last_friday + dt.timedelta(days=120))
                    completion_due = due(finish, -10, 150)
                    acceptance_due = due(handed or finish + dt.timedelta(days=40), -5, 150)
                else:
                    preliminary_due = due(today, -10, 90)
                    start_due = preliminary_due + dt.timedelta(days=15)
                    completion_due = start_due + dt.timedelta(days=200)
                    acceptance_due = completion_due + dt.timedelta(days=60)
                skip_last = stage == "construction" and rng.random() < 0.1  # a report not in yet
                reported = max(weeks - (1 if skip_last else 0), 0)
                last_report = (
                    _friday_on_or_before(started + dt.timedelta(weeks=reported - 1, days=6))
                    if started and reported
                    else None
                )
                plan.append((n, started, reported))
                projects += 1
                yield (
                    n,
                    stamp,
                    stamp,
                    f"P{year}-{code}",
                    name,
                    street_id,
                    estate_id,
                    year,
                    street_names.get(street_id, ""),
                    "",
                    str(Decimal(rng.randint(300_000, 15_000_000))),
                    "[]",
                    "",
                    "",
                    "",
                    stage,
                    min(registered, preliminary_due),
                    preliminary_due,
                    start_due,
                    completion_due,
                    acceptance_due,
                    "{}",
                    (started - dt.timedelta(days=7)) if started else None,
                    started,
                    completed,
                    handed,
                    handed,
                    closed,
                    str(percent),
                    last_report,
                    secrets.token_urlsafe(9),
                )

        copy_rows(cursor, Project, project_cols, project_rows())
        wrapper.execute("SELECT setval(pg_get_serial_sequence('projects_project', 'id'), %s)", [projects + 1])
        with cursor.copy("COPY projects_project_estates (project_id, estate_id) FROM STDIN") as copy:
            for n, (estate_id, *_rest) in enumerate(estates, start=1):
                copy.write_row((n, estate_id))

        def report_rows() -> Iterator[tuple[Any, ...]]:
            nonlocal reports
            for project_id, started, reported in plan:
                if not started or not reported:
                    continue
                friday = started + dt.timedelta(days=(5 - started.isoweekday()) % 7)
                for week in range(reported):
                    reports += 1
                    percent = (Decimal(100 * (week + 1)) / reported).quantize(Decimal("0.01"))
                    yield (stamp, stamp, project_id, friday + dt.timedelta(weeks=week), "", "", "", str(percent))

        copy_rows(cursor, WeeklyReport, report_cols, report_rows())
    print(
        f"loaded {len(estates):,} estates, {projects:,} projects and {reports:,} weekly reports in "
        f"{time.perf_counter() - started:.1f} s (untimed)",
        flush=True,
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)
    office = user_create(username="bench-office", password=None, role=Role.LEADING_GROUP_OFFICE, jurisdiction=city)
    store = SessionStore()
    session = secrets.token_hex(16)
    Session.objects.create(
        session_key=session,
        session_data=store.encode(
            {
                "_auth_user_id": str(office.pk),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": office.get_session_auth_hash(),
            }
        ),
        expire_date=now + dt.timedelta(days=1),
    )
    token = Token.objects.create(user=office).key
    streets = list(
        Jurisdiction.objects.filter(level=Level.STREET, path__startswith=city.path).values_list("code", flat=True)
    )
    searches = [name for _pk, _street, name, _code in rng.sample(estates, min(50, len(estates)))]
    return City(
        code=city.code,
        pk=city.pk,
        streets=streets,
        projects=projects,
        reports=reports,
        last_friday=last_friday,
        session=session,
        token=token,
        searches=searches,
    )


# --- the request mix ------------------------------------------------------------------------------------------


def request_mix(city: City, projects: int, seed: int, n: int = 4000) -> list[dict[str, Any]]:
    """The filters of `n` ledger requests: 60 % a random page of the whole city, 15 % a street, 10 % overdue only,
    10 % a stage, 5 % a search."""
    rng = random.Random(seed)
    pages = max(1, projects // PAGE)
    mix = []
    for _ in range(n):
        r = rng.random()
        if r < 0.60:
            params: dict[str, Any] = {"page": rng.randint(1, pages)}
        elif r < 0.75:
            params = {"street": rng.choice(city.streets)}
        elif r < 0.85:
            params = {"overdue": "1", "page": rng.randint(1, 3)}
        elif r < 0.95:
            params = {"stage": "construction", "page": rng.randint(1, 3)}
        else:
            params = {"q": rng.choice(city.searches)}
        mix.append(params)
    return mix


@dataclass
class Phase:
    """Latencies of one phase."""

    name: str
    ok: int = 0
    failed: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def figures(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        return {
            "phase": self.name,
            "requests": self.ok,
            "failed": self.failed,
            "seconds": round(self.seconds, 2),
            "per_s": round(self.ok / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(statistics.median(lat) * 1000, 1) if lat else None,
            "p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1) if lat else None,
            "p99_ms": round(lat[int(0.99 * (len(lat) - 1))] * 1000, 1) if lat else None,
            "max_ms": round(lat[-1] * 1000, 1) if lat else None,
            "statuses": self.statuses,
        }


def run_clients(name: str, clients: int, seconds: float, work: Callable[[int, Any], Callable[[], bool]]) -> Phase:
    """`clients` threads call their request function until `seconds` have passed; latency of each good answer."""
    phase = Phase(name)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        call = work(index, phase)
        latencies: list[float] = []
        ok = failed = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            good = call()
            elapsed = time.perf_counter() - started
            if good:
                ok += 1
                latencies.append(elapsed)
            else:
                failed += 1
        with lock:
            phase.ok += ok
            phase.failed += failed
            phase.latencies.extend(latencies)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - started
    return phase


def http_work(port: int, path: str, headers: dict[str, str], mix: list[dict[str, Any]], check: bytes) -> Any:
    def factory(index: int, phase: Phase) -> Callable[[], bool]:
        rng = random.Random(index)
        state = {"conn": http.client.HTTPConnection("127.0.0.1", port, timeout=60)}
        lock = threading.Lock()

        def call() -> bool:
            params = rng.choice(mix)
            try:
                state["conn"].request("GET", f"{path}?{urlencode(params)}", headers=headers)
                response = state["conn"].getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                state["conn"].close()
                state["conn"] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                return False
            with lock:
                phase.statuses[response.status] = phase.statuses.get(response.status, 0) + 1
            return response.status == 200 and check in body

        return call

    return factory


BASE_SQL = (
    "FROM projects_project p JOIN accounts_jurisdiction j ON j.id = p.jurisdiction_id "
    "JOIN inventory_estate e ON e.id = p.estate_id WHERE j.path LIKE %s"
)


def sql_work(url: str, city_path: str, mix: list[dict[str, Any]]) -> Any:
    """The baseline: the same page as two raw statements (count, then the rows with the names)."""
    import psycopg

    def factory(index: int, phase: Phase) -> Callable[[], bool]:
        rng = random.Random(index)
        conn = psycopg.connect(url, autocommit=True)

        def call() -> bool:
            params = rng.choice(mix)
            where, args = BASE_SQL, [city_path + "%"]
            if "street" in params:
                where += " AND j.code = %s"
                args.append(params["street"])
            if "stage" in params:
                where += " AND p.stage = %s"
                args.append(params["stage"])
            if "overdue" in params:
                where += " AND (p.start_due < current_date AND p.stage IN ('registered', 'preliminary') OR p.started_on > p.start_due)"
            if "q" in params:
                where += " AND (p.name ILIKE %s OR e.name ILIKE %s)"
                args += [f"%{params['q']}%", f"%{params['q']}%"]
            offset = (int(params.get("page", 1)) - 1) * PAGE
            with conn.cursor() as cursor:
                cursor.execute("SELECT count(*) " + where, args)
                cursor.fetchone()
                cursor.execute(
                    "SELECT p.*, j.name, j.code, e.name, e.code " + where + " ORDER BY p.code DESC LIMIT %s OFFSET %s",
                    [*args, PAGE, offset],
                )
                cursor.fetchall()
            return True

        return call

    return factory


def bench_http(city: City, args: argparse.Namespace) -> dict[str, Any]:
    from bench_votes import Server
    from django.db import connection

    from jiugai.accounts.models import Jurisdiction

    city_path = Jurisdiction.objects.get(pk=city.pk).path
    connection.close()
    mix = request_mix(city, city.projects, args.seed)
    server = Server(database_url=args.database_url, workers=args.workers, threads=args.threads)
    print(f"gunicorn on 127.0.0.1:{server.port}: {args.workers} workers × {args.threads} threads", flush=True)
    results: dict[str, Any] = {}
    try:
        page_headers = {"Cookie": f"sessionid={city.session}", "Host": f"127.0.0.1:{server.port}"}
        api_headers = {"Authorization": f"Token {city.token}", "Host": f"127.0.0.1:{server.port}"}
        page = http_work(server.port, "/projects/ledger/", page_headers, mix, b'data-testid="ledger-table"')
        api = http_work(server.port, "/api/v1/projects/ledger/", api_headers, mix, b'"results"')
        run_clients("warm", args.clients, 5, page)
        run_clients("warm", args.clients, 5, api)
        one = run_clients("page, 1 client", 1, min(args.seconds, 10), page).figures()
        print(f"    one client alone, page: p50 {one['p50_ms']} ms, p95 {one['p95_ms']} ms", flush=True)
        for name, work in (("page", page), ("api", api)):
            figures = run_clients(name, args.clients, args.seconds, work).figures()
            results[name] = figures
            print(
                f"(a) ledger {name}: {args.clients} clients, {figures['requests']:,} requests in {figures['seconds']} s "
                f"= {figures['per_s']}/s; p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                f"p99 {figures['p99_ms']} ms; failed {figures['failed']} {figures['statuses']}",
                flush=True,
            )
        results["page_one_client"] = one
    finally:
        server.stop()
    baseline = run_clients("raw SQL", args.clients, args.seconds, sql_work(args.database_url, city_path, mix)).figures()
    results["baseline"] = baseline
    print(
        f"(b) baseline raw SQL of the same pages (count + rows), {args.clients} connections: "
        f"{baseline['requests']:,} pages = {baseline['per_s']}/s; p50 {baseline['p50_ms']} ms, "
        f"p95 {baseline['p95_ms']} ms",
        flush=True,
    )
    for name in ("page", "api"):
        p95 = results[name]["p95_ms"]
        verdict = "meets" if p95 is not None and p95 <= TARGET_P95_MS else "misses"
        ratio = round(p95 / baseline["p95_ms"], 1) if p95 and baseline["p95_ms"] else None
        results[name]["ratio_to_baseline_p95"] = ratio
        print(f"    {name} p95 {p95} ms = {ratio}× the raw SQL p95 ({verdict} the {TARGET_P95_MS:.0f} ms target)")
    return results


def bench_digest(city: City, args: argparse.Namespace) -> dict[str, Any]:
    from jiugai.accounts.models import Jurisdiction
    from jiugai.projects.services.progress import digest_build

    node = Jurisdiction.objects.get(pk=city.pk)
    times = []
    digest = None
    for _run in range(max(1, args.digest_runs)):
        started = time.perf_counter()
        digest = digest_build(jurisdiction=node, week_ending=city.last_friday)
        times.append(time.perf_counter() - started)
    assert digest is not None  # noqa: S101 - at least one run
    totals = digest.data["totals"]
    median = statistics.median(times)
    verdict = "meets" if median <= TARGET_DIGEST_S else "misses"
    print(
        f"(c) weekly digest of the whole city ({totals['projects']:,} projects, {len(digest.data['streets'])} streets, "
        f"week ending {city.last_friday}): median {median:.2f} s over {len(times)} runs "
        f"({', '.join(f'{t:.2f}' for t in times)}); {totals['reports_received']:,} reports received, "
        f"{totals['reports_missing']:,} missing, {totals['overdue']:,} overdue ({verdict} the {TARGET_DIGEST_S:.0f} s target)",
        flush=True,
    )
    return {"median_s": round(median, 3), "runs_s": [round(t, 3) for t in times], "totals": totals}


# --- main -------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=50_000, help="Projects (one estate each).")
    parser.add_argument("--reports", type=int, default=2_500_000, help="Weekly reports in all (about).")
    parser.add_argument("--clients", type=int, default=16, help="Concurrent HTTP clients.")
    parser.add_argument("--seconds", type=float, default=30.0, help="Length of each timed phase.")
    parser.add_argument("--digest-runs", type=int, default=3, help="Digest builds; the median is reported.")
    parser.add_argument("--workers", type=int, default=max(2, min(8, 2 * (os.cpu_count() or 1))))
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LEDGER_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    parser.add_argument("--json", action="store_true", help="Print every figure as one JSON object at the end.")
    args = parser.parse_args(argv)

    from bench_votes import drop_database, recreate_database

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiugai.settings.dev")
    os.environ["DEBUG"] = "0"
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
        city = load(args)
        digest = bench_digest(city, args)
        http = bench_http(city, args)
        if args.json:
            print(
                json.dumps(
                    {
                        "projects": city.projects,
                        "reports": city.reports,
                        "clients": args.clients,
                        "digest": digest,
                        **http,
                    },
                    default=str,
                )
            )
        connection.close()
    finally:
        if not args.keep:
            drop_database(args.database_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
