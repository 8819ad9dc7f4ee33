"""The home dashboard: real counts from the database, scoped to the user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiugai.core.scoping import visible_to
from jiugai.inventory.models import Building, Estate, Household


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    counts = {
        "estates": visible_to(user, Estate.objects.all()).count(),
        "buildings": visible_to(user, Building.objects.all()).count(),
        "households": visible_to(user, Household.objects.all()).count(),
    }
    return render(request, "dashboards/home.html", {"counts": counts})
