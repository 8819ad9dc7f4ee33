"""Planning forms: annual plans, weights, catalogue import, proposal lines, bundles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiugai.core.forms import BootstrapFormMixin
from jiugai.inventory.models import Estate

from . import scoring
from .models import CatalogueItem

INDICATOR_LABELS: dict[str, Any] = {
    "age": _("Age (years since completion)"),
    "condition": _("Condition severity"),
    "consent": _("Residents' consent rate"),
    "cofunding": _("Residents' co-funding willingness"),
    "municipal_ready": _("Municipal infrastructure ready"),
    "households": _("Households"),
    "elderly": _("Share of elderly residents"),
}


class PlanCreateForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    budget = forms.DecimalField(label=_("Budget (yuan)"), max_digits=16, decimal_places=2)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1


class PlanParametersForm(BootstrapFormMixin, forms.Form):
    """Budget, cap and weights of a draft plan (what-if: change, run again, compare)."""

    budget = forms.DecimalField(label=_("Budget (yuan)"), max_digits=16, decimal_places=2)
    post2000_cap = forms.CharField(
        label=_("Post-2000 household cap"),
        max_length=20,
        required=False,
        # Translators: a percentage or a fraction, as the user types it
        help_text=_("for example 3/20, or 15 percent written with a percent sign; empty: the policy profile's value"),
    )
    must_include = forms.ModelMultipleChoiceField(
        label=_("Must include"), queryset=Estate.objects.none(), required=False
    )
    must_exclude = forms.ModelMultipleChoiceField(
        label=_("Must exclude"), queryset=Estate.objects.none(), required=False
    )

    def __init__(self, *args: Any, estates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if estates is not None:
            for name in ("must_include", "must_exclude"):
                field = self.fields[name]
                assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
                field.queryset = estates
                field.widget.attrs["size"] = 6
        for indicator in scoring.INDICATORS:
            self.fields[f"w_{indicator}"] = forms.DecimalField(
                label=INDICATOR_LABELS[indicator], required=False, min_value=Decimal(0), max_digits=8, decimal_places=3
            )
            self.fields[f"w_{indicator}"].widget.attrs["class"] = "form-control form-control-sm"

    def weight_overrides(self) -> dict[str, Any]:
        return {
            i: self.cleaned_data[f"w_{i}"] for i in scoring.INDICATORS if self.cleaned_data.get(f"w_{i}") is not None
        }


class WeightsForm(BootstrapFormMixin, forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Reason for this version"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, initial_weights: dict[str, Decimal] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].initial = timezone.localdate()
        for indicator in scoring.INDICATORS:
            self.fields[f"w_{indicator}"] = forms.DecimalField(
                label=INDICATOR_LABELS[indicator],
                min_value=Decimal(0),
                max_digits=8,
                decimal_places=3,
                initial=(initial_weights or {}).get(indicator, scoring.DEFAULT_WEIGHTS[indicator]),
            )
            self.fields[f"w_{indicator}"].widget.attrs["class"] = "form-control"

    def weights(self) -> dict[str, Any]:
        return {i: self.cleaned_data[f"w_{i}"] for i in scoring.INDICATORS}


class CatalogueImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    note = forms.CharField(label=_("Reason for this version"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].initial = dt.date(timezone.localdate().year, 1, 1)


class ProposalLineForm(BootstrapFormMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=CatalogueItem.objects.none())
    # Not validated here: the service refuses negative quantities and missing unit costs with its own message.
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=2)
    unit_cost = forms.DecimalField(label=_("Unit cost (yuan)"), max_digits=14, decimal_places=2, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, items: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item_field = self.fields["item"]
        assert isinstance(item_field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        if items is not None:
            item_field.queryset = items


if TYPE_CHECKING:
    _FormSetBase = forms.BaseFormSet[ProposalLineForm]
else:
    _FormSetBase = forms.BaseFormSet


class BaseProposalFormSet(_FormSetBase):
    def __init__(self, *args: Any, items: Any = None, **kwargs: Any) -> None:
        self.items = items
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        kwargs["items"] = self.items
        return kwargs


ProposalFormSet = forms.formset_factory(ProposalLineForm, formset=BaseProposalFormSet, extra=3, can_delete=True)


class BundleForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    estates = forms.ModelMultipleChoiceField(label=_("Estates"), queryset=Estate.objects.none())

    def __init__(self, *args: Any, estates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["estates"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
        if estates is not None:
            field.queryset = estates
        field.widget.attrs["size"] = 8
