"""Forms of the acceptance pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from jiugai.core.forms import BootstrapForm

from ..choices import (
    ArchiveKind,
    FinalAccountStatus,
    InspectionKind,
    Party,
    Receiver,
    Satisfaction,
    Verdict,
)

DATE = forms.DateInput(attrs={"type": "date"})


class InspectionForm(BootstrapForm):
    """An inspection and the problems it found, one per line: problem | where | rectify by (YYYY-MM-DD)."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=InspectionKind.choices)
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=DATE)
    inspector = forms.CharField(label=gettext_lazy("Inspector"), max_length=200)
    findings = forms.CharField(label=gettext_lazy("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    defects = forms.CharField(
        label=gettext_lazy("Problems found"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line: problem | where | rectify by (YYYY-MM-DD)."),
    )
    due_on = forms.DateField(label=gettext_lazy("Rectify by (for lines without a date)"), required=False, widget=DATE)


class DefectForm(BootstrapForm):
    """A problem put on the rectification list."""

    description = forms.CharField(label=gettext_lazy("Problem"), widget=forms.Textarea(attrs={"rows": 2}))
    place = forms.CharField(label=gettext_lazy("Where"), max_length=200, required=False)
    due_on = forms.DateField(label=gettext_lazy("Rectify by"), widget=DATE)


class DefectCloseForm(BootstrapForm):
    """The rectification of a defect, checked."""

    rectification = forms.CharField(label=gettext_lazy("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    closed_on = forms.DateField(label=gettext_lazy("Checked on"), required=False, widget=DATE)


class RoundOpenForm(BootstrapForm):
    """A round of joint acceptance and the parties that must sign it."""

    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=DATE)
    required_parties = forms.MultipleChoiceField(
        label=gettext_lazy("Parties that sign"),
        choices=Party.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(Party.values),
    )


class SignForm(BootstrapForm):
    """One party's verdict on a round."""

    party = forms.ChoiceField(choices=Party.choices, widget=forms.HiddenInput)
    verdict = forms.ChoiceField(label=gettext_lazy("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=gettext_lazy("Remarks (required for 'fail': what must be rectified)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = forms.DateField(label=gettext_lazy("Rectify by"), required=False, widget=DATE)


class HandoverForm(BootstrapForm):
    """The handover agreement."""

    receiver_kind = forms.ChoiceField(label=gettext_lazy("Handed to"), choices=Receiver.choices)
    receiver_name = forms.CharField(label=gettext_lazy("Receiver"), max_length=200)
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=DATE)
    terms = forms.CharField(label=gettext_lazy("Terms"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.FileField(label=gettext_lazy("Agreement (scan)"), required=False)


class ArchiveForm(BootstrapForm):
    """A document filed in the archive."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ArchiveKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    document = forms.FileField(label=gettext_lazy("File"))


class FinalAccountForm(BootstrapForm):
    """The final amount of the final accounts and their audit."""

    final_amount = forms.CharField(label=gettext_lazy("Final amount (yuan)"), max_length=24)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=FinalAccountStatus.choices)
    auditor = forms.CharField(label=gettext_lazy("Audited by"), max_length=200, required=False)
    audited_on = forms.DateField(label=gettext_lazy("Audited on"), required=False, widget=DATE)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EvaluationForm(BootstrapForm):
    """The post-evaluation."""

    summary = forms.CharField(label=gettext_lazy("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    evaluated_on = forms.DateField(label=gettext_lazy("Evaluated on"), required=False, widget=DATE)


class SurveyForm(forms.Form):
    """The residents' three-button survey."""

    answer = forms.ChoiceField(choices=Satisfaction.choices)
    comment = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
