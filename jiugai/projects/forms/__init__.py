"""Forms of the project pages: registering projects from a plan, the headquarters, sign-offs, stage steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiugai.core.forms import BootstrapForm
from jiugai.core.scoping import visible_to
from jiugai.planning.choices import PlanStatus
from jiugai.planning.models import AnnualPlan

from ..choices import MemberRole, SignoffKind

DATE = forms.DateInput(attrs={"type": "date"})


class RegisterFromPlanForm(BootstrapForm):
    """Pick an approved annual plan; every estate in its implement tier becomes a project."""

    plan = forms.ModelChoiceField(label=_("Approved annual plan"), queryset=AnnualPlan.objects.none())

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = visible_to(user, AnnualPlan.objects.filter(status=PlanStatus.APPROVED))  # type: ignore[attr-defined]


class MemberForm(BootstrapForm):
    """A person in the project headquarters."""

    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)


class SignoffForm(BootstrapForm):
    """A sign-off the works wait for, with its scanned document."""

    kind = forms.ChoiceField(label=_("Sign-off"), choices=SignoffKind.choices)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    signer_name = forms.CharField(label=_("Signed by"), max_length=200)
    document = forms.FileField(label=_("Document"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AdvanceForm(BootstrapForm):
    """Move the project to its next stage."""

    target = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Date"), widget=DATE, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class PlanNoticeForm(BootstrapForm):
    """Draft the public notice of the project's renovation plan (公示)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 4}))
    window_days = forms.IntegerField(label=_("Window (days)"), min_value=1, required=False)
