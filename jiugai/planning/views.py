"""Planning pages: annual plans (run, progress, optimal vs spreadsheet, exclusions, tiers, summary, map,
what-if scenarios and comparison, approval), the catalogue (versions, import, export), proposals, priority
scores, weights and area bundles. Thin: parse input, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiugai.accounts.choices import UtilityType
from jiugai.core.exporting import FORMATS, Column, export_response
from jiugai.core.permissions import can, require
from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.inventory.models import Estate
from jiugai.inventory.selectors import jurisdiction_for_user
from jiugai.rules.decision import Decision, RuleInputError
from jiugai.rules.plan_checks import post2000_cap_decide

from . import catalogue_io, forms, scoring, selectors, services
from .choices import BundleStatus, ItemClass, RunStatus, Tier
from .documents import plan_document_data, plan_docx, plan_xlsx
from .models import AnnualPlan
from .tasks import plan_optimise_task


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _jurisdiction(request: HttpRequest) -> Any:
    return jurisdiction_for_user(user=request.user, code=request.GET.get("jurisdiction") or None)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404


# --- annual plans -------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "planning.view")
    jurisdiction = _jurisdiction(request)
    form = forms.PlanCreateForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "planning.run_plan")
        if jurisdiction is None:
            messages.error(request, _("Choose a jurisdiction first."))
        elif form.is_valid():
            try:
                plan = services.plan_create(
                    jurisdiction=jurisdiction,
                    year=form.cleaned_data["year"],
                    budget=form.cleaned_data["budget"],
                    title=form.cleaned_data["title"],
                    actor=request.user,
                )
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                return redirect("planning:plan_detail", pk=plan.pk)
    plans = selectors.plan_list(user=request.user)[:200]
    return render(
        request,
        "planning/plan_list.html",
        {"plans": plans, "form": form, "jurisdiction": jurisdiction, "can_run": can(request.user, "planning.run_plan")},
    )


def _plan_context(request: HttpRequest, plan: AnnualPlan) -> dict[str, Any]:
    entries = list(selectors.plan_entries(plan=plan))
    for entry in entries:  # indicator names as people read them, for the breakdown column
        for line in entry.score_breakdown:
            line["label"] = forms.INDICATOR_LABELS.get(line.get("indicator"), line.get("indicator"))
    excluded = [e for e in entries if not e.in_optimal]
    tiers = {t.value: [e for e in entries if e.tier == t.value] for t in Tier}
    summary = selectors.plan_summary(plan=plan)
    spreadsheet_summary = selectors.plan_summary(plan=plan, selected_by="spreadsheet")
    weights = selectors.weights_values(
        plan.weights or selectors.weights_in_force(jurisdiction=plan.jurisdiction), plan.weight_overrides
    )
    initial = {
        "budget": plan.budget,
        "post2000_cap": plan.post2000_cap,
        "must_include": list(plan.must_include.all()),
        "must_exclude": list(plan.must_exclude.all()),
        **{f"w_{k}": v for k, v in plan.weight_overrides.items()},
    }
    form = forms.PlanParametersForm(initial=initial, estates=selectors.eligible_estates(jurisdiction=plan.jurisdiction))
    return {
        "plan": plan,
        "entries": entries,
        "excluded": excluded,
        "tiers": [(Tier(t).label, t, rows) for t, rows in tiers.items()],
        "summary": summary,
        "spreadsheet_summary": spreadsheet_summary,
        "by_class": [(ItemClass(k).label, v) for k, v in summary.by_class.items()],
        "by_utility": [(UtilityType(k).label, v) for k, v in summary.by_utility.items()],
        "result": plan.result,
        "weights": [(forms.INDICATOR_LABELS[k], v) for k, v in weights.items()],
        "form": form,
        "running": plan.run_status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "can_run": can(request.user, "planning.run_plan") and plan.status == "draft",
        "can_approve": can(request.user, "planning.approve_plan"),
        "scenarios": plan.scenarios.all(),
        "other_plans": selectors.plan_list(user=request.user)
        .filter(jurisdiction=plan.jurisdiction)
        .exclude(pk=plan.pk)[:50],
        "tile_url": getattr(settings, "MAP_TILE_URL", ""),
        "checks": plan_checks(plan, summary),
    }


def _check(title: str, decision: Decision) -> dict[str, Any]:
    """One check as the plan page shows it: a title, and each reason with whether it holds."""
    return {
        "ok": decision.passed or decision.outcome == "consistent",
        "title": title,
        "lines": [
            {
                "ok": not reason.code.endswith(("_mismatch", "_over_cap")),
                "text": reason.message,
                "source": reason.source,
            }
            for reason in decision.reasons
        ],
    }


def plan_checks(plan: AnnualPlan, summary: selectors.PlanSummary) -> list[dict[str, Any]]:
    """The plan checks shown under the summary: the post-2000 household share against the cap
    (`jiugai.rules.plan_checks.post2000_cap_decide`, Guyuan seed 003), stated against computed totals
    (`plan_consistency_decide`: Guyuan's 84 buildings stated, 81 in its areas) and the budget."""
    checks: list[dict[str, Any]] = []
    if plan.run_status == RunStatus.DONE:
        try:
            cap = post2000_cap_decide(summary.post2000_households, summary.households, selectors.plan_cap_policy(plan))
        except (RuleInputError, ValueError):
            cap = None  # no cap configured: nothing to check
        if cap is not None:
            checks.append(_check(_("Post-2000 household cap"), cap))
        for consistency in selectors.plan_consistency(plan=plan, summary=summary):
            checks.append(_check(_("Stated totals against computed ones"), consistency))
    if summary.investment > plan.budget:
        checks.append(
            {
                "ok": False,
                "title": _("Budget"),
                "lines": [{"ok": False, "text": _("The implement tier costs more than the budget.")}],
            }
        )
    return checks


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "planning.view")
    plan = selectors.plan_get(user=request.user, pk=pk)
    return render(request, "planning/plan_detail.html", _plan_context(request, plan))


@login_required
@require_POST
def plan_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the what-if parameters (budget, cap, weights) and optimise in the background."""
    require(request.user, "planning.run_plan")
    plan = selectors.plan_get(user=request.user, pk=pk)
    form = forms.PlanParametersForm(request.POST, estates=selectors.eligible_estates(jurisdiction=plan.jurisdiction))
    if not form.is_valid():
        context = _plan_context(request, plan)
        context["form"] = form
        return render(request, "planning/plan_detail.html", context, status=400)
    try:
        services.plan_update(
            plan=plan,
            actor=request.user,
            budget=form.cleaned_data["budget"],
            post2000_cap=form.cleaned_data["post2000_cap"],
            weight_overrides=form.weight_overrides(),
            must_include=form.cleaned_data["must_include"],
            must_exclude=form.cleaned_data["must_exclude"],
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("planning:plan_detail", pk=plan.pk)
    AnnualPlan.objects.filter(pk=plan.pk).update(run_status=RunStatus.QUEUED, run_progress=0)
    plan_optimise_task.delay(plan.pk, request.user.pk)
    plan.refresh_from_db()
    if plan.run_status == RunStatus.FAILED:
        messages.error(request, plan.run_message)
    elif plan.run_status == RunStatus.DONE:
        messages.success(request, _("The plan was optimised."))
    return redirect("planning:plan_detail", pk=plan.pk)


@login_required
def plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    running = plan.run_status in (RunStatus.QUEUED, RunStatus.RUNNING)
    response = render(request, "planning/_progress.html", {"plan": plan, "running": running})
    if not running and request.htmx:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    try:
        copy = services.plan_copy(plan=plan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("planning:plan_detail", pk=plan.pk)
    messages.success(request, _("A scenario was copied from the plan; change it and run it, then compare."))
    return redirect("planning:plan_detail", pk=copy.pk)


@login_required
@require_POST
def plan_transition(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    try:
        services.plan_transition(
            plan=plan, target=request.POST.get("target", ""), actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("planning:plan_detail", pk=plan.pk)


@login_required
def plan_compare(request: HttpRequest) -> HttpResponse:
    require(request.user, "planning.view")
    plans = [
        selectors.plan_get(user=request.user, pk=request.GET.get(key, ""))
        for key in ("a", "b")
        if (request.GET.get(key) or "").isdigit()
    ]
    if len(plans) != 2:
        raise Http404
    columns: list[dict[str, Any]] = []
    for plan in plans:
        implement = {e.estate_id for e in plan.entries.all() if e.tier == Tier.IMPLEMENT}
        columns.append({"plan": plan, "summary": selectors.plan_summary(plan=plan), "implement": implement})
    estates = {e.estate for plan in plans for e in selectors.plan_entries(plan=plan)}
    rows = [
        {"estate": estate, "in_a": estate.pk in columns[0]["implement"], "in_b": estate.pk in columns[1]["implement"]}
        for estate in sorted(estates, key=lambda e: e.name)
    ]
    return render(request, "planning/plan_compare.html", {"columns": columns, "rows": rows})


def _entry_columns() -> list[Column]:
    return [
        Column(_("Estate"), "estate.name"),
        Column(_("Code"), "estate.code"),
        Column(_("Street"), "estate.street.name"),
        Column(_("Planning unit"), "unit_key"),
        Column(_("Tier"), lambda e: e.get_tier_display()),
        Column(_("Cost (yuan)"), "cost"),
        Column(_("Households"), "households"),
        Column(_("Priority score"), "score"),
        Column(_("Benefit"), "benefit"),
        Column(_("Built after 2000"), "post2000"),
        Column(_("In the optimal plan"), "in_optimal"),
        Column(_("In the spreadsheet plan"), "in_spreadsheet"),
        Column(_("Why left out"), "exclusion_message"),
        Column(_("What would bring it in"), "bring_in"),
    ]


@login_required
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    _check_format(fmt)
    plan = selectors.plan_get(user=request.user, pk=pk)
    rows = selectors.plan_entries(plan=plan)
    tier = request.GET.get("tier")
    if tier in Tier.values:
        rows = rows.filter(tier=tier)
    if request.GET.get("excluded"):
        rows = rows.filter(in_optimal=False)
    return export_response(rows=rows, columns=_entry_columns(), filename=f"plan-{plan.pk}", fmt=fmt)


@login_required
def plan_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The implement tier as official documents: a GB/T 9704 Word notice with the plan table, or Excel."""
    require(request.user, "planning.view")
    plan = selectors.plan_get(user=request.user, pk=pk)
    if fmt not in ("docx", "xlsx"):
        raise Http404
    if plan.run_status != RunStatus.DONE:
        messages.error(request, _("Run the plan first: the official tables list its implement tier."))
        return redirect("planning:plan_detail", pk=pk)
    document = plan_document_data(plan=plan)
    if fmt == "docx":
        content = plan_docx(document)
        kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        content = plan_xlsx(document)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="annual-plan-{plan.year}-{plan.pk}.{fmt}"'
    return response


@login_required
def plan_points(request: HttpRequest, pk: int) -> JsonResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    return JsonResponse(selectors.plan_geojson(plan=plan))


# --- catalogue ---------------------------------------------------------------------------------------


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    require(request.user, "planning.view")
    jurisdiction = _jurisdiction(request)
    in_force = selectors.catalogue_in_force(jurisdiction=jurisdiction)
    return render(
        request,
        "planning/catalogue.html",
        {
            "jurisdiction": jurisdiction,
            "in_force": in_force,
            "items": selectors.catalogue_items(version=in_force) if in_force else [],
            "versions": selectors.catalogue_version_list(jurisdiction=jurisdiction)[:100],
            "form": forms.CatalogueImportForm(),
            "can_edit": can(request.user, "planning.edit_catalogue") and jurisdiction is not None,
        },
    )


@login_required
def catalogue_version(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "planning.view")
    version = selectors.catalogue_version_get(pk=pk)
    return render(
        request,
        "planning/catalogue.html",
        {
            "jurisdiction": version.jurisdiction,
            "in_force": version,
            "items": selectors.catalogue_items(version=version),
            "versions": [],
            "form": None,
            "can_edit": False,
        },
    )


@login_required
def catalogue_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    _check_format(fmt)
    version = selectors.catalogue_version_get(pk=pk)
    return export_response(
        rows=selectors.catalogue_items(version=version),
        columns=catalogue_io.export_columns(),
        filename=f"catalogue-v{version.version}",
        fmt=fmt,
    )


@login_required
def catalogue_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(catalogue_io.template_workbook(), content_type=catalogue_io.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="catalogue-template.xlsx"'
    return response


@login_required
@require_POST
def catalogue_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "planning.edit_catalogue")
    jurisdiction = _jurisdiction(request)
    form = forms.CatalogueImportForm(request.POST, request.FILES)
    problems: list[dict[str, Any]] = []
    if jurisdiction is None:
        problems = [{"row": None, "column": "", "message": _("Choose a jurisdiction first.")}]
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        items, problems = catalogue_io.read_items(data=upload.read(), filename=upload.name)
        if not problems:
            try:
                version = services.catalogue_version_create(
                    jurisdiction=jurisdiction,
                    effective_from=form.cleaned_data["effective_from"],
                    title=form.cleaned_data["title"],
                    note=form.cleaned_data["note"],
                    items=items,
                    actor=request.user,
                )
            except services.CatalogueInvalid as exc:
                problems = exc.problems
            except ValidationError as exc:
                problems = services.catalogue_problems(exc)
            else:
                messages.success(request, _("Catalogue version %(version)s was saved.") % {"version": version.version})
                return redirect("planning:catalogue_version", pk=version.pk)
    in_force = selectors.catalogue_in_force(jurisdiction=jurisdiction)
    headers = dict(zip(catalogue_io.FIELDS, catalogue_io.headers(), strict=True))
    for problem in problems:
        problem["column_label"] = headers.get(problem.get("column", ""), problem.get("column", ""))
    return render(
        request,
        "planning/catalogue.html",
        {
            "jurisdiction": jurisdiction,
            "in_force": in_force,
            "items": selectors.catalogue_items(version=in_force) if in_force else [],
            "versions": selectors.catalogue_version_list(jurisdiction=jurisdiction)[:100],
            "form": form,
            "problems": problems,
            "can_edit": True,
        },
        status=400,
    )


# --- proposals and scores ----------------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "planning.view")
    estates = visible_to(request.user, Estate.objects.select_related("street")).order_by("street__path", "name")[:500]
    latest = selectors.latest_proposals([e.pk for e in estates])
    rows = [{"estate": e, "proposal": latest.get(e.pk)} for e in estates]
    return render(request, "planning/proposal_list.html", {"rows": rows})


@login_required
def proposal_edit(request: HttpRequest, estate_pk: int) -> HttpResponse:
    require(request.user, "planning.view")
    estate = get_visible_or_404(request.user, Estate.objects.select_related("jurisdiction", "street"), pk=estate_pk)
    latest = selectors.proposal_latest(estate=estate)
    version = selectors.catalogue_in_force(jurisdiction=estate.jurisdiction)
    items = selectors.catalogue_items(version=version) if version else None
    can_edit = can(request.user, "planning.edit_proposal")
    error = ""
    if request.method == "POST":
        require(request.user, "planning.edit_proposal")
        if "prefill" in request.POST:
            try:
                services.proposal_prefill(estate=estate, actor=request.user)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            return redirect("planning:proposal_edit", estate_pk=estate.pk)
        formset = forms.ProposalFormSet(request.POST, items=items)  # type: ignore[call-arg]
        if formset.is_valid():
            lines = [
                {
                    "item": f.cleaned_data["item"],
                    "quantity": f.cleaned_data["quantity"],
                    "unit_cost": f.cleaned_data.get("unit_cost"),
                    "reason": f.cleaned_data.get("reason", ""),
                }
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("item")
            ]
            try:
                services.proposal_save(
                    estate=estate, lines=lines, note=request.POST.get("note", ""), catalogue=version, actor=request.user
                )
            except ValidationError as exc:
                error = _errors(exc)
            else:
                messages.success(request, _("A new proposal version was saved."))
                return redirect("planning:proposal_edit", estate_pk=estate.pk)
    else:
        initial = [
            {"item": line.item, "quantity": line.quantity, "unit_cost": line.unit_cost, "reason": line.reason}
            for line in (latest.lines.all() if latest else [])
            if version and line.item.catalogue_id == version.pk
        ]
        formset = forms.ProposalFormSet(initial=initial, items=items)  # type: ignore[call-arg]
    return render(
        request,
        "planning/proposal_edit.html",
        {
            "estate": estate,
            "proposal": latest,
            "by_class": [(ItemClass(k).label, v) for k, v in selectors.totals_by_class(latest.lines.all()).items()]
            if latest
            else [],
            "formset": formset,
            "catalogue": version,
            "can_edit": can_edit,
            "error": error,
            "history": estate.proposals.order_by("-version")[:20],
        },
        status=400 if error else 200,
    )


@login_required
def score_list(request: HttpRequest, fmt: str = "") -> HttpResponseBase:
    require(request.user, "planning.view")
    jurisdiction = _jurisdiction(request)
    estates = visible_to(request.user, Estate.objects.select_related("street"))[:2000]
    weights = selectors.weights_values(selectors.weights_in_force(jurisdiction=jurisdiction) if jurisdiction else None)
    scored = selectors.estate_scores(estates, weights=weights)
    if fmt:
        _check_format(fmt)
        columns = [Column(_("Estate"), lambda s: s.estate.name), Column(_("Score"), lambda s: s.score.total)]
        for index, indicator in enumerate(scoring.INDICATORS):
            label = forms.INDICATOR_LABELS[indicator]
            columns.append(Column(label, _score_line(index, "raw")))
            columns.append(Column(_("%(indicator)s: points") % {"indicator": label}, _score_line(index, "points")))
        return export_response(rows=scored, columns=columns, filename="priority-scores", fmt=fmt)
    return render(
        request,
        "planning/score_list.html",
        {
            "scored": scored[:500],
            "weights": [(forms.INDICATOR_LABELS[k], v) for k, v in weights.items()],
            "labels": forms.INDICATOR_LABELS,
        },
    )


def _score_line(index: int, name: str) -> Any:
    """An export column's reader: one figure of one indicator line of a scored estate."""
    return lambda scored: getattr(scored.score.lines[index], name)


@login_required
def weights_edit(request: HttpRequest) -> HttpResponse:
    require(request.user, "planning.view")
    jurisdiction = _jurisdiction(request)
    current = selectors.weights_in_force(jurisdiction=jurisdiction) if jurisdiction else None
    form = forms.WeightsForm(request.POST or None, initial_weights=selectors.weights_values(current))
    if request.method == "POST":
        require(request.user, "planning.edit_weights")
        if jurisdiction is None:
            messages.error(request, _("Choose a jurisdiction first."))
        elif form.is_valid():
            try:
                services.weights_version_create(
                    jurisdiction=jurisdiction,
                    weights=form.weights(),
                    effective_from=form.cleaned_data["effective_from"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("The weights were saved as a new version."))
                return redirect("planning:weights")
    return render(
        request,
        "planning/weights.html",
        {
            "form": form,
            "jurisdiction": jurisdiction,
            "current": current,
            "history": selectors.weights_history(jurisdiction=jurisdiction) if jurisdiction else [],
            "can_edit": can(request.user, "planning.edit_weights"),
        },
    )


# --- bundles -----------------------------------------------------------------------------------------


@login_required
def bundle_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "planning.view")
    jurisdiction = _jurisdiction(request)
    estates = visible_to(request.user, Estate.objects.all()).order_by("name")
    form = forms.BundleForm(request.POST or None, estates=estates)
    if request.method == "POST":
        require(request.user, "planning.manage_bundles")
        try:
            if "suggest" in request.POST:
                created = services.bundle_suggest(jurisdiction=jurisdiction, actor=request.user)
                messages.success(request, _("%(count)s bundles suggested.") % {"count": len(created)})
            elif "decide" in request.POST:
                bundle = selectors.bundle_get(user=request.user, pk=request.POST.get("bundle", ""))
                services.bundle_decide(bundle=bundle, status=request.POST["decide"], actor=request.user)
            elif form.is_valid():
                services.bundle_save(
                    jurisdiction=jurisdiction,
                    name=form.cleaned_data["name"],
                    estates=list(form.cleaned_data["estates"]),
                    actor=request.user,
                )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect(reverse("planning:bundle_list"))
    bundles = selectors.bundle_list(user=request.user)
    return render(
        request,
        "planning/bundle_list.html",
        {
            "bundles": bundles,
            "form": form,
            "jurisdiction": jurisdiction,
            "statuses": BundleStatus,
            "can_manage": can(request.user, "planning.manage_bundles") and jurisdiction is not None,
            "tile_url": getattr(settings, "MAP_TILE_URL", ""),
        },
    )


@login_required
def bundle_points(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.bundles_geojson(selectors.bundle_list(user=request.user)))
