"""Forms of the progress pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiugai.accounts.choices import Level
from jiugai.accounts.models import Jurisdiction
from jiugai.core.forms import BootstrapForm
from jiugai.core.scoping import visible_to

from ..choices import Stage
from ..selectors import progress as selectors

DATE = forms.DateInput(attrs={"type": "date"})


class ReportForm(BootstrapForm):
    """A weekly report: the week, what was done, problems, next week's plan, and the quantity done this week on
    each BoQ line (one field per line, named `line_<id>`)."""

    week_ending = forms.DateField(label=gettext_lazy("Week ending"), widget=DATE)
    summary = forms.CharField(
        label=gettext_lazy("Work this week"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    problems = forms.CharField(label=gettext_lazy("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_week = forms.CharField(
        label=gettext_lazy("Plan for next week"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, lines: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            remaining = max(line.quantity - line.done, Decimal("0"))
            self.fields[f"line_{line.key}"] = forms.DecimalField(
                label=f"{line.code} {line.name}",
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
                help_text=_("%(remaining)s %(unit)s left") % {"remaining": remaining, "unit": line.unit},
            )
        self.style_widgets()

    def line_rows(self) -> list[tuple[Any, Any]]:
        """Each BoQ line with its bound field, for the table of the form."""
        return [(line, self[f"line_{line.key}"]) for line in self.lines]

    def quantities(self) -> dict[Any, Any]:
        return {
            line.key: self.cleaned_data.get(f"line_{line.key}")
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.key}") is not None
        }


class PhotoForm(BootstrapForm):
    """A site photo with when and where it was taken."""

    image = forms.FileField(
        label=gettext_lazy("Photo"),
        help_text=gettext_lazy("JPEG, PNG or WebP, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    taken_at = forms.DateTimeField(
        label=gettext_lazy("Taken at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    lat = forms.CharField(label=gettext_lazy("Latitude"), max_length=20, required=False)
    lon = forms.CharField(label=gettext_lazy("Longitude"), max_length=20, required=False)
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=200, required=False)


class LedgerFilterForm(BootstrapForm):
    """What the ledger is narrowed by."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    street = forms.ModelChoiceField(
        label=gettext_lazy("Street"), queryset=Jurisdiction.objects.none(), required=False, to_field_name="code"
    )
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=[("", "—"), *Stage.choices], required=False)
    year = forms.IntegerField(label=gettext_lazy("Plan year"), required=False, min_value=1990, max_value=2100)
    closed = forms.ChoiceField(
        label=gettext_lazy("Close-out"),
        required=False,
        choices=[("", "—"), ("no", gettext_lazy("Not closed out")), ("yes", gettext_lazy("Closed out"))],
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = selectors.ledger_streets(user=user)  # type: ignore[attr-defined]


class DigestBuildForm(BootstrapForm):
    """Build a digest now: for which jurisdiction and which week (the latest report day by default)."""

    jurisdiction = forms.ModelChoiceField(
        label=gettext_lazy("Jurisdiction"), queryset=Jurisdiction.objects.none(), to_field_name="code"
    )
    week_ending = forms.DateField(label=gettext_lazy("Week ending"), required=False, widget=DATE)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = visible_to(  # type: ignore[attr-defined]
            user, Jurisdiction.objects.filter(level__in=[Level.CITY, Level.DISTRICT, Level.STREET])
        ).order_by("path")
