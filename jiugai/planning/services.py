"""Writes for planning: catalogue versions (and their Excel import), priority weights, proposals, area
bundles and annual plans (create, copy as a scenario, optimise, approve). Keyword-only, atomic, validated,
audited where the act is legally meaningful (catalogue versions, plan approval)."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.accounts.choices import UtilityType
from jiugai.accounts.models import Jurisdiction
from jiugai.core.audit import audit_entry_append
from jiugai.core.permissions import require
from jiugai.core.workflow import workflow_transition
from jiugai.inventory.choices import ConditionItem
from jiugai.inventory.models import Estate
from jiugai.rules import plan_optimiser as po
from jiugai.rules.decision import RuleInputError, to_jsonable

from . import scoring
from . import selectors as sel
from .choices import BundleStatus, ItemClass, LineOrigin, QuantityBasis, RunStatus, Target, Tier
from .models import (
    STATED_AMOUNTS,
    STATED_COUNTS,
    AnnualPlan,
    Bundle,
    CatalogueItem,
    CatalogueVersion,
    PlanEntry,
    PriorityWeights,
    ProposalLine,
    RenovationProposal,
)
from .workflow import PLAN_WORKFLOW

logger = logging.getLogger(__name__)

ZERO = Decimal("0")
CENT = Decimal("0.01")


def _within(actor: Any, jurisdiction: Jurisdiction | None) -> None:
    """Staff act only inside their own part of the tree; only platform administrators edit national data."""
    if getattr(actor, "is_platform_admin", False):
        return
    base = actor.scope_path() if actor is not None else None
    if jurisdiction is None or base is None or not jurisdiction.path.startswith(base):
        raise PermissionDenied(_("You may not change planning data outside your jurisdiction."))


def _decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(str(value)) from None
    if not number.is_finite():
        raise ValueError(str(value))
    return number


# --- catalogue ---------------------------------------------------------------------------------------

ITEM_FIELDS = (
    "code",
    "name",
    "item_class",
    "unit",
    "quantity_basis",
    "quantity_factor",
    "unit_cost",
    "utility",
    "condition_item",
    "targets",
    "note",
)


def catalogue_item_errors(index: int, data: Mapping[str, Any]) -> tuple[CatalogueItem | None, list[dict[str, Any]]]:
    """Check one item (row `index`, 1-based); return the unsaved item or the problems by column."""
    problems: list[dict[str, Any]] = []

    def bad(column: str, message: str) -> None:
        problems.append({"row": index, "column": column, "message": message})

    code = str(data.get("code") or "").strip()
    name = str(data.get("name") or "").strip()
    unit = str(data.get("unit") or "").strip()
    if not code:
        bad("code", _("The code is missing."))
    if not name:
        bad("name", _("The name is missing."))
    if not unit:
        bad("unit", _("The unit is missing."))
    item_class = str(data.get("item_class") or "").strip()
    if item_class not in ItemClass.values:
        bad("item_class", _("The class must be basic, improvement or upgrade."))
    basis = str(data.get("quantity_basis") or QuantityBasis.MANUAL).strip()
    if basis not in QuantityBasis.values:
        bad("quantity_basis", _("Unknown quantity basis “%(value)s”.") % {"value": basis})
    utility = str(data.get("utility") or "").strip()
    if utility and utility not in UtilityType.values:
        bad("utility", _("Unknown utility “%(value)s”.") % {"value": utility})
    condition = str(data.get("condition_item") or "").strip()
    if condition and condition not in ConditionItem.values:
        bad("condition_item", _("Unknown survey item “%(value)s”.") % {"value": condition})
    raw_targets = data.get("targets") or []
    if isinstance(raw_targets, str):
        raw_targets = [t.strip() for t in raw_targets.replace("，", ",").split(",") if t.strip()]
    targets = [str(t) for t in raw_targets]
    unknown = [t for t in targets if t not in Target.values]
    if unknown:
        bad("targets", _("Unknown targets: %(targets)s") % {"targets": ", ".join(unknown)})
    cost = factor = None
    try:
        cost = _decimal(data.get("unit_cost"))
        if cost is None:
            bad("unit_cost", _("The unit cost is missing."))
        elif cost < ZERO:
            bad("unit_cost", _("The unit cost may not be negative."))
    except ValueError:
        bad("unit_cost", _("The unit cost is not a number."))
    try:
        factor = _decimal(data.get("quantity_factor"))
        if factor is None:
            factor = Decimal(1)
        elif factor < ZERO:
            bad("quantity_factor", _("The quantity factor may not be negative."))
    except ValueError:
        bad("quantity_factor", _("The quantity factor is not a number."))
    if problems:
        return None, problems
    if cost is None or factor is None:  # pragma: no cover - reported as problems above
        return None, problems
    item = CatalogueItem(
        code=code[:40],
        name=name[:100],
        item_class=item_class,
        unit=unit[:20],
        quantity_basis=basis,
        quantity_factor=factor,
        unit_cost=cost,
        utility=utility,
        condition_item=condition,
        targets=targets,
        note=str(data.get("note") or "")[:300],
        position=index,
    )
    return item, []


class CatalogueInvalid(ValidationError):
    """A refused catalogue: `problems` lists each problem by row (1-based item number) and column."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(
            [(_("Row %(row)s, %(column)s: %(message)s") % p) if p.get("row") else str(p["message"]) for p in problems]
        )
        self.problems = problems


@transaction.atomic
def catalogue_version_create(
    *,
    jurisdiction: Jurisdiction | None,
    effective_from: dt.date,
    title: str,
    items: Sequence[Mapping[str, Any]],
    note: str = "",
    actor: Any = None,
) -> CatalogueVersion:
    """Write the next catalogue version of `jurisdiction` (None: the national default) with `items`.

    All or nothing: every problem of every item is reported at once (row and column), and nothing is saved.
    """
    if actor is not None:
        require(actor, "planning.edit_catalogue")
        if jurisdiction is None and not getattr(actor, "is_platform_admin", False):
            raise PermissionDenied(_("Only platform administrators edit the national catalogue."))
        if jurisdiction is not None:
            _within(actor, jurisdiction)
    problems: list[dict[str, Any]] = []
    built: list[CatalogueItem] = []
    seen: dict[str, int] = {}
    for index, data in enumerate(items, start=1):
        item, item_problems = catalogue_item_errors(index, data)
        problems.extend(item_problems)
        if item is not None:
            if item.code in seen:
                problems.append(
                    {
                        "row": index,
                        "column": "code",
                        "message": _("Code %(code)s is used twice (rows %(first)s and %(second)s).")
                        % {"code": item.code, "first": seen[item.code], "second": index},
                    }
                )
            seen.setdefault(item.code, index)
            built.append(item)
    if not items:
        problems.append({"row": None, "column": "", "message": _("A catalogue needs at least one item.")})
    if problems:
        raise CatalogueInvalid(problems)
    last = CatalogueVersion.objects.filter(jurisdiction=jurisdiction).aggregate(m=Max("version"))["m"] or 0
    version = CatalogueVersion(
        jurisdiction=jurisdiction,
        version=last + 1,
        effective_from=effective_from,
        title=title.strip() or _("Renovation content catalogue"),
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    version.full_clean()
    version.save()
    for item in built:
        item.catalogue = version
        item.full_clean()
    CatalogueItem.objects.bulk_create(built)
    audit_entry_append(
        action="planning.catalogue_version",
        obj=version,
        actor=actor,
        jurisdiction_code=jurisdiction.code if jurisdiction else "",
        payload={
            "version": version.version,
            "effective_from": effective_from.isoformat(),
            "items": len(built),
            "total_unit_costs": str(sum((i.unit_cost for i in built), ZERO)),
        },
    )
    return version


def catalogue_problems(exc: ValidationError) -> list[dict[str, Any]]:
    """The row/column problem list of a refused catalogue (any other `ValidationError`: its messages)."""
    if isinstance(exc, CatalogueInvalid):
        return list(exc.problems)
    return [{"row": None, "column": "", "message": m} for m in exc.messages]


def catalogue_item_dict(item: CatalogueItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in ITEM_FIELDS}


# --- weights -----------------------------------------------------------------------------------------


@transaction.atomic
def weights_version_create(
    *,
    jurisdiction: Jurisdiction,
    weights: Mapping[str, Any],
    effective_from: dt.date | None = None,
    note: str = "",
    actor: Any = None,
) -> PriorityWeights:
    """Write the next version of a jurisdiction's priority weights (earlier versions stay as history)."""
    if actor is not None:
        require(actor, "planning.edit_weights")
        _within(actor, jurisdiction)
    try:
        clean = scoring.weights_clean(weights)
    except scoring.WeightError as exc:
        raise ValidationError({"weights": _("The weights cannot be used: %(problem)s") % {"problem": exc}}) from exc
    last = PriorityWeights.objects.filter(jurisdiction=jurisdiction).aggregate(m=Max("version"))["m"] or 0
    version = PriorityWeights(
        jurisdiction=jurisdiction,
        version=last + 1,
        effective_from=effective_from or timezone.localdate(),
        weights={k: str(v) for k, v in clean.items()},
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    version.full_clean()
    version.save()
    return version


def catalogue_national_ensure() -> CatalogueVersion:
    """The national default catalogue, as migration 0002 seeds it; written again if it is missing (a
    database emptied by hand, or by a test that flushed it). Idempotent."""
    found = CatalogueVersion.objects.filter(jurisdiction=None).order_by("-version").first()
    if found is not None:
        return found
    seeding = importlib.import_module("jiugai.planning.migrations.0002_seed_national_catalogue")
    seeding.seed(django_apps, None)
    return CatalogueVersion.objects.get(jurisdiction=None, version=1)


# --- proposals ---------------------------------------------------------------------------------------


@transaction.atomic
def proposal_save(
    *,
    estate: Estate,
    lines: Sequence[Mapping[str, Any]],
    note: str = "",
    catalogue: CatalogueVersion | None = None,
    prefill: Mapping[str, Any] | None = None,
    actor: Any = None,
) -> RenovationProposal:
    """Write the next version of an estate's proposal. Each line names a catalogue item (object, id or code),
    a quantity and optionally a unit cost (default: the catalogue's). Negative quantities and missing unit
    costs are refused, all at once, and nothing is saved."""
    if actor is not None:
        require(actor, "planning.edit_proposal")
        _within(actor, estate.jurisdiction)
    catalogue = catalogue or sel.catalogue_in_force(jurisdiction=estate.jurisdiction)
    if catalogue is None:
        raise ValidationError(_("No renovation content catalogue is in force for this estate."))
    items = {i.pk: i for i in catalogue.items.all()}
    by_code = {i.code: i for i in items.values()}
    errors: list[str] = []
    built: list[ProposalLine] = []
    seen: set[int] = set()
    for number, data in enumerate(lines, start=1):
        raw_item = data.get("item")
        item: CatalogueItem | None
        if isinstance(raw_item, CatalogueItem):
            item = items.get(raw_item.pk)
        elif isinstance(raw_item, int) or (
            isinstance(raw_item, str) and raw_item.isdigit() and raw_item not in by_code
        ):
            item = items.get(int(raw_item))
        else:
            item = by_code.get(str(raw_item or ""))
        if item is None:
            errors.append(
                _("Line %(line)s: the item is not in catalogue %(catalogue)s.")
                % {"line": number, "catalogue": catalogue}
            )
            continue
        label = f"{item.code} {item.name}"
        if item.pk in seen:
            errors.append(_("Line %(line)s: %(item)s is listed twice.") % {"line": number, "item": label})
            continue
        seen.add(item.pk)
        try:
            quantity = _decimal(data.get("quantity"))
        except ValueError:
            errors.append(
                _("Line %(line)s: the quantity of %(item)s is not a number.") % {"line": number, "item": label}
            )
            continue
        if quantity is None:
            errors.append(_("Line %(line)s: the quantity of %(item)s is missing.") % {"line": number, "item": label})
            continue
        if quantity < ZERO:
            errors.append(
                _("Line %(line)s: the quantity of %(item)s may not be negative (%(quantity)s).")
                % {"line": number, "item": label, "quantity": quantity}
            )
            continue
        try:
            unit_cost = _decimal(data.get("unit_cost"))
        except ValueError:
            errors.append(
                _("Line %(line)s: the unit cost of %(item)s is not a number.") % {"line": number, "item": label}
            )
            continue
        if unit_cost is None:
            unit_cost = item.unit_cost
        if unit_cost is None or unit_cost <= ZERO:
            errors.append(
                _("Line %(line)s: %(item)s has no unit cost; enter one or set it in the catalogue.")
                % {"line": number, "item": label}
            )
            continue
        if unit_cost < ZERO:
            errors.append(
                _("Line %(line)s: the unit cost of %(item)s may not be negative.") % {"line": number, "item": label}
            )
            continue
        quantity = quantity.quantize(CENT, rounding=ROUND_HALF_UP)
        built.append(
            ProposalLine(
                item=item,
                quantity=quantity,
                unit_cost=unit_cost,
                cost=(quantity * unit_cost).quantize(CENT, rounding=ROUND_HALF_UP),
                origin=str(data.get("origin") or LineOrigin.STAFF),
                reason=str(data.get("reason") or "")[:300],
            )
        )
    if errors:
        raise ValidationError({"lines": errors})
    last = RenovationProposal.objects.filter(estate=estate).aggregate(m=Max("version"))["m"] or 0
    proposal = RenovationProposal(
        estate=estate,
        version=last + 1,
        catalogue=catalogue,
        note=note,
        prefill=dict(prefill or {}),
        total=sum((line.cost for line in built), ZERO),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    proposal.full_clean()
    proposal.save()
    for line in built:
        line.proposal = proposal
        line.full_clean()
    ProposalLine.objects.bulk_create(built)
    return proposal


def proposal_prefill(*, estate: Estate, actor: Any = None) -> RenovationProposal:
    """A new proposal version pre-filled from the newest survey and residents' wishes (see selectors)."""
    catalogue = sel.catalogue_in_force(jurisdiction=estate.jurisdiction)
    if catalogue is None:
        raise ValidationError(_("No renovation content catalogue is in force for this estate."))
    lines, source = sel.proposal_prefill_lines(estate=estate, catalogue=catalogue)
    if not lines:
        raise ValidationError(
            _(
                "Nothing to pre-fill: the estate has no survey finding of moderate or worse severity and no residents' wishes."
            )
        )
    return proposal_save(
        estate=estate,
        catalogue=catalogue,
        lines=[
            {"item": line.item, "quantity": line.quantity, "origin": line.origin, "reason": line.reason}
            for line in lines
        ],
        note=_("Pre-filled from the condition survey and residents' wishes"),
        prefill=source,
        actor=actor,
    )


# --- bundles -----------------------------------------------------------------------------------------


def _check_overlap(bundle: Bundle, estate_ids: Iterable[int]) -> None:
    clash = (
        Bundle.objects.filter(status=BundleStatus.ACCEPTED, estates__in=list(estate_ids))
        .exclude(pk=bundle.pk)
        .values_list("name", "estates__name")
        .distinct()
    )
    rows = list(clash)
    if rows:
        raise ValidationError(
            _("An estate may be in one accepted bundle only: %(list)s")
            % {"list": "; ".join(f"{estate} ({name})" for name, estate in rows[:10])}
        )


@transaction.atomic
def bundle_suggest(*, jurisdiction: Jurisdiction, actor: Any = None, distance_m: int | None = None) -> list[Bundle]:
    """Suggest bundles of estates under `jurisdiction` lying within `planning.bundle_distance_m` of each other
    (single-link clusters, haversine on the estate points) that share needed items (from their proposals).

    Earlier suggestions not yet decided are replaced; estates already in an accepted bundle are left out.
    """
    if actor is not None:
        require(actor, "planning.manage_bundles")
        _within(actor, jurisdiction)
    limit = distance_m if distance_m is not None else sel.bundle_distance_m(jurisdiction=jurisdiction)
    Bundle.objects.filter(jurisdiction=jurisdiction, status=BundleStatus.SUGGESTED).delete()
    taken = set(
        Bundle.objects.filter(
            status=BundleStatus.ACCEPTED, jurisdiction__path__startswith=jurisdiction.path
        ).values_list("estates", flat=True)
    )
    estates = [
        e
        for e in Estate.objects.filter(jurisdiction__path__startswith=jurisdiction.path)
        .exclude(latitude=None)
        .exclude(longitude=None)
        .order_by("code")
        if e.pk not in taken
    ]
    proposals = sel.latest_proposals([e.pk for e in estates])
    needs = {
        e.pk: {line.item.code for line in proposals[e.pk].lines.all()} if e.pk in proposals else set() for e in estates
    }
    parent = {e.pk: e.pk for e in estates}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(estates):
        for b in estates[i + 1 :]:
            if not (needs[a.pk] & needs[b.pk]):
                continue
            d = sel.haversine_m(float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude))  # type: ignore[arg-type]
            if d <= limit:
                parent[find(a.pk)] = find(b.pk)
    groups: dict[int, list[Estate]] = {}
    for e in estates:
        groups.setdefault(find(e.pk), []).append(e)
    created = []
    for members in groups.values():
        if len(members) < 2:
            continue
        shared = set.intersection(*(needs[m.pk] for m in members)) or set.union(*(needs[m.pk] for m in members))
        widest = max(
            sel.haversine_m(float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude))  # type: ignore[arg-type]
            for a in members
            for b in members
        )
        bundle = Bundle(
            jurisdiction=jurisdiction,
            name=_("%(first)s and %(count)s more") % {"first": members[0].name, "count": len(members) - 1},
            status=BundleStatus.SUGGESTED,
            shared_items=sorted(shared),
            max_distance_m=round(widest),
        )
        bundle.full_clean()
        bundle.save()
        bundle.estates.set(members)
        created.append(bundle)
    return created


@transaction.atomic
def bundle_save(
    *,
    jurisdiction: Jurisdiction,
    name: str,
    estates: Sequence[Estate],
    bundle: Bundle | None = None,
    note: str = "",
    actor: Any = None,
) -> Bundle:
    """Create or edit a bundle by hand (name, estates). An accepted bundle may not overlap another."""
    if actor is not None:
        require(actor, "planning.manage_bundles")
        _within(actor, jurisdiction)
    if len({e.pk for e in estates}) < 2:
        raise ValidationError({"estates": _("A bundle needs at least two estates.")})
    outside = [e.name for e in estates if not e.jurisdiction.path.startswith(jurisdiction.path)]
    if outside:
        raise ValidationError({"estates": _("Not under this jurisdiction: %(names)s") % {"names": ", ".join(outside)}})
    bundle = bundle or Bundle(jurisdiction=jurisdiction)
    bundle.name = name.strip()
    bundle.note = note
    bundle.full_clean()
    if bundle.status == BundleStatus.ACCEPTED:
        _check_overlap(bundle, [e.pk for e in estates])
    bundle.save()
    bundle.estates.set(estates)
    return bundle


@transaction.atomic
def bundle_decide(*, bundle: Bundle, status: str, actor: Any = None) -> Bundle:
    """Accept or reject a bundle (or return it to suggested). Accepting refuses overlaps."""
    if actor is not None:
        require(actor, "planning.manage_bundles")
        _within(actor, bundle.jurisdiction)
    if status not in BundleStatus.values:
        raise ValidationError({"status": _("Unknown bundle status.")})
    locked = Bundle.objects.select_for_update().get(pk=bundle.pk)
    if status == BundleStatus.ACCEPTED:
        _check_overlap(locked, locked.estates.values_list("pk", flat=True))
    locked.status = status
    locked.decided_by = actor if getattr(actor, "pk", None) else None
    locked.decided_at = timezone.now()
    locked.full_clean()
    locked.save()
    bundle.status = status
    return locked


# --- annual plans ------------------------------------------------------------------------------------


def _clean_source_budgets(raw: Mapping[str, Any]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for key, value in (raw or {}).items():
        try:
            amount = _decimal(value)
        except ValueError:
            raise ValidationError(
                {"source_budgets": _("The budget of %(source)s is not a number.") % {"source": key}}
            ) from None
        if amount is None:
            continue
        if amount < ZERO:
            raise ValidationError(
                {"source_budgets": _("The budget of %(source)s may not be negative.") % {"source": key}}
            )
        clean[str(key)] = str(amount)
    return clean


def _clean_district_limits(raw: Mapping[str, Any]) -> dict[str, dict[str, str | int | None]]:
    clean: dict[str, dict[str, str | int | None]] = {}
    for code, limits in (raw or {}).items():
        if not Jurisdiction.objects.filter(code=code).exists():
            raise ValidationError({"district_limits": _("Unknown district %(code)s.") % {"code": code}})
        row: dict[str, str | int | None] = {}
        for key in ("min_count", "max_count"):
            value = (limits or {}).get(key)
            row[key] = int(value) if value not in (None, "") else None
        for key in ("min_money", "max_money"):
            value = (limits or {}).get(key)
            row[key] = str(Decimal(str(value))) if value not in (None, "") else None
        clean[str(code)] = row
    return clean


def _clean_cap(raw: Any) -> str:
    if raw in (None, ""):
        return ""
    try:
        cap = Fraction(str(raw).strip().rstrip("%")) / (100 if str(raw).strip().endswith("%") else 1)
    except (ValueError, ZeroDivisionError):
        raise ValidationError(
            {"post2000_cap": _("Write the cap as a fraction (3/20), a decimal or a percentage.")}
        ) from None
    if not 0 <= cap <= 1:
        raise ValidationError({"post2000_cap": _("The cap must be between 0 and 1.")})
    return f"{cap.numerator}/{cap.denominator}"


@transaction.atomic
def plan_create(
    *,
    jurisdiction: Jurisdiction,
    year: int,
    budget: Decimal,
    title: str = "",
    source_budgets: Mapping[str, Any] | None = None,
    post2000_cap: Any = None,
    district_limits: Mapping[str, Any] | None = None,
    must_include: Iterable[Estate] = (),
    must_exclude: Iterable[Estate] = (),
    weight_overrides: Mapping[str, Any] | None = None,
    stated_totals: Mapping[str, Any] | None = None,
    stated_source: str = "",
    actor: Any = None,
) -> AnnualPlan:
    """Create a draft annual plan for `jurisdiction` and `year` (with the totals its document states, if any)."""
    if actor is not None:
        require(actor, "planning.run_plan")
        _within(actor, jurisdiction)
    plan = AnnualPlan(
        jurisdiction=jurisdiction,
        year=year,
        budget=budget,
        title=title.strip()
        or _("%(year)s annual renovation plan of %(place)s") % {"year": year, "place": jurisdiction.name},
        source_budgets=_clean_source_budgets(source_budgets or {}),
        post2000_cap=_clean_cap(post2000_cap),
        district_limits=_clean_district_limits(district_limits or {}),
        weight_overrides=_clean_overrides(weight_overrides or {}),
        stated_totals=_clean_stated(stated_totals or {}),
        stated_source=stated_source.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    plan.full_clean()
    plan.save()
    plan.must_include.set(list(must_include))
    plan.must_exclude.set(list(must_exclude))
    return plan


def _clean_stated(raw: Mapping[str, Any]) -> dict[str, int | str]:
    """Stated totals: whole counts and non-negative amounts, nothing else."""
    unknown = sorted(set(raw) - set(STATED_COUNTS) - set(STATED_AMOUNTS))
    if unknown:
        raise ValidationError({"stated_totals": _("Unknown stated totals: %(names)s") % {"names": ", ".join(unknown)}})
    clean: dict[str, int | str] = {}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        try:
            amount = _decimal(value)
        except ValueError:
            amount = None
        if amount is None or amount < ZERO or (key in STATED_COUNTS and amount != amount.to_integral_value()):
            raise ValidationError(
                {"stated_totals": _("The stated %(name)s must be a number of at least zero.") % {"name": key}}
            )
        clean[key] = int(amount) if key in STATED_COUNTS else str(amount)
    return clean


def _clean_overrides(raw: Mapping[str, Any]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        if key not in scoring.INDICATORS:
            raise ValidationError({"weight_overrides": _("Unknown indicator %(key)s.") % {"key": key}})
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(
                {"weight_overrides": _("The weight of %(key)s is not a number.") % {"key": key}}
            ) from None
        if number < ZERO:
            raise ValidationError({"weight_overrides": _("The weight of %(key)s may not be negative.") % {"key": key}})
        clean[key] = str(number)
    return clean


def _draft_only(plan: AnnualPlan) -> None:
    if plan.status != "draft":
        raise ValidationError(_("An approved plan cannot be changed; copy it as a scenario instead."))


@transaction.atomic
def plan_update(*, plan: AnnualPlan, actor: Any = None, **changes: Any) -> AnnualPlan:
    """Change a draft plan's budget, limits, must-include/exclude or weights (re-run it afterwards)."""
    if actor is not None:
        require(actor, "planning.run_plan")
        _within(actor, plan.jurisdiction)
    _draft_only(plan)
    cleaners: dict[str, Callable[[Any], Any]] = {
        "source_budgets": _clean_source_budgets,
        "post2000_cap": _clean_cap,
        "district_limits": _clean_district_limits,
        "weight_overrides": _clean_overrides,
    }
    for key, value in changes.items():
        if key in ("must_include", "must_exclude"):
            continue
        if key not in ("budget", "title", "year", *cleaners):
            raise TypeError(f"plan_update() got an unexpected field {key!r}")
        setattr(plan, key, cleaners[key](value) if key in cleaners else value)
    plan.full_clean()
    plan.save()
    if "must_include" in changes:
        plan.must_include.set(list(changes["must_include"]))
    if "must_exclude" in changes:
        plan.must_exclude.set(list(changes["must_exclude"]))
    return plan


@transaction.atomic
def plan_copy(*, plan: AnnualPlan, title: str = "", actor: Any = None, **changes: Any) -> AnnualPlan:
    """Copy a plan as a what-if scenario (draft, not yet run), optionally with changed budget or weights."""
    if actor is not None:
        require(actor, "planning.run_plan")
        _within(actor, plan.jurisdiction)
    copy = AnnualPlan(
        jurisdiction=plan.jurisdiction,
        year=plan.year,
        title=title.strip() or _("%(title)s — scenario") % {"title": plan.title},
        budget=plan.budget,
        source_budgets=dict(plan.source_budgets),
        post2000_cap=plan.post2000_cap,
        district_limits=dict(plan.district_limits),
        weights=plan.weights,
        weight_overrides=dict(plan.weight_overrides),
        scenario_of=plan,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    copy.full_clean()
    copy.save()
    copy.must_include.set(plan.must_include.all())
    copy.must_exclude.set(plan.must_exclude.all())
    if changes:
        plan_update(plan=copy, actor=None, **changes)
    return copy


class PlanInputError(ValidationError):
    """The plan cannot be optimised as set up; `conflicts` names the conflicting constraints."""

    def __init__(self, message: str, conflicts: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.conflicts = tuple(conflicts)


class _Prepared:
    """The optimiser problem built from a plan, and the estates behind each candidate key."""

    def __init__(self) -> None:
        self.problem: po.PlanProblem | None = None
        self.estates: dict[str, Estate] = {}
        self.scores: dict[str, sel.ScoredEstate] = {}
        self.unit_of: dict[str, str] = {}
        self.no_estimate: list[Estate] = []
        self.weights: dict[str, Decimal] = {}


def plan_problem_build(*, plan: AnnualPlan) -> _Prepared:
    """Build the optimiser's problem from the plan: eligible estates, their latest proposal's cost, benefit =
    priority score × households, post-2000 flags, districts, accepted bundles and areas (片区, all in or out),
    must-include and must-exclude. Raises `PlanInputError` for missing costs the plan depends on."""
    prepared = _Prepared()
    on = dt.date(plan.year, 1, 1)  # estates' ages are counted at the start of the plan's year
    policy = sel.plan_policy(plan)
    completed_by = policy.get("eligibility.completed_by")
    weights_version = plan.weights or sel.weights_in_force(jurisdiction=plan.jurisdiction, on=on)
    prepared.weights = sel.weights_values(weights_version, plan.weight_overrides)
    estates = list(sel.eligible_estates(jurisdiction=plan.jurisdiction))
    must_include = {e.code for e in plan.must_include.all()}
    must_exclude = {e.code for e in plan.must_exclude.all()}
    if not estates:
        raise PlanInputError(
            _("No estate under %(place)s is screened as eligible; screen the estates first.")
            % {"place": plan.jurisdiction.name},
            ["ineligible"],
        )
    proposals = sel.latest_proposals([e.pk for e in estates])
    scored = {s.estate.code: s for s in sel.estate_scores(estates, weights=prepared.weights, on=on)}
    missing_required = []
    candidates = []
    for estate in estates:
        proposal = proposals.get(estate.pk)
        if proposal is None or proposal.total <= ZERO:
            prepared.no_estimate.append(estate)
            if estate.code in must_include:
                missing_required.append(estate.name)
            continue
        s = scored[estate.code]
        prepared.estates[estate.code] = estate
        prepared.scores[estate.code] = s
        district = estate.street.parent.code if estate.street.parent_id else estate.street.code  # type: ignore[union-attr]
        candidates.append(
            po.PlanCandidate(
                key=estate.code,
                cost=proposal.total,
                benefit=scoring.benefit_of(s.score.total, s.facts.households),
                households=s.facts.households,
                post2000=sel.is_post2000(estate, completed_by=completed_by),
                district=district,
                label=estate.name,
            )
        )
    if missing_required:
        raise PlanInputError(
            _("These required estates have no cost estimate (renovation proposal): %(names)s")
            % {"names": ", ".join(missing_required)},
            ["missing_costs", "must_include"],
        )
    if not candidates:
        raise PlanInputError(
            _("None of the eligible estates has a cost estimate; draw up their renovation proposals first."),
            ["missing_costs"],
        )
    keys = set(prepared.estates)
    bundles: dict[str, frozenset[str]] = {}
    for bundle in sel.accepted_bundles_under(plan.jurisdiction):
        members = frozenset(e.code for e in bundle.estates.all()) & keys
        if len(members) > 1:
            bundles[f"bundle:{bundle.pk}:{bundle.name}"] = members
    bundled = set().union(*bundles.values()) if bundles else set()
    by_area: dict[str, set[str]] = {}
    for code, estate in prepared.estates.items():
        if estate.area_id is not None and code not in bundled:
            by_area.setdefault(f"area:{estate.area_id}:{estate.area.name}", set()).add(code)  # type: ignore[union-attr]
    for key, area_members in by_area.items():
        if len(area_members) > 1:
            bundles[key] = frozenset(area_members)
    for key, members in bundles.items():
        for code in members:
            prepared.unit_of[code] = key
    cap, cap_source = sel.plan_post2000_cap(plan, policy)
    prepared.problem = po.PlanProblem(
        candidates=candidates,
        budget=plan.budget,
        source_budgets={k: Decimal(v) for k, v in plan.source_budgets.items()},
        post2000_cap=cap,
        post2000_cap_source=cap_source,
        district_limits={
            code: po.DistrictLimit(
                min_count=row.get("min_count"),
                max_count=row.get("max_count"),
                min_money=Decimal(row["min_money"]) if row.get("min_money") else None,
                max_money=Decimal(row["max_money"]) if row.get("max_money") else None,
            )
            for code, row in plan.district_limits.items()
        },
        bundles=bundles,
        must_include=frozenset(must_include & keys),
        must_exclude=frozenset(must_exclude & keys),
    )
    return prepared


def _set_run(plan_id: int, **fields: Any) -> None:
    AnnualPlan.objects.filter(pk=plan_id).update(**fields)


def _plan_failure(plan: AnnualPlan, exc: Exception) -> PlanInputError:
    """Why a run failed, as the one error the plan pages and API show (the run records it too)."""
    if isinstance(exc, PlanInputError):
        return exc
    if isinstance(exc, po.PlanConflict):
        return PlanInputError(_("The plan cannot meet all its constraints: %(why)s") % {"why": exc}, exc.conflicts)
    if isinstance(exc, RuleInputError):
        return PlanInputError(_("The plan cannot be optimised: %(why)s") % {"why": exc})
    # A solver fault must not leave the plan "running" forever nor answer a 500: record it, say so.
    logger.exception("plan %s: the optimiser failed", plan.pk)
    return PlanInputError(
        _("The optimiser failed (%(error)s); the plan was not changed.") % {"error": exc.__class__.__name__},
        ["solver_error"],
    )


def plan_optimise(
    *, plan: AnnualPlan, user: Any = None, progress: Callable[[str, float], None] | None = None
) -> AnnualPlan:
    """Optimise the plan and store its three tiers: implement = the optimal selection; plan = the best of the
    rest under the same budget; reserve = every other eligible estate. Each left-out estate keeps why and what
    would bring it in; the spreadsheet (benefit-order) plan is stored beside it for comparison.

    Bad input (budget not above zero or below the must-include total, an infeasible cap, overlapping
    bundles, missing costs) raises `PlanInputError` naming the conflicting constraints; no entries change.
    """
    if user is not None:
        require(user, "planning.run_plan")
        _within(user, plan.jurisdiction)
    _draft_only(plan)
    started = time.monotonic()
    _set_run(plan.pk, run_status=RunStatus.RUNNING, run_progress=5, run_message="", conflicts=[])

    def report(stage: str, fraction: float) -> None:
        _set_run(plan.pk, run_progress=max(5, min(95, int(10 + 80 * fraction))))
        if progress is not None:
            progress(stage, fraction)

    try:
        prepared = plan_problem_build(plan=plan)
        if prepared.problem is None:  # pragma: no cover - plan_problem_build always sets it or raises
            raise PlanInputError(_("The plan cannot be optimised."))
        result = po.plan_optimise(prepared.problem, progress=report)
    except Exception as exc:
        failure = _plan_failure(plan, exc)
        _set_run(
            plan.pk, run_status=RunStatus.FAILED, run_message=failure.messages[0], conflicts=list(failure.conflicts)
        )
        plan.refresh_from_db()
        if failure is exc:
            raise
        raise failure from exc
    problem = prepared.problem
    selected = set(result.selected)
    # The next batch (谋划一批): the best of the remaining estates under the same budget; district minimums
    # and must-includes belong to this year's batch only.
    rest = [c for c in problem.candidates if c.key not in selected]
    second: set[str] = set()
    if rest:
        rest_keys = {c.key for c in rest}
        try:
            second_result = po.plan_optimise(
                po.PlanProblem(
                    candidates=rest,
                    budget=problem.budget,
                    source_budgets=problem.source_budgets,
                    post2000_cap=problem.post2000_cap,
                    post2000_cap_source=problem.post2000_cap_source,
                    bundles={k: v for k, v in problem.bundles.items() if v <= rest_keys},
                    must_exclude=problem.must_exclude & rest_keys,
                ),
                explain=False,
            )
            second = set(second_result.selected)
        except RuleInputError:
            second = set()
    spreadsheet = set(result.spreadsheet_selected)
    with transaction.atomic():
        AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        plan.entries.all().delete()
        entries = []
        for candidate in problem.candidates:
            code = candidate.key
            s = prepared.scores[code]
            tier = Tier.IMPLEMENT if code in selected else Tier.PLAN if code in second else Tier.RESERVE
            exclusion = result.exclusions.get(code) if code not in selected else None
            entries.append(
                PlanEntry(
                    plan=plan,
                    estate=prepared.estates[code],
                    unit_key=prepared.unit_of.get(code, code),
                    tier=tier,
                    cost=candidate.cost,
                    benefit=candidate.benefit,
                    households=candidate.households,
                    post2000=candidate.post2000,
                    score=s.score.total,
                    score_breakdown=[line.as_dict() for line in s.score.lines],
                    in_optimal=code in selected,
                    in_spreadsheet=code in spreadsheet,
                    exclusion_code=exclusion.code if exclusion else "",
                    exclusion_message=exclusion.message if exclusion else "",
                    bring_in=exclusion.bring_in if exclusion else "",
                    figures=to_jsonable(exclusion.figures) if exclusion else {},
                )
            )
        for estate in prepared.no_estimate:
            entries.append(
                PlanEntry(
                    plan=plan,
                    estate=estate,
                    unit_key=estate.code,
                    tier=Tier.RESERVE,
                    cost=ZERO,
                    benefit=ZERO,
                    exclusion_code="no_estimate",
                    exclusion_message=_("The estate has no cost estimate (renovation proposal)."),
                    bring_in=_("Draw up the estate's renovation proposal, then run the plan again."),
                )
            )
        PlanEntry.objects.bulk_create(entries)
        spreadsheet_cost = sum((c.cost for c in problem.candidates if c.key in spreadsheet), ZERO)
        spreadsheet_households = sum(c.households for c in problem.candidates if c.key in spreadsheet)
        plan.result = to_jsonable(
            {
                "objective": result.objective,
                "bound": result.bound,
                "gap": result.gap,
                "status": result.status,
                "solver_s": round(result.wall_s, 3),
                "wall_s": round(time.monotonic() - started, 3),
                "cost": result.cost,
                "households": result.households,
                "post2000_households": result.post2000_households,
                "spreadsheet_objective": result.spreadsheet_objective,
                "spreadsheet_cost": spreadsheet_cost,
                "spreadsheet_households": spreadsheet_households,
                "candidates": len(problem.candidates),
                "weights": prepared.weights,
                "post2000_cap": problem.post2000_cap,
                "decision": result.decision.as_dict(),
            }
        )
        plan.run_status = RunStatus.DONE
        plan.run_progress = 100
        plan.run_message = ""
        plan.conflicts = []
        plan.optimised_at = timezone.now()
        plan.full_clean()
        plan.save()
    return plan


def plan_transition(*, plan: AnnualPlan, target: str, actor: Any, reason: str = "") -> AnnualPlan:
    """Approve a plan (or return it to draft): the workflow table decides who may; approval is audited."""
    _within(actor, plan.jurisdiction)
    workflow_transition(workflow=PLAN_WORKFLOW, obj=plan, target=target, actor=actor, reason=reason)
    plan.refresh_from_db()
    return plan
