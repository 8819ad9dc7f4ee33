"""Filters for estates, buildings and households, shared by the pages and the API."""

from __future__ import annotations

import json
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.choices import Level
from jiugai.accounts.models import Jurisdiction
from jiugai.core.forms import BootstrapForm
from jiugai.core.scoping import visible_to

from .choices import ConditionItem, Eligibility, Severity
from .models import Building, Estate, Household
from .selectors import estates_with_condition, with_eligibility


def estate_search(queryset: QuerySet[Estate], text: str) -> QuerySet[Estate]:
    """By name, alias, pinyin (full or initials), code or address."""
    text = text.strip()
    if not text:
        return queryset
    # JSON may store non-ASCII aliases escaped (\uXXXX) on some databases: match either spelling.
    escaped = json.dumps(text)[1:-1]
    query = (
        Q(name__icontains=text)
        | Q(name_pinyin__icontains=text.lower().replace(" ", ""))
        | Q(aliases__icontains=text)
        | Q(code__iexact=text)
        | Q(address__icontains=text)
    )
    if escaped != text:
        query |= Q(aliases__icontains=escaped)
    return queryset.filter(query)


# "Not screened" is stored as "", which a query string cannot tell from "no filter".
UNSCREENED = "unscreened"


def visible_streets(request: Any) -> QuerySet[Jurisdiction]:
    qs = Jurisdiction.objects.filter(level=Level.STREET)
    if request is None:
        return qs
    return visible_to(request.user, qs)


class EstateFilter(django_filters.FilterSet):
    """Search and narrow the estate list."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search (name, alias, pinyin)"))
    street = django_filters.ModelChoiceFilter(
        queryset=visible_streets, to_field_name="code", label=_("Street"), empty_label=_("All streets")
    )
    build_year_min = django_filters.NumberFilter(field_name="build_year", lookup_expr="gte", label=_("Built from"))
    build_year_max = django_filters.NumberFilter(field_name="build_year", lookup_expr="lte", label=_("Built up to"))
    eligibility = django_filters.ChoiceFilter(
        choices=[(value or UNSCREENED, label) for value, label in Eligibility.choices],
        label=_("Eligibility"),
        empty_label=_("Any eligibility"),
        method="filter_eligibility",
    )
    condition_item = django_filters.ChoiceFilter(
        choices=ConditionItem.choices, label=_("Condition item"), empty_label=_("Any item"), method="filter_condition"
    )
    condition_min = django_filters.ChoiceFilter(
        choices=[(str(s.value), s.label) for s in Severity if s.value > 0],
        label=_("At least"),
        empty_label=_("Any severity"),
        method="filter_condition",
    )

    class Meta:
        model = Estate
        fields = [
            "q",
            "street",
            "build_year_min",
            "build_year_max",
            "eligibility",
            "management_status",
            "condition_item",
            "condition_min",
        ]
        form = BootstrapForm

    def filter_q(self, queryset: QuerySet[Estate], name: str, value: str) -> QuerySet[Estate]:
        return estate_search(queryset, value)

    def filter_eligibility(self, queryset: QuerySet[Estate], name: str, value: str) -> QuerySet[Estate]:
        return with_eligibility(queryset, "" if value == UNSCREENED else value)

    def filter_condition(self, queryset: QuerySet[Estate], name: str, value: Any) -> QuerySet[Estate]:
        # Item and minimum act together: applied once, when both are known (or the item alone: any problem).
        data = self.form.cleaned_data
        item, minimum = data.get("condition_item"), data.get("condition_min")
        if not item or (name == "condition_item" and minimum):
            return queryset
        return estates_with_condition(queryset, item=item, minimum=int(minimum or Severity.MINOR))


class BuildingFilter(django_filters.FilterSet):
    estate = django_filters.NumberFilter(field_name="estate_id", label=_("Estate"))
    estate_code = django_filters.CharFilter(field_name="estate__code", label=_("Estate code"))

    class Meta:
        model = Building
        fields = ["estate", "estate_code", "has_elevator", "structure", "build_year"]


class HouseholdFilter(django_filters.FilterSet):
    estate = django_filters.NumberFilter(field_name="building__estate_id", label=_("Estate"))
    building = django_filters.NumberFilter(field_name="building_id", label=_("Building"))

    class Meta:
        model = Household
        fields = ["estate", "building", "stairwell", "floor", "hardship", "developer_held"]
