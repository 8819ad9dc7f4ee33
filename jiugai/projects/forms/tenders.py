"""Forms of the tenders tab: bill lines and import, tenders, bids (with the unit price of each bill line or the
priced bill a bidder returned), the award, the price notice, contracts and variations (Jiyuan 000). Forms only
parse input; every rule lives in `services.tenders` and `jiugai.rules.tender`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiugai.core.forms import BootstrapForm

from ..choices import ContractKind, TenderMethod
from ..models import BoQLine, Contract, Tender

DATE = forms.DateInput(attrs={"type": "date"})
MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
QUANTITY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
# Rows of the variation form: changes of bill lines, and new lines.
VARIATION_ROWS = 5
NEW_LINE_ROWS = 2


class BoqLineForm(BootstrapForm):
    """One line of the bill of quantities."""

    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=20)
    quantity = forms.DecimalField(label=_("Quantity"), **QUANTITY)
    unit_price = forms.DecimalField(label=_("Control unit price (yuan)"), **QUANTITY)


class BoqImportForm(BootstrapForm):
    """A bill of quantities workbook (the template's columns)."""

    file = forms.FileField(label=_("Workbook (.xlsx)"))
    append = forms.BooleanField(label=_("Add to the bill instead of replacing it"), required=False)


class TenderForm(BootstrapForm):
    """Draft a tender for one contract."""

    kind = forms.ChoiceField(label=_("Contract"), choices=ContractKind.choices)
    control_price = forms.DecimalField(
        label=_("Control price (yuan)"),
        required=False,
        help_text=_("For construction, leave empty to use the bill of quantities total."),
        **MONEY,
    )
    method = forms.ChoiceField(
        label=_("Method"),
        required=False,
        choices=[("", _("Open tender (default)")), (TenderMethod.INVITED, TenderMethod.INVITED.label)],
    )
    method_reason = forms.CharField(label=_("Why an invited tender"), max_length=300, required=False)


class TenderOpenForm(BootstrapForm):
    """Issue the tender documents and set the bid deadline."""

    opened_on = forms.DateField(label=_("Documents issued on"), widget=DATE, required=False)
    closes_on = forms.DateField(label=_("Bids close on"), widget=DATE, required=False)


class BidForm(BootstrapForm):
    """A bid received: bidder, price and date; for construction the unit price of each bill line, typed in or
    read from the priced bill the bidder returned."""

    bidder = forms.CharField(label=_("Bidder"), max_length=200)
    price = forms.DecimalField(
        label=_("Bid price (yuan)"),
        required=False,
        help_text=_("Leave empty to add up the line prices."),
        **MONEY,
    )
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DATE, required=False)
    priced_bill = forms.FileField(label=_("Priced bill (.xlsx)"), required=False)

    def __init__(self, *args: Any, lines: Iterable[BoQLine] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=f"{line.code} {line.name} ({line.unit} × {line.quantity})",
                required=False,
                min_value=0,
                **QUANTITY,
            )
        self.style_widgets()

    def line_prices(self) -> dict[str, str]:
        """The typed unit prices by line code (empty ones left out)."""
        out = {}
        for line in self.lines:
            value = self.cleaned_data.get(f"line_{line.pk}")
            if value is not None:
                out[line.code] = str(value)
        return out


class AwardForm(BootstrapForm):
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DATE, required=False)


class CancelForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PriceNoticeForm(BootstrapForm):
    window_days = forms.IntegerField(
        label=_("Window (days)"), min_value=1, max_value=90, required=False, help_text=_("Empty: the policy profile's")
    )


class ContractForm(BootstrapForm):
    """A signed contract, from an awarded tender or by direct award below the threshold."""

    kind = forms.ChoiceField(label=_("Contract"), choices=ContractKind.choices)
    tender = forms.ModelChoiceField(
        label=_("Awarded tender"), queryset=Tender.objects.none(), required=False, empty_label=_("— direct award —")
    )
    counterparty = forms.CharField(
        label=_("Contractor"), max_length=200, required=False, help_text=_("From a tender: the winner.")
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), required=False, help_text=_("From a tender: the winning price."), **MONEY
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    number = forms.CharField(label=_("Contract number"), max_length=60, required=False)
    document = forms.FileField(label=_("Document"), required=False)

    def __init__(self, *args: Any, tenders: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tenders is not None:
            self.fields["tender"].queryset = tenders  # type: ignore[attr-defined]


class VariationForm(BootstrapForm):
    """A variation of a contract: up to five changed bill lines and two new ones; a design or supervision
    variation states its cost."""

    contract = forms.ModelChoiceField(label=_("Contract"), queryset=Contract.objects.none())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    cost_delta = forms.DecimalField(
        label=_("Cost impact (yuan)"),
        required=False,
        help_text=_("Only for a design or supervision contract; construction is priced from the lines."),
        **MONEY,
    )

    def __init__(self, *args: Any, contracts: Any = None, lines: Iterable[BoQLine] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if contracts is not None:
            self.fields["contract"].queryset = contracts  # type: ignore[attr-defined]
        choices = [("", "—")] + [(str(line.pk), f"{line.code} {line.name} ({line.unit})") for line in lines]
        for n in range(1, VARIATION_ROWS + 1):
            self.fields[f"line_{n}"] = forms.ChoiceField(label=_("Line"), choices=choices, required=False)
            self.fields[f"delta_{n}"] = forms.DecimalField(label=_("Quantity change"), required=False, **QUANTITY)
            self.fields[f"price_{n}"] = forms.DecimalField(label=_("Unit price (yuan)"), required=False, **QUANTITY)
        for n in range(1, NEW_LINE_ROWS + 1):
            self.fields[f"new_code_{n}"] = forms.CharField(label=_("Code"), max_length=40, required=False)
            self.fields[f"new_name_{n}"] = forms.CharField(label=_("Name"), max_length=200, required=False)
            self.fields[f"new_unit_{n}"] = forms.CharField(label=_("Unit"), max_length=20, required=False)
            self.fields[f"new_quantity_{n}"] = forms.DecimalField(label=_("Quantity"), required=False, **QUANTITY)
            self.fields[f"new_price_{n}"] = forms.DecimalField(label=_("Unit price (yuan)"), required=False, **QUANTITY)
        self.style_widgets()

    def change_rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"line_{n}"], self[f"delta_{n}"], self[f"price_{n}"]] for n in range(1, VARIATION_ROWS + 1)]

    def new_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"new_{part}_{n}"] for part in ("code", "name", "unit", "quantity", "price")]
            for n in range(1, NEW_LINE_ROWS + 1)
        ]

    def lines(self) -> list[dict[str, Any]]:
        """The filled change rows, as the service takes them."""
        data = self.cleaned_data
        return [
            {
                "boq_line": data[f"line_{n}"],
                "quantity_delta": data.get(f"delta_{n}"),
                "unit_price": data.get(f"price_{n}"),
            }
            for n in range(1, VARIATION_ROWS + 1)
            if data.get(f"line_{n}")
        ]

    def new_lines(self) -> list[dict[str, Any]]:
        """The filled new-line rows."""
        data = self.cleaned_data
        return [
            {
                "code": data.get(f"new_code_{n}", ""),
                "name": data.get(f"new_name_{n}", ""),
                "unit": data.get(f"new_unit_{n}", ""),
                "quantity": data.get(f"new_quantity_{n}"),
                "unit_price": data.get(f"new_price_{n}"),
            }
            for n in range(1, NEW_LINE_ROWS + 1)
            if data.get(f"new_code_{n}") or data.get(f"new_name_{n}") or data.get(f"new_quantity_{n}") is not None
        ]


class VariationDecideForm(BootstrapForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
