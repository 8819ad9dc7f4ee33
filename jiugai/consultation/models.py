"""Consent campaigns (征求意见), ballots (表决票), ballot links and the live tally.

Seed digest §3 (Xuchang 2/3 of all owner households; questions whether, what, how) and Civil Code
Art. 278 (REFERENCE §2.2-2.4).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.core.models import AuditedModel, TimeStampedModel
from jiugai.inventory.models import Building, Estate, Household

from .choices import Answer, CampaignStatus, Channel, DecisionRule, Matter, ScopeType

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
