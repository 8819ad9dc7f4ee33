"""Estate pages: a searchable, scoped list and a detail page with buildings, households and history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiugai.core.filters import change_records_for
from jiugai.core.permissions import require
from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.core.views import querystring_without_page

from .filters import EstateFilter
from .models import Estate, Household
from .permissions import personal_data_for


@login_required
def estate_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "inventory.view_estate")
    queryset = visible_to(request.user, Estate.objects.select_related("street", "jurisdiction"))
    filterset = EstateFilter(request.GET or None, queryset=queryset, request=request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/estate_list.html",
        {"filter": filterset, "page_obj": page, "querystring": querystring_without_page(request)},
    )


@login_required
def estate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "inventory.view_estate")
    estate = get_visible_or_404(request.user, Estate.objects.select_related("street", "jurisdiction", "area"), pk=pk)
    households = Household.objects.filter(building__estate=estate).select_related("building")
    page = Paginator(households, 100).get_page(request.GET.get("page"))
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
        },
    )
