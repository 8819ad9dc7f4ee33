"""Writes for tenders and contracts: the bill of quantities (工程量清单), tenders with a control price (最高投标限价),
bids, the award and the posting of the bid price, contracts, and variations (变更) with their approval.

Jiyuan reply to CPPCC proposal No. 105049 (seeds/000_f9b901b302fa6203.txt): "老旧小区改变招标方式，由原来的费率招标
改为清单招标，招标价格更合理有效。招标价格也在各个小区进行公示，广而告之，确保小区业主知情权" — construction is
tendered on the bill, every bid prices each of its lines, and the price is posted in the estate (the project
workflow's `notices_gate` waits for that notice); "改造方案在施工过程中与实际不符会发生改变，费用相应也会发生变化" —
variations change quantities and cost, and are approved before they count. Guyuan 003 (seeds/003_54d0b71b4a1e2a82.txt)
puts "工程量清单及控制价编制、招标" in the preliminary work. The decisions (tender method, bid validity, award,
variation lines) are the pure rules in `jiugai.rules.tender`; the thresholds come from the policy profile
(`projects.construction_tender_threshold`, `projects.services_tender_threshold`).

Keyword-only, atomic, validated with `full_clean()`; bad input raises a translated `ValidationError` and changes
nothing. The bill import and prefill, tender creation, opening, bids, award and cancellation, contracts and
variations (proposal and decision) are audited.

The bill is frozen once a construction tender is under way (or a construction contract signed): bids are priced
against it, so later changes go through variations; a variation may bring in a new line (`BoQLine.added_by`),
whose quantity counts only once the variation is approved.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from jiugai.accounts.choices import Role
from jiugai.consultation.choices import NoticeSubject
from jiugai.consultation.services import notice_create, notice_publish
from jiugai.core.audit import audit_entry_append
from jiugai.core.permissions import require
from jiugai.inventory.imports.reader import FileProblem, read_workbook
from jiugai.planning.models import RenovationProposal
from jiugai.policy.selectors import effective_policy
from jiugai.rules.decision import Decision, RuleInputError
from jiugai.rules.params import ParameterError
from jiugai.rules.tender import (
    CONSTRUCTION_KEY,
    MIN_BIDS,
    SERVICES_KEY,
    BidEntry,
    VariationChange,
    award_decide,
    bid_check,
    bid_window_decide,
    same_firm,
    tender_method_decide,
    tender_thresholds,
    variation_check,
)

from ..choices import ContractKind, Stage, TenderMethod, TenderStatus, VariationStatus
from ..models import Bid, BoQLine, Contract, Project, Tender, Variation, VariationLine
from ..selectors import tenders as sel
from .common import DOCUMENT_EXTENSIONS, DOCUMENT_MAX_BYTES, file_check, not_future, within

ZERO = Decimal("0")
CENT = Decimal("0.01")
# Guyuan 003: the bill, the control price and the tenders are preliminary work; design or supervision may still be
# let while the works run. Nothing is let once the works are complete.
TENDER_STAGES = (Stage.REGISTERED, Stage.PRELIMINARY, Stage.CONSTRUCTION)
# Variations change the works until they are accepted; after handover the final accounts rely on them.
VARIATION_STAGES = (Stage.REGISTERED, Stage.PRELIMINARY, Stage.CONSTRUCTION, Stage.ACCEPTANCE)
# A tender that blocks another tender (or a direct award) of the same contract.
LIVE_TENDER = (TenderStatus.DRAFT, TenderStatus.OPEN, TenderStatus.AWARDED)
# The project field naming the firm each contract engages (read by joint acceptance: who signs for which party).
FIRM_FIELD = {
    ContractKind.DESIGN.value: "design_firm",
    ContractKind.CONSTRUCTION.value: "construction_firm",
    ContractKind.SUPERVISION.value: "supervision_firm",
}
FIRM_ROLES = (Role.CONSTRUCTION_FIRM, Role.DESIGN_FIRM, Role.SUPERVISION_FIRM)
# Columns of the bill workbook (template, export, import, priced bill returned by a bidder), by position.
BOQ_FIELDS = ("code", "name", "unit", "quantity", "unit_price")
TEXT_LIMIT = 2000
MAX_BOQ_LINES = 5000


# --- small checks ---------------------------------------------------------------------------------------


def _text(value: Any, *, field: str, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > limit:
        raise ValidationError({field: [_("Please keep it under %(limit)d characters.") % {"limit": limit}]})
    return text


def _date(value: Any, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(value.strip()) if isinstance(value, str) and value.strip() else None
    if parsed is None:
        raise ValidationError({field: [_("Enter a valid date.")]})
    return parsed


def _number(value: Any) -> Decimal | None:
    """A decimal from user input or a spreadsheet cell; None when it is not a finite number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _amount(value: Any, *, field: str, allow_zero: bool = False, allow_negative: bool = False) -> Decimal:
    """A yuan amount (or a quantity) with at most two decimals, or a translated error naming the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: [_("Enter a number.")]})
    number = _number(value)
    if number is None:
        raise ValidationError({field: [_("“%(value)s” is not a number.") % {"value": value}]})
    if number != number.quantize(CENT):
        raise ValidationError({field: [_("Use at most two decimals.")]})
    if number < ZERO and not allow_negative:
        raise ValidationError({field: [_("The number may not be negative.")]})
    if number == ZERO and not allow_zero:
        raise ValidationError({field: [_("The number may not be zero.")]})
    if abs(number) >= Decimal("1e12"):
        raise ValidationError({field: [_("The number is too large.")]})
    return number.quantize(CENT)


def _stage_in(project: Project, stages: Iterable[str]) -> None:
    allowed = [str(s) for s in stages]
    if project.stage not in allowed:
        raise ValidationError(
            {
                "project": [
                    _("Not possible while the project is “%(stage)s”; it must be: %(stages)s.")
                    % {
                        "stage": Stage(project.stage).label,
                        "stages": "、".join(str(Stage(s).label) for s in allowed),
                    }
                ]
            }
        )


def _kind(kind: str) -> str:
    if kind not in ContractKind.values:
        raise ValidationError({"kind": [_("Unknown kind of contract.")]})
    return kind


def _actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _reasons(decision: Decision, codes: Iterable[str] | None = None) -> list[str]:
    wanted = set(codes) if codes is not None else None
    return [r.message for r in decision.reasons if wanted is None or r.code in wanted]


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("jurisdiction", "estate").get(pk=project.pk)


def _thresholds(project: Project, on: dt.date) -> tuple[Any, Any]:
    try:
        found = tender_thresholds(effective_policy(jurisdiction=project.jurisdiction, on=on))
    except ParameterError as exc:
        raise ValidationError({"method": [exc.message]}) from None
    return found[CONSTRUCTION_KEY], found[SERVICES_KEY]


def _method_decision(
    project: Project, *, kind: str, amount: Decimal, requested: str, invited_reason: str = "", on: dt.date
) -> Decision:
    construction, services = _thresholds(project, on)
    try:
        return tender_method_decide(
            kind,
            amount,
            construction_threshold=construction,
            services_threshold=services,
            requested=requested,
            invited_reason=invited_reason,
        )
    except RuleInputError as exc:
        raise ValidationError({"method": [str(exc)]}) from None


def boq_frozen_reason(project: Project) -> str:
    """Why the bill may no longer be edited directly ("" while it may): bids are priced against it."""
    if project.contracts.filter(kind=ContractKind.CONSTRUCTION).exists():
        return _("A construction contract has been signed: change the bill of quantities through a variation.")
    if project.tenders.filter(kind=ContractKind.CONSTRUCTION, status__in=LIVE_TENDER).exists():
        return _(
            "A construction tender is under way on this bill of quantities; cancel it before changing the bill, "
            "or change it through a variation after the contract."
        )
    return ""


def _boq_open(project: Project) -> None:
    reason = boq_frozen_reason(project)
    if reason:
        raise ValidationError({"boq": [reason]})


def _next_position(project: Project) -> int:
    return (BoQLine.objects.filter(project=project).aggregate(n=Max("position"))["n"] or 0) + 1


# --- the bill of quantities -----------------------------------------------------------------------------


@transaction.atomic
def boq_line_add(
    *,
    actor: Any,
    project: Project,
    code: str,
    name: str,
    unit: str,
    quantity: Any,
    unit_price: Any,
    catalogue_item: Any = None,
) -> BoQLine:
    """Add one line to the project's bill of quantities (工程量清单): item code, name, unit, quantity and control
    unit price (Jiyuan 000: 清单招标). Refused once the bill is frozen (see the module docstring)."""
    require(actor, "projects.manage_tender")
    within(actor, project)
    project = _lock(project)
    _stage_in(project, TENDER_STAGES)
    _boq_open(project)
    code = _text(code, field="code", limit=40)
    if BoQLine.objects.filter(project=project, code=code).exists():
        raise ValidationError({"code": [_("Line %(code)s is already in the bill.") % {"code": code}]})
    line = BoQLine(
        project=project,
        code=code,
        name=_text(name, field="name", limit=200),
        unit=_text(unit, field="unit", limit=20),
        quantity=_amount(quantity, field="quantity"),
        unit_price=_amount(unit_price, field="unit_price", allow_zero=True),
        catalogue_item=catalogue_item,
        position=_next_position(project),
    )
    line.full_clean()
    line.save()
    return line


def boq_headers() -> list[str]:
    """The column headers of the bill workbook, in `BOQ_FIELDS` order."""
    return [_("Code"), _("Name"), _("Unit"), _("Quantity"), _("Control unit price (yuan)")]


def boq_template_workbook() -> bytes:
    """A blank bill of quantities workbook: the five columns, one example line, and a sheet explaining them."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = _("Bill of quantities")
    sheet.append(boq_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["B01", "供水管网改造", "户", 120, 2500])
    for letter, width in zip("ABCDE", (12, 36, 8, 12, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    notes = workbook.create_sheet("说明")
    for row in (
        [_("Column"), _("Meaning")],
        [_("Code"), _("Unique within the project, e.g. the catalogue item code")],
        [_("Quantity"), _("More than zero, at most two decimals")],
        [
            _("Control unit price (yuan)"),
            _("The control price of one unit; the line is priced at quantity × unit price"),
        ],
    ):
        notes.append([str(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class BoqImportInvalid(ValidationError):
    """A refused bill (or priced bill): `problems` lists each problem with its spreadsheet row and column."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(
            [
                (_("Row %(row)s, %(column_label)s: %(message)s") % p) if p.get("row") else str(p["message"])
                for p in problems
            ]
        )
        self.problems = problems


def boq_problems(exc: ValidationError) -> list[dict[str, Any]]:
    """The row/column problem list of a refused import (any other `ValidationError`: its messages)."""
    if isinstance(exc, BoqImportInvalid):
        return list(exc.problems)
    return [{"row": None, "column": "", "column_label": "", "message": m} for m in exc.messages]


def _sheet_rows(file: Any) -> list[tuple[int, dict[str, Any]]]:
    """(spreadsheet row number, values by field) of the first sheet's non-empty rows below the header row."""
    name = getattr(file, "name", "") or ""
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    try:
        sheets = read_workbook(data=data, filename=name)
    except FileProblem as exc:
        raise BoqImportInvalid(
            [{"row": None, "column": "", "column_label": "", "message": exc.problem.message}]
        ) from None
    rows: list[tuple[int, dict[str, Any]]] = []
    for index, row in enumerate(sheets[0].rows[1:] if sheets else [], start=2):
        cells = [("" if v is None else v) for v in row] + [""] * len(BOQ_FIELDS)
        if not any(str(c).strip() for c in cells[: len(BOQ_FIELDS)]):
            continue
        values: dict[str, Any] = dict(zip(BOQ_FIELDS, cells, strict=False))
        for key in ("code", "unit"):
            cell = values[key]
            if isinstance(cell, float) and cell.is_integer():
                values[key] = str(int(cell))
        rows.append((index, values))
    if not rows:
        raise BoqImportInvalid(
            [
                {
                    "row": None,
                    "column": "",
                    "column_label": "",
                    "message": _("The workbook has no lines below the header row."),
                }
            ]
        )
    if len(rows) > MAX_BOQ_LINES:
        raise BoqImportInvalid(
            [
                {
                    "row": None,
                    "column": "",
                    "column_label": "",
                    "message": _("A bill has at most %(max)d lines.") % {"max": MAX_BOQ_LINES},
                }
            ]
        )
    return rows


def _cell_problem(problems: list[dict[str, Any]], row: int, field: str, message: str) -> None:
    labels = dict(zip(BOQ_FIELDS, boq_headers(), strict=True))
    problems.append({"row": row, "column": field, "column_label": labels.get(field, field), "message": message})


def _cell_amount(value: Any, *, allow_zero: bool) -> tuple[Decimal | None, str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, _("Missing.")
    number = _number(value)
    if number is None:
        return None, _("“%(value)s” is not a number.") % {"value": value}
    if number != number.quantize(CENT):
        return None, _("Use at most two decimals.")
    if number < ZERO or (number == ZERO and not allow_zero):
        return None, _("Must be more than zero.") if not allow_zero else _("The number may not be negative.")
    if number >= Decimal("1e12"):
        return None, _("The number is too large.")
    return number.quantize(CENT), ""


@transaction.atomic
def boq_import(*, actor: Any, project: Project, file: Any, replace: bool = True) -> list[BoQLine]:
    """Import the bill of quantities from a workbook (.xlsx, .xls or .csv; columns as `boq_template_workbook`).

    All or nothing: every problem of every row is reported at once with its spreadsheet row and column, and
    nothing is saved. `replace` (the default) makes the workbook the whole bill; otherwise its lines are added
    and a code already in the bill is a problem. Refused once the bill is frozen. Audited."""
    require(actor, "projects.manage_tender")
    within(actor, project)
    project = _lock(project)
    _stage_in(project, TENDER_STAGES)
    _boq_open(project)
    rows = _sheet_rows(file)
    existing = set() if replace else set(BoQLine.objects.filter(project=project).values_list("code", flat=True))
    problems: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    built: list[BoQLine] = []
    position = 1 if replace else _next_position(project)
    for row, values in rows:
        before = len(problems)
        code = str(values["code"]).strip()
        name = str(values["name"]).strip()
        unit = str(values["unit"]).strip()
        if not code:
            _cell_problem(problems, row, "code", _("The code is missing."))
        elif len(code) > 40:
            _cell_problem(problems, row, "code", _("The code is longer than 40 characters."))
        elif code in seen:
            _cell_problem(
                problems,
                row,
                "code",
                _("Code %(code)s is used twice (rows %(first)s and %(second)s).")
                % {"code": code, "first": seen[code], "second": row},
            )
        elif code in existing:
            _cell_problem(problems, row, "code", _("Line %(code)s is already in the bill.") % {"code": code})
        if not name:
            _cell_problem(problems, row, "name", _("The name is missing."))
        elif len(name) > 200:
            _cell_problem(problems, row, "name", _("The name is longer than 200 characters."))
        if not unit:
            _cell_problem(problems, row, "unit", _("The unit is missing."))
        elif len(unit) > 20:
            _cell_problem(problems, row, "unit", _("The unit is longer than 20 characters."))
        quantity, message = _cell_amount(values["quantity"], allow_zero=False)
        if message:
            _cell_problem(problems, row, "quantity", message)
        unit_price, message = _cell_amount(values["unit_price"], allow_zero=True)
        if message:
            _cell_problem(problems, row, "unit_price", message)
        if code:
            seen.setdefault(code, row)
        if len(problems) == before and quantity is not None and unit_price is not None:
            built.append(
                BoQLine(
                    project=project,
                    code=code,
                    name=name,
                    unit=unit,
                    quantity=quantity,
                    unit_price=unit_price,
                    position=position,
                )
            )
            position += 1
    if problems:
        raise BoqImportInvalid(problems)
    replaced = 0
    if replace:
        replaced, _deleted = BoQLine.objects.filter(project=project).delete()
    for line in built:
        line.full_clean()
    created = BoQLine.objects.bulk_create(built)
    audit_entry_append(
        action="projects.boq.import",
        obj=project,
        actor=actor,
        jurisdiction_code=project.jurisdiction.code,
        payload={
            "file": (getattr(file, "name", "") or "")[:200],
            "lines": len(created),
            "replaced": replaced,
            "total": str(sum((line.amount for line in created), ZERO)),
        },
    )
    return created


@transaction.atomic
def boq_prefill_from_proposal(*, actor: Any, project: Project) -> list[BoQLine]:
    """Start an empty bill from the newest renovation proposal (改造内容及估算) of each of the project's estates:
    item code, name, unit, quantity and unit cost. Items of several estates with the same code and unit cost are
    added up; a different unit cost keeps its own line (code suffixed with the estate code), so money stays
    exact. Audited."""
    require(actor, "projects.manage_tender")
    within(actor, project)
    project = _lock(project)
    _stage_in(project, TENDER_STAGES)
    _boq_open(project)
    if BoQLine.objects.filter(project=project).exists():
        raise ValidationError({"boq": [_("The bill already has lines; import a workbook to replace it.")]})
    estates = list(project.estates.order_by("code")) or [project.estate]
    merged: dict[str, BoQLine] = {}
    proposals = []
    for estate in estates:
        proposal = RenovationProposal.objects.filter(estate=estate).order_by("-version").first()
        if proposal is None:
            continue
        proposals.append({"estate": estate.code, "proposal": proposal.pk, "version": proposal.version})
        for pline in proposal.lines.select_related("item").order_by("item__position", "item__code"):
            if pline.quantity <= ZERO:
                continue
            item = pline.item
            code = item.code
            found = merged.get(code)
            if found is not None and found.unit_price == pline.unit_cost and found.unit == item.unit:
                found.quantity += pline.quantity
                continue
            if found is not None:
                code = f"{item.code}-{estate.code}"[:40]
            merged[code] = BoQLine(
                project=project,
                code=code,
                name=item.name,
                unit=item.unit,
                quantity=pline.quantity,
                unit_price=pline.unit_cost,
                catalogue_item=item,
            )
    if not merged:
        raise ValidationError(
            {"boq": [_("No estate of this project has a renovation proposal with quantities to start the bill from.")]}
        )
    lines = list(merged.values())
    for position, line in enumerate(lines, start=1):
        line.position = position
        line.full_clean()
    created = BoQLine.objects.bulk_create(lines)
    audit_entry_append(
        action="projects.boq.prefill",
        obj=project,
        actor=actor,
        jurisdiction_code=project.jurisdiction.code,
        payload={
            "proposals": proposals,
            "lines": len(created),
            "total": str(sum((line.amount for line in created), ZERO)),
        },
    )
    return created


def bid_line_prices_read(*, file: Any) -> dict[str, str]:
    """The unit price of each line from a priced bill a bidder returned (the bill workbook with its unit-price
    column filled): code → price. Every bad row is reported with its row and column (`BoqImportInvalid`)."""
    rows = _sheet_rows(file)
    problems: list[dict[str, Any]] = []
    prices: dict[str, str] = {}
    for row, values in rows:
        code = str(values["code"]).strip()
        if not code:
            _cell_problem(problems, row, "code", _("The code is missing."))
            continue
        if code in prices:
            _cell_problem(problems, row, "code", _("Code %(code)s is priced twice.") % {"code": code})
            continue
        price, message = _cell_amount(values["unit_price"], allow_zero=True)
        if message:
            _cell_problem(problems, row, "unit_price", message)
            continue
        prices[code] = str(price)
    if problems:
        raise BoqImportInvalid(problems)
    return prices


# --- tenders and bids -----------------------------------------------------------------------------------


@transaction.atomic
def tender_create(
    *,
    actor: Any,
    project: Project,
    kind: str,
    control_price: Any = None,
    method: str = "",
    method_reason: str = "",
) -> Tender:
    """Draft a tender (招标) for one contract of the project, with its control price (最高投标限价).

    For construction the control price defaults to the bill of quantities total and may not exceed it (Jiyuan
    000: 清单招标; Guyuan 003: 工程量清单及控制价编制); design and supervision name theirs. The method comes from
    the rule `tender_method_decide` with the profile's threshold, and is kept in `decision`: open by default; an
    invited tender of a contract that must be tendered needs `method_reason`; a direct award needs no tender
    (sign the contract directly). One live tender per contract. Audited."""
    require(actor, "projects.manage_tender")
    within(actor, project)
    project = _lock(project)
    _stage_in(project, TENDER_STAGES)
    kind = _kind(kind)
    if method not in ("", TenderMethod.OPEN, TenderMethod.INVITED, TenderMethod.DIRECT):
        raise ValidationError({"method": [_("Unknown tender method.")]})
    if method == TenderMethod.DIRECT:
        raise ValidationError({"method": [_("A direct award needs no tender: record the contract directly.")]})
    if project.tenders.filter(kind=kind, status__in=LIVE_TENDER).exists():
        raise ValidationError(
            {
                "kind": [
                    _("A tender for the %(kind)s contract is already under way.") % {"kind": ContractKind(kind).label}
                ]
            }
        )
    if project.contracts.filter(kind=kind).exists():
        raise ValidationError(
            {"kind": [_("The %(kind)s contract has already been signed.") % {"kind": ContractKind(kind).label}]}
        )
    if kind == ContractKind.CONSTRUCTION:
        bill = sel.boq_lines_with_totals(project)
        if not bill.rows:
            raise ValidationError(
                {"boq": [_("A construction tender is held on a bill of quantities: add the bill's lines first.")]}
            )
        if control_price in (None, ""):
            price = bill.base_total
            if price <= ZERO:
                raise ValidationError({"control_price": [_("The bill of quantities totals zero; price its lines.")]})
        else:
            price = _amount(control_price, field="control_price")
            if price > bill.base_total:
                raise ValidationError(
                    {
                        "control_price": [
                            _("The control price may not exceed the bill of quantities total of %(total)s yuan.")
                            % {"total": bill.base_total}
                        ]
                    }
                )
    else:
        price = _amount(control_price, field="control_price")
    today = timezone.localdate()
    reason_text = _text(method_reason, field="method_reason", required=False, limit=300)
    decision = _method_decision(
        project,
        kind=kind,
        amount=price,
        requested=method or TenderMethod.OPEN,
        invited_reason=reason_text if method == TenderMethod.INVITED else "",
        on=today,
    )
    if not decision.passed:
        raise ValidationError({"method": _reasons(decision, {"direct_refused", "invited_needs_reason"})})
    tender = Tender(
        project=project,
        kind=kind,
        method=decision.figures["method"],
        method_reason=(reason_text or decision.reasons[0].message)[:300],
        control_price=price,
        status=TenderStatus.DRAFT,
        decision={"method": decision.as_dict()},
    )
    tender.full_clean()
    tender.save()
    audit_entry_append(
        action="projects.tender.create",
        obj=project,
        actor=actor,
        jurisdiction_code=project.jurisdiction.code,
        payload={
            "tender": tender.pk,
            "kind": kind,
            "method": tender.method,
            "control_price": str(price),
            "required": decision.figures["required"],
        },
    )
    return tender


def _lock_tender(tender: Tender) -> Tender:
    return Tender.objects.select_for_update().select_related("project__jurisdiction").get(pk=tender.pk)


@transaction.atomic
def tender_open(
    *, actor: Any, tender: Tender, opened_on: dt.date | None = None, closes_on: dt.date | None = None
) -> Tender:
    """Issue the tender documents and open the tender to bids (招标公告/投标邀请). A tender the law requires
    gives bidders at least 20 days (招标投标法 Art. 24; rule `bid_window_decide`). Audited."""
    require(actor, "projects.manage_tender")
    tender = _lock_tender(tender)
    project = tender.project
    within(actor, project)
    _stage_in(project, TENDER_STAGES)
    if tender.status != TenderStatus.DRAFT:
        raise ValidationError({"status": [_("Only a draft tender can be opened.")]})
    opened_on = _date(opened_on, field="opened_on") if opened_on is not None else timezone.localdate()
    not_future(opened_on, field="opened_on")
    if opened_on < project.registered_on:
        raise ValidationError({"opened_on": [_("The tender cannot open before the project was registered.")]})
    closes = _date(closes_on, field="closes_on") if closes_on not in (None, "") else None
    if tender.kind == ContractKind.CONSTRUCTION and not BoQLine.objects.filter(project=project).exists():
        raise ValidationError({"boq": [_("A construction tender is held on a bill of quantities: add its lines.")]})
    required = bool(tender.decision.get("method", {}).get("figures", {}).get("required"))
    window = bid_window_decide(opened_on=opened_on, closes_on=closes, required=required)
    if not window.passed:
        raise ValidationError({"closes_on": _reasons(window)})
    tender.opened_on = opened_on
    tender.closes_on = closes
    tender.status = TenderStatus.OPEN
    tender.decision = {**tender.decision, "window": window.as_dict()}
    tender.full_clean()
    tender.save()
    audit_entry_append(
        action="projects.tender.open",
        obj=project,
        actor=actor,
        jurisdiction_code=project.jurisdiction.code,
        payload={
            "tender": tender.pk,
            "opened_on": opened_on.isoformat(),
            "closes_on": closes.isoformat() if closes else None,
        },
    )
    return tender


def _line_prices(raw: Any) -> dict[str, Decimal]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, Mapping):
        raise ValidationError({"line_prices": [_("Give the unit prices as line code → price.")]})
    prices: dict[str, Decimal] = {}
    for code, value in raw.items():
        key = str(code).strip()
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        number = _number(value)
        if number is None or number < ZERO or number != number.quantize(CENT):
            raise ValidationError(
                {"line_prices": [_("Line %(code)s: “%(value)s” is not a unit price.") % {"code": key, "value": value}]}
            )
        prices[key] = number.quantize(CENT)
    return prices


BID_FIELD = {"above_control_price": "price", "total_mismatch": "price"}


@transaction.atomic
def bid_submit(
    *,
    actor: Any,
    tender: Tender,
    bidder: str,
    price: Any = None,
    line_prices: Mapping[str, Any] | None = None,
    submitted_on: dt.date | None = None,
) -> Bid:
    """Record a bid received for an open tender. A construction bid prices every line of the bill (the priced
    bill, 已标价工程量清单); its price defaults to Σ quantity × unit price and, when stated, must equal it to the
    cent; a bid above the control price is refused (rule `bid_check`; 招标投标法实施条例 Art. 51). One bid per
    bidder, dated within the bid window. Audited."""
    require(actor, "projects.manage_tender")
    tender = _lock_tender(tender)
    project = tender.project
    within(actor, project)
    if tender.status != TenderStatus.OPEN:
        raise ValidationError({"status": [_("Bids are taken only while the tender is open.")]})
    bidder = _text(bidder, field="bidder", limit=200)
    if any(same_firm(bidder, other) for other in tender.bids.values_list("bidder", flat=True)):
        raise ValidationError({"bidder": [_("%(bidder)s has already bid in this tender.") % {"bidder": bidder}]})
    submitted_on = _date(submitted_on, field="submitted_on") if submitted_on is not None else timezone.localdate()
    not_future(submitted_on, field="submitted_on")
    if tender.opened_on and submitted_on < tender.opened_on:
        raise ValidationError({"submitted_on": [_("The bid is dated before the tender opened.")]})
    if tender.closes_on and submitted_on > tender.closes_on:
        raise ValidationError({"submitted_on": [_("Bids closed on %(day)s.") % {"day": tender.closes_on.isoformat()}]})
    prices = _line_prices(line_prices)
    construction = tender.kind == ContractKind.CONSTRUCTION
    quantities = sel.boq_base_quantities(project) if construction else {}
    if prices and not construction:
        raise ValidationError({"line_prices": [_("Only a construction bid prices the lines of the bill.")]})
    if price in (None, ""):
        if not prices:
            raise ValidationError({"price": [_("Enter the bid price, or the unit price of every line.")]})
        amount = sel.priced_total(quantities, prices)
        if amount is None:
            amount = ZERO
    else:
        amount = _amount(price, field="price")
    try:
        check = bid_check(
            price=amount,
            control_price=tender.control_price,
            quantities=quantities,
            line_prices=prices,
            lines_required=construction,
        )
    except RuleInputError as exc:
        raise ValidationError({"price": [str(exc)]}) from None
    if not check.passed:
        errors: dict[str, list[str]] = {}
        for reason in check.reasons:
            if reason.code in ("within_control_price", "total_matches"):
                continue
            errors.setdefault(BID_FIELD.get(reason.code, "line_prices"), []).append(reason.message)
        raise ValidationError(errors)
    bid = Bid(
        tender=tender,
        bidder=bidder,
        price=amount,
        line_prices={code: str(p) for code, p in prices.items()},
        submitted_on=submitted_on,
    )
    bid.full_clean()
    bid.save()
    audit_entry_append(
        action="projects.bid.submit",
        obj=project,
        actor=actor,
        jurisdiction_code=project.jurisdiction.code,
        payload={"tender": tender.pk, "bid": bid.pk, "bidder": bidder, "price": str(amount)},
    )
    return bid


def tender_award_preview(tender: Tender) -> Decision:
    """What `tender_award` would decide now: every bid checked again against the bill and the control price, then
    the lowest valid one (rule `award_decide`; at least three bidders, 招标投标法 Art. 28)."""
    construction = tender.kind == ContractKind.CONSTRUCTION
    quantities = sel.boq_base_quantities(tender.project) if construction else {}
    entries = []
    for bid in tender.bids.order_by("price", "submitted_on", "id"):
        prices = {code: Decimal(str(p)) for code, p in (bid.line_prices or {}).items()}
        check = bid_check(
            price=bid.price,
            control_price=tender.control_price,
            quantities=quantities,
            line_prices=prices,
            lines_required=construction,
        )
        entries.append(
            BidEntry(key=str(bid.pk), bidder=bid.bidder, price=bid.price, submitted_on=bid.submitted_on, check=check)
        )
    return award_decide(entries, min_bids=MIN_BIDS)


@transaction.atomic
def tender_award(*, actor: Any, tender: Tender, awarded_on: dt.date | None = None) -> Tender:
    """Award an open tender to the lowest valid bid (rule `award_decide`, its reasons kept in `decision`) after the
    bids closed, and name the winner as the project's design, construction or supervision firm. With fewer than
    three bids, or none valid, the award is refused: cancel and tender again. Audited."""
    require(actor, "projects.manage_tender")
    tender = _lock_tender(tender)
    project = _lock(tender.project)
    within(actor, project)
    _stage_in(project, TENDER_STAGES)
    if tender.status != TenderStatus.OPEN:
        raise ValidationError({"status": [_("Only an open tender can be awarded.")]})
    awarded_on = _date(awarded_on, field="awarded_on") if awarded_on is not None else timezone.localdate()
    not_future(awarded_on, field="awarded_on")
    if tender.closes_on and awarded_on < tender.closes_on:
        raise ValidationError(
            {"awarded_on": [_("Bids close on %(day)s; award after that.") % {"day": tender.closes_on.isoformat()}]}
        )
    if tender.opened_on and awarded_on < tender.opened_on:
        raise ValidationError({"awarded_on": [_("The award is dated before the tender opened.")]})
    decision = tender_award_preview(tender)
    if decision.outcome != "awarded":
        raise ValidationError({"bids": _reasons(decision)})
    winner = Bid.objects.get(pk=int(decision.figures["winner"]))
    if winner.submitted_on > awarded_on:
        raise ValidationError({"awarded_on": [_("The award is dated before the winning bid came in.")]})
    tender.awarded_bid = winner
    tender.awarded_on = awarded_on
    tender.status = TenderStatus.AWARDED
    tender.decision = {**tender.decision, "award": decision.as_dict()}
    tender.full_clean()
    tender.save()
    field = FIRM_FIELD[tender.kind]
    setattr(project, field, winner.bidder)
    project.full_clean()
    project.save(update_fields=[field, "updated_at"])
    audit_entry_append(
        action="projects.tender.award",
        obj=project,
        actor=actor,
        jurisdiction_code=project.jurisdiction.code,
        payload={
            "tender": tender.pk,
            "kind": tender.kind,
            "winner": winner.bidder,
            "price": str(winner.price),
            "control_price": str(tender.control_price),
            "bids": decision.figures["bids"],
            "awarded_on": awarded_on.isoformat(),
        },
    )
    return tender


@transaction.atomic
def tender_cancel(*, actor: Any, tender: Tender, reason: str) -> Tender:
    """Cancel a draft or open tender, saying why (too few bidders, no valid bid, the bill changed); a new tender
    of the same contract may then be held. Audited."""
    require(actor, "projects.manage_tender")
    tender = _lock_tender(tender)
    project = tender.project
    within(actor, project)
    if tender.status not in (TenderStatus.DRAFT, TenderStatus.OPEN):
        raise ValidationError({"status": [_("Only a draft or open tender can be cancelled.")]})
    reason = _text(reason, field="reason", limit=300)
    tender.status = TenderStatus.CANCELLED
    tender.decision = {
        **tender.decision,
        "cancel": {"reason": reason, "on": timezone.localdate().isoformat(), "bids": tender.bids.count()},
    }
    tender.full_clean()
    tender.save()
    audit_entry_append(
        action="projects.tender.cancel",
        obj=project,
        actor=actor,
        jurisdiction_code=project.jurisdiction.code,
        payload={"tender": tender.pk, "reason": reason},
    )
    return tender


def tender_price_notice_text(tender: Tender) -> tuple[str, str]:
    """The title and text of the notice posting an awarded tender's prices: control price, the winner and every
    bid by price. Firms only, no personal data."""
    project = tender.project
    kind = ContractKind(tender.kind).label
    lines = [
        _("Project: %(name)s (%(code)s)") % {"name": project.name, "code": project.code},
        _("Contract: %(kind)s; method: %(method)s") % {"kind": kind, "method": TenderMethod(tender.method).label},
        _("Control price: %(price)s yuan") % {"price": tender.control_price},
    ]
    if tender.awarded_bid is not None:
        lines.append(
            _("Winning bidder: %(bidder)s; bid price %(price)s yuan; awarded on %(day)s")
            % {
                "bidder": tender.awarded_bid.bidder,
                "price": tender.awarded_bid.price,
                "day": tender.awarded_on.isoformat() if tender.awarded_on else "—",
            }
        )
    lines.append(_("Bids received (lowest first):"))
    for n, bid in enumerate(tender.bids.order_by("price", "submitted_on", "id"), start=1):
        lines.append(f"{n}. {bid.bidder}: {bid.price}")
    lines.append(
        _("Residents may comment or object within the notice window (Jiyuan: tender prices are posted in each estate).")
    )
    title = _("Tender prices for the %(kind)s of %(name)s") % {"kind": kind, "name": project.name}
    return title[:200], "\n".join(str(line) for line in lines)


@transaction.atomic
def tender_price_notice_post(
    *, actor: Any, tender: Tender, window_days: int | None = None, now: dt.datetime | None = None
) -> Any:
    """Post an awarded tender's bid prices as a public notice in the estate (Jiyuan 000: 招标价格也在各个小区进行
    公示), about the project (`NoticeSubject.TENDER_PRICE`), drafted and published at once; the start of works
    waits for its window to close (`notices_gate`). The window comes from the profile unless given. Once per
    tender; the notice is kept in `decision["notice"]`."""
    require(actor, "projects.manage_tender")
    tender = _lock_tender(tender)
    project = tender.project
    within(actor, project)
    if tender.status != TenderStatus.AWARDED:
        raise ValidationError({"status": [_("Only an awarded tender's prices are posted.")]})
    if tender.decision.get("notice"):
        raise ValidationError({"notice": [_("The prices of this tender have already been posted.")]})
    title, content = tender_price_notice_text(tender)
    notice = notice_create(
        actor=actor,
        jurisdiction=project.estate.jurisdiction,
        estate=project.estate,
        title=title,
        content=content,
        subject=NoticeSubject.TENDER_PRICE,
        subject_label=project.name,
        subject_object=project,
        issuer=project.street_office,
        window_days=window_days,
    )
    notice = notice_publish(actor=actor, notice=notice, now=now)
    tender.decision = {**tender.decision, "notice": notice.pk}
    tender.full_clean()
    tender.save(update_fields=["decision", "updated_at"])
    return notice


# --- contracts ------------------------------------------------------------------------------------------


@transaction.atomic
def contract_sign(
    *,
    actor: Any,
    project: Project,
    kind: str,
    signed_on: dt.date,
    tender: Tender | None = None,
    counterparty: str = "",
    amount: Any = None,
    number: str = "",
    document: Any = None,
) -> Contract:
    """Record a signed contract, from an awarded tender (the winner at the winning price: 招标投标法 Art. 46, no
    terms departing from the award) or by direct award below the threshold (rule `tender_method_decide`; a direct
    award at or above it is refused). One contract per kind; the firm becomes the project's design, construction
    or supervision firm, and the construction contract's date closes the preliminary work (Guyuan 003:
    `Project.preliminary_done_on`, when not yet set). Audited, with the method decision."""
    require(actor, "projects.manage_tender")
    within(actor, project)
    project = _lock(project)
    _stage_in(project, TENDER_STAGES)
    kind = _kind(kind)
    if project.contracts.filter(kind=kind).exists():
        raise ValidationError(
            {"kind": [_("The %(kind)s contract has already been signed.") % {"kind": ContractKind(kind).label}]}
        )
    signed_on = _date(signed_on, field="signed_on")
    not_future(signed_on, field="signed_on")
    if signed_on < project.registered_on:
        raise ValidationError({"signed_on": [_("The contract is dated before the project was registered.")]})
    number = _text(number, field="number", required=False, limit=60)
    decision: dict[str, Any]
    if tender is not None:
        tender = Tender.objects.select_related("awarded_bid").get(pk=tender.pk)
        if tender.project_id != project.pk:
            raise ValidationError({"tender": [_("This tender belongs to another project.")]})
        if tender.kind != kind:
            raise ValidationError({"tender": [_("This tender is for another contract.")]})
        if tender.status != TenderStatus.AWARDED or tender.awarded_bid is None:
            raise ValidationError({"tender": [_("The tender has not been awarded.")]})
        winner = tender.awarded_bid
        counterparty = _text(counterparty, field="counterparty", required=False, limit=200) or winner.bidder
        if not same_firm(counterparty, winner.bidder):
            raise ValidationError(
                {"counterparty": [_("The tender was awarded to %(bidder)s.") % {"bidder": winner.bidder}]}
            )
        value = winner.price if amount in (None, "") else _amount(amount, field="amount")
        if value != winner.price:
            raise ValidationError(
                {
                    "amount": [
                        _("The contract must be at the winning bid price of %(price)s yuan.") % {"price": winner.price}
                    ]
                }
            )
        if tender.awarded_on and signed_on < tender.awarded_on:
            raise ValidationError({"signed_on": [_("The contract is dated before the award.")]})
        counterparty = winner.bidder
        decision = {"tender": tender.pk, "method": tender.method}
    else:
        live = project.tenders.filter(kind=kind, status__in=LIVE_TENDER).first()
        if live is not None:
            raise ValidationError(
                {
                    "tender": [
                        _("A tender for this contract is %(status)s: sign from it, or cancel it first.")
                        % {"status": TenderStatus(live.status).label}
                    ]
                }
            )
        counterparty = _text(counterparty, field="counterparty", limit=200)
        value = _amount(amount, field="amount")
        method = _method_decision(project, kind=kind, amount=value, requested=TenderMethod.DIRECT, on=signed_on)
        if not method.passed:
            raise ValidationError({"amount": _reasons(method)})
        decision = {"method": method.as_dict()}
    if document is not None:
        file_check(document, field="document", extensions=DOCUMENT_EXTENSIONS, max_bytes=DOCUMENT_MAX_BYTES)
    contract = Contract(
        project=project,
        kind=kind,
        tender=tender,
        counterparty=counterparty,
        amount=value,
        signed_on=signed_on,
        number=number,
    )
    if document is not None:
        contract.document = document
    contract.full_clean()
    contract.save()
    changed = []
    field = FIRM_FIELD[kind]
    if getattr(project, field) != counterparty:
        setattr(project, field, counterparty)
        changed.append(field)
    # Guyuan 003: tendering is the last preliminary step, so the construction contract's date closes it.
    if kind == ContractKind.CONSTRUCTION and getattr(project, "preliminary_done_on", None) is None:
        project.preliminary_done_on = signed_on
        changed.append("preliminary_done_on")
    if changed:
        project.full_clean()
        project.save(update_fields=[*changed, "updated_at"])
    audit_entry_append(
        action="projects.contract.sign",
        obj=project,
        actor=actor,
        jurisdiction_code=project.jurisdiction.code,
        payload={
            "contract": contract.pk,
            "kind": kind,
            "counterparty": counterparty,
            "amount": str(value),
            "signed_on": signed_on.isoformat(),
            **decision,
        },
    )
    return contract


# --- variations -----------------------------------------------------------------------------------------


def _firm_may_act(actor: Any, project: Project) -> None:
    """A firm's user proposes variations only on a project that contracted its firm."""
    if getattr(actor, "role", None) not in FIRM_ROLES:
        return
    organisation = getattr(actor, "organisation", "") or ""
    firms = (project.design_firm, project.construction_firm, project.supervision_firm)
    if not any(same_firm(organisation, firm) for firm in firms if firm):
        raise PermissionDenied(_("Your firm is not contracted on this project."))


def _row_error(field: str, n: int, message: str) -> ValidationError:
    return ValidationError({field: [_("Row %(row)d: %(message)s") % {"row": n, "message": message}]})


def _changes(
    *, contract: Contract, lines: Iterable[Mapping[str, Any]], new_lines: Iterable[Mapping[str, Any]]
) -> tuple[list[tuple[BoQLine, Decimal, Decimal]], list[dict[str, Any]]]:
    """Clean a variation's changed lines (line, change, unit price) and new lines (fields of a new bill line)."""
    project = contract.project
    by_pk = {line.pk: line for line in BoQLine.objects.filter(project=project).select_related("added_by")}
    contract_prices = sel.contract_unit_prices(contract)
    changed: list[tuple[BoQLine, Decimal, Decimal]] = []
    for n, row in enumerate(lines, start=1):
        if not isinstance(row, Mapping):
            raise _row_error("lines", n, _("not a line."))
        ref = row.get("boq_line")
        pk = getattr(ref, "pk", ref)
        try:
            line = by_pk.get(int(pk)) if pk not in (None, "") else None
        except (TypeError, ValueError):
            line = None
        if line is None:
            raise _row_error("lines", n, _("choose a line of this project's bill."))
        if (
            line.added_by_id is not None
            and line.added_by is not None
            and line.added_by.status != VariationStatus.APPROVED
        ):
            raise _row_error(
                "lines", n, _("line %(code)s comes with a variation not approved yet.") % {"code": line.code}
            )
        try:
            delta = _amount(row.get("quantity_delta"), field="lines", allow_negative=True)
        except ValidationError:
            raise _row_error("lines", n, _("give the change of quantity (negative to reduce).")) from None
        raw_price = row.get("unit_price")
        if raw_price in (None, ""):
            price = contract_prices.get(line.code, line.unit_price)
        else:
            try:
                price = _amount(raw_price, field="lines", allow_zero=True)
            except ValidationError:
                raise _row_error("lines", n, _("the unit price is not valid.")) from None
        changed.append((line, delta, price))
    taken = set(BoQLine.objects.filter(project=project).values_list("code", flat=True))
    added: list[dict[str, Any]] = []
    for n, row in enumerate(new_lines, start=1):
        if not isinstance(row, Mapping):
            raise _row_error("new_lines", n, _("not a line."))
        code = str(row.get("code") or "").strip()
        if not code or len(code) > 40:
            raise _row_error("new_lines", n, _("give a code of at most 40 characters."))
        if code in taken:
            raise _row_error("new_lines", n, _("line %(code)s is already in the bill.") % {"code": code})
        taken.add(code)
        name = str(row.get("name") or "").strip()
        unit = str(row.get("unit") or "").strip()
        if not name or len(name) > 200 or not unit or len(unit) > 20:
            raise _row_error("new_lines", n, _("give the name and the unit."))
        try:
            quantity = _amount(row.get("quantity"), field="new_lines")
            price = _amount(row.get("unit_price"), field="new_lines", allow_zero=True)
        except ValidationError:
            raise _row_error("new_lines", n, _("give a quantity above zero and a unit price.")) from None
        added.append({"code": code, "name": name, "unit": unit, "quantity": quantity, "unit_price": price})
    return changed, added


def _variation_decision(
    changed: list[tuple[BoQLine, Decimal, Decimal]], added: list[dict[str, Any]], quantities: Mapping[int, Decimal]
) -> Decision:
    changes = [
        VariationChange(
            code=line.code, current_quantity=quantities.get(line.pk, ZERO), quantity_delta=delta, unit_price=price
        )
        for line, delta, price in changed
    ] + [
        VariationChange(
            code=row["code"], current_quantity=ZERO, quantity_delta=row["quantity"], unit_price=row["unit_price"]
        )
        for row in added
    ]
    return variation_check(changes)


@transaction.atomic
def variation_propose(
    *,
    actor: Any,
    contract: Contract,
    reason: str,
    lines: Iterable[Mapping[str, Any]] = (),
    new_lines: Iterable[Mapping[str, Any]] = (),
    cost_delta: Any = None,
) -> Variation:
    """Propose a variation (设计变更/工程变更) of a contract (Jiyuan 000: the plan changes as works meet reality and
    the cost with it). On the construction contract it changes bill lines — `lines`: {boq_line, quantity_delta,
    unit_price (default: the contract's unit price of the line, else the control unit price)} — and may bring in
    new ones (`new_lines`: code, name, unit, quantity, unit_price); the cost impact is Σ change × unit price and a
    change leaving a line's quantity below zero is refused (rule `variation_check`). A design or supervision
    variation states its `cost_delta`. Counts only once approved (`variation_decide`). Audited."""
    require(actor, "projects.propose_variation")
    contract = Contract.objects.select_related("project__jurisdiction", "tender__awarded_bid").get(pk=contract.pk)
    project = contract.project
    within(actor, project)
    _firm_may_act(actor, project)
    project = _lock(project)
    _stage_in(project, VARIATION_STAGES)
    reason = _text(reason, field="reason")
    lines, new_lines = list(lines or ()), list(new_lines or ())
    number = (Variation.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    if contract.kind == ContractKind.CONSTRUCTION:
        if cost_delta not in (None, ""):
            raise ValidationError(
                {"cost_delta": [_("A construction variation's cost comes from its lines; do not state it.")]}
            )
        if not lines and not new_lines:
            raise ValidationError({"lines": [_("A variation changes at least one line.")]})
        changed, added = _changes(contract=contract, lines=lines, new_lines=new_lines)
        decision = _variation_decision(changed, added, sel.boq_quantities(project))
        if not decision.passed:
            raise ValidationError({"lines": _reasons(decision)})
        cost = decision.figures["cost_delta"]
    else:
        if lines or new_lines:
            raise ValidationError({"lines": [_("Only a construction variation changes the bill of quantities.")]})
        changed, added = [], []
        cost = _amount(cost_delta, field="cost_delta", allow_negative=True)
    variation = Variation(
        contract=contract,
        number=number,
        reason=reason,
        cost_delta=cost,
        status=VariationStatus.PROPOSED,
        proposed_by=_actor_user(actor),
    )
    variation.full_clean()
    variation.save()
    position = _next_position(project)
    for row in added:
        line = BoQLine(project=project, added_by=variation, position=position, **row)
        line.full_clean()
        line.save()
        position += 1
        changed.append((line, row["quantity"], row["unit_price"]))
    for line, delta, price in changed:
        item = VariationLine(variation=variation, boq_line=line, quantity_delta=delta, unit_price=price)
        item.full_clean()
        item.save()
    audit_entry_append(
        action="projects.variation.propose",
        obj=project,
        actor=actor,
        jurisdiction_code=project.jurisdiction.code,
        payload={
            "contract": contract.pk,
            "variation": variation.pk,
            "number": number,
            "cost_delta": str(cost),
            "lines": len(changed),
            "new_lines": len(added),
        },
    )
    return variation


@transaction.atomic
def variation_decide(*, actor: Any, variation: Variation, approve: bool, note: str = "") -> Variation:
    """Approve or reject a proposed variation (the leading-group office or the housing department: variations
    change the money). Whoever proposed it may not decide it; a rejection says why. An approval checks the lines
    again against the quantities now approved, so two variations cannot together take a line below zero. Approved,
    its quantities count in `boq_quantities` (weekly progress) and its cost in `contract_totals`. Audited."""
    require(actor, "projects.approve_variation")
    variation = (
        Variation.objects.select_for_update().select_related("contract__project__jurisdiction").get(pk=variation.pk)
    )
    project = variation.contract.project
    within(actor, project)
    project = _lock(project)
    _stage_in(project, VARIATION_STAGES)
    if variation.status != VariationStatus.PROPOSED:
        raise ValidationError({"status": [_("This variation has already been decided.")]})
    if variation.proposed_by_id is not None and variation.proposed_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You proposed this variation; someone else must decide it."))
    note = _text(note, field="note", required=not approve, limit=500)
    if approve and variation.contract.kind == ContractKind.CONSTRUCTION:
        quantities = sel.boq_quantities(project)
        changes = [
            VariationChange(
                code=vl.boq_line.code,
                current_quantity=quantities.get(vl.boq_line_id, ZERO),
                quantity_delta=vl.quantity_delta,
                unit_price=vl.unit_price,
            )
            for vl in variation.lines.select_related("boq_line")
        ]
        decision = variation_check(changes)
        if not decision.passed:
            raise ValidationError({"lines": _reasons(decision)})
    variation.status = VariationStatus.APPROVED if approve else VariationStatus.REJECTED
    variation.decided_by = _actor_user(actor)
    variation.decided_at = timezone.now()
    variation.full_clean()
    variation.save()
    audit_entry_append(
        action="projects.variation.approve" if approve else "projects.variation.reject",
        obj=project,
        actor=actor,
        jurisdiction_code=project.jurisdiction.code,
        payload={
            "contract": variation.contract_id,
            "variation": variation.pk,
            "number": variation.number,
            "cost_delta": str(variation.cost_delta),
            "note": note,
        },
    )
    return variation
