"""Reads for funding: sources, allocations with their received and paid totals, the estate's cost, totals by
source and level, money over time, alerts (idle funds, lagging spending, over-claims, money outside its
earmark), utilities' right to run the works, the OCDS budget breakdown, subsidies and cost shares.
Everything a user sees goes through `visible_to`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.consultation.extensions import BallotExtra
from jiugai.core.scoping import NOTHING, get_visible_or_404, scope_path_for, visible_to
from jiugai.inventory.models import Estate
from jiugai.planning.models import PlanEntry, ProposalLine
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
from .models import Allocation, CostShare, FundingSource, HouseholdShare, Movement, PropertySubsidy

ZERO = Decimal("0")
# Spending lags when less than this share of the money received has been paid out this many days after it
# first arrived (a platform warning ahead of the policy's idle-funds limit, not a policy figure).
LAG_PAID_SHARE = Decimal("0.5")
LAG_MIN_DAYS = 30
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum(kind: str) -> Any:
    return Coalesce(Sum("movements__amount", filter=Q(movements__kind=kind)), Value(ZERO), output_field=_MONEY)


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
    """Allocations the user may see, each with `received` and `paid` totals."""
    qs = Allocation.objects.select_related("source", "estate", "estate__jurisdiction", "plan_entry__plan")
    return visible_to(user, qs).annotate(received=_sum(MovementKind.RECEIVED), paid=_sum(MovementKind.PAID))


def allocation_get(*, user: Any, pk: Any) -> Allocation:
    return get_visible_or_404(user, allocation_list(user=user), pk=pk)


def moved_totals(allocation: Allocation) -> tuple[Decimal, Decimal]:
    """(received, paid) of one allocation, read fresh."""
    totals = {
        row["kind"]: row["total"]
        for row in Movement.objects.filter(allocation=allocation).values("kind").annotate(total=Sum("amount"))
    }
    return totals.get(MovementKind.RECEIVED, ZERO), totals.get(MovementKind.PAID, ZERO)


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


@dataclass
class TotalRow:
    """Money of one source kind (or level): planned in all, approved, received, paid."""

    key: str
    label: str
    allocated: Decimal = ZERO
    approved: Decimal = ZERO
    received: Decimal = ZERO
    paid: Decimal = ZERO


def _totals(allocations: Iterable[Allocation], key_of: Any, label_of: Any) -> list[TotalRow]:
    rows: dict[str, TotalRow] = {}
    for allocation in allocations:
        key = key_of(allocation)
        row = rows.setdefault(key, TotalRow(key=key, label=str(label_of(key))))
        row.allocated += allocation.amount
        if allocation.status in APPROVED_STATUSES:
            row.approved += allocation.amount
        row.received += allocation.received  # type: ignore[attr-defined]
        row.paid += allocation.paid  # type: ignore[attr-defined]
    return sorted(rows.values(), key=lambda r: -r.allocated)


def totals_by_source(allocations: Iterable[Allocation]) -> list[TotalRow]:
    labels = dict(SourceKind.choices)
    return _totals(allocations, lambda a: a.source.kind, lambda k: labels.get(k, k))


def totals_by_level(allocations: Iterable[Allocation]) -> list[TotalRow]:
    labels = dict(SourceLevel.choices)
    return _totals(allocations, lambda a: SOURCE_LEVEL.get(a.source.kind, ""), lambda k: labels.get(k, k))


def totals_by_plan(allocations: Iterable[Allocation]) -> list[TotalRow]:
    return _totals(
        allocations,
        lambda a: str(a.plan_entry.plan) if a.plan_entry_id else "",
        lambda k: k or _("Not in an annual plan"),
    )


def totals_by_jurisdiction(allocations: Iterable[Allocation]) -> list[TotalRow]:
    return _totals(allocations, lambda a: a.estate.jurisdiction.name, lambda k: k)


def chart_data(allocations: list[Allocation], movements: Iterable[Movement]) -> dict[str, Any]:
    """ECharts input: allocated money stacked by source per status, and cumulative received vs paid by month."""
    statuses = [str(s) for s in ("planned", "applied", "approved", "received", "paid")]
    labels = dict(SourceKind.choices)
    amounts: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)  # (kind, status) → money, in one pass
    for allocation in allocations:
        amounts[(allocation.source.kind, allocation.status)] += allocation.amount
    kinds = sorted({kind for kind, _status in amounts})
    stacked = {
        "statuses": [str(label) for _value, label in AllocationStatus.choices],
        "series": [
            {"name": str(labels.get(kind, kind)), "data": [str(amounts[(kind, s)]) for s in statuses]} for kind in kinds
        ],
    }
    monthly: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"received": ZERO, "paid": ZERO})
    for movement in movements:
        monthly[movement.on.strftime("%Y-%m")][movement.kind] += movement.amount
    months = sorted(monthly)
    received = paid = ZERO
    over_time: dict[str, list[str]] = {"months": months, "received": [], "paid": []}
    for month in months:
        received += monthly[month]["received"]
        paid += monthly[month]["paid"]
        over_time["received"].append(str(received))
        over_time["paid"].append(str(paid))
    return {"stacked": stacked, "over_time": over_time}


def movement_list(*, user: Any) -> QuerySet[Movement]:
    return visible_to(user, Movement.objects.select_related("allocation__estate", "allocation__source"))


# --- alerts -------------------------------------------------------------------------------------------


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


def alert_list(*, user: Any, today: dt.date | None = None, allocations: list[Allocation] | None = None) -> list[Alert]:
    """Idle funds (Guyuan), lagging spending, over-claims (报大建小) and money outside its earmark.

    `allocations`: the user's `allocation_list`, when the caller has already read it (the dashboard)."""
    today = today or timezone.localdate()
    if allocations is None:
        allocations = list(allocation_list(user=user))
    by_allocation: dict[int, list[Movement]] = defaultdict(list)
    for movement in Movement.objects.filter(allocation__in=[a.pk for a in allocations]).order_by("on", "id"):
        by_allocation[movement.allocation_id].append(movement)
    policies = effective_policies(jurisdictions={a.estate.jurisdiction for a in allocations}, on=today)
    alerts: list[Alert] = []
    for allocation in allocations:
        moves = by_allocation.get(allocation.pk, [])
        received, paid = allocation.received, allocation.paid  # type: ignore[attr-defined]
        if received <= ZERO:
            continue
        estate = allocation.estate
        policy = policies[estate.jurisdiction_id]
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
    alerts.extend(_estate_alerts(allocations))
    return alerts


def _estate_alerts(allocations: list[Allocation]) -> list[Alert]:
    alerts: list[Alert] = []
    estates: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        if allocation.status in APPROVED_STATUSES:
            estates[allocation.estate_id].append(allocation)
    latest = latest_proposals(estates)
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
