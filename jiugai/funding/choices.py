"""Choices for funding: source kinds and levels, allocation statuses, movements, documents, cost sharing.

Seed digest §6 (who benefits pays; the sources; residents' money; tiered sharing) and REFERENCE §1.6.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    """Where renovation money comes from (国办发〔2020〕23号; seed digest §6)."""

    CENTRAL_SUBSIDY = "central_subsidy", _("Central subsidy")
    CENTRAL_BUDGET_INVESTMENT = "central_investment", _("Central budget investment")
    PROVINCIAL = "provincial", _("Provincial funds")
    CITY = "city", _("City budget")
    DISTRICT_BUDGET = "district_budget", _("District budget")
    SPECIAL_BONDS = "local_bond", _("Local government special bonds")
    UTILITY = "utility", _("Utility")
    RESIDENTS_DIRECT = "residents", _("Residents' direct payment")
    MAINTENANCE_FUND = "maintenance_fund", _("Housing maintenance fund")
    PROVIDENT_FUND = "provident_fund", _("Housing provident fund (elevators)")
    PUBLIC_REVENUE = "public_revenue", _("Public revenue (parking, advertising)")
    ORIGINAL_UNIT = "property_unit", _("Original property-right unit")
    DONATION = "donation", _("Donation")
    SOCIAL_CAPITAL = "social_capital", _("Social capital / PPP")


class SourceLevel(models.TextChoices):
    """Which level of government (or which part of society) a source belongs to, for the totals."""

    CENTRAL = "central", _("Central government")
    PROVINCIAL = "provincial", _("Province")
    LOCAL = "local", _("City and district")
    UTILITY = "utility", _("Utilities")
    RESIDENTS = "residents", _("Residents")
    SOCIETY = "society", _("Society")


SOURCE_LEVEL: dict[str, str] = {
    SourceKind.CENTRAL_SUBSIDY: SourceLevel.CENTRAL,
    SourceKind.CENTRAL_BUDGET_INVESTMENT: SourceLevel.CENTRAL,
    SourceKind.PROVINCIAL: SourceLevel.PROVINCIAL,
    SourceKind.CITY: SourceLevel.LOCAL,
    SourceKind.DISTRICT_BUDGET: SourceLevel.LOCAL,
    SourceKind.SPECIAL_BONDS: SourceLevel.LOCAL,
    SourceKind.UTILITY: SourceLevel.UTILITY,
    SourceKind.RESIDENTS_DIRECT: SourceLevel.RESIDENTS,
    SourceKind.MAINTENANCE_FUND: SourceLevel.RESIDENTS,
    SourceKind.PROVIDENT_FUND: SourceLevel.RESIDENTS,
    SourceKind.PUBLIC_REVENUE: SourceLevel.RESIDENTS,
    SourceKind.ORIGINAL_UNIT: SourceLevel.SOCIETY,
    SourceKind.DONATION: SourceLevel.SOCIETY,
    SourceKind.SOCIAL_CAPITAL: SourceLevel.SOCIETY,
}

# The source kinds the funding rules know (jiugai.rules.funding.SOURCE_KINDS): city and district budgets are both
# local budgets there.
RULE_KIND: dict[str, str] = {SourceKind.CITY: "local_budget", SourceKind.DISTRICT_BUDGET: "local_budget"}


def rule_kind(kind: str) -> str:
    return RULE_KIND.get(kind, kind)


# Residents' money may only be used on an owners' decision (Civil Code Art. 278; seed digest §6).
RESIDENT_KINDS = frozenset(
    {
        SourceKind.RESIDENTS_DIRECT,
        SourceKind.MAINTENANCE_FUND,
        SourceKind.PROVIDENT_FUND,
        SourceKind.PUBLIC_REVENUE,
    }
)
# Central money may not go to an estate already in a centrally subsidised plan (seed digest §2).
CENTRAL_KINDS = frozenset({SourceKind.CENTRAL_SUBSIDY, SourceKind.CENTRAL_BUDGET_INVESTMENT})


class AllocationStatus(models.TextChoices):
    """An allocation's lifecycle (see workflow.py): planned → applied → approved → received → paid."""

    PLANNED = "planned", _("Planned")
    APPLIED = "applied", _("Applied for")
    APPROVED = "approved", _("Approved")
    RECEIVED = "received", _("Received")
    PAID = "paid", _("Paid out")


# Statuses in which the money has been approved (counted against the proposal for over-claims).
APPROVED_STATUSES = (AllocationStatus.APPROVED, AllocationStatus.RECEIVED, AllocationStatus.PAID)


class MovementKind(models.TextChoices):
    """A dated movement of an allocation's money."""

    RECEIVED = "received", _("Received (funds arrived)")
    PAID = "paid", _("Paid out")


class DocumentKind(models.TextChoices):
    """Papers that back an allocation."""

    APPLICATION = "application", _("Application")
    APPROVAL = "approval", _("Approval")
    RECEIPT = "receipt", _("Receipt voucher")
    PAYMENT = "payment", _("Payment voucher")
    OTHER = "other", _("Other")


class ShareMethod(models.TextChoices):
    """How a personalised item is shared: per household, equally, by area, or in tiers by floor (Zhanhe)."""

    SINGLE = "single", _("One household pays")
    EQUAL = "equal", _("Equally")
    AREA = "area", _("By exclusive area")
    FLOOR = "floor", _("In tiers by floor")


class HardshipHandling(models.TextChoices):
    """What happens to a hardship household's share (Jincheng: may be reduced or exempted)."""

    NONE = "none", _("No exemption")
    OTHERS = "others", _("Exempt; the others carry it")
    FUND = "fund", _("Exempt; public funds carry it")


class CostShareStatus(models.TextChoices):
    """A cost share is drafted, then published to the households."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class AlertKind(models.TextChoices):
    """What the funding dashboard warns about (Guyuan bans 报大建小, diversion and idle funds)."""

    IDLE = "idle", _("Idle funds")
    LAGGING = "lagging", _("Spending lags receipts")
    OVER_CLAIM = "over_claim", _("Approved more than the proposal (报大建小)")
    OUTSIDE_EARMARK = "outside_earmark", _("Subsidy outside its earmark")


# Which alerts the dashboard lists first (1 before 2). Idle funds, 报大建小 and diverted money break a written
# rule (Guyuan draft plan, seeds/003_54d0b71b4a1e2a82.txt: no idle funds, no over-claims, no diversion); lagging
# spending is the platform's own early warning (LAG_PAID_SHARE in selectors.py), not a policy figure.
ALERT_SEVERITY: dict[str, int] = {
    AlertKind.IDLE: 1,
    AlertKind.OVER_CLAIM: 1,
    AlertKind.OUTSIDE_EARMARK: 1,
    AlertKind.LAGGING: 2,
}
