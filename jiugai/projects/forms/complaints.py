"""Forms of the complaints pages."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from jiugai.core.forms import BootstrapForm

from ..choices import ComplaintCategory, ComplaintStatus, MediatorKind, Satisfaction
from ..models import Complaint
from ..selectors import complaints as selectors

# --- forms ------------------------------------------------------------------------------------------


class ComplaintForm(BootstrapForm):
    """The resident's phone form: what about, what happened, where; name and phone optional."""

    category = forms.ChoiceField(
        label=gettext_lazy("What is it about?"), choices=ComplaintCategory.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("When and what: e.g. drilling at 12:30 next to building 3."),
    )
    place = forms.CharField(label=gettext_lazy("Where"), max_length=200, required=False)
    reporter_name = forms.CharField(label=gettext_lazy("Your name (optional)"), max_length=100, required=False)
    reporter_phone = forms.CharField(
        label=gettext_lazy("Your phone (optional)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=gettext_lazy("Only the mediation group sees it, to call you back."),
    )


class ReplyForm(BootstrapForm):
    """The answer the resident reads under their reference."""

    reply = forms.CharField(label=gettext_lazy("Reply"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(BootstrapForm):
    """How the complaint was resolved."""

    resolution = forms.CharField(
        label=gettext_lazy("Resolution"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(BootstrapForm):
    """The resident's view of the resolution (满意 / 基本满意 / 不满意)."""

    satisfaction = forms.ChoiceField(
        label=gettext_lazy("Are you satisfied with how it was resolved?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )


class MediationGroupForm(BootstrapForm):
    """The group's name."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)


class MediatorForm(BootstrapForm):
    """One member (empty rows are skipped)."""

    kind = forms.ChoiceField(label=gettext_lazy("From"), choices=[("", "—"), *MediatorKind.choices], required=False)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=32, required=False)


MediatorFormSet = forms.formset_factory(MediatorForm, extra=2, max_num=30, absolute_max=30)


class ComplaintFilter(django_filters.FilterSet):
    """What staff narrow the complaint queue by."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="search")
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=ComplaintStatus.choices)
    category = django_filters.ChoiceFilter(label=gettext_lazy("About"), choices=ComplaintCategory.choices)
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Overdue only"), method="overdue_only", widget=forms.CheckboxInput
    )
    pending = django_filters.BooleanFilter(
        label=gettext_lazy("Not yet resolved"), method="pending_only", widget=forms.CheckboxInput
    )

    class Meta:
        model = Complaint
        fields = ["q", "status", "category", "overdue", "pending"]
        form = BootstrapForm

    def search(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(project__code__icontains=value)
            | Q(project__name__icontains=value)
            | Q(project__estate__name__icontains=value)
            | Q(place__icontains=value)
            | Q(description__icontains=value)
        )

    def overdue_only(self, queryset: QuerySet[Complaint], name: str, value: bool) -> QuerySet[Complaint]:
        return queryset.filter(**{selectors.OVERDUE: True}) if value else queryset

    def pending_only(self, queryset: QuerySet[Complaint], name: str, value: bool) -> QuerySet[Complaint]:
        return queryset.exclude(status__in=selectors.SETTLED) if value else queryset
