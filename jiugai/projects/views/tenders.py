"""Pages for tenders and contracts (the project's 招标与合同 tab): the bill of quantities with its totals, import,
template and export; tenders with their bids lowest first, the award and its reasons, the posting of the prices;
contracts with their approved variations; variations with approve / reject for the roles that decide them
(Jiyuan 000: BoQ tendering, prices posted in the estate). Thin: parse the form, call one service, redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiugai.core.exporting import Column, export_response
from jiugai.core.permissions import can, require
from jiugai.core.views import form_errors_text, service_post
from jiugai.rules.decision import Decision, RuleInputError

from ..choices import ContractKind, TenderStatus, VariationStatus
from ..forms import tenders as forms
from ..models import Project, Tender
from ..selectors import project as project_selectors
from ..selectors import tenders as selectors
from ..services import tenders as services


def _project(request: HttpRequest, pk: int) -> Project:
    require(request.user, "projects.view")
    return project_selectors.project_get(user=request.user, pk=pk)


def _tender(request: HttpRequest, pk: int, tender_pk: int) -> Tender:
    tender = selectors.tender_get(user=request.user, pk=tender_pk)
    if tender.project_id != pk:
        raise Http404
    return tender


def _form_errors(form: Any) -> str:
    return form_errors_text(form)


def _back(pk: int) -> HttpResponse:
    return redirect("projects:tenders", pk=pk)


def _run(request: HttpRequest, pk: int, action: Callable[[], Any], success: str, *, form: Any = None) -> HttpResponse:
    """`service_post` that goes back to the tenders tab."""
    return service_post(request, action=action, success=success, back=reverse("projects:tenders", args=[pk]), form=form)


def _award_preview(tender: Tender) -> Decision | None:
    if tender.status != TenderStatus.OPEN:
        return None
    try:
        return services.tender_award_preview(tender)
    except RuleInputError:
        return None


def _tender_rows(project: Project, bill_lines: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for tender in project.tenders.select_related("awarded_bid").order_by("kind", "-id"):
        bids = selectors.tender_bids(tender)
        control = tender.control_price or 1
        decision = tender.decision or {}
        rows.append(
            {
                "tender": tender,
                "bids": [(b, min(100, round(float(b.price) * 100 / float(control), 1))) for b in bids],
                "method_reasons": decision.get("method", {}).get("reasons", []),
                "award_reasons": decision.get("award", {}).get("reasons", []),
                "cancel": decision.get("cancel"),
                "notice": decision.get("notice"),
                "preview": _award_preview(tender),
                "bid_form": forms.BidForm(
                    lines=bill_lines if tender.kind == ContractKind.CONSTRUCTION else (),
                    prefix=f"t{tender.pk}",
                ),
            }
        )
    return rows


def _page(request: HttpRequest, project: Project, **extra: Any) -> HttpResponse:
    bill = selectors.boq_lines_with_totals(project)
    base_lines = [row.line for row in bill.rows if row.line.added_by_id is None]
    in_force = [row.line for row in bill.rows if row.line.added_by_id is None or row.added_status == "approved"]
    contracts = selectors.contract_list(user=request.user, project=project)
    awarded = selectors.tender_list(user=request.user, project=project).filter(status=TenderStatus.AWARDED)
    user = request.user
    context = {
        "project": project,
        "bill": bill,
        "frozen": services.boq_frozen_reason(project),
        "tenders": _tender_rows(project, base_lines),
        "totals": selectors.contract_totals(project),
        "variations": selectors.variation_list(user=user, project=project).order_by("contract__kind", "number"),
        "line_form": forms.BoqLineForm(),
        "import_form": forms.BoqImportForm(),
        "tender_form": forms.TenderForm(),
        "contract_form": forms.ContractForm(tenders=awarded),
        "variation_form": forms.VariationForm(contracts=contracts, lines=in_force),
        "open_form": forms.TenderOpenForm(),
        "award_form": forms.AwardForm(),
        "cancel_form": forms.CancelForm(),
        "notice_form": forms.PriceNoticeForm(),
        "can_manage": can(user, "projects.manage_tender"),
        "can_propose": can(user, "projects.propose_variation"),
        "can_approve": can(user, "projects.approve_variation"),
        "variation_statuses": VariationStatus,
        **extra,
    }
    return render(request, "projects/tenders/tenders.html", context)


@login_required
def tenders(request: HttpRequest, pk: int) -> HttpResponse:
    """The tenders tab of one project."""
    return _page(request, _project(request, pk))


# --- the bill -------------------------------------------------------------------------------------------


@login_required
@require_POST
def boq_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = forms.BoqLineForm(request.POST)
    return _run(
        request,
        pk,
        lambda: services.boq_line_add(actor=request.user, project=project, **form.cleaned_data),
        _("Line added to the bill."),
        form=form,
    )


@login_required
@require_POST
def boq_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the bill; a refused workbook is shown again with every problem by row and column."""
    project = _project(request, pk)
    form = forms.BoqImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(pk)
    try:
        created = services.boq_import(
            actor=request.user,
            project=project,
            file=form.cleaned_data["file"],
            replace=not form.cleaned_data["append"],
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return _back(pk)
    except ValidationError as exc:
        return _page(request, project, problems=services.boq_problems(exc), import_form=form)
    messages.success(request, _("%(count)d line(s) imported.") % {"count": len(created)})
    return _back(pk)


@login_required
@require_POST
def boq_prefill(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return _run(
        request,
        pk,
        lambda: services.boq_prefill_from_proposal(actor=request.user, project=project),
        _("The bill was started from the renovation proposal."),
    )


def _boq_columns() -> list[Column]:
    return [
        Column(_("Code"), lambda r: r.line.code),
        Column(_("Name"), lambda r: r.line.name),
        Column(_("Unit"), lambda r: r.line.unit),
        Column(_("Quantity"), "base_quantity"),
        Column(_("Control unit price (yuan)"), lambda r: r.line.unit_price),
        Column(_("Amount (yuan)"), "amount"),
        Column(_("Approved change"), "approved_delta"),
        Column(_("Pending change"), "pending_delta"),
        Column(_("Quantity in force"), "quantity"),
        Column(_("Amount in force (yuan)"), "current_amount"),
        Column(_("Added by variation"), "added_by"),
    ]


@login_required
def boq_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The bill as Excel; its first five columns read back as an import or as a bidder's priced bill."""
    project = _project(request, pk)
    rows = selectors.boq_lines_with_totals(project).rows
    return export_response(rows=rows, columns=_boq_columns(), filename=f"boq-{project.code}", fmt="xlsx")


@login_required
def boq_template(request: HttpRequest, pk: int) -> HttpResponse:
    _project(request, pk)
    response = HttpResponse(
        services.boq_template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="boq-template.xlsx"'
    return response


# --- tenders --------------------------------------------------------------------------------------------


@login_required
@require_POST
def tender_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = forms.TenderForm(request.POST)
    return _run(
        request,
        pk,
        lambda: services.tender_create(actor=request.user, project=project, **form.cleaned_data),
        _("Tender drafted."),
        form=form,
    )


@login_required
@require_POST
def tender_open(request: HttpRequest, pk: int, tender_pk: int) -> HttpResponse:
    tender = _tender(request, pk, tender_pk)
    form = forms.TenderOpenForm(request.POST)
    return _run(
        request,
        pk,
        lambda: services.tender_open(actor=request.user, tender=tender, **form.cleaned_data),
        _("Tender opened to bids."),
        form=form,
    )


@login_required
@require_POST
def bid_submit(request: HttpRequest, pk: int, tender_pk: int) -> HttpResponse:
    """Record a bid: the typed line prices, or the priced bill the bidder returned."""
    tender = _tender(request, pk, tender_pk)
    lines = (
        list(tender.project.boq_lines.filter(added_by__isnull=True)) if tender.kind == ContractKind.CONSTRUCTION else []
    )
    form = forms.BidForm(request.POST, request.FILES, lines=lines, prefix=f"t{tender.pk}")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(pk)
    data = form.cleaned_data

    def action() -> Any:
        prices: dict[str, str] = form.line_prices()
        if data.get("priced_bill"):
            prices = {**services.bid_line_prices_read(file=data["priced_bill"]), **prices}
        return services.bid_submit(
            actor=request.user,
            tender=tender,
            bidder=data["bidder"],
            price=data.get("price"),
            line_prices=prices,
            submitted_on=data.get("submitted_on"),
        )

    return _run(request, pk, action, _("Bid recorded."))


@login_required
@require_POST
def tender_award(request: HttpRequest, pk: int, tender_pk: int) -> HttpResponse:
    tender = _tender(request, pk, tender_pk)
    form = forms.AwardForm(request.POST)
    return _run(
        request,
        pk,
        lambda: services.tender_award(actor=request.user, tender=tender, awarded_on=form.cleaned_data["awarded_on"]),
        _("Tender awarded."),
        form=form,
    )


@login_required
@require_POST
def tender_cancel(request: HttpRequest, pk: int, tender_pk: int) -> HttpResponse:
    tender = _tender(request, pk, tender_pk)
    form = forms.CancelForm(request.POST)
    return _run(
        request,
        pk,
        lambda: services.tender_cancel(actor=request.user, tender=tender, reason=form.cleaned_data["reason"]),
        _("Tender cancelled."),
        form=form,
    )


@login_required
@require_POST
def tender_price_notice(request: HttpRequest, pk: int, tender_pk: int) -> HttpResponse:
    """Post the awarded prices as a public notice in the estate, then show the notice."""
    tender = _tender(request, pk, tender_pk)
    form = forms.PriceNoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(pk)
    try:
        notice = services.tender_price_notice_post(
            actor=request.user, tender=tender, window_days=form.cleaned_data["window_days"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return _back(pk)
    messages.success(request, _("The tender prices are posted in the estate."))
    return redirect("consultation:notice_detail", pk=notice.pk)


# --- contracts and variations ---------------------------------------------------------------------------


@login_required
@require_POST
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    awarded = selectors.tender_list(user=request.user, project=project).filter(status=TenderStatus.AWARDED)
    form = forms.ContractForm(request.POST, request.FILES, tenders=awarded)
    return _run(
        request,
        pk,
        lambda: services.contract_sign(actor=request.user, project=project, **form.cleaned_data),
        _("Contract recorded."),
        form=form,
    )


@login_required
@require_POST
def variation_propose(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    lines = list(project.boq_lines.all())
    contracts = selectors.contract_list(user=request.user, project=project)
    form = forms.VariationForm(request.POST, contracts=contracts, lines=lines)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(pk)
    data = form.cleaned_data
    return _run(
        request,
        pk,
        lambda: services.variation_propose(
            actor=request.user,
            contract=data["contract"],
            reason=data["reason"],
            lines=form.lines(),
            new_lines=form.new_lines(),
            cost_delta=data.get("cost_delta"),
        ),
        _("Variation proposed."),
    )


@login_required
@require_POST
def variation_decide(request: HttpRequest, pk: int, variation_pk: int) -> HttpResponse:
    _project(request, pk)
    variation = selectors.variation_get(user=request.user, pk=variation_pk)
    if variation.contract.project_id != pk:
        raise Http404
    form = forms.VariationDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(pk)
    approve = form.cleaned_data["decision"] == "approve"
    return _run(
        request,
        pk,
        lambda: services.variation_decide(
            actor=request.user, variation=variation, approve=approve, note=form.cleaned_data["note"]
        ),
        _("Variation approved.") if approve else _("Variation rejected."),
    )


# --- exports --------------------------------------------------------------------------------------------


@login_required
def bids_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Every bid of the project's tenders, lowest first per tender."""
    project = _project(request, pk)
    rows = selectors.bid_list(user=request.user, project=project).order_by("tender__kind", "tender_id", "price", "id")
    columns = [
        Column(_("Contract"), lambda b: b.tender.get_kind_display()),
        Column(_("Method"), lambda b: b.tender.get_method_display()),
        Column(_("Control price (yuan)"), "tender.control_price"),
        Column(_("Tender status"), lambda b: b.tender.get_status_display()),
        Column(_("Bidder"), "bidder"),
        Column(_("Bid price (yuan)"), "price"),
        Column(_("Submitted on"), "submitted_on"),
        Column(_("Winner"), lambda b: b.tender.awarded_bid_id == b.pk),
    ]
    return export_response(rows=rows, columns=columns, filename=f"bids-{project.code}", fmt="xlsx")


@login_required
def contracts_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The project's contracts with their approved and pending variations."""
    project = _project(request, pk)
    columns = [
        Column(_("Contract"), lambda r: r.contract.get_kind_display()),
        Column(_("Contract number"), lambda r: r.contract.number),
        Column(_("Contractor"), lambda r: r.contract.counterparty),
        Column(_("Signed on"), lambda r: r.contract.signed_on),
        Column(_("By tender"), lambda r: r.contract.tender_id is not None),
        Column(_("Amount (yuan)"), lambda r: r.contract.amount),
        Column(_("Approved variations (yuan)"), "approved_variations"),
        Column(_("Pending variations (yuan)"), "pending_variations"),
        Column(_("Total (yuan)"), "total"),
    ]
    rows = selectors.contract_totals(project).rows
    return export_response(rows=rows, columns=columns, filename=f"contracts-{project.code}", fmt="xlsx")


@login_required
def variations_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Every variation line of the project (a design or supervision variation as one row without a line)."""
    project = _project(request, pk)
    rows: list[dict[str, Any]] = []
    for variation in selectors.variation_list(user=request.user, project=project).order_by("contract__kind", "number"):
        base = {
            "contract": variation.contract.get_kind_display(),
            "number": variation.number,
            "reason": variation.reason,
            "status": variation.get_status_display(),
            "cost_delta": variation.cost_delta,
            "decided_at": variation.decided_at,
        }
        lines = list(variation.lines.all())
        if not lines:
            rows.append(base)
        for vl in lines:
            rows.append(
                {
                    **base,
                    "code": vl.boq_line.code,
                    "name": vl.boq_line.name,
                    "delta": vl.quantity_delta,
                    "unit_price": vl.unit_price,
                }
            )
    columns = [
        Column(_("Contract"), "contract"),
        Column(_("Variation"), "number"),
        Column(_("Reason"), "reason"),
        Column(_("Status"), "status"),
        Column(_("Code"), lambda r: r.get("code")),
        Column(_("Name"), lambda r: r.get("name")),
        Column(_("Quantity change"), lambda r: r.get("delta")),
        Column(_("Unit price (yuan)"), lambda r: r.get("unit_price")),
        Column(_("Cost impact (yuan)"), "cost_delta"),
        Column(_("Decided at"), "decided_at"),
    ]
    return export_response(rows=rows, columns=columns, filename=f"variations-{project.code}", fmt="xlsx")


urlpatterns: list[URLPattern] = [
    path("<int:pk>/tenders/", tenders, name="tenders"),
    path("<int:pk>/boq.xlsx", boq_export, name="boq_export"),
    path("<int:pk>/boq-template.xlsx", boq_template, name="boq_template"),
    path("<int:pk>/boq/lines/", boq_line_add, name="boq_line_add"),
    path("<int:pk>/boq/import/", boq_import, name="boq_import"),
    path("<int:pk>/boq/prefill/", boq_prefill, name="boq_prefill"),
    path("<int:pk>/tenders/new/", tender_create, name="tender_create"),
    path("<int:pk>/tenders/<int:tender_pk>/open/", tender_open, name="tender_open"),
    path("<int:pk>/tenders/<int:tender_pk>/bids/", bid_submit, name="bid_submit"),
    path("<int:pk>/tenders/<int:tender_pk>/award/", tender_award, name="tender_award"),
    path("<int:pk>/tenders/<int:tender_pk>/cancel/", tender_cancel, name="tender_cancel"),
    path("<int:pk>/tenders/<int:tender_pk>/price-notice/", tender_price_notice, name="tender_price_notice"),
    path("<int:pk>/tenders/bids.xlsx", bids_export, name="bids_export"),
    path("<int:pk>/contracts/", contract_sign, name="contract_sign"),
    path("<int:pk>/contracts.xlsx", contracts_export, name="contracts_export"),
    path("<int:pk>/variations/", variation_propose, name="variation_propose"),
    path("<int:pk>/variations/<int:variation_pk>/decide/", variation_decide, name="variation_decide"),
    path("<int:pk>/variations.xlsx", variations_export, name="variations_export"),
]
# Pages residents and the public open without an account (mounted under /p/).
public_urlpatterns: list[URLPattern] = []
