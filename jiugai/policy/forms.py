"""Policy forms: look up the rules in force, and write a new profile version.

The parameter catalogue (`jiugai.rules.params`) is pure and English-only; the translated labels,
units and error messages for people live here, in the interface layer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiugai.accounts.models import Jurisdiction
from jiugai.core.forms import BootstrapFormMixin
from jiugai.rules.params import CATALOGUE, ParameterError, ParameterSpec, canonical

PARAMETER_LABELS: dict[str, Any] = {
    "eligibility.completed_by": gettext_lazy("Estates completed on or before this date are eligible"),
    "eligibility.post2000_allowed": gettext_lazy("Later estates may be included for linkage"),
    "eligibility.post2000_completed_by": gettext_lazy("Latest completion date for later estates"),
    "eligibility.post2000_household_cap": gettext_lazy("Later estates' share of a plan's households, at most"),
    "eligibility.no_repeat_central_funding": gettext_lazy("Estates already centrally funded may not apply again"),
    "consent.share_of_all_households": gettext_lazy(
        "Agreeing households, at least, as a share of all owner households"
    ),
    "art278.participation_area": gettext_lazy("Participation quorum by exclusive area"),
    "art278.participation_owners": gettext_lazy("Participation quorum by owners"),
    "art278.special_approval": gettext_lazy("Approval for raising funds, rebuilding, change of use (at least)"),
    "art278.ordinary_approval": gettext_lazy("Approval for other matters (strictly more than)"),
    "art278.non_voters_follow_majority": gettext_lazy("Non-voters counted with the majority"),
    "consultation.notice_days": gettext_lazy("Public notice window"),
    "consultation.ballot_verification": gettext_lazy("How a resident confirms a ballot link"),
    "funding.utility_may_implement_share": gettext_lazy("A utility paying at least this share may run the works"),
    "funding.water_meter_utility_share": gettext_lazy("Water company's share of one-meter-per-household works"),
    "funding.property_subsidy_rate": gettext_lazy("Property-service subsidy after renovation"),
    "funding.property_subsidy_months": gettext_lazy("Property-service subsidy duration"),
    "funding.property_subsidy_is_minimum": gettext_lazy("Rate and duration are minimums (may be exceeded)"),
    "funding.hardship_exemption": gettext_lazy("Hardship households may be reduced or exempted"),
    "funding.idle_funds_days": gettext_lazy("Received but unpaid money is idle after"),
    "funding.district_award_rate": gettext_lazy("District award on the street-borne remainder"),
    "funding.central_per_household_cap": gettext_lazy("Central budget investment per household, at most"),
    "funding.floor_coefficients": gettext_lazy("Cost-share coefficients by floor (tiered sharing)"),
    "projects.weekly_report_weekday": gettext_lazy("Weekly report day"),
    "projects.acceptance_pass_rate": gettext_lazy("Required acceptance pass rate"),
    "projects.survey_deadline": gettext_lazy("Survey of estates finished by"),
    "projects.estates_fixed_deadline": gettext_lazy("Estates fixed by"),
    "projects.preliminary_deadline": gettext_lazy("Preliminary work (design, tendering) finished by"),
    "projects.start_deadline": gettext_lazy("All projects started by"),
    "projects.completion_deadline": gettext_lazy("Works completed by"),
    "projects.acceptance_deadline": gettext_lazy("Completion acceptance by"),
    "projects.construction_tender_threshold": gettext_lazy("Construction contracts at or above this must be tendered"),
    "projects.services_tender_threshold": gettext_lazy(
        "Design and supervision contracts at or above this must be tendered"
    ),
    "planning.bundle_distance_m": gettext_lazy("Estates closer than this may be bundled into one area"),
    "stewardship.agreement_max_bidders": gettext_lazy("Fewer bidders than this allows selection by agreement"),
    "stewardship.agreement_area_below_m2": gettext_lazy("Housing area below which selection by agreement is allowed"),
    "oversight.reply_due_months": gettext_lazy("Replies to deputies' suggestions due within"),
}

GROUP_LABELS: dict[str, Any] = {
    "eligibility": gettext_lazy("Eligibility"),
    "consultation": gettext_lazy("Consulting residents"),
    "funding": gettext_lazy("Funding and cost sharing"),
    "projects": gettext_lazy("Projects and deadlines"),
    "planning": gettext_lazy("Planning"),
    "stewardship": gettext_lazy("Long-term management"),
    "oversight": gettext_lazy("Oversight"),
}

UNIT_LABELS: dict[str, Any] = {
    "days": gettext_lazy("days"),
    "months": gettext_lazy("months"),
    "yuan": gettext_lazy("yuan"),
    "yuan/m²/month": gettext_lazy("yuan/m²/month"),
    "m": gettext_lazy("m"),
    "m²": gettext_lazy("m²"),
}

CHOICE_LABELS: dict[str, Any] = {
    "phone_last4": gettext_lazy("Last four digits of the phone number"),
    "id_last4": gettext_lazy("Last four characters of the ID number"),
    "code_only": gettext_lazy("Ballot code only"),
}

WEEKDAYS = [
    ("1", gettext_lazy("Monday")),
    ("2", gettext_lazy("Tuesday")),
    ("3", gettext_lazy("Wednesday")),
    ("4", gettext_lazy("Thursday")),
    ("5", gettext_lazy("Friday")),
    ("6", gettext_lazy("Saturday")),
    ("7", gettext_lazy("Sunday")),
]

KIND_HELP: dict[str, Any] = {
    "fraction": gettext_lazy("A fraction such as 2/3 or a decimal such as 0.15"),
    "decimal": gettext_lazy("A decimal number such as 1.5"),
    "int": gettext_lazy("A whole number"),
    "date": gettext_lazy("A date, YYYY-MM-DD"),
    "floor_table": gettext_lazy("Floor: coefficient pairs separated by commas, e.g. 1:0.8, 2:1, 3:1.2"),
    "text": gettext_lazy("Text"),
}


def parameter_label(spec: ParameterSpec) -> str:
    return str(PARAMETER_LABELS.get(spec.key, spec.label))


def unit_label(spec: ParameterSpec) -> str:
    return str(UNIT_LABELS.get(spec.unit, spec.unit))


def group_label(group: str) -> str:
    return str(GROUP_LABELS.get(group, group))


def _plain_number(value: Any) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def parameter_error_message(exc: ParameterError, spec: ParameterSpec | None = None) -> str:
    """A translated sentence for a parameter that failed to parse or is out of range."""
    if exc.code == "below_minimum" and spec is not None:
        if spec.minimum == 0:
            return _("The value cannot be negative.")
        return _("The value must be at least %(minimum)s.") % {"minimum": _plain_number(spec.minimum)}
    if exc.code == "above_maximum" and spec is not None:
        if spec.kind == "fraction" and spec.maximum == 1:
            return _("A share cannot be more than 1 (100%).")
        return _("The value must be at most %(maximum)s.") % {"maximum": _plain_number(spec.maximum)}
    messages = {
        "zero_denominator": _("A fraction cannot have a zero denominator."),
        "not_a_fraction": _("Enter a fraction such as 2/3 or a decimal such as 0.15."),
        "not_exact": _("Enter the value as exact text (2/3 or 0.15), not as a floating-point number."),
        "not_a_number": _("Enter a number."),
        "not_an_integer": _("Enter a whole number."),
        "not_a_boolean": _("Enter true or false."),
        "not_a_date": _("Enter a date as YYYY-MM-DD."),
        "not_a_choice": _("Choose one of the allowed values."),
        "unknown_parameter": _("There is no such parameter."),
        "not_a_table": _("Enter a table of floor → coefficient."),
        "bad_floor": _("Floor numbers must be whole numbers from 1."),
        "missing_floor": _("A floor is missing from the table."),
        "negative": _("The value cannot be negative."),
        "out_of_range": _("The value is out of range."),
        "below_minimum": _("The value is below the allowed minimum."),
        "above_maximum": _("The value is above the allowed maximum."),
    }
    return messages.get(exc.code, _("Invalid value."))


def display_value(spec: ParameterSpec, value: Any) -> str:
    """A parsed value as a person reads it: 2/3 (66.67%), yes/no, weekday names, floor tables."""
    if value is None:
        return ""
    if spec.kind == "fraction":
        percent = (Decimal(value.numerator) / Decimal(value.denominator) * 100).quantize(Decimal("0.01"))
        return f"{_plain_number(value)} ({format(percent.normalize(), 'f')}%)"
    if spec.kind == "bool":
        return _("Yes") if value else _("No")
    if spec.kind == "weekday":
        return str(dict(WEEKDAYS).get(str(value), value))
    if spec.kind == "choice":
        return str(CHOICE_LABELS.get(str(value), value))
    if spec.kind == "floor_table":
        return ", ".join(f"{floor}: {_plain_number(coefficient)}" for floor, coefficient in sorted(value.items()))
    if isinstance(value, dt.date):
        return value.isoformat()
    return _plain_number(value)


def jurisdiction_search(text: str, *, limit: int = 50) -> QuerySet[Jurisdiction]:
    """Any jurisdiction by code, name or pinyin: policies are published rules, open to every signed-in user."""
    text = text.strip()
    qs = Jurisdiction.objects.all()
    if not text:
        return qs.exclude(level="community")[:limit]
    return qs.filter(Q(code=text) | Q(name__icontains=text) | Q(name_pinyin__icontains=text.lower()))[:limit]


class EffectivePolicyForm(BootstrapFormMixin, forms.Form):
    """Which jurisdiction and which day to show the rules in force for."""

    q = forms.CharField(label=gettext_lazy("Jurisdiction (code, name or pinyin)"), required=False, max_length=100)
    on = forms.DateField(
        label=gettext_lazy("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_on(self) -> dt.date:
        return self.cleaned_data.get("on") or timezone.localdate()


def field_name(key: str) -> str:
    return "p__" + key.replace(".", "__")


def _floor_table_from_text(text: str) -> Any:
    """'1:0.8, 2:1' → {'1': '0.8', '2': '1'}; anything unreadable is returned as is for the catalogue to refuse."""
    table: dict[str, str] = {}
    for part in text.replace("，", ",").replace("：", ":").split(","):
        if not part.strip():
            continue
        floor, sep, coefficient = part.partition(":")
        if not sep:
            return text
        table[floor.strip()] = coefficient.strip()
    return table


def _stored_as_text(spec: ParameterSpec, stored: Any) -> str:
    if stored is None:
        return ""
    if spec.kind == "bool":
        return "true" if stored else "false"
    if spec.kind == "floor_table" and isinstance(stored, dict):
        return ", ".join(f"{k}:{v}" for k, v in sorted(stored.items(), key=lambda kv: int(kv[0])))
    return str(stored)


class PolicyVersionForm(BootstrapFormMixin, forms.Form):
    """A new profile version: every parameter starts from the current version; blank means 'inherit from above'."""

    effective_from = forms.DateField(
        label=gettext_lazy("Effective from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    note = forms.CharField(label=gettext_lazy("Reason for this version"), widget=forms.Textarea(attrs={"rows": 2}))
    source_title = forms.CharField(
        label=gettext_lazy("Source document title"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Applies to the values changed in this version"),
    )
    source_reference = forms.CharField(
        label=gettext_lazy("Document number or seed file"), max_length=200, required=False
    )
    source_url = forms.URLField(label=gettext_lazy("Source URL"), max_length=500, required=False, assume_scheme="https")

    def __init__(
        self,
        *args: Any,
        current: dict[str, Any] | None = None,
        inherited: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """`current`: the jurisdiction's own stored values now; `inherited`: display values from above."""
        super().__init__(*args, **kwargs)
        self.current = current or {}
        inherited = inherited or {}
        self.groups: list[tuple[str, list[forms.BoundField]]] = []
        grouped: dict[str, list[str]] = {}
        for spec in CATALOGUE:
            name = field_name(spec.key)
            self.fields[name] = self._field_for(spec, inherited.get(spec.key, ""))
            self.initial.setdefault(name, _stored_as_text(spec, self.current.get(spec.key)))
            grouped.setdefault(spec.group, []).append(name)
        self._grouped = grouped
        self.style_widgets()

    def _field_for(self, spec: ParameterSpec, inherited: str) -> forms.Field:
        label = parameter_label(spec)
        if spec.unit:
            label = f"{label} ({unit_label(spec)})"
        help_parts = [str(KIND_HELP.get(spec.kind, ""))] if spec.kind in KIND_HELP else []
        if inherited:
            help_parts.append(_("Inherited if left blank: %(value)s") % {"value": inherited})
        else:
            help_parts.append(_("Not configured above this jurisdiction."))
        help_text = " · ".join(p for p in help_parts if p)
        blank = ("", _("— not set here (inherit) —"))
        field: forms.Field
        if spec.kind == "bool":
            field = forms.ChoiceField(choices=[blank, ("true", _("Yes")), ("false", _("No"))], required=False)
        elif spec.kind == "choice":
            field = forms.ChoiceField(
                choices=[blank] + [(c, str(CHOICE_LABELS.get(c, c))) for c in spec.choices], required=False
            )
        elif spec.kind == "weekday":
            field = forms.ChoiceField(choices=[blank] + [(k, str(v)) for k, v in WEEKDAYS], required=False)
        elif spec.kind == "date":
            field = forms.CharField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
        else:
            field = forms.CharField(required=False, max_length=500)
        field.label = label
        field.help_text = help_text
        return field

    def parameter_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(group_label(group), [self[name] for name in names]) for group, names in self._grouped.items()]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        changed: dict[str, Any] = {}
        removed: list[str] = []
        for spec in CATALOGUE:
            name = field_name(spec.key)
            text = str(cleaned.get(name) or "").strip()
            if not text:
                if spec.key in self.current:
                    removed.append(spec.key)
                continue
            raw: Any = _floor_table_from_text(text) if spec.kind == "floor_table" else text
            try:
                value = canonical(spec, raw)
            except ParameterError as exc:
                self.add_error(name, parameter_error_message(exc, spec))
                continue
            if self.current.get(spec.key) != value:
                changed[spec.key] = value
        if not self.errors and not changed and not removed:
            raise forms.ValidationError(_("Nothing was changed: edit at least one value."), code="unchanged")
        cleaned["changed"] = changed
        cleaned["removed"] = removed
        return cleaned

    def service_values(self) -> dict[str, dict[str, Any]]:
        """The changed values with this version's source, as `policy_profile_create` takes them."""
        source = {
            "source_title": self.cleaned_data.get("source_title", ""),
            "source_reference": self.cleaned_data.get("source_reference", ""),
            "source_url": self.cleaned_data.get("source_url", ""),
        }
        return {key: {"value": value, **source} for key, value in self.cleaned_data["changed"].items()}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Errors the service raised (its checks are authoritative) shown beside the right field."""
        keys = {spec.key for spec in CATALOGUE}
        for key, messages in errors.items():
            target = field_name(key) if key in keys else (key if key in self.fields else None)
            for message in messages:
                self.add_error(target, message)
