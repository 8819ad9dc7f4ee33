"""Funding: sources (资金来源), allocations to estates (资金安排) with dated receipts and payments (到位、拨付)
and their documents, property-service subsidies after renovation (物业服务补贴) and residents' cost shares
(居民分摊) down to each household.

Seed digest §6 (money), REFERENCE §1.6 (cost-sharing mechanism). Projects do not exist yet: an allocation
names its estate and, when the estate is in an annual plan, the plan entry; a later `project` link joins them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.choices import UtilityType
from jiugai.accounts.models import Jurisdiction
from jiugai.consultation.choices import ScopeType
from jiugai.consultation.models import Campaign
from jiugai.core.models import AuditedModel, TimeStampedModel
from jiugai.inventory.models import Building, Estate, Household
from jiugai.planning.choices import ItemClass
from jiugai.planning.models import PlanEntry

from .choices import (
    SOURCE_LEVEL,
    AlertKind,
    AllocationStatus,
    CostShareStatus,
    DocumentKind,
    HardshipHandling,
    MovementKind,
    ShareMethod,
    SourceKind,
)

ZERO = Decimal("0")


class FundingSource(AuditedModel):
    """A pot of renovation money of one kind held at one jurisdiction (e.g. the 2024 central subsidy to a city)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="funding_sources", verbose_name=_("jurisdiction")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=SourceKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    programme = models.CharField(_("programme or document"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    utility = models.CharField(
        _("utility"), max_length=16, choices=UtilityType.choices, blank=True, help_text=_("For a utility's money")
    )
    budget = models.DecimalField(_("amount available (yuan)"), null=True, blank=True, max_digits=16, decimal_places=2)
    note = models.TextField(_("note"), blank=True)

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["jurisdiction__path", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return SOURCE_LEVEL.get(self.kind, "")


class Allocation(AuditedModel):
    """An amount of one funding source assigned to one estate's renovation, from plan to payment."""

    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("source")
    )
    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="funding_allocations", verbose_name=_("estate")
    )
    plan_entry = models.ForeignKey(
        PlanEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_allocations",
        verbose_name=_("plan entry"),
    )
    amount = models.DecimalField(
        _("amount (yuan)"), validators=[MinValueValidator(Decimal("0.01"))], max_digits=16, decimal_places=2
    )
    item_class = models.CharField(
        _("earmarked for"), max_length=16, choices=ItemClass.choices, blank=True, help_text=_("Empty: any class")
    )
    year = models.PositiveSmallIntegerField(_("year applied for"))
    status = models.CharField(
        _("status"), max_length=16, choices=AllocationStatus.choices, default=AllocationStatus.PLANNED, db_index=True
    )
    authorising_campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_allocations",
        verbose_name=_("authorising owners' decision"),
    )
    decision = models.JSONField(_("checks"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )
    # Running totals of the movements, kept by `movement_record` in the same transaction as each movement, so
    # that totals over tens of thousands of allocations are one SUM instead of a join with every movement.
    received = models.DecimalField(_("received (yuan)"), default=ZERO, editable=False, max_digits=16, decimal_places=2)
    paid = models.DecimalField(_("paid out (yuan)"), default=ZERO, editable=False, max_digits=16, decimal_places=2)

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["estate__name", "source__kind", "id"]
        constraints = [
            # What movement_record refuses, held by the database too: the counters cannot drift past the money.
            models.CheckConstraint(
                condition=models.Q(paid__gte=0)
                & models.Q(paid__lte=models.F("received"))
                & models.Q(received__lte=models.F("amount")),
                name="funding_allocation_moved_within_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.source} · {self.amount}"


class Movement(models.Model):
    """A dated receipt (funds arrived, 到位) or payment (拨付) of an allocation's money."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.CASCADE, related_name="movements", verbose_name=_("allocation")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    amount = models.DecimalField(
        _("amount (yuan)"), validators=[MinValueValidator(Decimal("0.01"))], max_digits=16, decimal_places=2
    )
    on = models.DateField(_("date"))
    reference = models.CharField(_("voucher number"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_field = "allocation__estate__jurisdiction"

    class Meta:
        verbose_name = _("money movement")
        verbose_name_plural = _("money movements")
        ordering = ["allocation", "on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.on})"


class AllocationDocument(TimeStampedModel):
    """A paper backing an allocation: application, approval, receipt or payment voucher."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.CASCADE, related_name="documents", verbose_name=_("allocation")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="funding/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("uploaded by")
    )

    scope_field = "allocation__estate__jurisdiction"

    class Meta:
        verbose_name = _("allocation document")
        verbose_name_plural = _("allocation documents")
        ordering = ["allocation", "created_at"]

    def __str__(self) -> str:
        return self.title


class PropertySubsidy(AuditedModel):
    """The property-service subsidy an estate gets after renovation: rate × area × months (物业服务补贴)."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="property_subsidies", verbose_name=_("estate")
    )
    area = models.DecimalField(
        _("floor area (m²)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    rate = models.DecimalField(_("rate (yuan/m²/month)"), max_digits=8, decimal_places=4)
    months = models.PositiveSmallIntegerField(_("months"))
    total = models.DecimalField(_("total (yuan)"), max_digits=16, decimal_places=2)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    policy_date = models.DateField(_("policy date"))
    decision = models.JSONField(_("decision"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("property-service subsidy")
        verbose_name_plural = _("property-service subsidies")
        ordering = ["estate__name", "-created_at"]

    def __str__(self) -> str:
        return f"{self.estate} · {self.total}"


class CostShare(AuditedModel):
    """A cost the households of an estate, building or stairwell share (居民分摊), e.g. a stairwell's new windows."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="cost_shares", verbose_name=_("estate"))
    scope_type = models.CharField(_("scope"), max_length=16, choices=ScopeType.choices, default=ScopeType.ESTATE)
    building = models.ForeignKey(
        Building,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cost_shares",
        verbose_name=_("building"),
    )
    stairwell = models.PositiveSmallIntegerField(_("stairwell"), null=True, blank=True)
    item = models.CharField(_("item or package"), max_length=200)
    item_class = models.CharField(_("class"), max_length=16, choices=ItemClass.choices, blank=True)
    total = models.DecimalField(
        _("total (yuan)"), validators=[MinValueValidator(ZERO)], max_digits=16, decimal_places=2
    )
    method = models.CharField(_("method"), max_length=10, choices=ShareMethod.choices)
    payer = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("paying household"),
        help_text=_("Only when one household pays"),
    )
    hardship = models.CharField(
        _("hardship households"), max_length=10, choices=HardshipHandling.choices, default=HardshipHandling.NONE
    )
    fund_carries = models.DecimalField(
        _("carried by public funds (yuan)"), default=ZERO, max_digits=16, decimal_places=2
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CostShareStatus.choices, default=CostShareStatus.DRAFT, db_index=True
    )
    policy_date = models.DateField(_("policy date"))
    decision = models.JSONField(_("decision"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("cost share")
        verbose_name_plural = _("cost shares")
        ordering = ["estate__name", "-id"]

    def __str__(self) -> str:
        return f"{self.item} ({self.scope_label()})"

    def scope_label(self) -> str:
        if self.scope_type == ScopeType.ESTATE or self.building_id is None:
            return self.estate.name
        if self.scope_type == ScopeType.BUILDING:
            return f"{self.estate.name} {self.building.number}"  # type: ignore[union-attr]
        return f"{self.estate.name} {self.building.number} {self.stairwell}单元"  # type: ignore[union-attr]


class HouseholdShare(models.Model):
    """One household's part of a shared cost, with the figures it was computed from."""

    cost_share = models.ForeignKey(
        CostShare, on_delete=models.CASCADE, related_name="shares", verbose_name=_("cost share")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="cost_shares", verbose_name=_("household")
    )
    amount = models.DecimalField(_("share (yuan)"), max_digits=16, decimal_places=2)
    area = models.DecimalField(_("exclusive area (m²)"), max_digits=8, decimal_places=2, default=ZERO)
    floor = models.SmallIntegerField(_("floor"), default=1)
    exempt = models.BooleanField(_("exempted (hardship)"), default=False)

    scope_field = "cost_share__estate__jurisdiction"

    class Meta:
        verbose_name = _("household share")
        verbose_name_plural = _("household shares")
        ordering = ["cost_share", "household__building__number", "household__stairwell", "household__floor"]
        constraints = [
            models.UniqueConstraint(fields=["cost_share", "household"], name="household_share_unique_household")
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.amount}"


class FundingAlert(models.Model):
    """A stored warning of the funding dashboard (idle funds, lagging spending, 报大建小, money outside its
    earmark) about one estate, as `funding_alerts_refresh` last computed it.

    Computing the alerts of 50,000 estates on every page view is too slow, so services refresh one estate's alerts
    whenever its allocations or movements change, and a scheduled task refreshes all of them (idle funds depend
    on today's date). `texts` holds the message and the rule's reasons in every interface language."""

    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices, db_index=True)
    severity = models.PositiveSmallIntegerField(_("severity"), help_text=_("1 breaks a written rule; 2 is a warning"))
    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="funding_alerts", verbose_name=_("estate")
    )
    allocation = models.ForeignKey(
        Allocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=_("allocation"),
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    texts = models.JSONField(_("texts"), default=dict, help_text=_("language → message and reasons"))
    computed_for = models.DateField(_("computed for"), help_text=_("The date the alert was computed for"))
    refreshed_at = models.DateTimeField(_("refreshed at"))

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("funding alert")
        verbose_name_plural = _("funding alerts")
        ordering = ["severity", "-amount", "id"]
        indexes = [models.Index(fields=["severity", "-amount", "id"], name="funding_alert_importance")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.estate_id} · {self.amount}"

    def _text(self) -> dict[str, Any]:
        """The texts in the reader's language, else the site's, else any stored one."""
        texts: dict[str, Any] = self.texts or {}
        found = texts.get(get_language() or "") or texts.get(settings.LANGUAGE_CODE)
        if found is None and texts:
            found = next(iter(texts.values()))
        return found or {}

    @property
    def message(self) -> str:
        return str(self._text().get("message", ""))

    @property
    def reasons(self) -> list[str]:
        return [str(r) for r in self._text().get("reasons", [])]

    @property
    def kind_label(self) -> str:
        return str(self.get_kind_display())


class FundingAlertRefresh(models.Model):
    """One run of the alert refresh over a jurisdiction's subtree (or everything), so the dashboard can say how
    fresh its alerts are."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("jurisdiction"),
        help_text=_("Empty: every jurisdiction"),
    )
    computed_for = models.DateField(_("computed for"))
    refreshed_at = models.DateTimeField(_("refreshed at"), db_index=True)
    estates = models.PositiveIntegerField(_("estates checked"), default=0)
    alerts = models.PositiveIntegerField(_("alerts stored"), default=0)

    class Meta:
        verbose_name = _("funding alert refresh")
        verbose_name_plural = _("funding alert refreshes")
        ordering = ["-refreshed_at"]

    def __str__(self) -> str:
        return f"{self.jurisdiction or '*'} · {self.refreshed_at:%Y-%m-%d %H:%M}"
