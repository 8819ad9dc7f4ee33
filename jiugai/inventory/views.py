"""Estate pages: list, detail, map, charts, data-quality report and eligibility screening.

Thin: each view parses input, calls one selector or service, and renders. Data for the map and the
charts is fetched as JSON by static scripts (the CSP allows no inline scripts).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiugai.core.filters import change_records_for
from jiugai.core.permissions import can, require
from jiugai.core.views import querystring_without_page

from . import exports, selectors, services
from .choices import Eligibility
from .filters import EstateFilter
from .permissions import personal_data_for


def _policy_date(request: HttpRequest) -> dt.date | None:
    raw = (request.POST.get("date") or request.GET.get("date") or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(_("Give the policy date as YYYY-MM-DD.")) from None


def _filtered_estates(request: HttpRequest) -> EstateFilter:
    return EstateFilter(request.GET or None, queryset=selectors.estate_list(user=request.user), request=request)


@login_required
def estate_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "inventory.view_estate")
    filterset = _filtered_estates(request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    rows = [{"estate": e, "badge": selectors.quality_badge(e.quality_issues)} for e in page.object_list]
    return render(
        request,
        "inventory/estate_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "rows": rows,
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def estate_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered estate list as xlsx or csv."""
    require(request.user, "inventory.view_estate")
    filterset = _filtered_estates(request)
    return exports.estate_list_export(filterset.qs, fmt=request.GET.get("format", "xlsx"))


@login_required
def estate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "inventory.view_estate")
    estate = selectors.estate_get(user=request.user, pk=pk)
    page = Paginator(selectors.households_of(estate), 100).get_page(request.GET.get("page"))
    rows = [
        {"household": h, **personal_data_for(request.user, phone=h.phone, id_number=h.id_number)}
        for h in page.object_list
    ]
    return render(
        request,
        "inventory/estate_detail.html",
        {
            "estate": estate,
            "buildings": estate.buildings.all(),
            "household_rows": rows,
            "page_obj": page,
            "querystring": "",
            "records": change_records_for(estate)[:100],
            "survey": selectors.latest_survey(estate),
            "screening": selectors.latest_screening(estate),
            "screening_history": selectors.screening_history(estate)[1:11],
            "badge": selectors.quality_badge(estate.quality_issues),
            "issues": selectors.quality_issue_rows(estate.quality_issues),
            "can_screen": can(request.user, "inventory.screen"),
            "tile_url": getattr(settings, "MAP_TILE_URL", ""),
        },
    )


@login_required
@require_POST
def estate_screen(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "inventory.screen")
    estate = selectors.estate_get(user=request.user, pk=pk)
    try:
        result = services.estate_screen(estate=estate, on=_policy_date(request), actor=request.user)
        services.estate_quality_check(estate=estate)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Screened: %(outcome)s") % {"outcome": result.get_outcome_display()})
    return redirect("inventory:estate_detail", pk=estate.pk)


@login_required
def estate_map(request: HttpRequest) -> HttpResponse:
    require(request.user, "inventory.view_estate")
    filterset = _filtered_estates(request)
    return render(
        request,
        "inventory/estate_map.html",
        {
            "filter": filterset,
            "tile_url": getattr(settings, "MAP_TILE_URL", ""),
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
def estate_points(request: HttpRequest) -> JsonResponse:
    """GeoJSON of the visible (and filtered) estates, for the map page."""
    require(request.user, "inventory.view_estate")
    queryset = _filtered_estates(request).qs
    estate = request.GET.get("estate", "")
    if estate:
        queryset = queryset.filter(pk=int(estate)) if estate.isdigit() else queryset.none()
    return JsonResponse(selectors.estate_geojson(queryset))


@login_required
def estate_charts(request: HttpRequest) -> HttpResponse:
    require(request.user, "inventory.view_estate")
    filterset = _filtered_estates(request)
    return render(
        request,
        "inventory/estate_charts.html",
        {
            "filter": filterset,
            "heat": selectors.condition_heat(filterset.qs),
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
def estate_chart_data(request: HttpRequest) -> JsonResponse:
    require(request.user, "inventory.view_estate")
    qs = _filtered_estates(request).qs
    return JsonResponse({"build_years": selectors.build_year_histogram(qs), "condition": selectors.condition_heat(qs)})


def _current_jurisdiction(request: HttpRequest) -> Any:
    node = selectors.jurisdiction_for_user(user=request.user, code=request.GET.get("jurisdiction") or None)
    if request.GET.get("jurisdiction") and node is None:
        raise Http404
    return node


@login_required
def quality_report(request: HttpRequest) -> HttpResponse:
    require(request.user, "inventory.view_quality")
    jurisdiction = _current_jurisdiction(request)
    if request.method == "POST":
        require(request.user, "inventory.screen")
        if jurisdiction is None:
            messages.error(request, _("Choose a jurisdiction first."))
        else:
            summary = services.jurisdiction_quality_check(jurisdiction=jurisdiction, actor=request.user)
            messages.success(
                request,
                _("Checked %(estates)s estates: %(errors)s with errors, %(warnings)s with warnings.")
                % {"estates": summary.estates, "errors": summary.with_errors, "warnings": summary.with_warnings},
            )
        return redirect(request.get_full_path())
    estates = selectors.estate_list(user=request.user)
    if jurisdiction is not None:
        estates = estates.filter(jurisdiction__path__startswith=jurisdiction.path)
    return render(
        request,
        "inventory/quality_report.html",
        {
            "jurisdiction": jurisdiction,
            "streets": selectors.quality_by_street(estates),
            "plan_checks": selectors.plan_totals_checks(user=request.user, jurisdiction=jurisdiction),
            "can_check": can(request.user, "inventory.screen"),
        },
    )


def _screening_filters(request: HttpRequest) -> dict[str, Any]:
    outcome = request.GET.get("outcome")
    return {
        "outcome": "" if outcome == "unscreened" else (outcome or None),
        "street": request.GET.get("street") or None,
    }


@login_required
def screening(request: HttpRequest) -> HttpResponse:
    require(request.user, "inventory.view_estate")
    jurisdiction = _current_jurisdiction(request)
    if request.method == "POST":
        require(request.user, "inventory.screen")
        if jurisdiction is None:
            messages.error(request, _("Choose a jurisdiction first."))
        else:
            try:
                summary = services.jurisdiction_screen(
                    jurisdiction=jurisdiction, on=_policy_date(request), actor=request.user
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Screened %(estates)s estates: %(eligible)s eligible, %(capped)s within the cap, %(not)s not.")
                    % {
                        "estates": summary.estates,
                        "eligible": summary.counts[Eligibility.ELIGIBLE],
                        "capped": summary.counts[Eligibility.ELIGIBLE_CAPPED],
                        "not": summary.counts[Eligibility.NOT_ELIGIBLE],
                    },
                )
        return redirect(request.get_full_path())
    filters = _screening_filters(request)
    estates = selectors.screening_estates(user=request.user, jurisdiction=jurisdiction, **filters)
    page = Paginator(estates, 50).get_page(request.GET.get("page"))
    results = selectors.latest_screenings_for(e.pk for e in page.object_list)
    rows = [{"estate": e, "result": results.get(e.pk)} for e in page.object_list]
    counts = selectors.screening_counts(selectors.screening_estates(user=request.user, jurisdiction=jurisdiction))
    return render(
        request,
        "inventory/screening.html",
        {
            "jurisdiction": jurisdiction,
            "rows": rows,
            "page_obj": page,
            "outcome_counts": [
                ("unscreened" if v == "" else v, label, counts.get(v, 0)) for v, label in Eligibility.choices
            ],
            "outcomes": [("unscreened" if v == "" else v, label) for v, label in Eligibility.choices],
            "streets": selectors.streets_under(jurisdiction, user=request.user),
            "selected": {"outcome": request.GET.get("outcome", ""), "street": request.GET.get("street", "")},
            "querystring": querystring_without_page(request),
            "can_screen": can(request.user, "inventory.screen"),
            "today": selectors.today(),
        },
    )


@login_required
def screening_export(request: HttpRequest) -> HttpResponseBase:
    require(request.user, "inventory.view_estate")
    jurisdiction = _current_jurisdiction(request)
    estates = selectors.screening_estates(user=request.user, jurisdiction=jurisdiction, **_screening_filters(request))
    return exports.screening_export(estates, fmt=request.GET.get("format", "xlsx"))
