"""Forms for consultation pages: campaign set-up, staff ballot entry, and the resident's phone page.

Forms only parse input; the services decide (ARCHITECTURE house rule 3).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.scoping import visible_to
from jiugai.inventory.choices import ConditionItem
from jiugai.inventory.models import Building, Estate, Household

from .choices import (
    Adoption,
    Answer,
    Channel,
    CommentChannel,
    CommentKind,
    DayCount,
    DecisionRule,
    Matter,
    NoticeSubject,
    OpinionChannel,
    ScopeType,
)
from .models import Campaign, DraftDocument, DraftSection

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


class PaperBatchForm(forms.Form):
    """A filled-in register sheet of paper ballots and the scan of the signed forms."""

    workbook = forms.FileField(label=_("Filled-in sheet (.xlsx)"))
    scan = forms.FileField(label=_("Scanned forms (PDF or image)"))


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


# --- public notices, drafts for comment, opinions -------------------------------------------------------

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class NoticeForm(forms.Form):
    """A new public notice (公示): where, about what, the text and the window."""

    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Jurisdiction.objects.none())
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none(), required=False)
    subject = forms.ChoiceField(label=_("Subject"), choices=NoticeSubject.choices)
    subject_label = forms.CharField(
        label=_("What is made public"), max_length=200, help_text=_("e.g. the design of the 2024 renovation")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}))
    issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    window_days = forms.IntegerField(
        label=_("Window (days)"),
        min_value=1,
        max_value=90,
        required=False,
        help_text=_("Leave empty to use the policy profile's notice window"),
    )
    day_count = forms.ChoiceField(label=_("Days counted as"), choices=DayCount.choices, initial=DayCount.CALENDAR)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = visible_to(  # type: ignore[attr-defined]
            user, Jurisdiction.objects.all()
        )
        self.fields["estate"].queryset = visible_to(user, Estate.objects.all())  # type: ignore[attr-defined]


class NoticeAttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))


class NoticeCommentForm(forms.Form):
    """A resident's comment or objection on the public notice page."""

    kind = forms.ChoiceField(
        label=_("Comment or objection"), choices=CommentKind.choices, widget=forms.RadioSelect, initial="comment"
    )
    text = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    name = forms.CharField(label=_("Name (optional)"), max_length=50, required=False)
    contact = forms.CharField(
        label=_("Phone or address for the reply"),
        max_length=50,
        required=False,
        help_text=_("Needed for an objection, so that we can answer it. Never shown publicly."),
    )


class StaffNoticeCommentForm(NoticeCommentForm):
    """A comment or objection received by letter, e-mail or in person, entered by staff."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in CommentChannel if c != CommentChannel.ONLINE],
    )


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("Response"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class DraftForm(forms.Form):
    """A draft document put to public comment, with its sections, window and channels (Guyuan, seed 003)."""

    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Jurisdiction.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    introduction = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE_WIDGET)
    closes_on = forms.DateField(
        label=_("Closes on (last day)"), widget=DATE_WIDGET, required=False, help_text=_("Or give a number of days")
    )
    window_days = forms.IntegerField(label=_("Window (days)"), min_value=1, max_value=90, required=False)
    day_count = forms.ChoiceField(label=_("Days counted as"), choices=DayCount.choices, initial=DayCount.CALENDAR)
    sections = forms.CharField(
        label=_("Sections"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Separate sections by an empty line; the first line of each is its heading"),
    )
    email = forms.EmailField(label=_("E-mail address"), required=False)
    email_subject = forms.CharField(label=_("Required e-mail subject"), max_length=200, required=False)
    postal_address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    postal_code = forms.CharField(label=_("Postcode"), max_length=6, required=False)
    letter_note = forms.CharField(label=_("Letters must be marked"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Contact telephone"), max_length=30, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = visible_to(  # type: ignore[attr-defined]
            user, Jurisdiction.objects.all()
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("closes_on") and not data.get("window_days"):
            self.add_error("closes_on", _("Give the last day or the number of days."))
        return data

    def section_list(self) -> list[tuple[str, str]]:
        blocks = [b.strip() for b in self.cleaned_data.get("sections", "").replace("\r\n", "\n").split("\n\n")]
        result = []
        for block in blocks:
            if block:
                heading, _sep, body = block.partition("\n")
                result.append((heading.strip(), body.strip()))
        return result


class DraftCommentForm(forms.Form):
    """A comment on a draft, on the whole or on one section (public page)."""

    section = forms.ModelChoiceField(
        label=_("Section"), queryset=DraftSection.objects.none(), required=False, empty_label=_("The draft as a whole")
    )
    text = forms.CharField(label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=_("Name (optional)"), max_length=50, required=False)
    contact = forms.CharField(label=_("Contact (optional, never shown)"), max_length=50, required=False)

    def __init__(self, *args: Any, draft: DraftDocument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = draft.sections.all()  # type: ignore[attr-defined]


class StaffDraftCommentForm(DraftCommentForm):
    """An e-mail or letter entered by staff, with the time it was received."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in CommentChannel if c != CommentChannel.ONLINE]
    )
    received_at = forms.DateTimeField(label=_("Received at"), widget=DATETIME_WIDGET, required=False)


class AdoptionForm(forms.Form):
    adoption = forms.ChoiceField(
        label=_("Outcome"), choices=[(a.value, a.label) for a in Adoption if a != Adoption.PENDING]
    )
    response = forms.CharField(
        label=_("Reply"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DraftSummaryForm(forms.Form):
    summary = forms.CharField(label=_("Summary of responses"), widget=forms.Textarea(attrs={"rows": 8}))


class OpinionForm(forms.Form):
    """A resident's opinion on the phone page."""

    text = forms.CharField(
        label=_("Your opinion or suggestion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 6})
    )


class StaffOpinionForm(forms.Form):
    """An opinion heard at a meeting, in a WeChat group or on a visit, entered by staff."""

    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none())
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in OpinionChannel if c != OpinionChannel.PHONE]
    )
    heard_on = forms.DateField(label=_("Heard on"), widget=DATE_WIDGET, required=False)
    text = forms.CharField(label=_("Opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = visible_to(user, Estate.objects.all())  # type: ignore[attr-defined]


class KeywordForm(forms.Form):
    keyword = forms.CharField(label=_("Keyword"), max_length=20)
    item = forms.ChoiceField(label=_("Catalogue item"), choices=ConditionItem.choices)
