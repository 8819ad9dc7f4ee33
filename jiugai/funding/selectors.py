"""Reads for funding: sources, allocations with their received and paid totals, the estate's cost, totals by
source and level (SQL aggregates), money over time, alerts (idle funds, lagging spending, over-claims, money
outside its earmark: computed now, or as stored by the refresh service), utilities' right to run the works, the
OCDS budget breakdown, subsidies and cost shares. Everything a user sees goes through `visible_to`; only the
dashboard's aggregates skip its filter, and only when it would keep every row (`_sees_every_estate`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from jiugai.accounts.models import Jurisdiction
from jiugai.consultation.extensions import BallotExtra
from jiugai.core.scoping import NOTHING, get_visible_or_404, scope_path_for, visible_to
from jiugai.inventory.models import Estate
from jiugai.planning.models import PlanEntry, ProposalLine, RenovationProposal
from jiugai.planning.selectors import latest_proposals, proposal_latest, totals_by_class
from jiugai.policy.selectors import effective_policies, effective_policy
from jiugai.rules.decision import Decision, RuleInputError
from jiugai.rules.funding import earmark_decide, idle_funds_decide, utility_may_implement_decide
from jiugai.rules.params import ParameterError
from jiugai.rules.policy import Policy

from .choices import (
    APPROVED_STATUSES,
    SOURCE_LEVEL,
    AlertKind,
    AllocationStatus,
    CostShareStatus,
    MovementKind,
    SourceKind,
    SourceLevel,
    rule_kind,
)
from .models import (
    Allocation,
    CostShare,
    FundingAlert,
    FundingAlertRefresh,
    FundingSource,
    HouseholdShare,
    Movement,
    PropertySubsidy,
)

ZERO = Decimal("0")
# Spending lags when less than this share of the money received has been paid out this many days after it
# first arrived (a platform warning ahead of the policy's idle-funds limit, not a policy figure).
LAG_PAID_SHARE = Decimal("0.5")
LAG_MIN_DAYS = 30


# --- sources and allocations ----------------------------------------------------------------------------


def source_list(*, user: Any) -> QuerySet[FundingSource]:
    """Sources in the user's subtree and those held above it (a street office uses its city's subsidy)."""
    qs = FundingSource.objects.select_related("jurisdiction")
    path = scope_path_for(user)
    if path is None:
        return qs
    if path == NOTHING:
        return qs.none()
    node = getattr(user, "jurisdiction", None)
    codes = [n.code for n in node.ancestors(include_self=True)] if node is not None else []
    return qs.filter(Q(jurisdiction__path__startswith=path) | Q(jurisdiction__code__in=codes))


def source_get(*, user: Any, pk: Any) -> FundingSource:
    source = source_list(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if source is None:
        raise Http404
    return source


def sources_for_estate(*, estate: Estate) -> QuerySet[FundingSource]:
    """Sources held at the estate's jurisdiction or above it (a city's subsidy serves its estates)."""
    codes = [node.code for node in estate.jurisdiction.ancestors(include_self=True)]
    return FundingSource.objects.filter(jurisdiction__code__in=codes).select_related("jurisdiction")


def allocation_list(*, user: Any) -> QuerySet[Allocation]:
    """Allocations the user may see; `received` and `paid` are the counters `movement_record` keeps."""
    qs = Allocation.objects.select_related("source", "estate", "estate__jurisdiction", "plan_entry__plan")
    return visible_to(user, qs)


def allocation_get(*, user: Any, pk: Any) -> Allocation:
    return get_visible_or_404(user, allocation_list(user=user), pk=pk)


def moved_totals(allocation: Allocation) -> tuple[Decimal, Decimal]:
    """(received, paid) of one allocation, read fresh from its counters."""
    row = Allocation.objects.filter(pk=allocation.pk).values_list("received", "paid").first()
    return row if row is not None else (ZERO, ZERO)


def estate_cost(*, estate: Estate, plan_entry: PlanEntry | None = None) -> tuple[Decimal | None, str]:
    """What the estate's renovation costs, and where that figure comes from: the plan entry, else the newest
    renovation proposal; (None, "") when neither exists."""
    if plan_entry is not None:
        return plan_entry.cost, _("plan entry of %(plan)s") % {"plan": plan_entry.plan}
    proposal = proposal_latest(estate=estate)
    if proposal is not None:
        return proposal.total, _("renovation proposal v%(version)s") % {"version": proposal.version}
    return None, ""


def proposal_class_costs(*, estate: Estate) -> dict[str, Decimal]:
    """The newest proposal's cost per item class (empty without a proposal)."""
    proposal = proposal_latest(estate=estate)
    return totals_by_class(proposal.lines.all()) if proposal is not None else {}


def utility_works_cost(*, estate: Estate, utility: str) -> Decimal:
    """The cost of the newest proposal's items a given utility is responsible for."""
    proposal = proposal_latest(estate=estate)
    if proposal is None:
        return ZERO
    total = ProposalLine.objects.filter(proposal=proposal, item__utility=utility).aggregate(total=Sum("cost"))["total"]
    return total or ZERO


def estate_policy(estate: Estate, on: dt.date | None = None) -> Policy:
    return effective_policy(jurisdiction=estate.jurisdiction, on=on or timezone.localdate())


@dataclass
class UtilityCheck:
    """A utility's share of the works it is responsible for, and whether it may run them."""

    source: FundingSource
    share: Decimal
    works: Decimal
    decision: Decision | None
    error: str = ""


def utility_checks(*, estate: Estate, allocations: Iterable[Allocation]) -> list[UtilityCheck]:
    """Jiyuan: a utility paying at least the profile's share of its works may run them (seed 000)."""
    by_source: dict[int, tuple[FundingSource, Decimal]] = {}
    for allocation in allocations:
        if allocation.source.kind != SourceKind.UTILITY:
            continue
        source, amount = by_source.get(allocation.source_id, (allocation.source, ZERO))
        by_source[allocation.source_id] = (source, amount + allocation.amount)
    checks: list[UtilityCheck] = []
    for source, amount in by_source.values():
        works = utility_works_cost(estate=estate, utility=source.utility) if source.utility else ZERO
        if works <= ZERO:
            estimate, _basis = estate_cost(estate=estate)
            works = estimate or ZERO
        try:
            decision = utility_may_implement_decide(amount, works, estate_policy(estate))
        except (RuleInputError, ParameterError) as exc:
            checks.append(UtilityCheck(source, amount, works, None, str(exc)))
            continue
        checks.append(UtilityCheck(source, amount, works, decision))
    return checks


# --- totals and charts --------------------------------------------------------------------------------
#
# Totals are SQL aggregates over the user's allocations (GROUP BY source kind and status, plan, jurisdiction), with
# `received` and `paid` read from the counters the movement service keeps: at 50,000 allocations the dashboard
# reads a few dozen grouped rows instead of every allocation as an object (issue 6: p95 ≤ 200 ms).


@dataclass
class TotalRow:
    """Money of one source kind (or level): planned in all, approved, received, paid."""

    key: str
    label: str
    allocated: Decimal = ZERO
    approved: Decimal = ZERO
    received: Decimal = ZERO
    paid: Decimal = ZERO
    count: int = 0

    def add(self, row: dict[str, Any], *, approved: bool) -> None:
        self.allocated += row["allocated"] or ZERO
        if approved:
            self.approved += row["allocated"] or ZERO
        self.received += row["received"] or ZERO
        self.paid += row["paid"] or ZERO
        self.count += row["count"]


def _grouped(allocations: QuerySet[Allocation], *keys: str) -> list[dict[str, Any]]:
    """Allocated, received and paid money and the number of allocations per combination of `keys`."""
    return list(
        allocations.order_by()
        .values(*keys)
        .annotate(allocated=Sum("amount"), received=Sum("received"), paid=Sum("paid"), count=Count("id"))
    )


def _folded(rows: Iterable[dict[str, Any]], key_of: Any, label_of: Any) -> list[TotalRow]:
    """Rows grouped by (…, status) folded into one TotalRow per key; the largest first, then by key."""
    totals: dict[str, TotalRow] = {}
    for row in rows:
        key = key_of(row)
        total = totals.setdefault(key, TotalRow(key=key, label=str(label_of(key))))
        total.add(row, approved=row["status"] in APPROVED_STATUSES)
    return sorted(totals.values(), key=lambda r: (-r.allocated, r.key))


def kind_status_totals(allocations: QuerySet[Allocation]) -> list[dict[str, Any]]:
    """One row per (source kind, status): the single query behind the source and level totals and the chart."""
    return _grouped(allocations, "source__kind", "status")


def _by_source(rows: list[dict[str, Any]]) -> list[TotalRow]:
    labels = dict(SourceKind.choices)
    return _folded(rows, lambda r: r["source__kind"], lambda k: labels.get(k, k))


def _by_level(rows: list[dict[str, Any]]) -> list[TotalRow]:
    labels = dict(SourceLevel.choices)
    return _folded(rows, lambda r: SOURCE_LEVEL.get(r["source__kind"], ""), lambda k: labels.get(k, k))


def totals_by_source(allocations: QuerySet[Allocation]) -> list[TotalRow]:
    return _by_source(kind_status_totals(allocations))


def totals_by_level(allocations: QuerySet[Allocation]) -> list[TotalRow]:
    return _by_level(kind_status_totals(allocations))


def _by_plan(rows: list[dict[str, Any]]) -> list[TotalRow]:
    return _folded(rows, lambda r: r["plan_entry__plan__title"] or "", lambda k: k or _("Not in an annual plan"))


def totals_by_plan(allocations: QuerySet[Allocation]) -> list[TotalRow]:
    """By the annual plan's title (allocations outside a plan together); plans of the same title add up."""
    return _by_plan(_grouped(allocations, "plan_entry__plan__title", "status"))


def totals_by_jurisdiction(allocations: QuerySet[Allocation]) -> list[TotalRow]:
    """By the name of the estate's jurisdiction (communities of the same name add up, as they always have)."""
    rows = _grouped(allocations, "estate__jurisdiction__name", "status")
    return _folded(rows, lambda r: r["estate__jurisdiction__name"], lambda k: k)


def _stacked(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Allocated money stacked by source per status (ECharts input)."""
    statuses = [str(s) for s in ("planned", "applied", "approved", "received", "paid")]
    labels = dict(SourceKind.choices)
    amounts: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        amounts[(row["source__kind"], row["status"])] += row["allocated"] or ZERO
    kinds = sorted({kind for kind, _status in amounts})
    return {
        "statuses": [str(label) for _value, label in AllocationStatus.choices],
        "series": [
            {"name": str(labels.get(kind, kind)), "data": [str(amounts[(kind, s)]) for s in statuses]} for kind in kinds
        ],
    }


def _over_time(movements: QuerySet[Movement]) -> dict[str, list[str]]:
    """Cumulative money received and paid by month, from one GROUP BY month and kind."""
    monthly: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"received": ZERO, "paid": ZERO})
    for row in (
        movements.order_by().annotate(month=TruncMonth("on")).values("month", "kind").annotate(total=Sum("amount"))
    ):
        monthly[row["month"].strftime("%Y-%m")][row["kind"]] += row["total"]
    months = sorted(monthly)
    received = paid = ZERO
    over_time: dict[str, list[str]] = {"months": months, "received": [], "paid": []}
    for month in months:
        received += monthly[month]["received"]
        paid += monthly[month]["paid"]
        over_time["received"].append(str(received))
        over_time["paid"].append(str(paid))
    return over_time


def chart_data(allocations: QuerySet[Allocation], movements: QuerySet[Movement]) -> dict[str, Any]:
    """ECharts input: allocated money stacked by source per status, and cumulative received vs paid by month."""
    return {"stacked": _stacked(kind_status_totals(allocations)), "over_time": _over_time(movements)}


@dataclass
class FundingSummary:
    """Everything the dashboard shows apart from the alerts."""

    by_source: list[TotalRow]
    by_level: list[TotalRow]
    by_plan: list[TotalRow]
    by_jurisdiction: list[TotalRow]
    chart: dict[str, Any]
    allocation_count: int


def _sees_every_estate(user: Any) -> bool:
    """True when no estate lies outside the user's scope (a nation-level office, a platform admin, a city office
    of a one-city installation): then `visible_to` keeps every allocation, movement and alert, and leaving its
    filter out spares the aggregates a join through every estate (at 50,000 estates, most of their time).
    One indexed look-up: the jurisdictions outside the user's subtree that hold an estate. Aggregates only; rows
    shown to the user always go through `visible_to`. Like the page's other queries, the look-up and the
    aggregates are separate statements, so an estate moved out of the scope in between still counts once,
    exactly as if the page had been read a moment earlier."""
    path = scope_path_for(user)
    if path is None:
        return True
    if path == NOTHING:
        return False
    outside = Jurisdiction.objects.exclude(path__startswith=path)
    return not Estate.objects.filter(jurisdiction__in=outside).exists()


def _scoped(user: Any, queryset: QuerySet[Any], *, everything: bool) -> QuerySet[Any]:
    return queryset if everything else visible_to(user, queryset)


def funding_summary(*, user: Any, charts: bool = True) -> FundingSummary:
    """The dashboard's totals and charts for the user's allocations in three aggregate queries: (source kind,
    status, plan) for the source, level and plan totals and the stacked chart; (jurisdiction, status); and the
    movements by month and kind (`charts=False` leaves that one out)."""
    everything = _sees_every_estate(user)
    allocations = _scoped(user, Allocation.objects.all(), everything=everything)
    rows = _grouped(allocations, "source__kind", "status", "plan_entry__plan__title")
    movements = _scoped(user, Movement.objects.all(), everything=everything)
    return FundingSummary(
        by_source=_by_source(rows),
        by_level=_by_level(rows),
        by_plan=_by_plan(rows),
        by_jurisdiction=totals_by_jurisdiction(allocations),
        chart={"stacked": _stacked(rows), "over_time": _over_time(movements)} if charts else {},
        allocation_count=sum(row["count"] for row in rows),
    )


def movement_list(*, user: Any) -> QuerySet[Movement]:
    return visible_to(user, Movement.objects.select_related("allocation__estate", "allocation__source"))


# --- alerts -------------------------------------------------------------------------------------------
#
# `alert_list` computes the alerts now, from the allocations and movements: the reference. The dashboard, the
# export and the API read `funding_alert_list`, the alerts stored by `services.funding_alerts_refresh` from the
# same computation (`alerts_compute`).


@dataclass
class Alert:
    """One warning on the funding dashboard, with the figures and (where a rule decided it) the reasons."""

    kind: str
    estate: Estate
    message: str
    allocation: Allocation | None = None
    amount: Decimal = ZERO
    reasons: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(dict(AlertKind.choices).get(self.kind, self.kind))


def _unpaid_since(movements: list[Movement]) -> dt.date | None:
    """The date of the oldest receipt not yet covered by payments (first in, first out)."""
    paid = sum((m.amount for m in movements if m.kind == MovementKind.PAID), ZERO)
    for receipt in sorted((m for m in movements if m.kind == MovementKind.RECEIVED), key=lambda m: m.on):
        if paid >= receipt.amount:
            paid -= receipt.amount
            continue
        return receipt.on
    return None


# Allocations that can raise an alert: money received (idle, lagging) or approved (over-claims, earmarks).
ALERTABLE = Q(received__gt=0) | Q(status__in=APPROVED_STATUSES)


@dataclass
class AlertInputs:
    """What the alerts of a set of allocations are computed from, read once (and reused per language)."""

    allocations: list[Allocation]
    movements: dict[int, list[Movement]]
    policies: dict[int, Policy]
    proposals: dict[int, RenovationProposal]
    today: dt.date


def alert_inputs(allocations: list[Allocation], *, today: dt.date) -> AlertInputs:
    """The movements of the allocations that received money, the policy in force at each estate's jurisdiction
    and each estate's newest proposal: four queries however many allocations."""
    by_allocation: dict[int, list[Movement]] = defaultdict(list)
    received = [a.pk for a in allocations if a.received > ZERO]
    if received:
        for movement in Movement.objects.filter(allocation__in=received).order_by("on", "id"):
            by_allocation[movement.allocation_id].append(movement)
    approved = {a.estate_id for a in allocations if a.status in APPROVED_STATUSES}
    return AlertInputs(
        allocations=allocations,
        movements=by_allocation,
        policies=effective_policies(jurisdictions={a.estate.jurisdiction for a in allocations}, on=today)
        if allocations
        else {},
        proposals=latest_proposals(approved) if approved else {},
        today=today,
    )


def alerts_compute(inputs: AlertInputs) -> list[Alert]:
    """Idle funds (Guyuan, seeds/003_54d0b71b4a1e2a82.txt, `funding.idle_funds_days`), lagging spending (the
    platform's LAG_* warning), over-claims (报大建小) and money outside its earmark, in the active language."""
    today = inputs.today
    alerts: list[Alert] = []
    for allocation in inputs.allocations:
        received, paid = allocation.received, allocation.paid
        if received <= ZERO:
            continue
        moves = inputs.movements.get(allocation.pk, [])
        estate = allocation.estate
        policy = inputs.policies[estate.jurisdiction_id]
        since = _unpaid_since(moves)
        if since is not None:
            try:
                decision = idle_funds_decide(since, None, today, policy)
            except (RuleInputError, ParameterError):
                decision = None
            if decision is not None and decision.outcome == "alert":
                alerts.append(
                    Alert(
                        kind=AlertKind.IDLE,
                        estate=estate,
                        allocation=allocation,
                        amount=received - paid,
                        message=_("%(amount)s yuan received on %(date)s is still not paid out.")
                        % {"amount": received - paid, "date": since.isoformat()},
                        reasons=[r.message for r in decision.reasons],
                    )
                )
        first = min((m.on for m in moves if m.kind == MovementKind.RECEIVED), default=None)
        if first is not None and (today - first).days >= LAG_MIN_DAYS and paid < received * LAG_PAID_SHARE:
            alerts.append(
                Alert(
                    kind=AlertKind.LAGGING,
                    estate=estate,
                    allocation=allocation,
                    amount=received - paid,
                    message=_("Only %(paid)s of %(received)s yuan received since %(date)s has been paid out.")
                    % {"paid": paid, "received": received, "date": first.isoformat()},
                )
            )
    alerts.extend(_estate_alerts(inputs.allocations, inputs.proposals))
    return alerts


def alert_list(*, user: Any, today: dt.date | None = None, allocations: list[Allocation] | None = None) -> list[Alert]:
    """The user's alerts computed now (the reference the stored alerts are refreshed from; the dashboard reads
    `funding_alert_list`). `allocations`: the user's `allocation_list`, when the caller has already read it."""
    today = today or timezone.localdate()
    if allocations is None:
        allocations = list(allocation_list(user=user).filter(ALERTABLE))
    return alerts_compute(alert_inputs(allocations, today=today))


def _estate_alerts(allocations: list[Allocation], latest: dict[int, RenovationProposal]) -> list[Alert]:
    alerts: list[Alert] = []
    estates: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        if allocation.status in APPROVED_STATUSES:
            estates[allocation.estate_id].append(allocation)
    for estate_id, items in estates.items():
        estate = items[0].estate
        approved = sum((a.amount for a in items), ZERO)
        proposal = latest.get(estate_id)
        if proposal is not None and approved > proposal.total:
            alerts.append(
                Alert(
                    kind=AlertKind.OVER_CLAIM,
                    estate=estate,
                    amount=approved - proposal.total,
                    message=_("%(approved)s yuan approved, more than the %(total)s yuan of proposal v%(version)s.")
                    % {"approved": approved, "total": proposal.total, "version": proposal.version},
                )
            )
        class_costs = totals_by_class(proposal.lines.all()) if proposal is not None else {}
        alerts.extend(_earmark_alerts(estate, items, class_costs))
    return alerts


def earmark_limit(*, kind: str, class_costs: dict[str, Decimal]) -> tuple[Decimal, list[Decision]]:
    """How much of the proposal a source kind may pay for: the cost of the classes its earmark allows."""
    limit = ZERO
    decisions: list[Decision] = []
    for item_class, cost in class_costs.items():
        decision = earmark_decide(rule_kind(kind), item_class)
        decisions.append(decision)
        if decision.passed:
            limit += cost
    return limit, decisions


def _earmark_alerts(estate: Estate, allocations: list[Allocation], class_costs: dict[str, Decimal]) -> list[Alert]:
    if not class_costs:
        return []
    alerts: list[Alert] = []
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for allocation in allocations:
        if allocation.item_class:
            decision = earmark_decide(rule_kind(allocation.source.kind), allocation.item_class)
            if not decision.passed:
                alerts.append(
                    Alert(
                        kind=AlertKind.OUTSIDE_EARMARK,
                        estate=estate,
                        allocation=allocation,
                        amount=allocation.amount,
                        message=_("%(source)s is used for %(class)s items outside its earmark.")
                        % {"source": allocation.source, "class": allocation.get_item_class_display()},
                        reasons=[r.message for r in decision.reasons],
                    )
                )
        else:
            by_kind[allocation.source.kind] += allocation.amount
    labels = dict(SourceKind.choices)
    for kind, amount in by_kind.items():
        limit, decisions = earmark_limit(kind=kind, class_costs=class_costs)
        if amount > limit:
            alerts.append(
                Alert(
                    kind=AlertKind.OUTSIDE_EARMARK,
                    estate=estate,
                    amount=amount - limit,
                    message=_("%(amount)s yuan of %(source)s is more than the %(limit)s yuan of items it may pay for.")
                    % {"amount": amount, "source": labels.get(kind, kind), "limit": limit},
                    reasons=[r.message for d in decisions for r in d.reasons],
                )
            )
    return alerts


def funding_alert_list(*, user: Any) -> QuerySet[FundingAlert]:
    """The stored alerts the user may see, the most important first (rule breaches, then the largest sums)."""
    qs = FundingAlert.objects.select_related("estate", "allocation")
    return visible_to(user, qs).order_by("severity", "-amount", "id")


def funding_alert_count(*, user: Any) -> int:
    """How many stored alerts the user may see (without the scope join when the user sees every estate)."""
    return _scoped(user, FundingAlert.objects.all(), everything=_sees_every_estate(user)).count()


class _CountedPaginator(Paginator):
    """A paginator told its count, so that counting can take the cheaper query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


def funding_alert_page(*, user: Any, number: Any, per_page: int) -> Page:
    """One page of the user's stored alerts, the most important first, with the number of all of them."""
    paginator = _CountedPaginator(funding_alert_list(user=user), per_page, count=funding_alert_count(user=user))
    return paginator.get_page(number)


def funding_alerts_refreshed(*, user: Any) -> FundingAlertRefresh | None:
    """The newest full refresh that covered the user's whole scope: one of everything, or of a jurisdiction at
    or above the user's (None before the first refresh)."""
    path = scope_path_for(user)
    if path == NOTHING:
        return None
    covering = Q(jurisdiction__isnull=True)
    if path is not None:
        codes = [c for c in path.strip("/").split("/") if c]
        covering |= Q(jurisdiction__path__in=["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))])
    return FundingAlertRefresh.objects.filter(covering).order_by("-refreshed_at").first()


# --- open data ----------------------------------------------------------------------------------------


def ocds_budget_breakdown(*, estate: Estate, allocations: Iterable[Allocation]) -> dict[str, Any]:
    """One estate's funding in the Open Contracting shape `planning.budget.budgetBreakdown`."""
    labels = dict(SourceKind.choices)
    breakdown: list[dict[str, Any]] = []
    parties: dict[str, dict[str, Any]] = {}
    for allocation in allocations:
        source = allocation.source
        party_id = f"jiugai-source-{source.pk}"
        parties[party_id] = {"id": party_id, "name": source.name, "roles": ["funder"]}
        breakdown.append(
            {
                "id": f"jiugai-allocation-{allocation.pk}",
                "description": f"{labels.get(source.kind, source.kind)}: {source.name}",
                "amount": {"amount": float(allocation.amount), "currency": "CNY"},
                "sourceParty": {"id": party_id, "name": source.name},
                "status": allocation.status,
            }
        )
    total = sum((Decimal(str(b["amount"]["amount"])) for b in breakdown), ZERO)
    return {
        "ocid": f"jiugai-estate-{estate.code}",
        "parties": list(parties.values()),
        "planning": {
            "budget": {
                "description": estate.name,
                "amount": {"amount": float(total), "currency": "CNY"},
                "budgetBreakdown": breakdown,
            }
        },
    }


# --- subsidies and cost shares ------------------------------------------------------------------------


def property_subsidy_list(*, user: Any) -> QuerySet[PropertySubsidy]:
    return visible_to(user, PropertySubsidy.objects.select_related("estate"))


def cost_share_list(*, user: Any) -> QuerySet[CostShare]:
    return visible_to(user, CostShare.objects.select_related("estate", "building"))


def cost_share_get(*, user: Any, pk: Any) -> CostShare:
    return get_visible_or_404(user, CostShare.objects.select_related("estate", "building", "payer"), pk=pk)


def household_shares(*, cost_share: CostShare) -> QuerySet[HouseholdShare]:
    return cost_share.shares.select_related("household__building").order_by(
        "household__building__number", "household__stairwell", "household__floor", "household__room"
    )


def published_shares_of(*, household: Any) -> QuerySet[HouseholdShare]:
    return HouseholdShare.objects.filter(
        household=household, cost_share__status=CostShareStatus.PUBLISHED
    ).select_related("cost_share")


def ballot_share_extra(campaign: Any, household: Any) -> list[BallotExtra]:
    """The household's own published cost shares on its ballot page (registered in FundingConfig.ready)."""
    shares = list(published_shares_of(household=household))
    if not shares:
        return []
    rows = [
        {
            "item": share.cost_share.item,
            "method": share.cost_share.get_method_display(),
            "amount": share.amount,
            "exempt": share.exempt,
            "total": share.cost_share.total,
        }
        for share in shares
    ]
    return [BallotExtra(template="funding/_ballot_share.html", context={"rows": rows})]
