"""Bill of quantities, tenders and bids, contracts and variations (Jiyuan 000: BoQ tendering, bid prices posted)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.core.models import AuditedModel, TimeStampedModel
from jiugai.planning.models import CatalogueItem
from jiugai.rules.tender import line_amount

from ..choices import ContractKind, TenderMethod, TenderStatus, VariationStatus
from .project import Project

ZERO = Decimal("0")


class BoQLine(models.Model):
    """One line of a project's bill of quantities (工程量清单): item, unit, quantity and control unit price."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="boq_lines", verbose_name=_("project"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit_price = models.DecimalField(
        _("control unit price (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("catalogue item"),
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    # A line a variation brings in (new work found on site): its quantity counts only once that variation is
    # approved, through the variation's own line (Jiyuan 000: 改造方案在施工过程中与实际不符会发生改变).
    added_by = models.ForeignKey(
        "Variation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="added_lines",
        verbose_name=_("added by variation"),
    )

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("bill of quantities line")
        verbose_name_plural = _("bill of quantities lines")
        ordering = ["project", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="projects_boq_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def amount(self) -> Decimal:
        """Quantity × control unit price, half-up to the cent, as the bill is priced (`rules.tender.line_amount`)."""
        return line_amount(self.quantity, self.unit_price)


class Tender(AuditedModel):
    """A tender (招标) for one contract of a project, with its control price (最高投标限价)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tenders", verbose_name=_("project"))
    kind = models.CharField(_("contract"), max_length=16, choices=ContractKind.choices)
    method = models.CharField(_("method"), max_length=10, choices=TenderMethod.choices)
    method_reason = models.CharField(_("why this method"), max_length=300, blank=True)
    control_price = models.DecimalField(
        _("control price (yuan)"), max_digits=16, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    status = models.CharField(_("status"), max_length=12, choices=TenderStatus.choices, default=TenderStatus.DRAFT)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closes_on = models.DateField(_("bids close on"), null=True, blank=True)
    awarded_bid = models.OneToOneField(
        "Bid", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("winning bid")
    )
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    decision = models.JSONField(_("checks"), default=dict, blank=True)

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["project", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.get_kind_display()}"


class Bid(TimeStampedModel):
    """A bidder's price for a tender, with unit prices per BoQ line for a construction tender."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bids", verbose_name=_("tender"))
    bidder = models.CharField(_("bidder"), max_length=200)
    price = models.DecimalField(
        _("bid price (yuan)"), max_digits=16, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    line_prices = models.JSONField(_("unit prices per line"), default=dict, blank=True, help_text=_("BoQ code → price"))
    submitted_on = models.DateField(_("submitted on"))

    scope_field = "tender__project__jurisdiction"

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["tender", "price", "id"]
        constraints = [models.UniqueConstraint(fields=["tender", "bidder"], name="projects_bid_unique_bidder")]

    def __str__(self) -> str:
        return f"{self.bidder} {self.price}"


class Contract(AuditedModel):
    """A signed contract for design, construction or supervision of a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=16, choices=ContractKind.choices)
    tender = models.ForeignKey(
        Tender, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("tender")
    )
    counterparty = models.CharField(_("contractor"), max_length=200)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=16, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    signed_on = models.DateField(_("signed on"))
    number = models.CharField(_("contract number"), max_length=60, blank=True)
    document = models.FileField(_("document"), upload_to="projects/contracts/%Y/", blank=True)

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["project", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="projects_contract_unique_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.counterparty}"


class Variation(AuditedModel):
    """A change order (设计变更/工程变更) on a contract, with its quantity and cost impact, and its approval."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="variations", verbose_name=_("contract")
    )
    number = models.PositiveIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    cost_delta = models.DecimalField(_("cost impact (yuan)"), max_digits=16, decimal_places=2, default=ZERO)
    status = models.CharField(
        _("status"), max_length=10, choices=VariationStatus.choices, default=VariationStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    scope_field = "contract__project__jurisdiction"

    class Meta:
        verbose_name = _("variation")
        verbose_name_plural = _("variations")
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="projects_variation_unique_number")]

    def __str__(self) -> str:
        return f"{self.contract} · #{self.number}"


class VariationLine(models.Model):
    """A variation's change to one BoQ line (or a new line): quantity delta at a unit price."""

    variation = models.ForeignKey(
        Variation, on_delete=models.CASCADE, related_name="lines", verbose_name=_("variation")
    )
    boq_line = models.ForeignKey(
        BoQLine, on_delete=models.PROTECT, related_name="variation_lines", verbose_name=_("line")
    )
    quantity_delta = models.DecimalField(_("quantity change"), max_digits=14, decimal_places=2)
    unit_price = models.DecimalField(
        _("unit price (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )

    scope_field = "variation__contract__project__jurisdiction"

    class Meta:
        verbose_name = _("variation line")
        verbose_name_plural = _("variation lines")
        ordering = ["variation", "id"]

    def __str__(self) -> str:
        return f"{self.boq_line.code} {self.quantity_delta:+}"
