"""Planning: the renovation content catalogue (改造内容清单), estates' renovation proposals (估算), priority
weights, area bundles (片区) and annual plans (年度计划) with their entries in three tiers.

Seed digest §4 (catalogue classes, Zhanhe's ten targets), §5 (ranking, implement/plan/reserve, bundling
adjacent estates, Guyuan's 15% post-2000 household cap) and REFERENCE §1.2.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.choices import UtilityType
from jiugai.accounts.models import Jurisdiction
from jiugai.core.models import AuditedModel
from jiugai.inventory.choices import ConditionItem
from jiugai.inventory.models import Estate

from .choices import (
    BundleStatus,
    ItemClass,
    LineOrigin,
    PlanStatus,
    QuantityBasis,
    RunStatus,
    Target,
    Tier,
)

ZERO = Decimal("0")
# The totals a plan document may state (AnnualPlan.stated_totals): whole counts, then amounts.
STATED_COUNTS = ("projects", "estates", "buildings", "households")
STATED_AMOUNTS = ("area", "investment", "central_subsidy", "local_match")


class CatalogueVersion(AuditedModel):
    """One version of a jurisdiction's renovation content catalogue (改造内容清单), in force from a date.

    A jurisdiction without its own version uses its nearest ancestor's, and in the end the national
    default (jurisdiction empty). Editing never overwrites: it writes a new version.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalogue_versions",
        verbose_name=_("jurisdiction"),
        help_text=_("Empty for the national default catalogue"),
    )
    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("reason for this version"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("created by")
    )

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["jurisdiction__path", "-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "version"], name="catalogue_unique_version"),
            models.UniqueConstraint(
                fields=["version"], condition=models.Q(jurisdiction=None), name="catalogue_national_unique_version"
            ),
        ]

    def __str__(self) -> str:
        where = self.jurisdiction.name if self.jurisdiction_id else str(_("National"))  # type: ignore[union-attr]
        return f"{where} v{self.version} ({self.effective_from})"


class CatalogueItem(models.Model):
    """One renovation item of a catalogue version: class, unit, unit cost and what it answers."""

    catalogue = models.ForeignKey(
        CatalogueVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("catalogue version")
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    item_class = models.CharField(_("class"), max_length=16, choices=ItemClass.choices)
    unit = models.CharField(_("unit"), max_length=20)
    quantity_basis = models.CharField(
        _("quantity basis"), max_length=16, choices=QuantityBasis.choices, default=QuantityBasis.MANUAL
    )
    quantity_factor = models.DecimalField(
        _("quantity per basis unit"),
        max_digits=12,
        decimal_places=4,
        default=Decimal("1"),
        validators=[MinValueValidator(ZERO)],
        help_text=_("e.g. 0.3 m of cable tray per m² of housing area"),
    )
    unit_cost = models.DecimalField(
        _("unit cost (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    utility = models.CharField(_("responsible utility"), max_length=16, choices=UtilityType.choices, blank=True)
    condition_item = models.CharField(
        _("survey item it answers"), max_length=30, choices=ConditionItem.choices, blank=True
    )
    targets = models.JSONField(_("Zhanhe targets"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_field = "catalogue__jurisdiction"

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["catalogue", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "code"], name="catalogue_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        unknown = [t for t in self.targets or [] if t not in Target.values]
        if unknown:
            raise ValidationError({"targets": _("Unknown targets: %(targets)s") % {"targets": ", ".join(unknown)}})


class PriorityWeights(AuditedModel):
    """One version of a jurisdiction's priority-score weights, in force from a date (inherited down the tree)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="priority_weights", verbose_name=_("jurisdiction")
    )
    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    weights = models.JSONField(_("weights"), default=dict, help_text=_("indicator → weight"))
    note = models.TextField(_("reason for this version"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("created by")
    )

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("priority weights")
        verbose_name_plural = _("priority weights")
        ordering = ["jurisdiction__path", "-effective_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "version"], name="weights_unique_version")]

    def __str__(self) -> str:
        return f"{self.jurisdiction} v{self.version}"


class RenovationProposal(AuditedModel):
    """One version of an estate's renovation proposal (改造内容及估算): catalogue items × quantities."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("estate"))
    version = models.PositiveIntegerField(_("version"))
    catalogue = models.ForeignKey(
        CatalogueVersion, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("catalogue version")
    )
    note = models.TextField(_("note"), blank=True)
    prefill = models.JSONField(_("pre-filled from"), default=dict, blank=True)
    total = models.DecimalField(_("total (yuan)"), default=ZERO, max_digits=16, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("renovation proposal")
        verbose_name_plural = _("renovation proposals")
        ordering = ["estate", "-version"]
        constraints = [models.UniqueConstraint(fields=["estate", "version"], name="proposal_unique_version")]

    def __str__(self) -> str:
        return f"{self.estate} v{self.version}"


class ProposalLine(models.Model):
    """One item of a proposal: quantity × unit cost (the unit cost is kept as priced)."""

    proposal = models.ForeignKey(
        RenovationProposal, on_delete=models.CASCADE, related_name="lines", verbose_name=_("proposal")
    )
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)])
    unit_cost = models.DecimalField(
        _("unit cost (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    cost = models.DecimalField(_("cost (yuan)"), max_digits=16, decimal_places=2)
    origin = models.CharField(_("origin"), max_length=16, choices=LineOrigin.choices, default=LineOrigin.STAFF)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    scope_field = "proposal__estate__jurisdiction"

    class Meta:
        verbose_name = _("proposal line")
        verbose_name_plural = _("proposal lines")
        ordering = ["proposal", "item__position", "item__code"]
        constraints = [models.UniqueConstraint(fields=["proposal", "item"], name="proposal_line_unique_item")]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class Bundle(AuditedModel):
    """An area bundle (片区): adjacent estates with shared needs, planned as one unit (all in or all out)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="planning_bundles", verbose_name=_("jurisdiction")
    )
    name = models.CharField(_("name"), max_length=100)
    estates = models.ManyToManyField(Estate, related_name="planning_bundles", verbose_name=_("estates"))
    status = models.CharField(
        _("status"), max_length=16, choices=BundleStatus.choices, default=BundleStatus.SUGGESTED, db_index=True
    )
    shared_items = models.JSONField(_("shared items"), default=list, blank=True)
    max_distance_m = models.PositiveIntegerField(_("largest distance (m)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("area bundle")
        verbose_name_plural = _("area bundles")
        ordering = ["jurisdiction__path", "name"]

    def __str__(self) -> str:
        return self.name


class AnnualPlan(AuditedModel):
    """An annual renovation plan (年度计划) of a jurisdiction, or a what-if scenario copied from one."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="annual_plans", verbose_name=_("jurisdiction")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=16, decimal_places=2)
    source_budgets = models.JSONField(
        _("budget per funding source"), default=dict, blank=True, help_text=_("source → yuan")
    )
    post2000_cap = models.CharField(
        _("post-2000 household cap"),
        max_length=20,
        blank=True,
        help_text=_("Empty: the policy profile's eligibility.post2000_household_cap"),
    )
    district_limits = models.JSONField(
        _("per-district limits"),
        default=dict,
        blank=True,
        help_text=_("district code → min_count, max_count, min_money, max_money"),
    )
    must_include = models.ManyToManyField(Estate, blank=True, related_name="+", verbose_name=_("must include"))
    must_exclude = models.ManyToManyField(Estate, blank=True, related_name="+", verbose_name=_("must exclude"))
    weights = models.ForeignKey(
        PriorityWeights,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("priority weights"),
        help_text=_("Empty: the weights in force for the jurisdiction"),
    )
    weight_overrides = models.JSONField(
        _("weight changes for this scenario"), default=dict, blank=True, help_text=_("indicator → weight")
    )
    scenario_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scenarios",
        verbose_name=_("scenario of"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    run_status = models.CharField(_("run"), max_length=16, choices=RunStatus.choices, default=RunStatus.NEVER)
    run_progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    run_message = models.TextField(_("run message"), blank=True)
    conflicts = models.JSONField(_("conflicting constraints"), default=list, blank=True)
    optimised_at = models.DateTimeField(_("optimised at"), null=True, blank=True)
    result = models.JSONField(
        _("result figures"),
        default=dict,
        blank=True,
        help_text=_("objective, bound, gap, solver status, time, spreadsheet objective, decision"),
    )
    stated_totals = models.JSONField(
        _("totals the plan document states"),
        default=dict,
        blank=True,
        help_text=_(
            "projects, estates, buildings, households, area, investment, central_subsidy, local_match "
            "as the official document states them; checked against the computed ones"
        ),
    )
    stated_source = models.CharField(_("document stating them"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year", "jurisdiction__path", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.budget is not None and self.budget <= ZERO:
            raise ValidationError({"budget": _("The budget must be more than zero.")})


class PlanEntry(models.Model):
    """One eligible estate in a plan: its tier, cost, benefit, score snapshot and, when left out, why."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="entries", verbose_name=_("plan"))
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="plan_entries", verbose_name=_("estate"))
    unit_key = models.CharField(
        _("planning unit"), max_length=60, help_text=_("The estate code, or the bundle it is planned with")
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=16, decimal_places=2)
    benefit = models.DecimalField(_("benefit"), max_digits=20, decimal_places=4)
    households = models.PositiveIntegerField(_("households"), default=0)
    post2000 = models.BooleanField(_("built after 2000"), default=False)
    score = models.DecimalField(_("priority score"), max_digits=8, decimal_places=3, default=ZERO)
    score_breakdown = models.JSONField(_("score breakdown"), default=list, blank=True)
    in_optimal = models.BooleanField(_("in the optimal plan"), default=False)
    in_spreadsheet = models.BooleanField(_("in the spreadsheet plan"), default=False)
    exclusion_code = models.CharField(_("why left out"), max_length=32, blank=True)
    exclusion_message = models.TextField(_("explanation"), blank=True)
    bring_in = models.TextField(_("what would bring it in"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)

    scope_field = "plan__jurisdiction"

    class Meta:
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")
        ordering = ["plan", "tier", "-score", "estate__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "estate"], name="plan_entry_unique_estate")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.estate} ({self.get_tier_display()})"
