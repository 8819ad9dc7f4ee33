"""Funding pages: the dashboard (totals, charts, alerts), sources, allocations (checks, workflow, receipts,
payments, documents), an estate's funding (utilities, property subsidy, OCDS export) and residents' cost
shares with their printable notices. Thin: parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiugai.consultation.documents import pdf_render
from jiugai.core.exporting import FORMATS, Column, export_response
from jiugai.core.permissions import can, require
from jiugai.core.scoping import get_visible_or_404
from jiugai.inventory.models import Estate

from . import forms, selectors, services
from .choices import APPROVED_STATUSES, CostShareStatus
from .workflow import ALLOCATION_WORKFLOW


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404


TOTAL_COLUMNS = [
    Column(_("Allocated (yuan)"), "allocated"),
    Column(_("Approved (yuan)"), "approved"),
    Column(_("Received (yuan)"), "received"),
    Column(_("Paid (yuan)"), "paid"),
]


# The dashboard lists the most important stored alerts a page at a time; the export has all of them.
ALERTS_PER_PAGE = 25


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.view")
    summary = selectors.funding_summary(user=request.user)
    return render(
        request,
        "funding/dashboard.html",
        {
            "by_source": summary.by_source,
            "by_level": summary.by_level,
            "by_plan": summary.by_plan,
            "by_jurisdiction": summary.by_jurisdiction,
            "alerts": selectors.funding_alert_page(
                user=request.user, number=request.GET.get("alerts_page"), per_page=ALERTS_PER_PAGE
            ),
            "alerts_refreshed": selectors.funding_alerts_refreshed(user=request.user),
            "chart": summary.chart,
            "allocation_count": summary.allocation_count,
        },
    )


@login_required
def totals_export(request: HttpRequest, by: str, fmt: str) -> HttpResponseBase:
    require(request.user, "funding.view")
    _check_format(fmt)
    readers = {
        "source": selectors.totals_by_source,
        "level": selectors.totals_by_level,
        "plan": selectors.totals_by_plan,
        "jurisdiction": selectors.totals_by_jurisdiction,
    }
    if by not in readers:
        raise Http404
    rows = readers[by](selectors.allocation_list(user=request.user))
    return export_response(
        rows=rows, columns=[Column(_("Group"), "label"), *TOTAL_COLUMNS], filename=f"funding-by-{by}", fmt=fmt
    )


@login_required
def alert_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    require(request.user, "funding.view")
    _check_format(fmt)
    columns = [
        Column(_("Alert"), "kind_label"),
        Column(_("Estate"), "estate.name"),
        Column(_("Amount (yuan)"), "amount"),
        Column(_("Explanation"), "message"),
        Column(_("Reasons"), lambda a: a.reasons),
    ]
    return export_response(
        rows=selectors.funding_alert_list(user=request.user), columns=columns, filename="funding-alerts", fmt=fmt
    )


# --- sources ------------------------------------------------------------------------------------------


@login_required
def source_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.view")
    form = forms.SourceForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "funding.manage_sources")
        jurisdiction = getattr(request.user, "active_jurisdiction", None) or getattr(request.user, "jurisdiction", None)
        if jurisdiction is None:
            messages.error(request, _("Choose a jurisdiction first."))
        elif form.is_valid():
            try:
                services.source_create(jurisdiction=jurisdiction, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("Source recorded."))
                return redirect("funding:source_list")
    return render(
        request,
        "funding/source_list.html",
        {
            "sources": selectors.source_list(user=request.user)[:500],
            "form": form,
            "can_manage": can(request.user, "funding.manage_sources"),
        },
    )


@login_required
def source_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    require(request.user, "funding.view")
    _check_format(fmt)
    columns = [
        Column(_("Name"), "name"),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Jurisdiction"), "jurisdiction.name"),
        Column(_("Programme or document"), "programme"),
        Column(_("Year"), "year"),
        Column(_("Amount available (yuan)"), "budget"),
    ]
    return export_response(
        rows=selectors.source_list(user=request.user), columns=columns, filename="funding-sources", fmt=fmt
    )


# --- allocations --------------------------------------------------------------------------------------


@login_required
def allocation_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.view")
    estate = None
    if request.GET.get("estate"):
        estate = get_visible_or_404(request.user, Estate.objects.all(), pk=request.GET["estate"])
    form = forms.AllocationForm(request.POST or None, user=request.user, estate=estate)
    if request.method == "POST":
        require(request.user, "funding.plan_allocation")
        if form.is_valid():
            data = form.cleaned_data
            try:
                allocation = services.allocation_create(
                    source=data["source"],
                    estate=data["estate"],
                    amount=data["amount"],
                    item_class=data["item_class"],
                    authorising_campaign=data["authorising_campaign"],
                    note=data["note"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Allocation recorded."))
                return redirect("funding:allocation_detail", pk=allocation.pk)
    allocations = selectors.allocation_list(user=request.user)
    if estate is not None:
        allocations = allocations.filter(estate=estate)
    return render(
        request,
        "funding/allocation_list.html",
        {
            "allocations": allocations[:500],
            "form": form,
            "estate": estate,
            "can_plan": can(request.user, "funding.plan_allocation"),
        },
    )


ALLOCATION_COLUMNS = [
    Column(_("Estate"), "estate.name"),
    Column(_("Source"), "source.name"),
    Column(_("Kind"), "source.get_kind_display"),
    Column(_("Year"), "year"),
    Column(_("Earmarked for"), "get_item_class_display"),
    Column(_("Amount (yuan)"), "amount"),
    Column(_("Status"), "get_status_display"),
    Column(_("Received (yuan)"), "received"),
    Column(_("Paid (yuan)"), "paid"),
]


@login_required
def allocation_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    require(request.user, "funding.view")
    _check_format(fmt)
    return export_response(
        rows=selectors.allocation_list(user=request.user),
        columns=ALLOCATION_COLUMNS,
        filename="funding-allocations",
        fmt=fmt,
    )


@login_required
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "funding.view")
    allocation = selectors.allocation_get(user=request.user, pk=pk)
    movement_form = forms.MovementForm(request.POST if request.POST.get("form") == "movement" else None)
    posted_document = request.POST.get("form") == "document"
    document_form = forms.DocumentForm(
        request.POST if posted_document else None, request.FILES if posted_document else None
    )
    if request.method == "POST" and request.POST.get("form") == "movement":
        if movement_form.is_valid():
            try:
                services.movement_record(allocation=allocation, actor=request.user, **movement_form.cleaned_data)
            except ValidationError as exc:
                movement_form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Movement recorded."))
                return redirect("funding:allocation_detail", pk=pk)
    if request.method == "POST" and request.POST.get("form") == "document":
        if document_form.is_valid():
            try:
                services.allocation_document_add(
                    allocation=allocation, actor=request.user, **document_form.cleaned_data
                )
            except ValidationError as exc:
                document_form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Document attached."))
                return redirect("funding:allocation_detail", pk=pk)
    targets = [
        (target, ALLOCATION_WORKFLOW.blockers(allocation, target, request.user))
        for target in ALLOCATION_WORKFLOW.targets_from(allocation.status)
    ]
    return render(
        request,
        "funding/allocation_detail.html",
        {
            "allocation": allocation,
            "movements": allocation.movements.order_by("on", "id"),
            "documents": allocation.documents.all(),
            "movement_form": movement_form,
            "document_form": document_form,
            "targets": targets,
            "can_record": can(request.user, "funding.record_movement"),
            "can_plan": can(request.user, "funding.plan_allocation"),
        },
    )


@login_required
@require_POST
def allocation_transition(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = selectors.allocation_get(user=request.user, pk=pk)
    try:
        services.allocation_transition(
            allocation=allocation,
            target=request.POST.get("target", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Status changed."))
    return redirect("funding:allocation_detail", pk=pk)


# --- an estate's funding ------------------------------------------------------------------------------


@login_required
def estate_funding(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "funding.view")
    estate = get_visible_or_404(request.user, Estate.objects.select_related("jurisdiction"), pk=pk)
    allocations = list(selectors.allocation_list(user=request.user).filter(estate=estate))
    cost, basis = selectors.estate_cost(estate=estate)
    form = forms.SubsidyForm(request.POST or request.GET or None)
    decision = None
    error = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if request.method == "POST":
                require(request.user, "funding.manage_subsidy")
                services.property_subsidy_record(estate=estate, actor=request.user, **data)
                messages.success(request, _("Property-service subsidy recorded."))
                return redirect("funding:estate", pk=pk)
            decision = services.property_subsidy_preview(
                estate=estate, area=data["area"], rate=data["rate"], months=data["months"]
            )
        except ValidationError as exc:
            error = _errors(exc)
    elif not form.is_bound and estate.total_area is not None:
        try:
            decision = services.property_subsidy_preview(estate=estate)
        except ValidationError as exc:
            error = _errors(exc)
    approved = sum((a.amount for a in allocations if a.status in APPROVED_STATUSES), 0)
    return render(
        request,
        "funding/estate.html",
        {
            "estate": estate,
            "allocations": allocations,
            "cost": cost,
            "basis": basis,
            "allocated": sum((a.amount for a in allocations), 0),
            "approved": approved,
            "utility_checks": selectors.utility_checks(estate=estate, allocations=allocations),
            "subsidies": selectors.property_subsidy_list(user=request.user).filter(estate=estate),
            "subsidy_form": form,
            "subsidy_decision": decision,
            "subsidy_error": error,
            "can_subsidise": can(request.user, "funding.manage_subsidy"),
        },
    )


@login_required
def estate_ocds(request: HttpRequest, pk: int) -> JsonResponse:
    require(request.user, "funding.view")
    estate = get_visible_or_404(request.user, Estate.objects.all(), pk=pk)
    allocations = selectors.allocation_list(user=request.user).filter(estate=estate)
    data = selectors.ocds_budget_breakdown(estate=estate, allocations=allocations)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="ocds-{estate.code}.json"'
    return response


# --- cost shares --------------------------------------------------------------------------------------


@login_required
def cost_share_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.view")
    form = forms.CostShareForm(request.POST or None, user=request.user)
    if request.method == "POST":
        require(request.user, "funding.manage_cost_share")
        if form.is_valid():
            try:
                cost_share = services.cost_share_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                return redirect("funding:cost_share_detail", pk=cost_share.pk)
    return render(
        request,
        "funding/cost_share_list.html",
        {
            "cost_shares": selectors.cost_share_list(user=request.user)[:500],
            "form": form,
            "can_manage": can(request.user, "funding.manage_cost_share"),
        },
    )


@login_required
def cost_share_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    require(request.user, "funding.view")
    _check_format(fmt)
    columns = [
        Column(_("Estate"), "estate.name"),
        Column(_("Scope"), "scope_label"),
        Column(_("Item or package"), "item"),
        Column(_("Method"), "get_method_display"),
        Column(_("Total (yuan)"), "total"),
        Column(_("Carried by public funds (yuan)"), "fund_carries"),
        Column(_("Status"), "get_status_display"),
    ]
    return export_response(
        rows=selectors.cost_share_list(user=request.user), columns=columns, filename="cost-shares", fmt=fmt
    )


@login_required
def cost_share_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "funding.view")
    cost_share = selectors.cost_share_get(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.cost_share_publish(cost_share=cost_share, actor=request.user)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Published: each household now sees its share on its ballot page."))
        return redirect("funding:cost_share_detail", pk=pk)
    return render(
        request,
        "funding/cost_share_detail.html",
        {
            "cost_share": cost_share,
            "shares": selectors.household_shares(cost_share=cost_share),
            "can_publish": can(request.user, "funding.manage_cost_share")
            and cost_share.status == CostShareStatus.DRAFT,
        },
    )


@login_required
def cost_share_shares_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    require(request.user, "funding.view")
    _check_format(fmt)
    cost_share = selectors.cost_share_get(user=request.user, pk=pk)
    columns = [
        Column(_("Building"), "household.building.number"),
        Column(_("Stairwell"), "household.stairwell"),
        Column(_("Floor"), "floor"),
        Column(_("Room"), "household.room"),
        Column(_("Exclusive area (m²)"), "area"),
        Column(_("Exempted (hardship)"), "exempt"),
        Column(_("Share (yuan)"), "amount"),
    ]
    return export_response(
        rows=selectors.household_shares(cost_share=cost_share), columns=columns, filename=f"cost-share-{pk}", fmt=fmt
    )


@login_required
def cost_share_notice(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    """Printable notices, one page per household (HTML to print, or PDF)."""
    require(request.user, "funding.view")
    cost_share = selectors.cost_share_get(user=request.user, pk=pk)
    shares = selectors.household_shares(cost_share=cost_share)
    if request.GET.get("household"):
        shares = shares.filter(household_id=request.GET["household"])
    context = {"cost_share": cost_share, "shares": shares, "decision": cost_share.decision, "pdf": fmt == "pdf"}
    if fmt == "pdf":
        response = HttpResponse(pdf_render("funding/notice.html", context), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="cost-share-{pk}.pdf"'
        return response
    if fmt != "html":
        raise Http404
    return render(request, "funding/notice.html", context)
