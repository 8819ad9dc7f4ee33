"""Choices for projects: lifecycle stages, parties, tenders, reports, utility tasks, complaints, acceptance.

Seed digest §7 (the project lifecycle): Zhanhe's stages, Guyuan's dates, Jiyuan's BoQ tenders and weekly
reports, Guyuan's mediation groups, Jincheng's construction complaints, joint acceptance by all parties.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where a project stands (Zhanhe 001: organise → plan → implement → accept → take over → evaluate)."""

    REGISTERED = "registered", _("Registered")
    PRELIMINARY = "preliminary", _("Preliminary work")
    CONSTRUCTION = "construction", _("Under construction")
    ACCEPTANCE = "acceptance", _("Awaiting acceptance")
    HANDED_OVER = "handed_over", _("Handed over")
    CLOSED = "closed", _("Closed out")


STAGE_ORDER = [s.value for s in Stage]


class MemberRole(models.TextChoices):
    """Who sits in a project's headquarters (Zhanhe: street leader, committee head, owner representatives)."""

    STREET_LEADER = "street_leader", _("Street leader")
    COMMUNITY_HEAD = "community_head", _("Residents' committee head")
    OWNER_REPRESENTATIVE = "owner_rep", _("Owner representative")
    CONTRACTOR_MANAGER = "contractor_manager", _("Contractor's project manager")
    SUPERVISOR = "supervisor", _("Chief supervising engineer")
    OTHER = "other", _("Other")


class SignoffKind(models.TextChoices):
    """Approvals a project needs before work starts (seed digest §3, §7)."""

    OWNERS_PLAN = "owners_plan", _("Owners' committee signed the plan")
    LEADING_GROUP = "leading_group", _("Leading group approved the plan")
    DRAWING_REVIEW = "drawing_review", _("Construction drawings reviewed")


class ContractKind(models.TextChoices):
    """The three contracts of a project."""

    DESIGN = "design", _("Design")
    CONSTRUCTION = "construction", _("Construction")
    SUPERVISION = "supervision", _("Supervision")


class TenderMethod(models.TextChoices):
    """How a contractor is chosen."""

    OPEN = "open", _("Open tender")
    INVITED = "invited", _("Invited tender")
    DIRECT = "direct", _("Direct award (below the threshold)")


class TenderStatus(models.TextChoices):
    """A tender is drafted, opened to bids, then awarded or cancelled."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for bids")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


class VariationStatus(models.TextChoices):
    """A change order (变更) is proposed, then approved or rejected."""

    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TaskStatus(models.TextChoices):
    """A utility's task on an estate."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ComplaintCategory(models.TextChoices):
    """What residents complain about during works (Jincheng: traffic safety, noise in rest hours, sanitation)."""

    NOISE = "noise", _("Noise in rest hours")
    SAFETY = "safety", _("Safety")
    PARKING = "parking", _("Parking and access")
    DUST = "dust", _("Dust and sanitation")
    DAMAGE = "damage", _("Damage to property")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    """A complaint is received, answered, resolved, then closed with the resident's view."""

    OPEN = "open", _("Received")
    REPLIED = "replied", _("Replied")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Satisfaction(models.TextChoices):
    """The three answers of a satisfaction survey (满意 / 基本满意 / 不满意)."""

    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class MediatorKind(models.TextChoices):
    """Members of an estate's mediation group (Guyuan: justice, police, committee, property, enterprise)."""

    JUSTICE = "justice", _("Judicial office")
    POLICE = "police", _("Police station")
    COMMUNITY = "community", _("Residents' committee")
    PROPERTY = "property", _("Property company")
    ENTERPRISE = "enterprise", _("Contractor")
    OTHER = "other", _("Other")


class InspectionKind(models.TextChoices):
    """Why the works were inspected."""

    ROUTINE = "routine", _("Routine")
    SPECIAL = "special", _("Special")
    PRE_ACCEPTANCE = "pre_acceptance", _("Before acceptance")


class DefectStatus(models.TextChoices):
    """A problem found is open until rectified and checked."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Rectified")


class Party(models.TextChoices):
    """The parties that sign joint acceptance (Zhanhe 001, Guyuan 003)."""

    OWNER_UNIT = "owner_unit", _("Owner unit (implementing body)")
    STREET_OFFICE = "street_office", _("Street office")
    OWNERS = "owners", _("Owners' committee or representatives")
    CONTRACTOR = "contractor", _("Construction contractor")
    DESIGNER = "designer", _("Designer")
    SUPERVISOR = "supervisor", _("Supervisor")


class Verdict(models.TextChoices):
    """A party's acceptance verdict."""

    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class AcceptanceStatus(models.TextChoices):
    """A round of joint acceptance."""

    OPEN = "open", _("Signing")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class Receiver(models.TextChoices):
    """Who takes the estate over after renovation (seed digest §8)."""

    PROPERTY_COMPANY = "property_company", _("Property company")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    COMMUNITY = "community", _("Street office and community")
    SELF_MANAGED = "self_managed", _("Owners' self-management")


class ArchiveKind(models.TextChoices):
    """Documents a project archive must hold (Zhanhe 001: final accounts, archive, audit)."""

    PLAN = "plan", _("Renovation plan and owners' decision")
    DESIGN = "design", _("Design and drawing review")
    TENDER = "tender", _("Tender documents and award")
    CONTRACT = "contract", _("Contracts")
    VARIATION = "variation", _("Variations")
    REPORTS = "reports", _("Progress reports and photos")
    ACCEPTANCE = "acceptance", _("Acceptance record")
    HANDOVER = "handover", _("Handover agreement")
    FINAL_ACCOUNTS = "final_accounts", _("Final accounts and audit report")


class FinalAccountStatus(models.TextChoices):
    """Final accounts (决算) are drafted, then audited."""

    DRAFT = "draft", _("Draft")
    AUDITED = "audited", _("Audited")
