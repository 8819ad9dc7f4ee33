"""Writes for funding: sources, allocations (with every check before anything is saved), their workflow,
receipts and payments (with each allocation's running totals), the stored dashboard alerts, documents,
property-service subsidies and residents' cost shares. Keyword-only, atomic, validated; approvals, receipts,
payments and cost-share publication are audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiugai.accounts.models import Jurisdiction
from jiugai.consultation.choices import CampaignStatus, Matter, ScopeType
from jiugai.consultation.models import Campaign
from jiugai.core.audit import audit_entry_append
from jiugai.core.permissions import require
from jiugai.core.workflow import workflow_transition
from jiugai.inventory.models import Building, Estate, Household
from jiugai.planning.models import PlanEntry
from jiugai.rules.cost_share import ShareUnit, cost_share_decide
from jiugai.rules.decision import PASSING_OUTCOMES, Decision, RuleInputError
from jiugai.rules.funding import central_repeat_decide, earmark_decide
from jiugai.rules.params import ParameterError
from jiugai.rules.property_subsidy import property_subsidy_decide

from . import selectors as sel
from .choices import (
    ALERT_SEVERITY,
    CENTRAL_KINDS,
    RESIDENT_KINDS,
    AllocationStatus,
    CostShareStatus,
    DocumentKind,
    HardshipHandling,
    MovementKind,
    ShareMethod,
    SourceKind,
    rule_kind,
)
from .models import (
    Allocation,
    AllocationDocument,
    CostShare,
    FundingAlert,
    FundingAlertRefresh,
    FundingSource,
    HouseholdShare,
    Movement,
    PropertySubsidy,
)
from .workflow import ALLOCATION_WORKFLOW

ZERO = Decimal("0")
# Documents: what offices scan or export, and no bigger than a scanned voucher needs to be.
DOCUMENT_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".ofd")
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# Using the housing maintenance fund needs an owners' decision on that matter (Civil Code Art. 278 items 5, 6).
FUND_MATTERS = (Matter.USE_FUND, Matter.RAISE_FUND)


def _within(actor: Any, jurisdiction: Jurisdiction) -> None:
    """Staff act only inside their own part of the tree."""
    if actor is None or getattr(actor, "is_platform_admin", False):
        return
    base = actor.scope_path()
    if base is not None and not jurisdiction.path.startswith(base):
        raise PermissionDenied(_("You may not change funding data outside your jurisdiction."))


def money(value: Any, *, field: str, allow_zero: bool = False) -> Decimal:
    """A yuan amount from user input, or a translated ValidationError naming the field."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: [_("Enter an amount.")]})
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("“%(value)s” is not an amount of money.") % {"value": value}]}) from None
    if not number.is_finite():
        raise ValidationError({field: [_("“%(value)s” is not an amount of money.") % {"value": value}]})
    if number < ZERO or (number == ZERO and not allow_zero):
        raise ValidationError({field: [_("The amount must be more than zero.")]})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("Amounts are in yuan with at most two decimals.")]})
    return number


def _reasons(decision: Decision) -> str:
    return "; ".join(r.message for r in decision.reasons)


# --- sources ------------------------------------------------------------------------------------------


@transaction.atomic
def source_create(
    *,
    jurisdiction: Jurisdiction,
    kind: str,
    name: str,
    programme: str = "",
    year: int | None = None,
    utility: str = "",
    budget: Any = None,
    note: str = "",
    actor: Any = None,
) -> FundingSource:
    """Record a funding source held at `jurisdiction`."""
    if actor is not None:
        require(actor, "funding.manage_sources")
        _within(actor, jurisdiction)
    if kind == SourceKind.UTILITY and not utility:
        raise ValidationError({"utility": [_("Name the utility whose money this is.")]})
    source = FundingSource(
        jurisdiction=jurisdiction,
        kind=kind,
        name=name.strip(),
        programme=programme,
        year=year,
        utility=utility if kind == SourceKind.UTILITY else "",
        budget=money(budget, field="budget", allow_zero=True) if budget not in (None, "") else None,
        note=note,
    )
    source.full_clean()
    source.save()
    return source


# --- allocations --------------------------------------------------------------------------------------


def _authorisation_problems(kind: str, estate: Estate, campaign: Campaign | None) -> list[str]:
    """Residents' money needs a decided owners' consultation of the same estate that passed (Art. 278)."""
    if kind not in RESIDENT_KINDS:
        return []
    label = dict(SourceKind.choices).get(kind, kind)
    if campaign is None:
        return [_("%(source)s is residents' money: link the owners' decision that authorises it.") % {"source": label}]
    if campaign.estate_id != estate.pk:
        return [_("The authorising consultation is about another estate.")]
    if campaign.status != CampaignStatus.DECIDED or not campaign.decision:
        return [_("The authorising consultation has not been decided yet.")]
    if campaign.decision.get("outcome") not in PASSING_OUTCOMES:
        return [_("The owners did not agree in the authorising consultation.")]
    if kind == SourceKind.MAINTENANCE_FUND and campaign.matter not in FUND_MATTERS:
        return [_("Using the housing maintenance fund needs the owners' decision on using or raising the fund.")]
    return []


def allocation_checks(
    *,
    source: FundingSource,
    estate: Estate,
    amount: Decimal,
    year: int,
    item_class: str = "",
    plan_entry: PlanEntry | None = None,
    authorising_campaign: Campaign | None = None,
    exclude_pk: int | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Everything that refuses an allocation (translated sentences), and the decisions taken on the way."""
    problems: list[str] = []
    decisions: list[dict[str, Any]] = []
    if plan_entry is not None and plan_entry.estate_id != estate.pk:
        problems.append(_("The plan entry is for another estate."))
    if not estate.jurisdiction.path.startswith(source.jurisdiction.path):
        problems.append(_("The source is held outside the estate's jurisdiction."))
    problems.extend(_authorisation_problems(source.kind, estate, authorising_campaign))
    try:
        policy = sel.estate_policy(estate)
        if source.kind in CENTRAL_KINDS:
            decision = central_repeat_decide(
                estate_funded_year=estate.central_funded_year,
                programme=estate.central_funded_programme,
                applying_year=year,
                policy=policy,
            )
            decisions.append(decision.as_dict())
            if not decision.passed:
                problems.append(_("Central money is refused: %(reasons)s") % {"reasons": _reasons(decision)})
        if item_class:
            decision = earmark_decide(rule_kind(source.kind), item_class)
            decisions.append(decision.as_dict())
            if not decision.passed:
                problems.append(_("Outside the source's earmark: %(reasons)s") % {"reasons": _reasons(decision)})
        else:
            class_costs = sel.proposal_class_costs(estate=estate)
            if class_costs:
                limit, found = sel.earmark_limit(kind=source.kind, class_costs=class_costs)
                decisions.extend(d.as_dict() for d in found)
                if amount > limit:
                    problems.append(
                        _(
                            "%(amount)s yuan is more than the %(limit)s yuan of the proposal's items this source "
                            "may pay for."
                        )
                        % {"amount": amount, "limit": limit}
                    )
    except (RuleInputError, ParameterError) as exc:
        problems.append(_("The funding rules could not decide: %(error)s") % {"error": exc})
    cost, basis = sel.estate_cost(estate=estate, plan_entry=plan_entry)
    if cost is None:
        problems.append(_("The estate has no renovation proposal or plan entry, so there is no cost to fund."))
    else:
        siblings = Allocation.objects.filter(estate=estate)
        if exclude_pk is not None:
            siblings = siblings.exclude(pk=exclude_pk)
        others = siblings.aggregate(total=Sum("amount"))
        total = (others["total"] or ZERO) + amount
        if total > cost:
            problems.append(
                _("Allocations would total %(total)s yuan, more than the estate's cost of %(cost)s yuan (%(basis)s).")
                % {"total": total, "cost": cost, "basis": basis}
            )
    return problems, decisions


@transaction.atomic
def allocation_create(
    *,
    source: FundingSource,
    estate: Estate,
    amount: Any,
    year: int | None = None,
    plan_entry: PlanEntry | None = None,
    item_class: str = "",
    authorising_campaign: Campaign | None = None,
    note: str = "",
    actor: Any = None,
) -> Allocation:
    """Allocate money of `source` to `estate`; every refusal is reported at once and nothing is saved."""
    if actor is not None:
        require(actor, "funding.plan_allocation")
        _within(actor, estate.jurisdiction)
    value = money(amount, field="amount")
    if year is None:
        year = plan_entry.plan.year if plan_entry is not None else (source.year or timezone.localdate().year)
    Estate.objects.select_for_update().filter(pk=estate.pk).first()  # serialise allocations of one estate
    problems, decisions = allocation_checks(
        source=source,
        estate=estate,
        amount=value,
        year=year,
        item_class=item_class,
        plan_entry=plan_entry,
        authorising_campaign=authorising_campaign,
    )
    if problems:
        raise ValidationError(problems)
    allocation = Allocation(
        source=source,
        estate=estate,
        plan_entry=plan_entry,
        amount=value,
        item_class=item_class,
        year=year,
        authorising_campaign=authorising_campaign,
        decision={"checks": decisions},
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    allocation.full_clean()
    allocation.save()
    funding_alerts_refresh_estate(estate=estate)
    return allocation


@transaction.atomic
def allocation_transition(*, allocation: Allocation, target: str, actor: Any, reason: str = "") -> Allocation:
    """Move an allocation along its lifecycle (the table, role and gates in workflow.py); approvals are audited.
    An approval counts against the proposal and the earmarks, so the estate's stored alerts are refreshed."""
    _within(actor, allocation.estate.jurisdiction)
    workflow_transition(workflow=ALLOCATION_WORKFLOW, obj=allocation, target=target, actor=actor, reason=reason)
    allocation.refresh_from_db()
    funding_alerts_refresh_estate(estate=allocation.estate)
    return allocation


@transaction.atomic
def movement_record(
    *,
    allocation: Allocation,
    kind: str,
    amount: Any,
    on: dt.date,
    reference: str = "",
    note: str = "",
    actor: Any = None,
) -> Movement:
    """Record money received or paid out (audited); the allocation's status follows the first of each.

    The allocation's `received`/`paid` counters move in the same transaction as the movement (the row is locked),
    so totals never need the movements; then the estate's stored alerts are refreshed."""
    if actor is not None:
        require(actor, "funding.record_movement")
        _within(actor, allocation.estate.jurisdiction)
    value = money(amount, field="amount")
    allocation = Allocation.objects.select_for_update().select_related("estate__jurisdiction").get(pk=allocation.pk)
    if kind not in MovementKind.values:
        raise ValidationError({"kind": [_("Unknown kind of movement.")]})
    if allocation.status not in (AllocationStatus.APPROVED, AllocationStatus.RECEIVED, AllocationStatus.PAID):
        raise ValidationError(_("Money can be received or paid only once the allocation is approved."))
    if on > timezone.localdate():
        raise ValidationError({"on": [_("The date cannot be in the future.")]})
    # The locked row's counters (a zero counter reads "0", as the sum of no movements did in the messages).
    received, paid = allocation.received or ZERO, allocation.paid or ZERO
    if kind == MovementKind.RECEIVED and received + value > allocation.amount:
        raise ValidationError(
            {
                "amount": [
                    _("Receipts would total %(total)s yuan, more than the %(approved)s yuan approved.")
                    % {"total": received + value, "approved": allocation.amount}
                ]
            }
        )
    if kind == MovementKind.PAID and paid + value > received:
        raise ValidationError(
            {
                "amount": [
                    _("Payments would total %(total)s yuan, more than the %(received)s yuan received.")
                    % {"total": paid + value, "received": received}
                ]
            }
        )
    movement = Movement(
        allocation=allocation,
        kind=kind,
        amount=value,
        on=on,
        reference=reference,
        note=note,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    movement.full_clean()
    movement.save()
    if kind == MovementKind.RECEIVED:
        allocation.received = received + value
    else:
        allocation.paid = paid + value
    allocation.full_clean()
    allocation.save(update_fields=["received", "paid", "updated_at"])
    audit_entry_append(
        action=f"funding.{kind}",
        obj=allocation,
        actor=actor,
        jurisdiction_code=allocation.estate.jurisdiction.code,
        payload={"amount": str(value), "on": on.isoformat(), "reference": reference, "movement": movement.pk},
    )
    system = actor if actor is not None else _SystemActor()
    if kind == MovementKind.RECEIVED and allocation.status == AllocationStatus.APPROVED:
        workflow_transition(
            workflow=ALLOCATION_WORKFLOW, obj=allocation, target=AllocationStatus.RECEIVED, actor=system
        )
    if kind == MovementKind.PAID and allocation.status == AllocationStatus.RECEIVED:
        workflow_transition(workflow=ALLOCATION_WORKFLOW, obj=allocation, target=AllocationStatus.PAID, actor=system)
    funding_alerts_refresh_estate(estate=allocation.estate)
    return movement


class _SystemActor:
    """The platform itself (demo loads, imports): may make any move of a table."""

    pk = None
    is_platform_admin = True
    role = ""


@transaction.atomic
def allocation_document_add(
    *, allocation: Allocation, kind: str, title: str, file: File, actor: Any = None
) -> AllocationDocument:
    """Attach a document (PDF, image, Word, Excel or OFD, at most 20 MB)."""
    if actor is not None:
        require(actor, "funding.plan_allocation")
        _within(actor, allocation.estate.jurisdiction)
    name = getattr(file, "name", "") or ""
    if Path(name).suffix.lower() not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            {
                "file": [
                    _("Upload a PDF, image, Word, Excel or OFD file (%(types)s).")
                    % {"types": ", ".join(DOCUMENT_EXTENSIONS)}
                ]
            }
        )
    if (getattr(file, "size", 0) or 0) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB.")]})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": [_("Unknown kind of document.")]})
    document = AllocationDocument(
        allocation=allocation,
        kind=kind,
        title=(title or Path(name).name)[:200],
        file=file,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    document.full_clean()
    document.save()
    return document


# --- stored alerts ------------------------------------------------------------------------------------
#
# The dashboard reads alerts stored here instead of computing them for every estate on every request (issue 6).
# They are computed by `selectors.alerts_compute`, the same code as the live `alert_list`, once per interface
# language (each reader sees the message and the rule's reasons in their own language).

ALERT_BATCH_ESTATES = 2000


def _alert_rows(inputs: sel.AlertInputs, *, now: dt.datetime) -> list[FundingAlert]:
    languages = [code for code, _name in settings.LANGUAGES]
    computed: dict[str, list[sel.Alert]] = {}
    for language in languages:
        with translation.override(language):
            computed[language] = sel.alerts_compute(inputs)
    alerts = computed[languages[0]]
    if any([a.kind for a in computed[lang]] != [a.kind for a in alerts] for lang in languages):
        raise RuntimeError("alerts differ between languages")  # the computation does not depend on the language
    rows = []
    for i, alert in enumerate(alerts):
        row = FundingAlert(
            kind=alert.kind,
            severity=ALERT_SEVERITY[alert.kind],
            estate_id=alert.estate.pk,
            allocation_id=alert.allocation.pk if alert.allocation is not None else None,
            amount=alert.amount,
            texts={
                lang: {"message": computed[lang][i].message, "reasons": computed[lang][i].reasons} for lang in languages
            },
            computed_for=inputs.today,
            refreshed_at=now,
        )
        # The estate and allocation were just read in this transaction: skip full_clean's query per foreign key.
        row.full_clean(exclude=["estate", "allocation"])
        rows.append(row)
    return rows


@transaction.atomic
def _alerts_store(*, estate_ids: list[int], today: dt.date, now: dt.datetime) -> int:
    """Replace the stored alerts of these estates. Their rows are locked first, so a refresh and a write to the
    same estate (which refreshes it too) take turns and never leave the alerts of both behind."""
    list(Estate.objects.select_for_update().filter(pk__in=estate_ids).order_by("pk").values_list("pk", flat=True))
    allocations = list(
        Allocation.objects.filter(sel.ALERTABLE, estate_id__in=estate_ids)
        .select_related("source", "estate__jurisdiction")
        .order_by("estate_id", "id")
    )
    rows = _alert_rows(sel.alert_inputs(allocations, today=today), now=now)
    FundingAlert.objects.filter(estate_id__in=estate_ids).delete()
    FundingAlert.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def funding_alerts_refresh_estate(*, estate: Estate, today: dt.date | None = None) -> int:
    """Recompute one estate's stored alerts (called by the services that change its allocations or movements);
    returns how many it has."""
    return _alerts_store(estate_ids=[estate.pk], today=today or timezone.localdate(), now=timezone.now())


def funding_alerts_refresh(
    *, jurisdiction: Jurisdiction | None = None, today: dt.date | None = None
) -> FundingAlertRefresh:
    """Recompute the stored alerts of every estate under `jurisdiction` (all when None) and log the run.

    Run on a schedule (tasks.py): idle funds and lagging spending depend on today's date, and a new proposal or
    policy changes over-claims and earmarks without touching an allocation. Each batch of estates is its own
    transaction: one transaction over 50,000 estates would hold their locks for the whole run and block every
    allocation and movement meanwhile; each estate's alerts are replaced at once either way."""
    today = today or timezone.localdate()
    now = timezone.now()
    alertable = Allocation.objects.filter(sel.ALERTABLE)
    stored = FundingAlert.objects.all()
    if jurisdiction is not None:
        alertable = alertable.filter(estate__jurisdiction__path__startswith=jurisdiction.path)
        stored = stored.filter(estate__jurisdiction__path__startswith=jurisdiction.path)
    estate_ids = sorted(
        set(alertable.order_by().values_list("estate_id", flat=True).distinct())
        | set(stored.order_by().values_list("estate_id", flat=True).distinct())
    )
    count = 0
    for start in range(0, len(estate_ids), ALERT_BATCH_ESTATES):
        count += _alerts_store(estate_ids=estate_ids[start : start + ALERT_BATCH_ESTATES], today=today, now=now)
    refresh = FundingAlertRefresh(
        jurisdiction=jurisdiction, computed_for=today, refreshed_at=now, estates=len(estate_ids), alerts=count
    )
    refresh.full_clean()
    refresh.save()
    return refresh


# --- property-service subsidy -------------------------------------------------------------------------


def property_subsidy_preview(
    *, estate: Estate, area: Any = None, rate: Any = None, months: Any = None, on: dt.date | None = None
) -> Decision:
    """The subsidy decision for an estate (not saved): rate × area × months under the profile's figures."""
    area_value = money(area, field="area", allow_zero=True) if area not in (None, "") else estate.total_area
    if area_value is None:
        raise ValidationError({"area": [_("The estate has no housing area; enter the area to subsidise.")]})
    rate_value = None
    if rate not in (None, ""):
        try:
            rate_value = Decimal(str(rate))
        except InvalidOperation:
            raise ValidationError({"rate": [_("“%(value)s” is not a rate.") % {"value": rate}]}) from None
    months_value = None
    if months not in (None, ""):
        try:
            months_value = int(str(months))
        except ValueError:
            raise ValidationError({"months": [_("Enter a whole number of months.")]}) from None
    try:
        return property_subsidy_decide(Decimal(area_value), sel.estate_policy(estate, on), rate_value, months_value)
    except (RuleInputError, ParameterError) as exc:
        raise ValidationError(_("The subsidy could not be worked out: %(error)s") % {"error": exc}) from exc


@transaction.atomic
def property_subsidy_record(
    *,
    estate: Estate,
    area: Any = None,
    rate: Any = None,
    months: Any = None,
    starts_on: dt.date | None = None,
    on: dt.date | None = None,
    actor: Any = None,
) -> PropertySubsidy:
    """Record the property-service subsidy the profile allows (refused proposals are not saved)."""
    if actor is not None:
        require(actor, "funding.manage_subsidy")
        _within(actor, estate.jurisdiction)
    on = on or timezone.localdate()
    decision = property_subsidy_preview(estate=estate, area=area, rate=rate, months=months, on=on)
    if not decision.passed:
        raise ValidationError(_("The subsidy is refused: %(reasons)s") % {"reasons": _reasons(decision)})
    figures = decision.figures
    subsidy = PropertySubsidy(
        estate=estate,
        area=figures["area_m2"],
        rate=figures["rate"],
        months=figures["months"],
        total=figures["total_yuan"],
        starts_on=starts_on,
        policy_date=on,
        decision=decision.as_dict(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    subsidy.full_clean()
    subsidy.save()
    audit_entry_append(
        action="funding.property_subsidy",
        obj=subsidy,
        actor=actor,
        jurisdiction_code=estate.jurisdiction.code,
        payload={"total": str(subsidy.total), "rate": str(subsidy.rate), "months": subsidy.months},
    )
    return subsidy


# --- residents' cost shares ---------------------------------------------------------------------------


def _scope_households(
    estate: Estate, scope_type: str, building: Building | None, stairwell: int | None
) -> list[Household]:
    qs = Household.objects.filter(building__estate=estate)
    if scope_type != ScopeType.ESTATE:
        if building is None or building.estate_id != estate.pk:
            raise ValidationError({"building": [_("Choose a building of this estate.")]})
        qs = qs.filter(building=building)
    if scope_type == ScopeType.STAIRWELL:
        if stairwell is None:
            raise ValidationError({"stairwell": [_("Choose the stairwell.")]})
        qs = qs.filter(stairwell=stairwell)
    return list(qs.select_related("building").order_by("building__number", "stairwell", "floor", "room"))


@transaction.atomic
def cost_share_create(
    *,
    estate: Estate,
    item: str,
    total: Any,
    method: str,
    scope_type: str = ScopeType.ESTATE,
    building: Building | None = None,
    stairwell: int | None = None,
    item_class: str = "",
    payer: Household | None = None,
    hardship: str = HardshipHandling.NONE,
    on: dt.date | None = None,
    actor: Any = None,
) -> CostShare:
    """Work out each household's share of a cost (draft); bad input is refused with nothing saved."""
    if actor is not None:
        require(actor, "funding.manage_cost_share")
        _within(actor, estate.jurisdiction)
    value = money(total, field="total")
    if method not in ShareMethod.values:
        raise ValidationError({"method": [_("Unknown sharing method.")]})
    if hardship not in HardshipHandling.values:
        raise ValidationError({"hardship": [_("Unknown hardship handling.")]})
    if not item.strip():
        raise ValidationError({"item": [_("Name the item or package.")]})
    households = _scope_households(estate, scope_type, building, stairwell)
    if not households:
        raise ValidationError(_("There are no households in this scope."))
    if method == ShareMethod.SINGLE:
        if payer is None or payer.pk not in {h.pk for h in households}:
            raise ValidationError({"payer": [_("Choose the paying household from this scope.")]})
    on = on or timezone.localdate()
    exempting = hardship != HardshipHandling.NONE
    units = [ShareUnit(key=str(h.pk), area=h.area, floor=h.floor, exempt=exempting and h.hardship) for h in households]
    try:
        decision = cost_share_decide(
            value,
            units,
            method=method,
            policy=sel.estate_policy(estate, on),
            exempt_carried_by=HardshipHandling.FUND if hardship == HardshipHandling.FUND else HardshipHandling.OTHERS,
            payer=str(payer.pk) if payer is not None and method == ShareMethod.SINGLE else None,
        )
    except (RuleInputError, ParameterError) as exc:
        raise ValidationError(_("The shares could not be worked out: %(error)s") % {"error": exc}) from exc
    granted = exempting and any(r.code.startswith("exempt_carried_by") for r in decision.reasons)
    shares: dict[str, Decimal] = decision.figures.get("shares", {})
    cost_share = CostShare(
        estate=estate,
        scope_type=scope_type,
        building=building if scope_type != ScopeType.ESTATE else None,
        stairwell=stairwell if scope_type == ScopeType.STAIRWELL else None,
        item=item.strip()[:200],
        item_class=item_class,
        total=value,
        method=method,
        payer=payer if method == ShareMethod.SINGLE else None,
        hardship=hardship,
        fund_carries=Decimal(decision.figures.get("fund", ZERO) or ZERO),
        policy_date=on,
        decision=decision.as_dict(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    cost_share.full_clean()
    cost_share.save()
    HouseholdShare.objects.bulk_create(
        HouseholdShare(
            cost_share=cost_share,
            household=h,
            amount=Decimal(shares.get(str(h.pk), ZERO)),
            area=h.area,
            floor=h.floor,
            exempt=granted and h.hardship,
        )
        for h in households
    )
    return cost_share


def _shares_digest(cost_share: CostShare) -> str:
    rows = list(cost_share.shares.order_by("household_id").values_list("household_id", "amount", "exempt"))
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


@transaction.atomic
def cost_share_publish(*, cost_share: CostShare, actor: Any = None) -> CostShare:
    """Publish the shares to the households (they show on each household's ballot page); audited."""
    if actor is not None:
        require(actor, "funding.manage_cost_share")
        _within(actor, cost_share.estate.jurisdiction)
    cost_share = CostShare.objects.select_for_update().select_related("estate__jurisdiction").get(pk=cost_share.pk)
    if cost_share.status != CostShareStatus.DRAFT:
        raise ValidationError(_("This cost share is already published."))
    cost_share.status = CostShareStatus.PUBLISHED
    cost_share.published_at = timezone.now()
    cost_share.full_clean()
    cost_share.save(update_fields=["status", "published_at", "updated_at"])
    audit_entry_append(
        action="funding.cost_share.published",
        obj=cost_share,
        actor=actor,
        jurisdiction_code=cost_share.estate.jurisdiction.code,
        payload={
            "item": cost_share.item,
            "total": str(cost_share.total),
            "method": cost_share.method,
            "households": cost_share.shares.count(),
            "shares_digest": _shares_digest(cost_share),
        },
    )
    return cost_share
