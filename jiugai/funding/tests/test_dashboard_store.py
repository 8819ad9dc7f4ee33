"""Issue 6 (dashboard p95 ≤ 200 ms at 50,000 projects): the SQL totals and chart give the same rows and numbers as
the Python loops they replace, the received/paid counters match the movements (also as the data migration fills
them), the stored alerts match the alerts computed now in every language, and the dashboard's query count does
not grow with the number of allocations."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jiugai.funding import selectors, services
from jiugai.funding.choices import (
    APPROVED_STATUSES,
    SOURCE_LEVEL,
    AlertKind,
    AllocationStatus,
    MovementKind,
    SourceKind,
    SourceLevel,
)
from jiugai.funding.models import Allocation, FundingAlert, FundingAlertRefresh, Movement
from jiugai.funding.tasks import funding_alerts_refresh_task
from jiugai.planning import services as planning
from jiugai.planning.choices import Tier
from jiugai.planning.models import AnnualPlan, PlanEntry

from .conftest import World, make_estate

ZERO = Decimal("0")
TODAY = dt.date(2024, 1, 1)


def _allocate(world: World, kind: str, estate: Any, amount: str, **extra: Any) -> Allocation:
    return services.allocation_create(
        source=world.source(kind), estate=estate, amount=amount, year=2024, actor=world.office, **extra
    )


def _approve(world: World, allocation: Allocation) -> Allocation:
    for target in (AllocationStatus.APPLIED, AllocationStatus.APPROVED):
        services.allocation_transition(allocation=allocation, target=target, actor=world.office)
    return allocation


def _move(world: World, allocation: Allocation, kind: str, amount: str, on: dt.date) -> None:
    services.movement_record(allocation=allocation, kind=kind, amount=amount, on=on, actor=world.office)


@pytest.fixture
def ledger(world: World) -> World:
    """Three estates in two streets, one of them in an annual plan, allocations in every status, receipts and
    payments; then proposals change so that an over-claim and money outside its earmark appear."""
    second = make_estate(world.tree, "F2")
    third = make_estate(world.tree, "F3", street="b")
    plan = AnnualPlan(jurisdiction=world.tree.city, year=2024, title="2024年度改造计划", budget=Decimal("5000000"))
    plan.full_clean()
    plan.save()
    entry = PlanEntry.objects.create(
        plan=plan, estate=second, unit_key=second.code, tier=Tier.IMPLEMENT, cost=Decimal("800000"), benefit=1
    )
    paid = _approve(world, _allocate(world, SourceKind.CITY, world.estate, "300000"))
    _move(world, paid, MovementKind.RECEIVED, "250000", dt.date(2023, 1, 1))
    _move(world, paid, MovementKind.RECEIVED, "50000", dt.date(2023, 2, 10))
    _move(world, paid, MovementKind.PAID, "100000", dt.date(2023, 3, 1))
    services.allocation_transition(
        allocation=_allocate(world, SourceKind.DISTRICT_BUDGET, world.estate, "200000"),
        target=AllocationStatus.APPLIED,
        actor=world.office,
    )
    central = _approve(world, _allocate(world, SourceKind.CENTRAL_SUBSIDY, second, "500000", plan_entry=entry))
    _move(world, central, MovementKind.RECEIVED, "200000", dt.date(2023, 6, 1))
    _allocate(world, SourceKind.CITY, second, "100000")
    _approve(world, _allocate(world, SourceKind.SPECIAL_BONDS, third, "400000"))
    _allocate(world, SourceKind.DISTRICT_BUDGET, third, "50000")
    # Later proposals: the central money now meets only upgrade items (outside its earmark), and the third
    # estate's works shrink below what was approved (报大建小).
    planning.proposal_save(estate=second, lines=[{"item": "U01", "quantity": "1", "unit_cost": "600000"}], actor=None)
    planning.proposal_save(estate=third, lines=[{"item": "B03", "quantity": "1", "unit_cost": "300000"}], actor=None)
    return world


# --- the Python loops the SQL replaced, kept here as the reference ------------------------------------


def _moved() -> dict[tuple[int, str], Decimal]:
    totals: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for movement in Movement.objects.all():
        totals[(movement.allocation_id, movement.kind)] += movement.amount
    return totals


def _python_totals(
    allocations: Iterable[Allocation], key_of: Callable[[Allocation], str], label_of: Callable[[str], Any]
) -> list[tuple[str, str, Decimal, Decimal, Decimal, Decimal]]:
    moved = _moved()
    rows: dict[str, list[Any]] = {}
    for a in allocations:
        key = key_of(a)
        row = rows.setdefault(key, [key, str(label_of(key)), ZERO, ZERO, ZERO, ZERO])
        row[2] += a.amount
        if a.status in APPROVED_STATUSES:
            row[3] += a.amount
        row[4] += moved[(a.pk, MovementKind.RECEIVED)]
        row[5] += moved[(a.pk, MovementKind.PAID)]
    return [tuple(r) for r in sorted(rows.values(), key=lambda r: -r[2])]


def _python_chart(allocations: list[Allocation], movements: Iterable[Movement]) -> dict[str, Any]:
    statuses = ["planned", "applied", "approved", "received", "paid"]
    labels = dict(SourceKind.choices)
    amounts: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for a in allocations:
        amounts[(a.source.kind, a.status)] += a.amount
    kinds = sorted({kind for kind, _status in amounts})
    stacked = {
        "statuses": [str(label) for _value, label in AllocationStatus.choices],
        "series": [{"name": str(labels.get(k, k)), "data": [str(amounts[(k, s)]) for s in statuses]} for k in kinds],
    }
    monthly: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"received": ZERO, "paid": ZERO})
    for m in movements:
        monthly[m.on.strftime("%Y-%m")][m.kind] += m.amount
    received = paid = ZERO
    over_time: dict[str, list[str]] = {"months": sorted(monthly), "received": [], "paid": []}
    for month in sorted(monthly):
        received += monthly[month]["received"]
        paid += monthly[month]["paid"]
        over_time["received"].append(str(received))
        over_time["paid"].append(str(paid))
    return {"stacked": stacked, "over_time": over_time}


def _rows(rows: list[selectors.TotalRow]) -> list[tuple[str, str, Decimal, Decimal, Decimal, Decimal]]:
    return [(r.key, r.label, r.allocated, r.approved, r.received, r.paid) for r in rows]


def _as_numbers(chart: dict[str, Any]) -> dict[str, Any]:
    """The chart with its money strings as numbers ("100000" and "100000.00" are the same money)."""
    stacked = [(s["name"], [Decimal(v) for v in s["data"]]) for s in chart["stacked"]["series"]]
    over = chart["over_time"]
    return {
        "statuses": chart["stacked"]["statuses"],
        "stacked": stacked,
        "months": over["months"],
        "received": [Decimal(v) for v in over["received"]],
        "paid": [Decimal(v) for v in over["paid"]],
    }


@pytest.mark.parametrize("who", ["office", "east", "west"])
def test_sql_totals_match_the_python_loops(ledger: World, english: None, who: str) -> None:
    user = getattr(ledger, who)
    queryset = selectors.allocation_list(user=user)
    objects = list(queryset)
    kinds, levels = dict(SourceKind.choices), dict(SourceLevel.choices)
    expected = {
        "source": _python_totals(objects, lambda a: a.source.kind, lambda k: kinds.get(k, k)),
        "level": _python_totals(objects, lambda a: SOURCE_LEVEL.get(a.source.kind, ""), lambda k: levels.get(k, k)),
        "plan": _python_totals(
            objects,
            lambda a: str(a.plan_entry.plan) if a.plan_entry_id else "",  # type: ignore[union-attr]
            lambda k: k or "Not in an annual plan",
        ),
        "jurisdiction": _python_totals(objects, lambda a: a.estate.jurisdiction.name, lambda k: k),
    }
    found = {
        "source": _rows(selectors.totals_by_source(queryset)),
        "level": _rows(selectors.totals_by_level(queryset)),
        "plan": _rows(selectors.totals_by_plan(queryset)),
        "jurisdiction": _rows(selectors.totals_by_jurisdiction(queryset)),
    }
    assert found == expected
    summary = selectors.funding_summary(user=user)
    assert _rows(summary.by_source) == expected["source"] and _rows(summary.by_level) == expected["level"]
    assert _rows(summary.by_plan) == expected["plan"]
    assert _rows(summary.by_jurisdiction) == expected["jurisdiction"]
    assert summary.allocation_count == len(objects)
    movements = list(selectors.movement_list(user=user))
    assert _as_numbers(summary.chart) == _as_numbers(_python_chart(objects, movements))
    assert _as_numbers(selectors.chart_data(queryset, selectors.movement_list(user=user))) == _as_numbers(summary.chart)
    if who == "office":
        assert len(expected["source"]) == 4 and len(expected["plan"]) == 2 and len(expected["jurisdiction"]) == 2
        assert summary.chart["over_time"]["months"] == ["2023-01", "2023-02", "2023-03", "2023-06"]
    if who == "west":
        assert {r[0] for r in expected["jurisdiction"]} == {"西一社区"}


def test_a_user_seeing_every_estate_skips_the_filter_but_not_the_scope(ledger: World, make_user: Any) -> None:
    """The city office sees every estate, so its totals skip the scope filter; once another city has an estate,
    the filter is back and the other city's money and alerts stay out."""
    from jiugai.accounts.choices import Level, Role
    from jiugai.accounts.services import jurisdiction_create
    from jiugai.funding.models import FundingSource
    from jiugai.inventory.models import Estate

    services.funding_alerts_refresh(today=TODAY)
    assert selectors._sees_every_estate(ledger.office) and not selectors._sees_every_estate(ledger.east)
    mine = selectors.funding_summary(user=ledger.office)
    alerts = selectors.funding_alert_list(user=ledger.office).count()
    other = jurisdiction_create(code="T32", name="另一市", level=Level.CITY)
    assert selectors._sees_every_estate(ledger.office)  # a jurisdiction without estates changes nothing
    estate = Estate(code="X1", name="外市小区", jurisdiction=other, street=other)
    estate.full_clean()
    estate.save()
    source = FundingSource.objects.create(jurisdiction=other, kind=SourceKind.CITY, name="外市资金")
    outside = Allocation.objects.create(
        source=source, estate=estate, amount=Decimal("700000"), year=2024, status=AllocationStatus.RECEIVED
    )
    Movement.objects.create(allocation=outside, kind=MovementKind.RECEIVED, amount=Decimal("700000"), on=TODAY)
    Allocation.objects.filter(pk=outside.pk).update(received=Decimal("700000"))
    services.funding_alerts_refresh_estate(estate=estate, today=dt.date(2024, 6, 1))
    assert FundingAlert.objects.filter(estate=estate).exists()
    assert not selectors._sees_every_estate(ledger.office)
    again = selectors.funding_summary(user=ledger.office)
    assert _rows(again.by_source) == _rows(mine.by_source) and again.chart == mine.chart
    assert again.allocation_count == mine.allocation_count
    assert selectors.funding_alert_list(user=ledger.office).count() == alerts
    assert selectors.funding_alert_count(user=ledger.office) == alerts
    admin = make_user("admin", Role.PLATFORM_ADMIN)
    assert selectors._sees_every_estate(admin)
    assert selectors.funding_summary(user=admin).allocation_count == mine.allocation_count + 1
    assert selectors.funding_alert_list(user=admin).count() == selectors.funding_alert_count(user=admin) > alerts


def test_counters_follow_the_movements(ledger: World) -> None:
    moved = _moved()
    for a in Allocation.objects.all():
        assert (a.received, a.paid) == (moved[(a.pk, MovementKind.RECEIVED)], moved[(a.pk, MovementKind.PAID)])
        assert selectors.moved_totals(a) == (a.received, a.paid)
    assert Allocation.objects.filter(received__gt=0).count() == 2


def test_refused_movement_leaves_the_counters(ledger: World, english: None) -> None:
    allocation = Allocation.objects.get(source__kind=SourceKind.CENTRAL_SUBSIDY)
    with pytest.raises(ValidationError):
        _move(ledger, allocation, MovementKind.PAID, "200000.01", dt.date(2023, 7, 1))
    allocation.refresh_from_db()
    assert (allocation.received, allocation.paid) == (Decimal("200000"), ZERO)
    allocation.paid = Decimal("200000.01")  # the constraint refuses what the service refuses
    with pytest.raises(ValidationError):
        allocation.full_clean()


def test_data_migration_fills_the_counters(ledger: World) -> None:
    migration = importlib.import_module("jiugai.funding.migrations.0002_allocation_moved_counters_and_stored_alerts")
    before = {a.pk: (a.received, a.paid) for a in Allocation.objects.all()}
    Allocation.objects.update(received=ZERO, paid=ZERO)
    migration.allocation_counters_fill(apps, None)
    assert {a.pk: (a.received, a.paid) for a in Allocation.objects.all()} == before


# --- stored alerts ------------------------------------------------------------------------------------


def _live(user: Any, today: dt.date) -> list[tuple[Any, ...]]:
    return sorted(
        (a.kind, a.estate.pk, a.allocation.pk if a.allocation else None, a.amount, a.message, tuple(a.reasons))
        for a in selectors.alert_list(user=user, today=today)
    )


def _stored(user: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (a.kind, a.estate_id, a.allocation_id, a.amount, a.message, tuple(a.reasons))
        for a in selectors.funding_alert_list(user=user)
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_stored_alerts_match_the_alerts_computed_now(ledger: World, language: str) -> None:
    refresh = services.funding_alerts_refresh(today=TODAY)
    assert refresh.alerts == FundingAlert.objects.count() and refresh.estates == 3
    with translation.override(language):
        for user in (ledger.office, ledger.east, ledger.west):
            assert _stored(user) == _live(user, TODAY)
        kinds = {row[0] for row in _stored(ledger.office)}
    assert kinds == {AlertKind.IDLE, AlertKind.LAGGING, AlertKind.OVER_CLAIM, AlertKind.OUTSIDE_EARMARK}
    # Only the third estate's: 400,000 approved against works of 300,000 (also more than its items may take).
    assert {row[0] for row in _stored(ledger.west)} == {AlertKind.OVER_CLAIM, AlertKind.OUTSIDE_EARMARK}
    with translation.override("en"):
        earmark = selectors.funding_alert_list(user=ledger.east).get(kind=AlertKind.OUTSIDE_EARMARK)
        assert "is more than the 0 yuan of items it may pay for" in earmark.message and earmark.reasons
    with translation.override("zh-hans"):
        assert "超过其可支付内容的0元" in earmark.message  # the same row, read in the other language


def test_most_important_first(ledger: World) -> None:
    services.funding_alerts_refresh(today=TODAY)
    alerts = list(selectors.funding_alert_list(user=ledger.office))
    assert [a.severity for a in alerts] == sorted(a.severity for a in alerts)
    assert alerts[-1].kind == AlertKind.LAGGING
    rule_breaches = [a.amount for a in alerts if a.severity == 1]
    assert rule_breaches == sorted(rule_breaches, reverse=True)


def test_writes_refresh_their_estate(world: World) -> None:
    allocation = _approve(world, _allocate(world, SourceKind.CITY, world.estate, "300000"))
    assert not FundingAlert.objects.exists()
    _move(world, allocation, MovementKind.RECEIVED, "300000", dt.date(2023, 1, 1))  # long ago: idle and lagging
    assert set(FundingAlert.objects.values_list("kind", flat=True)) == {AlertKind.IDLE, AlertKind.LAGGING}
    assert not FundingAlertRefresh.objects.exists()  # one estate refreshed, not a full run
    _move(world, allocation, MovementKind.PAID, "300000", dt.date(2023, 2, 1))
    assert not FundingAlert.objects.exists()


def test_full_refresh_drops_alerts_that_no_longer_hold(ledger: World) -> None:
    services.funding_alerts_refresh(today=TODAY)
    assert FundingAlert.objects.filter(kind=AlertKind.OVER_CLAIM).exists()
    third = Allocation.objects.get(source__kind=SourceKind.SPECIAL_BONDS).estate
    planning.proposal_save(estate=third, lines=[{"item": "B03", "quantity": "1", "unit_cost": "450000"}], actor=None)
    services.funding_alerts_refresh(jurisdiction=ledger.tree.street_b, today=TODAY)
    assert not FundingAlert.objects.filter(estate=third).exists()
    assert FundingAlert.objects.filter(kind=AlertKind.IDLE).exists()  # street a's untouched


def test_refreshed_time_covers_the_users_scope(ledger: World) -> None:
    assert selectors.funding_alerts_refreshed(user=ledger.office) is None
    street = services.funding_alerts_refresh(jurisdiction=ledger.tree.street_b, today=TODAY)
    assert selectors.funding_alerts_refreshed(user=ledger.west) == street
    assert selectors.funding_alerts_refreshed(user=ledger.office) is None  # the city was not all refreshed
    result = funding_alerts_refresh_task.delay().get()
    everything = FundingAlertRefresh.objects.get(jurisdiction=None)
    assert result["alerts"] == everything.alerts == FundingAlert.objects.count()
    assert selectors.funding_alerts_refreshed(user=ledger.office) == everything
    assert selectors.funding_alerts_refreshed(user=ledger.west) == everything
    assert funding_alerts_refresh_task.delay(ledger.tree.street_a.code).get()["jurisdiction"] == "T310101"


# --- the pages ----------------------------------------------------------------------------------------


def test_dashboard_pages_the_stored_alerts(client: Any, ledger: World, english: None, monkeypatch: Any) -> None:
    from jiugai.funding import views

    services.funding_alerts_refresh(today=TODAY)
    total = FundingAlert.objects.count()
    monkeypatch.setattr(views, "ALERTS_PER_PAGE", 2)
    client.force_login(ledger.office)
    page = client.get("/funding/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-testid="alert-count">{total}<' in page
    assert page.count("<tr data-alert=") == 2
    refreshed = page.split('data-testid="alerts-refreshed">', 1)[1].split("</p>", 1)[0]
    assert 'data-testid="alert-pages"' in page and ":" in refreshed  # the time of the last full refresh
    last = client.get(f"/funding/?alerts_page={(total + 1) // 2}").content.decode()
    assert 'data-alert="lagging"' in last
    csv = b"".join(client.get("/funding/alerts.csv").streaming_content).decode("utf-8-sig")
    assert len([line for line in csv.splitlines() if line.strip()]) == total + 1
    api = client.get("/api/v1/funding/alerts/").json()
    assert api["count"] == total and api["results"][0]["severity"] == 1 and api["results"][0]["message"]
    assert client.get("/api/v1/funding/alerts/?kind=idle").json()["count"] == 2
    client.force_login(ledger.west)
    assert client.get("/api/v1/funding/alerts/").json()["count"] == 2


def test_dashboard_queries_do_not_grow_with_allocations(client: Any, ledger: World) -> None:
    services.funding_alerts_refresh(today=TODAY)
    client.force_login(ledger.office)
    client.get("/funding/")  # warm caches (content types, policy)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/funding/").status_code == 200
        return len(captured.captured_queries)

    before = queries()
    for code in ("F4", "F5", "F6"):
        estate = make_estate(ledger.tree, code)
        allocation = _approve(ledger, _allocate(ledger, SourceKind.CITY, estate, "100000"))
        _move(ledger, allocation, MovementKind.RECEIVED, "100000", dt.date(2023, 9, 1))
    services.funding_alerts_refresh(today=TODAY)
    assert queries() == before


# --- the data migration on rows recorded before it ----------------------------------------------------

BEFORE_COUNTERS = [("funding", "0001_sources_allocations_subsidies_cost_shares")]


def _migrate(targets: list[tuple[str, str]] | None) -> Any:
    """Migrate to `targets` (None: the latest migrations, where the other tests expect the schema)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_fills_counters_of_existing_allocations(tree: Any) -> None:
    old = _migrate(BEFORE_COUNTERS)
    try:
        Estate = old.get_model("inventory", "Estate")
        Source = old.get_model("funding", "FundingSource")
        OldAllocation = old.get_model("funding", "Allocation")
        OldMovement = old.get_model("funding", "Movement")
        estate = Estate.objects.create(
            code="M1", name="旧小区", jurisdiction_id=tree.community_a.pk, street_id=tree.street_a.pk
        )
        source = Source.objects.create(jurisdiction_id=tree.city.pk, kind="city", name="市级资金")
        moved = OldAllocation.objects.create(
            source=source, estate=estate, amount=Decimal("500000"), year=2024, status="paid"
        )
        untouched = OldAllocation.objects.create(
            source=source, estate=estate, amount=Decimal("1000"), year=2024, status="planned"
        )
        for kind, amount in (("received", "300000"), ("received", "199999.50"), ("paid", "120000.25")):
            OldMovement.objects.create(allocation=moved, kind=kind, amount=Decimal(amount), on=dt.date(2024, 3, 1))
    finally:
        new = _migrate(None)
    Allocation = new.get_model("funding", "Allocation")
    assert Allocation.objects.values_list("received", "paid").get(pk=moved.pk) == (
        Decimal("499999.50"),
        Decimal("120000.25"),
    )
    assert Allocation.objects.values_list("received", "paid").get(pk=untouched.pk) == (ZERO, ZERO)
