"""Reads for tenders and contracts: the bill of quantities with its totals and the quantities now in force (the
weekly reports are checked against `boq_quantities`), tenders with their bids by price, contracts with their
approved variations, and what the public page shows (firms and prices, no personal data).

Jiyuan reply No. 105049 (seeds/000_f9b901b302fa6203.txt): construction is tendered on the bill (清单招标) and the
prices are posted in the estate; variations change quantities and cost as works meet reality. Every list for a
user goes through `visible_to`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.rules.tender import line_amount

from ..choices import ContractKind, TenderMethod, TenderStatus, VariationStatus
from ..models import Bid, BoQLine, Contract, Project, Tender, Variation, VariationLine

ZERO = Decimal("0")
CENT = Decimal("0.01")
_DEC = DecimalField(max_digits=16, decimal_places=2)


# --- the bill of quantities -----------------------------------------------------------------------------


def boq_base_quantities(project: Project) -> dict[str, Decimal]:
    """Line code → quantity of the bill as tendered (lines brought in by variations left out): what bids price."""
    return dict(
        BoQLine.objects.filter(project=project, added_by__isnull=True)
        .order_by("position", "id")
        .values_list("code", "quantity")
    )


def boq_quantities(project: Project) -> dict[int, Decimal]:
    """Line id → quantity in force: the bill's quantity plus every approved variation's change (a line a variation
    brought in counts from its approval). The weekly progress reports are checked against these. One query."""
    rows = (
        BoQLine.objects.filter(project=project)
        .annotate(
            base=Case(When(added_by__isnull=True, then=F("quantity")), default=Value(ZERO), output_field=_DEC),
            approved=Coalesce(
                Sum(
                    "variation_lines__quantity_delta",
                    filter=Q(variation_lines__variation__status=VariationStatus.APPROVED),
                ),
                Value(ZERO),
                output_field=_DEC,
            ),
        )
        .values_list("pk", "base", "approved")
    )
    return {pk: (Decimal(base) + Decimal(approved)).quantize(CENT) for pk, base, approved in rows}


@dataclass(frozen=True)
class BoqRow:
    """One bill line with its tendered quantity and amount, approved and pending changes, and what is in force."""

    line: BoQLine
    base_quantity: Decimal
    approved_delta: Decimal
    pending_delta: Decimal
    quantity: Decimal
    amount: Decimal
    approved_amount: Decimal
    current_amount: Decimal
    added_by: int | None  # the number of the variation that brought the line in
    added_status: str


@dataclass(frozen=True)
class BoqSummary:
    """The bill: its rows, the tendered total (the construction control price defaults to it) and the total in
    force with approved variations."""

    rows: list[BoqRow] = field(default_factory=list)
    base_total: Decimal = ZERO
    approved_total: Decimal = ZERO
    current_total: Decimal = ZERO


def boq_lines_with_totals(project: Project) -> BoqSummary:
    """Every line of the project's bill with its quantities and amounts, and the totals. Amounts are quantity ×
    unit price half-up to the cent per line; a variation's change is paid at its own unit price."""
    lines = list(BoQLine.objects.filter(project=project).select_related("added_by").order_by("position", "id"))
    changes: dict[int, list[tuple[str, Decimal, Decimal]]] = {}
    for line_id, status, delta, price in VariationLine.objects.filter(boq_line__project=project).values_list(
        "boq_line_id", "variation__status", "quantity_delta", "unit_price"
    ):
        changes.setdefault(line_id, []).append((status, delta, price))
    rows = []
    base_total = approved_total = ZERO
    for line in lines:
        added = line.added_by_id is not None
        base = ZERO if added else line.quantity
        amount = ZERO if added else line.amount
        approved = sum((d for s, d, _p in changes.get(line.pk, []) if s == VariationStatus.APPROVED), ZERO)
        pending = sum((d for s, d, _p in changes.get(line.pk, []) if s == VariationStatus.PROPOSED), ZERO)
        approved_amount = sum(
            (line_amount(d, p) for s, d, p in changes.get(line.pk, []) if s == VariationStatus.APPROVED), ZERO
        )
        rows.append(
            BoqRow(
                line=line,
                base_quantity=base,
                approved_delta=approved,
                pending_delta=pending,
                quantity=base + approved,
                amount=amount,
                approved_amount=approved_amount,
                current_amount=amount + approved_amount,
                added_by=line.added_by.number if line.added_by is not None else None,
                added_status=line.added_by.status if line.added_by is not None else "",
            )
        )
        base_total += amount
        approved_total += approved_amount
    return BoqSummary(
        rows=rows, base_total=base_total, approved_total=approved_total, current_total=base_total + approved_total
    )


def priced_total(quantities: Mapping[str, Decimal], prices: Mapping[str, Decimal]) -> Decimal | None:
    """Σ quantity × unit price over the priced lines (each to the cent); None when a price names no line."""
    if any(code not in quantities for code in prices):
        return None
    return sum((line_amount(quantities[code], price) for code, price in prices.items()), ZERO)


# --- tenders, bids, contracts, variations ---------------------------------------------------------------


def tender_list(*, user: Any, project: Project | None = None) -> QuerySet[Tender]:
    """The tenders `user` may see (of one project when given)."""
    qs = visible_to(user, Tender.objects.select_related("project", "awarded_bid"))
    return qs.filter(project=project) if project is not None else qs


def tender_get(*, user: Any, pk: Any) -> Tender:
    """One tender the user may see (404 otherwise)."""
    return get_visible_or_404(user, Tender.objects.select_related("project__jurisdiction", "awarded_bid"), pk=pk)


def tender_bids(tender: Tender) -> list[Bid]:
    """A tender's bids, lowest price first (then the earlier bid)."""
    return list(tender.bids.order_by("price", "submitted_on", "id"))


def bid_list(*, user: Any, project: Project | None = None) -> QuerySet[Bid]:
    """The bids `user` may see, by tender and price."""
    qs = visible_to(user, Bid.objects.select_related("tender__project"))
    return qs.filter(tender__project=project) if project is not None else qs


def contract_list(*, user: Any, project: Project | None = None) -> QuerySet[Contract]:
    """The contracts `user` may see (of one project when given)."""
    qs = visible_to(user, Contract.objects.select_related("project", "tender"))
    return qs.filter(project=project) if project is not None else qs


def contract_get(*, user: Any, pk: Any) -> Contract:
    """One contract the user may see (404 otherwise)."""
    return get_visible_or_404(user, Contract.objects.select_related("project__jurisdiction", "tender"), pk=pk)


def contract_unit_prices(contract: Contract) -> dict[str, Decimal]:
    """The unit prices the contract pays per bill line: the winning bid's priced bill (empty without one)."""
    tender = contract.tender
    if tender is None or tender.awarded_bid_id is None:
        return {}
    bid = Bid.objects.filter(pk=tender.awarded_bid_id).only("line_prices").first()
    return {code: Decimal(str(price)) for code, price in ((bid.line_prices if bid else None) or {}).items()}


def variation_list(*, user: Any, project: Project | None = None) -> QuerySet[Variation]:
    """The variations `user` may see (of one project when given), with their lines."""
    qs = visible_to(
        user,
        Variation.objects.select_related("contract__project", "proposed_by", "decided_by").prefetch_related(
            "lines__boq_line"
        ),
    )
    return qs.filter(contract__project=project) if project is not None else qs


def variation_get(*, user: Any, pk: Any) -> Variation:
    """One variation the user may see (404 otherwise)."""
    return get_visible_or_404(
        user, Variation.objects.select_related("contract__project__jurisdiction").prefetch_related("lines"), pk=pk
    )


@dataclass(frozen=True)
class ContractRow:
    """A contract with the cost of its approved and pending variations and what it comes to."""

    contract: Contract
    approved_variations: Decimal
    pending_variations: Decimal
    total: Decimal


@dataclass(frozen=True)
class ContractTotals:
    """The project's contracts, their approved variations and the sum (what the final accounts start from)."""

    rows: list[ContractRow] = field(default_factory=list)
    contract_total: Decimal = ZERO
    variations_total: Decimal = ZERO
    total: Decimal = ZERO


def contract_totals(project: Project) -> ContractTotals:
    """Each contract of the project with its approved (and pending) variations; the contract total, the approved
    variations total and their sum. Two queries."""
    contracts = list(
        Contract.objects.filter(project=project)
        .select_related("tender")
        .annotate(
            approved=Coalesce(
                Sum("variations__cost_delta", filter=Q(variations__status=VariationStatus.APPROVED)),
                Value(ZERO),
                output_field=_DEC,
            ),
            pending=Coalesce(
                Sum("variations__cost_delta", filter=Q(variations__status=VariationStatus.PROPOSED)),
                Value(ZERO),
                output_field=_DEC,
            ),
        )
        .order_by("kind", "id")
    )
    rows = [
        ContractRow(
            contract=c,
            approved_variations=Decimal(c.approved),
            pending_variations=Decimal(c.pending),
            total=c.amount + Decimal(c.approved),
        )
        for c in contracts
    ]
    contract_total = sum((r.contract.amount for r in rows), ZERO)
    variations_total = sum((r.approved_variations for r in rows), ZERO)
    return ContractTotals(
        rows=rows,
        contract_total=contract_total,
        variations_total=variations_total,
        total=contract_total + variations_total,
    )


def tenders_public_summary(project: Project) -> dict[str, Any]:
    """What the public page shows of tenders and contracts (阳光操作; Jiyuan 000: tender prices posted): each
    tender's contract, method, control price, status, every bidder (a firm) with its price lowest first, the
    winner; each contract's firm, amount, approved variations and total. No personal data."""
    tenders = []
    for tender in (
        Tender.objects.filter(project=project)
        .exclude(status=TenderStatus.DRAFT)
        .select_related("awarded_bid")
        .prefetch_related("bids")
        .order_by("kind", "id")
    ):
        bids = sorted(tender.bids.all(), key=lambda b: (b.price, b.submitted_on, b.pk))
        tenders.append(
            {
                "kind": ContractKind(tender.kind).label,
                "method": TenderMethod(tender.method).label,
                "control_price": tender.control_price,
                "status": TenderStatus(tender.status).label,
                "opened_on": tender.opened_on,
                "closes_on": tender.closes_on,
                "awarded_on": tender.awarded_on,
                "winner": tender.awarded_bid.bidder if tender.awarded_bid is not None else "",
                "winning_price": tender.awarded_bid.price if tender.awarded_bid is not None else None,
                "bids": [{"bidder": b.bidder, "price": b.price, "winner": b.pk == tender.awarded_bid_id} for b in bids],
            }
        )
    totals = contract_totals(project)
    contracts = [
        {
            "kind": ContractKind(row.contract.kind).label,
            "counterparty": row.contract.counterparty,
            "amount": row.contract.amount,
            "signed_on": row.contract.signed_on,
            "tendered": row.contract.tender_id is not None,
            "approved_variations": row.approved_variations,
            "total": row.total,
        }
        for row in totals.rows
    ]
    return {
        "tenders": tenders,
        "contracts": contracts,
        "contract_total": totals.contract_total,
        "variations_total": totals.variations_total,
        "total": totals.total,
    }
