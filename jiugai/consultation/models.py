"""Consent campaigns (征求意见), ballots (表决票), ballot links and the live tally; public notices (公示) with
comments and objections; draft documents put to public comment; residents' opinions and the keyword
dictionary that classifies them.

Seed digest §3 (Xuchang 2/3 of all owner households; questions whether, what, how; the draft plan posted
publicly in the estate; Guyuan's comment period with e-mail and postal channels, seeds/003_54d0b71b4a1e2a82.txt)
and Civil Code Art. 278 (REFERENCE §2.2-2.4).
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.models import AuditedModel, TimeStampedModel
from jiugai.inventory.choices import ConditionItem
from jiugai.inventory.models import Building, Estate, Household

from .choices import (
    Adoption,
    Answer,
    CampaignStatus,
    Channel,
    CommentChannel,
    CommentKind,
    DayCount,
    DecisionRule,
    DraftStatus,
    Matter,
    NoticeStatus,
    NoticeSubject,
    OpinionChannel,
    ScopeType,
)

ZERO = Decimal("0")


class Campaign(AuditedModel):
    """A consultation of the owners in one scope (estate, building or stairwell) on one matter."""

    title = models.CharField(_("title"), max_length=200)
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("estate"))
    scope_type = models.CharField(_("scope"), max_length=16, choices=ScopeType.choices, default=ScopeType.ESTATE)
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("building")
    )
    stairwell = models.PositiveSmallIntegerField(_("stairwell"), null=True, blank=True)
    matter = models.CharField(_("matter"), max_length=32, choices=Matter.choices)
    rule = models.CharField(_("decision rule"), max_length=16, choices=DecisionRule.choices)
    questions = models.JSONField(
        _("questions"),
        default=dict,
        blank=True,
        help_text=_("Catalogue items to rank, co-funding and illegal-structure questions"),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    policy_date = models.DateField(_("policy date"), help_text=_("The policy profile in force on this date applies"))
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    decision = models.JSONField(_("decision"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("consultation campaign")
        verbose_name_plural = _("consultation campaigns")
        ordering = ["-opens_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        building = self.building if self.building_id is not None else None
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors.setdefault("closes_at", []).append(_("The campaign must close after it opens."))
        if self.scope_type == ScopeType.ESTATE:
            if self.building_id is not None or self.stairwell is not None:
                errors.setdefault("scope_type", []).append(_("An estate-wide campaign names no building."))
        else:
            if building is None:
                errors.setdefault("building", []).append(_("Choose the building."))
            elif self.estate_id is not None and building.estate_id != self.estate_id:
                errors.setdefault("building", []).append(_("The building is not in this estate."))
            if self.scope_type == ScopeType.STAIRWELL:
                if self.stairwell is None:
                    errors.setdefault("stairwell", []).append(_("Choose the stairwell."))
                elif building is not None and not 1 <= self.stairwell <= building.stairwells:
                    errors.setdefault("stairwell", []).append(_("The building has no such stairwell."))
            elif self.stairwell is not None:
                errors.setdefault("stairwell", []).append(_("A building-wide campaign names no stairwell."))
        if errors:
            raise ValidationError(errors)

    def scope_label(self) -> str:
        if self.scope_type == ScopeType.ESTATE:
            return self.estate.name
        if self.scope_type == ScopeType.BUILDING:
            return str(self.building)
        return f"{self.building} {self.stairwell}单元"


class Ballot(TimeStampedModel):
    """One household's ballot in one campaign; changeable until the campaign closes.

    Every cast and change is an audit entry (with the previous answer), so the per-field change history of
    audited models is not used here (it cannot hold the scanned form).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("campaign"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("household")
    )
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices)
    answers = models.JSONField(_("further answers"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    attachment = models.FileField(_("scanned form"), upload_to="ballots/%Y/%m/", blank=True)
    cast_at = models.DateTimeField(_("cast at"))
    version = models.PositiveIntegerField(_("version"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("entered by")
    )

    scope_field = "campaign__estate__jurisdiction"

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["campaign", "household"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="ballot_one_per_household"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.household}: {self.get_answer_display()}"


class BallotToken(models.Model):
    """A household's secret ballot link; only the SHA-256 of the token is stored."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("campaign"))
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="ballot_tokens", verbose_name=_("household")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    short_code = models.CharField(_("short code"), max_length=8)
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))

    scope_field = "campaign__estate__jurisdiction"

    class Meta:
        verbose_name = _("ballot link")
        verbose_name_plural = _("ballot links")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="ballot_token_one_per_household"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.household}"


class Tally(models.Model):
    """The live counters of one campaign, updated in the same transaction as each ballot."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="tally", verbose_name=_("campaign")
    )
    snapshot_at = models.DateTimeField(_("register snapshot at"))
    total_households = models.PositiveIntegerField(_("households in scope"), default=0)
    total_area = models.DecimalField(_("exclusive area in scope (m²)"), max_digits=14, decimal_places=2, default=ZERO)
    total_heads = models.PositiveIntegerField(_("owners in scope"), default=0)
    yes_households = models.PositiveIntegerField(default=0)
    no_households = models.PositiveIntegerField(default=0)
    abstain_households = models.PositiveIntegerField(default=0)
    yes_area = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    no_area = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    abstain_area = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    yes_heads = models.PositiveIntegerField(default=0)
    no_heads = models.PositiveIntegerField(default=0)
    abstain_heads = models.PositiveIntegerField(default=0)
    changes = models.PositiveIntegerField(_("ballots changed"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_field = "campaign__estate__jurisdiction"

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")

    def __str__(self) -> str:
        return f"{self.campaign}: {self.yes_households}/{self.total_households}"

    @property
    def voted_households(self) -> int:
        return self.yes_households + self.no_households + self.abstain_households

    @property
    def voted_area(self) -> Decimal:
        return self.yes_area + self.no_area + self.abstain_area

    @property
    def voted_heads(self) -> int:
        return self.yes_heads + self.no_heads + self.abstain_heads


class TallyOwner(models.Model):
    """One owner's units by answer in one campaign (Art. 278 counts an owner of several units once)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tally_owners", verbose_name=_("campaign")
    )
    head_key = models.CharField(_("owner"), max_length=80)
    units = models.PositiveIntegerField(_("units"), default=0)
    yes_units = models.PositiveIntegerField(default=0)
    no_units = models.PositiveIntegerField(default=0)
    abstain_units = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tally by owner")
        verbose_name_plural = _("tallies by owner")
        constraints = [models.UniqueConstraint(fields=["campaign", "head_key"], name="tally_owner_unique")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.head_key}"

    def vote(self) -> str | None:
        """The owner's answer; every unit of one owner carries the same answer (services keep it so)."""
        for answer, count in (("yes", self.yes_units), ("no", self.no_units), ("abstain", self.abstain_units)):
            if count:
                return answer
        return None


# --- public notices (公示) --------------------------------------------------------------------------


def public_id_new() -> str:
    """An unguessable id for a public page address (numbers would let anyone walk through the notices)."""
    return secrets.token_urlsafe(9)


class Notice(AuditedModel):
    """A public notice (公示) on any object — plan, design, tender price, owners list — posted for a window."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="notices", verbose_name=_("jurisdiction")
    )
    estate = models.ForeignKey(
        Estate, null=True, blank=True, on_delete=models.PROTECT, related_name="notices", verbose_name=_("estate")
    )
    subject = models.CharField(_("subject"), max_length=20, choices=NoticeSubject.choices)
    subject_label = models.CharField(_("subject label"), max_length=200, help_text=_("What is being made public"))
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    subject_object = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    window_days = models.PositiveSmallIntegerField(_("window (days)"))
    day_count = models.CharField(_("days counted as"), max_length=10, choices=DayCount.choices)
    days_source = models.CharField(_("source of the window"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("window closes at"), null=True, blank=True)
    public_id = models.CharField(_("public id"), max_length=16, unique=True, default=public_id_new, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="consult_notice_object_idx")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        estate = self.estate if self.estate_id is not None else None
        if estate is not None and self.jurisdiction_id is not None:
            estate_path = estate.jurisdiction.path
            if not estate_path.startswith(self.jurisdiction.path):
                errors.setdefault("estate", []).append(_("The estate is outside the notice's jurisdiction."))
        if bool(self.content_type_id) != bool(self.object_id):
            errors.setdefault("object_id", []).append(_("Give both the object type and the object id, or neither."))
        if self.published_at and self.closes_at and self.closes_at <= self.published_at:
            errors.setdefault("closes_at", []).append(_("The window must close after the notice is published."))
        if errors:
            raise ValidationError(errors)


class NoticeAttachment(TimeStampedModel):
    """A file posted with a notice (drawings, price list, owners list)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("notice"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="notices/%Y/%m/")

    scope_field = "notice__jurisdiction"

    class Meta:
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")
        ordering = ["notice", "id"]

    def __str__(self) -> str:
        return self.title


class PublicComment(TimeStampedModel):
    """Abstract base: a comment from the public or entered by staff, and the response recorded to it."""

    channel = models.CharField(_("channel"), max_length=10, choices=CommentChannel.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    client_hash = models.CharField(_("client"), max_length=16, blank=True)
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responded by"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        abstract = True


class NoticeComment(PublicComment):
    """A comment or a formal objection (异议) on a notice; every objection needs a recorded response."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="comments", verbose_name=_("notice"))
    kind = models.CharField(_("kind"), max_length=10, choices=CommentKind.choices)
    text = models.TextField(_("text"), max_length=2000)

    scope_field = "notice__jurisdiction"

    class Meta:
        verbose_name = _("notice comment")
        verbose_name_plural = _("notice comments")
        ordering = ["notice", "submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.notice} · {self.get_kind_display()} #{self.pk}"


# --- draft documents put to public comment (Guyuan, seed 003) -------------------------------------------


class DraftDocument(AuditedModel):
    """A draft document (征求意见稿) open to public comment for a window, by form, e-mail and post."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="draft_documents", verbose_name=_("jurisdiction")
    )
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    email = models.EmailField(_("e-mail address"), blank=True)
    email_subject = models.CharField(_("required e-mail subject"), max_length=200, blank=True)
    postal_address = models.CharField(_("postal address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=6, blank=True)
    letter_note = models.CharField(_("letters must be marked"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DraftStatus.choices, default=DraftStatus.DRAFT, db_index=True
    )
    summary = models.TextField(_("summary of responses"), blank=True)
    summary_figures = models.JSONField(_("summary figures"), null=True, blank=True)
    summary_published_at = models.DateTimeField(_("summary published at"), null=True, blank=True)
    public_id = models.CharField(_("public id"), max_length=16, unique=True, default=public_id_new, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("draft for public comment")
        verbose_name_plural = _("drafts for public comment")
        ordering = ["-opens_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors.setdefault("closes_at", []).append(_("The comment period must close after it opens."))
        if self.email and not self.email_subject:
            errors.setdefault("email_subject", []).append(_("Give the subject line e-mails must carry."))
        if errors:
            raise ValidationError(errors)


class DraftSection(models.Model):
    """One numbered section of a draft document; comments may point to it."""

    draft = models.ForeignKey(DraftDocument, on_delete=models.CASCADE, related_name="sections", verbose_name=_("draft"))
    number = models.PositiveSmallIntegerField(_("number"))
    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(_("text"), blank=True)

    scope_field = "draft__jurisdiction"

    class Meta:
        verbose_name = _("draft section")
        verbose_name_plural = _("draft sections")
        ordering = ["draft", "number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="draft_section_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"


class DraftComment(PublicComment):
    """A comment on a draft, on the whole or on one section, with what became of it."""

    draft = models.ForeignKey(DraftDocument, on_delete=models.PROTECT, related_name="comments", verbose_name=_("draft"))
    section = models.ForeignKey(
        DraftSection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("section"),
    )
    text = models.TextField(_("text"), max_length=5000)
    adoption = models.CharField(_("adoption"), max_length=12, choices=Adoption.choices, default=Adoption.PENDING)

    scope_field = "draft__jurisdiction"

    class Meta:
        verbose_name = _("comment on a draft")
        verbose_name_plural = _("comments on drafts")
        ordering = ["draft", "submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.draft} #{self.pk}"

    def clean(self) -> None:
        section = self.section if self.section_id is not None else None
        if section is not None and self.draft_id is not None and section.draft_id != self.draft_id:
            raise ValidationError({"section": _("The section is not part of this draft.")})


# --- residents' opinions -----------------------------------------------------------------------------


class OpinionKeyword(TimeStampedModel):
    """A word residents use for a catalogue item (雨水倒灌 → drainage); staff extend the dictionary.

    Shared by every jurisdiction (the words people use do not change at a street boundary), so it is
    reference data without a scope.
    """

    keyword = models.CharField(_("keyword"), max_length=20, unique=True)
    item = models.CharField(_("catalogue item"), max_length=32, choices=ConditionItem.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("added by")
    )

    class Meta:
        verbose_name = _("opinion keyword")
        verbose_name_plural = _("opinion keywords")
        ordering = ["item", "keyword"]

    def __str__(self) -> str:
        return f"{self.keyword} → {self.item}"


class Opinion(TimeStampedModel):
    """A resident's free-text opinion (意见) about an estate, heard on the phone page, at a meeting, in a
    WeChat group or on a visit, with the catalogue items it was classified into and why."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("estate"))
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("building")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=OpinionChannel.choices)
    text = models.TextField(_("opinion"), max_length=2000)
    heard_on = models.DateField(_("heard on"))
    items = models.JSONField(_("catalogue items"), default=list, blank=True)
    matches = models.JSONField(_("matched keywords"), default=dict, blank=True)
    items_set_by_staff = models.BooleanField(_("items set by staff"), default=False)
    client_hash = models.CharField(_("client"), max_length=16, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("entered by")
    )

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["-heard_on", "-id"]

    def __str__(self) -> str:
        return f"{self.estate} · {self.text[:20]}"

    def clean(self) -> None:
        building = self.building if self.building_id is not None else None
        if building is not None and self.estate_id is not None and building.estate_id != self.estate_id:
            raise ValidationError({"building": _("The building is not in this estate.")})
        unknown = [i for i in self.items or [] if i not in ConditionItem.values]
        if unknown:
            raise ValidationError({"items": _("Unknown catalogue items: %(items)s") % {"items": ", ".join(unknown)}})
