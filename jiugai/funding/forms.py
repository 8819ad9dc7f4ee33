"""Funding forms: sources, allocations, movements, documents, property subsidies and cost shares.

Amounts are plain text fields: the services parse them, so a web form and the API refuse the same input
with the same message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.choices import UtilityType
from jiugai.consultation.choices import CampaignStatus, ScopeType
from jiugai.consultation.models import Campaign
from jiugai.core.forms import BootstrapFormMixin
from jiugai.core.scoping import visible_to
from jiugai.inventory.models import Building, Estate, Household
from jiugai.planning.choices import ItemClass

from .choices import DocumentKind, HardshipHandling, MovementKind, ShareMethod, SourceKind
from .models import FundingSource
from .selectors import source_list


class SourceForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SourceKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    programme = forms.CharField(label=_("Programme or document"), max_length=300, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    utility = forms.ChoiceField(label=_("Utility"), choices=[("", "—"), *UtilityType.choices], required=False)
    budget = forms.CharField(label=_("Amount available (yuan)"), required=False)


class AllocationForm(BootstrapFormMixin, forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none())
    source = forms.ModelChoiceField(label=_("Source"), queryset=FundingSource.objects.none())
    amount = forms.CharField(label=_("Amount (yuan)"))
    item_class = forms.ChoiceField(
        label=_("Earmarked for"), choices=[("", _("Any class")), *ItemClass.choices], required=False
    )
    authorising_campaign = forms.ModelChoiceField(
        label=_("Authorising owners' decision"),
        queryset=Campaign.objects.none(),
        required=False,
        help_text=_("Required for residents' money: direct payment, maintenance fund, provident fund, public revenue"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, estate: Estate | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = visible_to(user, Estate.objects.order_by("name"))  # type: ignore[attr-defined]
        self.fields["source"].queryset = source_list(user=user)  # type: ignore[attr-defined]
        self.fields["authorising_campaign"].queryset = visible_to(  # type: ignore[attr-defined]
            user, Campaign.objects.filter(status=CampaignStatus.DECIDED).select_related("estate")
        )
        if estate is not None:
            self.fields["estate"].initial = estate.pk


class MovementForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MovementKind.choices)
    amount = forms.CharField(label=_("Amount (yuan)"))
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Voucher number"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class DocumentForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))


class SubsidyForm(BootstrapFormMixin, forms.Form):
    area = forms.CharField(label=_("Floor area (m²)"), required=False, help_text=_("Empty: the estate's housing area"))
    rate = forms.CharField(label=_("Rate (yuan/m²/month)"), required=False, help_text=_("Empty: the profile's rate"))
    months = forms.CharField(label=_("Months"), required=False, help_text=_("Empty: the profile's duration"))
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CostShareForm(BootstrapFormMixin, forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none())
    scope_type = forms.ChoiceField(label=_("Scope"), choices=ScopeType.choices)
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False)
    stairwell = forms.IntegerField(label=_("Stairwell"), min_value=1, required=False)
    item = forms.CharField(label=_("Item or package"), max_length=200)
    total = forms.CharField(label=_("Total (yuan)"))
    method = forms.ChoiceField(label=_("Method"), choices=ShareMethod.choices)
    payer = forms.ModelChoiceField(label=_("Paying household"), queryset=Household.objects.none(), required=False)
    hardship = forms.ChoiceField(label=_("Hardship households"), choices=HardshipHandling.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = visible_to(user, Estate.objects.order_by("name"))  # type: ignore[attr-defined]
        self.fields["building"].queryset = visible_to(user, Building.objects.select_related("estate"))  # type: ignore[attr-defined]
        self.fields["payer"].queryset = visible_to(user, Household.objects.select_related("building"))  # type: ignore[attr-defined]
