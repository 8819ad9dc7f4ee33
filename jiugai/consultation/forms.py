"""Forms for consultation pages: campaign set-up, staff ballot entry, and the resident's phone page.

Forms only parse input; the services decide (ARCHITECTURE house rule 3).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiugai.core.scoping import visible_to
from jiugai.inventory.models import Building, Estate, Household

from .choices import Answer, Channel, DecisionRule, Matter, ScopeType
from .models import Campaign

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
YES_NO_BLANK = [("", _("No answer")), ("yes", _("Yes")), ("no", _("No"))]


class CampaignForm(forms.Form):
    """A new campaign: scope (estate, building or stairwell), matter, rule, times and questions."""

    title = forms.CharField(label=_("Title"), max_length=200)
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none())
    scope_type = forms.ChoiceField(label=_("Scope"), choices=ScopeType.choices, initial=ScopeType.ESTATE)
    building = forms.ModelChoiceField(
        label=_("Building"),
        queryset=Building.objects.none(),
        required=False,
        help_text=_("For a building or stairwell"),
    )
    stairwell = forms.IntegerField(label=_("Stairwell"), min_value=1, required=False)
    matter = forms.ChoiceField(label=_("Matter"), choices=Matter.choices)
    rule = forms.ChoiceField(label=_("Decision rule"), choices=DecisionRule.choices)
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DATETIME_WIDGET)
    policy_date = forms.DateField(
        label=_("Policy date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the opening date"),
    )
    items = forms.CharField(
        label=_("Catalogue items to ask about"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line"),
    )
    ask_cofunding = forms.BooleanField(label=_("Ask about co-funding"), required=False)
    ask_illegal_structures = forms.BooleanField(label=_("Ask about removing illegal structures"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        estates = visible_to(user, Estate.objects.all())
        self.fields["estate"].queryset = estates  # type: ignore[attr-defined]
        self.fields["building"].queryset = visible_to(  # type: ignore[attr-defined]
            user, Building.objects.select_related("estate")
        ).filter(estate__in=estates)

    def questions(self) -> dict[str, Any]:
        lines = [line.strip() for line in self.cleaned_data.get("items", "").splitlines() if line.strip()]
        return {
            "items": [{"code": f"i{n}", "label": label} for n, label in enumerate(lines, start=1)],
            "ask_cofunding": self.cleaned_data.get("ask_cofunding", False),
            "ask_illegal_structures": self.cleaned_data.get("ask_illegal_structures", False),
        }


def add_answer_fields(form: forms.Form, campaign: Campaign) -> None:
    """The "whether" question plus what the campaign asks about "what" and "how" (seed digest §3)."""
    questions = campaign.questions or {}
    form.fields["answer"] = forms.ChoiceField(
        label=_("Your answer"), choices=Answer.choices, widget=forms.RadioSelect, required=True
    )
    if questions.get("items"):
        form.fields["items"] = forms.MultipleChoiceField(
            label=_("Which items do you want?"),
            choices=[(i["code"], i["label"]) for i in questions["items"]],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
    if questions.get("ask_cofunding"):
        form.fields["cofund"] = forms.ChoiceField(
            label=_("Are you willing to share the cost?"),
            choices=YES_NO_BLANK,
            widget=forms.RadioSelect,
            required=False,
        )
        form.fields["cofund_amount"] = forms.DecimalField(
            label=_("How much (yuan)?"), min_value=0, max_digits=9, decimal_places=2, required=False
        )
    if questions.get("ask_illegal_structures"):
        form.fields["remove_illegal"] = forms.ChoiceField(
            label=_("Do you agree to remove illegal structures?"),
            choices=YES_NO_BLANK,
            widget=forms.RadioSelect,
            required=False,
        )


def answers_from(data: dict[str, Any]) -> dict[str, Any]:
    """The further answers as the service expects them."""
    answers: dict[str, Any] = {}
    if "items" in data:
        answers["items"] = list(data["items"])
    if data.get("cofund") in ("yes", "no"):
        answers["cofund"] = data["cofund"] == "yes"
    if data.get("cofund_amount") is not None:
        answers["cofund_amount"] = str(data["cofund_amount"])
    if data.get("remove_illegal") in ("yes", "no"):
        answers["remove_illegal"] = data["remove_illegal"] == "yes"
    return answers


class BallotForm(forms.Form):
    """The resident's ballot on the phone page."""

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_answer_fields(self, campaign)


class StaffBallotForm(forms.Form):
    """A paper ballot (with its scanned form) or a vote recorded at an owners' meeting."""

    household = forms.ModelChoiceField(label=_("Household"), queryset=Household.objects.none())
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(Channel.PAPER, Channel.PAPER.label), (Channel.MEETING, Channel.MEETING.label)]
    )
    attachment = forms.FileField(label=_("Scanned form"), required=False)

    def __init__(self, *args: Any, campaign: Campaign, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households  # type: ignore[attr-defined]
        add_answer_fields(self, campaign)


class VerifyForm(forms.Form):
    """The short code from the slip and the last digits of the owner's phone or ID number."""

    short_code = forms.CharField(
        label=_("Code on your slip"), max_length=8, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    secret = forms.CharField(label=_("Last 4 digits"), max_length=4, required=False)

    def __init__(self, *args: Any, mode: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if mode == "code_only":
            del self.fields["secret"]
        else:
            self.fields["secret"].required = True
            self.fields["secret"].label = (
                _("Last 4 digits of the owner's phone number")
                if mode == "phone_last4"
                else _("Last 4 characters of the owner's ID number")
            )
            if mode == "phone_last4":
                self.fields["secret"].widget.attrs["inputmode"] = "numeric"
