"""Ballot benchmark on PostgreSQL: online casting over HTTP, bulk paper ballots, recounts, a sustained run.

It creates its own database (default `jiugai_bench_votes`), migrates it, loads synthetic households with
`synth_load` (the path `jiugai synth` uses), opens consent campaigns through the consultation services, and
drops the database at the end. Four parts, all in one run:

(a) cast throughput and p95 latency: the app runs under gunicorn (`jiugai.wsgi`) on 127.0.0.1 in a
    subprocess; 32 client threads POST ballots to the residents' public page `/b/<token>/` (the real cast
    endpoint, through the whole middleware stack, CSRF included), bounded by count and time;
(b) bulk paper-ballot import (`services.paper_ballots_import`, one batch per campaign: checks, ballots in
    bulk, one audit entry each, counters moved by summed deltas) against a raw COPY of the same rows;
(c) the full recount (`selectors.tally_recounts`, every campaign in one grouped query) against one raw SQL GROUP BY;
(d) a sustained run (default 60 s) paced at a target rate (default 500 ballots/s) over HTTP, ending in a
    recount that must match the live counters exactly, and every acknowledged ballot checked: 0 lost, 0 double.

    uv run python bench/bench_votes.py                           # 200,000 households, 60 s sustained
    uv run python bench/bench_votes.py --households 50000 --sustained-seconds 15 --cast-count 3000
    uv run python bench/bench_votes.py --households 10000000     # the national-size register (needs time and disk)
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import io
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jiugai_bench_votes"
ANSWERS = ("yes", "no", "abstain")
SESSION_KEY = "consultation_verified"  # the phone page's session key for verified links (views.SESSION_KEY)


# --- database set-up ---------------------------------------------------------------------------------


def _admin_conninfo(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit("the database URL must name a database")
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


def _rows(statement: str, params: Any = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description else []


@dataclass
class World:
    """The benchmark's register and campaigns."""

    admin: Any
    http_campaigns: list[Any] = field(default_factory=list)
    paper_campaigns: list[Any] = field(default_factory=list)


def build_world(args: argparse.Namespace) -> World:
    """Households through synth_load, a consent rule, an admin, and campaigns opened through the services."""

    from django.utils import timezone

    from jiugai.accounts.choices import Role
    from jiugai.accounts.models import Jurisdiction
    from jiugai.accounts.services import user_create
    from jiugai.consultation import services
    from jiugai.demo.synth import synth_load
    from jiugai.inventory.models import Estate
    from jiugai.policy.services import policy_profile_create

    started = time.perf_counter()
    result = synth_load(scale="province", households=args.households, seed=args.seed)
    print(
        f"register: {result.estates:,} estates, {result.buildings:,} buildings, {result.households:,} households "
        f"loaded in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    nation = Jurisdiction.objects.get(code="CN")
    policy_profile_create(
        jurisdiction=nation,
        effective_from=dt.date(2020, 1, 1),
        title="基准测试",
        values={
            "consent.share_of_all_households": {
                "value": "2/3",
                "source_title": "许昌市答复市人大代表第67号建议",
                "source_reference": "seeds/002_40d8e389fe8940d7.txt",
            }
        },
    )
    admin = user_create(username="bench-admin", password=None, role=Role.PLATFORM_ADMIN, jurisdiction=None)
    world = World(admin=admin)
    estates = list(Estate.objects.order_by("pk").values_list("pk", flat=True))
    wanted = args.campaigns + args.paper_campaigns
    if wanted > len(estates):
        raise SystemExit(f"{wanted} campaigns need {wanted} estates; the register has {len(estates)}")
    random.Random(args.seed).shuffle(estates)
    now = timezone.now()
    started = time.perf_counter()
    for n, estate_id in enumerate(estates[:wanted]):
        campaign = services.campaign_create(
            actor=admin,
            estate=Estate.objects.get(pk=estate_id),
            title=f"基准征询 {n + 1}",
            matter="renovate",
            rule="consent",
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=7),
        )
        services.campaign_open(actor=admin, campaign=campaign)
        (world.http_campaigns if n < args.campaigns else world.paper_campaigns).append(campaign)
    print(
        f"campaigns: {args.campaigns} for online ballots, {args.paper_campaigns} for paper ballots, opened in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return world


# --- (a) and (d): casting over HTTP --------------------------------------------------------------------


@dataclass
class Voter:
    """One household's link, its pre-verified session and what the benchmark sent and got back."""

    household_id: int
    campaign_id: int
    path: str
    cookie: str
    sent: list[str] = field(default_factory=list)  # acknowledged answers, in order
    failed: int = 0


def issue_voters(world: World, *, seed: int) -> list[Voter]:
    """Issue every household's link (the raw tokens come back once) and a session that has verified it.

    Verification (code + last 4 phone digits) is a separate request a resident makes once; the benchmark
    stores those sessions directly, exactly as the phone page does after a successful verification.
    """
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from jiugai.consultation import services

    started = time.perf_counter()
    voters: list[Voter] = []
    sessions: list[Session] = []
    store = SessionStore()
    expires = timezone.now() + dt.timedelta(days=1)
    for campaign in world.http_campaigns:
        for link in services.campaign_links_issue(actor=world.admin, campaign=campaign):
            token_hash = hashlib.sha256(link.token.encode("utf-8")).hexdigest()
            key = secrets.token_hex(16)
            sessions.append(
                Session(
                    session_key=key,
                    session_data=store.encode({SESSION_KEY: {token_hash: link.household.pk}}),
                    expire_date=expires,
                )
            )
            voters.append(Voter(link.household.pk, campaign.pk, f"/b/{link.token}/", key))
    Session.objects.bulk_create(sessions, batch_size=2000)
    random.Random(seed).shuffle(voters)
    print(f"links and verified sessions: {len(voters):,} in {time.perf_counter() - started:.1f} s", flush=True)
    return voters


class Server:
    """gunicorn serving `jiugai.wsgi` on 127.0.0.1 in a subprocess (loopback only)."""

    def __init__(self, *, database_url: str, workers: int, threads: int) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        env = dict(
            os.environ,
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="jiugai.settings.dev",
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1",
            DB_CONN_MAX_AGE="600",
        )
        self.log = io.BytesIO()
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list, our own interpreter
            [
                sys.executable,
                "-m",
                "gunicorn",
                "jiugai.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--keep-alive",
                "30",
                "--backlog",
                "512",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"gunicorn exited: {self.process.stderr.read().decode() if self.process.stderr else ''}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/b/not-a-token/")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Phase:
    """What one HTTP phase measured."""

    name: str
    ok: int = 0
    failed: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        return {
            "phase": self.name,
            "ballots": self.ok,
            "failed": self.failed,
            "seconds": round(self.seconds, 2),
            "ballots_per_s": round(self.ok / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(statistics.median(lat) * 1000, 1) if lat else None,
            "p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1) if lat else None,
            "p99_ms": round(lat[int(0.99 * (len(lat) - 1))] * 1000, 1) if lat else None,
            "max_ms": round(lat[-1] * 1000, 1) if lat else None,
        }


def cast_over_http(
    *, port: int, voters: list[Voter], clients: int, max_ballots: int, seconds: float, rate: float | None, name: str
) -> Phase:
    """`clients` threads, each with its own keep-alive connection and its own share of the households.

    A household belongs to one thread only, so its ballots are sent one after another and the last
    acknowledged answer is what the database must hold. `rate` paces the whole run (ballots per second);
    without it every thread sends as fast as the server answers.
    """
    phase = Phase(name)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    per_client = max_ballots // clients + 1
    shares = [voters[i::clients] for i in range(clients)]
    interval = clients / rate if rate else 0.0
    csrf = secrets.token_hex(16)  # a 32-character CSRF secret: the cookie and the form field carry the same value

    def client(index: int) -> None:
        mine = shares[index]
        if not mine:
            return
        rng = random.Random(index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies: list[float] = []
        ok = failed = 0
        next_at = time.monotonic() + rng.random() * interval
        for n in range(per_client):
            if time.monotonic() >= stop_at:
                break
            if interval:
                delay = next_at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                next_at += interval
            voter = mine[n % len(mine)]
            answer = ANSWERS[0] if rng.random() < 0.7 else rng.choice(ANSWERS[1:])
            body = f"csrfmiddlewaretoken={csrf}&answer={answer}"
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={voter.cookie}; csrftoken={csrf}",
                "Host": f"127.0.0.1:{port}",
            }
            started = time.perf_counter()
            try:
                conn.request("POST", voter.path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                good = response.status == 302 and response.getheader("Location", "").endswith("/done/")
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                good = False
            elapsed = time.perf_counter() - started
            if good:
                ok += 1
                latencies.append(elapsed)
                voter.sent.append(answer)
            else:
                failed += 1
                voter.failed += 1
        conn.close()
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


# --- (b) bulk paper ballots ------------------------------------------------------------------------------

BALLOT_COLUMNS = (
    "campaign_id",
    "household_id",
    "answer",
    "answers",
    "channel",
    "attachment",
    "cast_at",
    "version",
    "entered_by_id",
    "created_at",
    "updated_at",
)
HEAD_KEY_SQL = (
    "CASE WHEN h.developer_held THEN 'developer' WHEN h.owner_key <> '' THEN 'owner:' || h.owner_key "
    "ELSE 'unit:' || h.id::text END"
)


def paper_rows(campaign: Any, rng: random.Random) -> list[tuple[int, str]]:
    from jiugai.consultation.selectors import head_key, households_in_scope

    rows: list[tuple[int, str]] = []
    per_owner: dict[str, str] = {}  # one owner of several units answers once for all of them
    for household in households_in_scope(campaign=campaign).order_by("pk").only("pk", "owner_key", "developer_held"):
        key = head_key(household)
        if key not in per_owner:
            per_owner[key] = "yes" if rng.random() < 0.75 else rng.choice(ANSWERS[1:])
        rows.append((household.pk, per_owner[key]))
    return rows


def ballots_fingerprint(campaign_ids: list[int]) -> tuple[Any, ...]:
    return tuple(
        _rows(
            "SELECT count(*), md5(string_agg(campaign_id::text || ':' || household_id::text || ':' || answer, ',' "
            "ORDER BY campaign_id, household_id)) FROM consultation_ballot WHERE campaign_id = ANY(%s)",
            [campaign_ids],
        )[0]
    )


def bench_paper(world: World, args: argparse.Namespace) -> dict[str, Any]:
    """Bulk import every paper campaign's ballots, then the same rows by raw COPY alone; same transactions."""
    from django.db import connection, transaction

    from jiugai.consultation.models import Ballot, Tally, TallyOwner
    from jiugai.consultation.services import PaperBallot, paper_ballots_import
    from jiugai.core.bulk import copy_rows

    rng = random.Random(args.seed + 7)
    batches = [(c, paper_rows(c, rng)) for c in world.paper_campaigns]
    total = sum(len(rows) for _c, rows in batches)
    ids = [c.pk for c in world.paper_campaigns]
    started = time.perf_counter()
    for campaign, rows in batches:
        paper_ballots_import(
            actor=world.admin,
            campaign=campaign,
            ballots=[PaperBallot(household, answer, row=n) for n, (household, answer) in enumerate(rows, start=2)],
        )
    import_s = time.perf_counter() - started
    imported = ballots_fingerprint(ids)
    counters = {t.campaign_id: t for t in Tally.objects.filter(campaign_id__in=ids)}
    # The counters the import left must equal a recount (checked in part c too).
    from jiugai.consultation.selectors import tally_counters, tally_recount

    for campaign in world.paper_campaigns[:20]:
        if tally_recount(campaign=campaign) != tally_counters(tally=counters[campaign.pk]):
            raise SystemExit(f"bulk import left wrong counters on campaign {campaign.pk}")

    # Untimed: remove those ballots and zero the counters, then time COPY of the same rows alone.
    with transaction.atomic():
        Ballot.objects.filter(campaign_id__in=ids).delete()
        zero = {f"{a}_{w}": 0 for a in ANSWERS for w in ("households", "area", "heads")}
        Tally.objects.filter(campaign_id__in=ids).update(**zero)
        TallyOwner.objects.filter(campaign_id__in=ids).update(yes_units=0, no_units=0, abstain_units=0)
    _rows("CHECKPOINT")
    from django.utils import timezone

    now = timezone.now()
    started = time.perf_counter()
    for campaign, rows in batches:
        with transaction.atomic(), connection.cursor() as wrapper:
            copy_rows(
                wrapper.cursor,
                Ballot,
                BALLOT_COLUMNS,
                (
                    (
                        campaign.pk,
                        pk,
                        answer,
                        "{}",
                        "paper",
                        "ballots/import/bench.pdf",
                        now,
                        1,
                        world.admin.pk,
                        now,
                        now,
                    )
                    for pk, answer in rows
                ),
            )
    copy_s = time.perf_counter() - started
    if ballots_fingerprint(ids) != imported:
        raise SystemExit("the raw COPY wrote different ballots from the import")
    # Put the counters back as the import left them, so parts c and d see a consistent database.
    with transaction.atomic():
        for campaign in world.paper_campaigns:
            recount = tally_recount(campaign=campaign)
            Tally.objects.filter(campaign_id=campaign.pk).update(**recount)
        _rows(
            f"UPDATE consultation_tallyowner o SET yes_units = d.yes, no_units = d.no, abstain_units = d.abstain FROM ("  # noqa: S608 - constant fragments
            f"  SELECT b.campaign_id, {HEAD_KEY_SQL} AS head, count(*) FILTER (WHERE b.answer = 'yes') AS yes, "
            "  count(*) FILTER (WHERE b.answer = 'no') AS no, count(*) FILTER (WHERE b.answer = 'abstain') AS abstain "
            "  FROM consultation_ballot b JOIN inventory_household h ON h.id = b.household_id "
            "  WHERE b.campaign_id = ANY(%s) GROUP BY b.campaign_id, head"
            ") d WHERE o.campaign_id = d.campaign_id AND o.head_key = d.head",
            [ids],
        )
    figures = {
        "paper_campaigns": len(batches),
        "paper_ballots": total,
        "import_s": round(import_s, 3),
        "raw_copy_s": round(copy_s, 3),
        "import_rows_per_s": round(total / import_s),
        "raw_copy_rows_per_s": round(total / copy_s),
        "ratio": round(copy_s / import_s, 3),
    }
    print(
        f"(b) paper ballots: {total:,} in {len(batches)} campaigns — bulk import {import_s:.2f} s "
        f"= {total / import_s:,.0f} rows/s; raw COPY {copy_s:.2f} s = {total / copy_s:,.0f} rows/s; "
        f"import at {copy_s / import_s:.0%} of raw COPY speed",
        flush=True,
    )
    return figures


# --- (c) recount -----------------------------------------------------------------------------------------

RECOUNT_SQL = (
    "SELECT b.campaign_id, b.answer, count(*), sum(h.area), count(DISTINCT "  # noqa: S608 - constant fragments
    + HEAD_KEY_SQL
    + ") FROM consultation_ballot b JOIN inventory_household h ON h.id = b.household_id "
    "WHERE b.campaign_id = ANY(%s) GROUP BY b.campaign_id, b.answer"
)


def raw_recount(ids: list[int]) -> dict[int, dict[str, Any]]:
    result: dict[int, dict[str, Any]] = {
        pk: {f"{a}_{w}": (Decimal("0") if w == "area" else 0) for a in ANSWERS for w in ("households", "area", "heads")}
        for pk in ids
    }
    for campaign_id, answer, n, area, heads in _rows(RECOUNT_SQL, [ids]):
        result[campaign_id].update({f"{answer}_households": n, f"{answer}_area": area, f"{answer}_heads": heads})
    return result


def bench_recount(world: World) -> dict[str, Any]:
    from jiugai.consultation.models import Ballot, Tally
    from jiugai.consultation.selectors import tally_counters, tally_recounts

    campaigns = world.http_campaigns + world.paper_campaigns
    ids = [c.pk for c in campaigns]
    ballots = Ballot.objects.filter(campaign_id__in=ids).count()
    started = time.perf_counter()
    service = tally_recounts(campaigns=campaigns)
    service_s = time.perf_counter() - started
    started = time.perf_counter()
    raw = raw_recount(ids)
    raw_s = time.perf_counter() - started
    live = {t.campaign_id: tally_counters(tally=t) for t in Tally.objects.filter(campaign_id__in=ids)}
    agree = service == raw == live
    print(
        f"(c) recount of {ballots:,} ballots in {len(ids)} campaigns — service {service_s:.2f} s, raw GROUP BY "
        f"{raw_s:.3f} s ({service_s / raw_s:.1f}× the raw query); service = raw = live counters: {agree}",
        flush=True,
    )
    if not agree:
        raise SystemExit("the recounts disagree with each other or with the live counters")
    return {
        "ballots": ballots,
        "campaigns": len(ids),
        "service_s": round(service_s, 3),
        "raw_sql_s": round(raw_s, 4),
        "ratio": round(service_s / raw_s, 1),
        "match": agree,
    }


# --- the exactness check after HTTP phases ---------------------------------------------------------------


def check_exact(world: World, voters: list[Voter]) -> dict[str, Any]:
    """Every acknowledged ballot is in the database as last sent, once; counters equal a recount."""
    from jiugai.consultation.models import Ballot, Tally
    from jiugai.consultation.selectors import head_key, tally_counters, tally_recount
    from jiugai.inventory.models import Household

    ids = [c.pk for c in world.http_campaigns]
    stored = {
        hid: (answer, version)
        for hid, answer, version in Ballot.objects.filter(campaign_id__in=ids).values_list(
            "household_id", "answer", "version"
        )
    }
    duplicates = _rows(
        "SELECT count(*) FROM (SELECT campaign_id, household_id FROM consultation_ballot "
        "WHERE campaign_id = ANY(%s) GROUP BY 1, 2 HAVING count(*) > 1) d",
        [ids],
    )[0][0]
    # An owner of several units (or the developer) answers once for all of them (REFERENCE §2.3): a ballot
    # through one unit's link is stored on every unit of that owner. So answers are judged per owner: every
    # unit of an owner carries the same answer, the last one acknowledged through any of its links, and each
    # unit's version counts the ballots acknowledged through all of them.
    households = Household.objects.filter(pk__in=[v.household_id for v in voters]).only(
        "pk", "developer_held", "owner_key"
    )
    head_of = {h.pk: head_key(h) for h in households}
    owners: dict[tuple[int, str], list[Voter]] = defaultdict(list)
    for voter in voters:
        owners[(voter.campaign_id, head_of[voter.household_id])].append(voter)
    lost = wrong = extra_versions = 0
    unacknowledged = 0
    for units in owners.values():
        failed = sum(1 for v in units if v.failed)
        unacknowledged += failed
        sent = [v for v in units if v.sent]
        got = [stored.get(v.household_id) for v in units]
        if failed:
            continue  # a failed request may or may not have landed; counted, not judged
        if not sent:
            wrong += sum(1 for g in got if g is not None)
            continue
        lasts = {v.sent[-1] for v in sent}
        versions = sum(len(v.sent) for v in sent)
        for g in got:
            if g is None:
                lost += 1
            elif g[0] not in lasts or len({x[0] for x in got if x is not None}) > 1:
                wrong += 1
            elif g[1] != versions:
                extra_versions += 1
    tallies = {t.campaign_id: t for t in Tally.objects.filter(campaign_id__in=ids)}
    mismatched = [
        c.pk for c in world.http_campaigns if tally_recount(campaign=c) != tally_counters(tally=tallies[c.pk])
    ]
    raw = raw_recount(ids)
    mismatched_raw = [pk for pk in ids if raw[pk] != tally_counters(tally=tallies[pk])]
    expected_changes = sum(max(0, v - 1) for _a, v in stored.values())
    changes = sum(t.changes for t in tallies.values())
    result = {
        "ballots_stored": len(stored),
        "lost": lost,
        "wrong_answer": wrong,
        "double_counted": duplicates + extra_versions,
        "unacknowledged_households": unacknowledged,
        "counter_mismatches": len(mismatched) + len(mismatched_raw),
        "changes_counter_ok": changes == expected_changes,
    }
    return result


# --- main ------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=200_000, help="Register size (10000000 for national).")
    parser.add_argument("--campaigns", type=int, default=100, help="Estate campaigns voted on over HTTP.")
    parser.add_argument("--paper-campaigns", type=int, default=300, help="Estate campaigns imported on paper.")
    parser.add_argument("--clients", type=int, default=32, help="Concurrent HTTP clients.")
    parser.add_argument("--cast-count", type=int, default=20_000, help="(a) at most this many ballots …")
    parser.add_argument("--cast-seconds", type=float, default=30.0, help="(a) … or this many seconds.")
    parser.add_argument("--sustained-seconds", type=float, default=60.0, help="(d) length of the sustained run.")
    parser.add_argument("--rate", type=float, default=500.0, help="(d) target ballots per second.")
    parser.add_argument("--workers", type=int, default=max(2, min(8, 2 * (os.cpu_count() or 1))))
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_VOTES_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    parser.add_argument("--json", action="store_true", help="Print every figure as one JSON object at the end.")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiugai.settings.dev")
    os.environ["DEBUG"] = "0"  # no per-query log in this process either
    recreate_database(args.database_url)
    server: Server | None = None
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
        world = build_world(args)
        voters = issue_voters(world, seed=args.seed)
        connection.close()
        server = Server(database_url=args.database_url, workers=args.workers, threads=args.threads)
        print(f"gunicorn on 127.0.0.1:{server.port}: {args.workers} workers × {args.threads} threads", flush=True)

        warm = cast_over_http(
            port=server.port, voters=voters, clients=args.clients, max_ballots=200, seconds=10, rate=None, name="warm"
        )
        cast = cast_over_http(
            port=server.port,
            voters=voters,
            clients=args.clients,
            max_ballots=args.cast_count,
            seconds=args.cast_seconds,
            rate=None,
            name="throughput",
        )
        a = cast.figures()
        print(
            f"(a) {args.clients} clients, unpaced: {a['ballots']:,} ballots in {a['seconds']} s = "
            f"{a['ballots_per_s']:,} ballots/s; latency p50 {a['p50_ms']} ms, p95 {a['p95_ms']} ms, "
            f"p99 {a['p99_ms']} ms; failed {a['failed']} (+ {warm.ok} warm-up ballots)",
            flush=True,
        )
        b = bench_paper(world, args)
        c = bench_recount(world)
        sustained = cast_over_http(
            port=server.port,
            voters=voters,
            clients=args.clients,
            max_ballots=int(args.rate * args.sustained_seconds * 2),
            seconds=args.sustained_seconds,
            rate=args.rate,
            name="sustained",
        )
        server.stop()
        server = None
        d = sustained.figures()
        exact = check_exact(world, voters)
        met = d["ballots_per_s"] >= args.rate * 0.98
        print(
            f"(d) sustained {d['seconds']} s at a target of {args.rate:,.0f}/s: {d['ballots']:,} ballots = "
            f"{d['ballots_per_s']:,}/s ({'meets' if met else 'misses'} the target); p95 {d['p95_ms']} ms; "
            f"failed {d['failed']}",
            flush=True,
        )
        print(
            f"    final check over {exact['ballots_stored']:,} stored ballots: lost {exact['lost']}, "
            f"double {exact['double_counted']}, wrong answer {exact['wrong_answer']}, counter mismatches "
            f"{exact['counter_mismatches']}, change counter exact {exact['changes_counter_ok']}, "
            f"households with a failed request {exact['unacknowledged_households']}",
            flush=True,
        )
        ok = (
            exact["lost"] == exact["double_counted"] == exact["wrong_answer"] == exact["counter_mismatches"] == 0
            and exact["changes_counter_ok"]
        )
        if args.json:
            print(json.dumps({"cast": a, "paper": b, "recount": c, "sustained": d, "exact": exact}, default=str))
        connection.close()
        return 0 if ok else 1
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            drop_database(args.database_url)


if __name__ == "__main__":
    raise SystemExit(main())
