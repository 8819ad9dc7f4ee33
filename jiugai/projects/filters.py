"""Filters of the project list: search, stage, street, year, overdue only."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.forms import BootstrapForm

from .choices import STAGE_ORDER, Stage
from .models import Project


class ProjectFilter(django_filters.FilterSet):
    """What staff narrow the project list by."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    street = django_filters.ModelChoiceFilter(
        label=_("Street"), field_name="jurisdiction", queryset=Jurisdiction.objects.filter(level="street")
    )
    year = django_filters.NumberFilter(label=_("Plan year"))
    overdue = django_filters.BooleanFilter(
        label=_("Overdue start only"), method="overdue_start", widget=forms.CheckboxInput
    )

    class Meta:
        model = Project
        fields = ["q", "stage", "street", "year", "overdue"]
        form = BootstrapForm

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(code__icontains=value)
            | Q(estate__name__icontains=value)
            | Q(estate__name_pinyin__icontains=value.lower())
        )

    def overdue_start(self, queryset: QuerySet[Project], name: str, value: Any) -> QuerySet[Project]:
        """Guyuan 003: every project started by 15 March — not started by its start deadline, or started late."""
        if not value:
            return queryset
        today = timezone.localdate()
        not_started = STAGE_ORDER[: STAGE_ORDER.index(Stage.CONSTRUCTION)]
        return queryset.filter(Q(start_due__lt=today, stage__in=not_started) | Q(started_on__gt=F("start_due")))
