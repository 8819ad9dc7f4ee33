"""Choices for consent campaigns: scope, matter, decision rule, status, answers and channels.

Matters follow the issue's list and Civil Code Art. 278 items (REFERENCE §2.1); the seed digest §3 names
the questions asked (whether, what, how).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.rules.art278 import Matter as Art278Matter


class ScopeType(models.TextChoices):
    """Who is asked: the whole estate, one building (幢) or one stairwell (单元, REFERENCE §2.4)."""

    ESTATE = "estate", _("Estate")
    BUILDING = "building", _("Building")
    STAIRWELL = "stairwell", _("Stairwell")


class Matter(models.TextChoices):
    """What the residents decide."""

    RENOVATE = "renovate", _("Renovate or not")
    RENOVATION_PLAN = "renovation_plan", _("Renovation plan")
    ELEVATOR = "elevator", _("Add an elevator")
    USE_FUND = "use_fund", _("Use the maintenance fund")
    RAISE_FUND = "raise_fund", _("Raise the maintenance fund")
    PROPERTY_COMPANY = "property_company", _("Hire or dismiss the property company")
    CHANGE_USE = "change_use", _("Change the use of common parts")
    OTHER = "other", _("Other")


# Each matter as an Art. 278 item. A renovation plan rebuilds ancillary facilities (改建, item 7) and so
# takes the stricter special majority; "renovate or not" alone is an other major matter (item 9).
ART278_MATTER: dict[str, Art278Matter] = {
    Matter.RENOVATE: Art278Matter.OTHER,
    Matter.RENOVATION_PLAN: Art278Matter.REBUILD,
    Matter.ELEVATOR: Art278Matter.ELEVATOR,
    Matter.USE_FUND: Art278Matter.USE_FUND,
    Matter.RAISE_FUND: Art278Matter.RAISE_FUND,
    Matter.PROPERTY_COMPANY: Art278Matter.HIRE_PROPERTY_COMPANY,
    Matter.CHANGE_USE: Art278Matter.CHANGE_USE,
    Matter.OTHER: Art278Matter.OTHER,
}


class DecisionRule(models.TextChoices):
    """Which rule decides the campaign."""

    CONSENT = "consent", _("Local consent rule (share of all owner households)")
    ART278 = "art278", _("Civil Code Art. 278 (area and owners)")


class CampaignStatus(models.TextChoices):
    """The campaign lifecycle (see workflow.py)."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DECIDED = "decided", _("Decided")


class Answer(models.TextChoices):
    """A household's answer to the main question."""

    YES = "yes", _("Agree")
    NO = "no", _("Disagree")
    ABSTAIN = "abstain", _("Abstain")


class Channel(models.TextChoices):
    """How the ballot reached us."""

    ONLINE = "online", _("Online (phone)")
    PAPER = "paper", _("Paper form")
    MEETING = "meeting", _("Owners' meeting")


class Verification(models.TextChoices):
    """How a resident confirms a ballot link (policy `consultation.ballot_verification`)."""

    PHONE_LAST4 = "phone_last4", _("Code and last 4 digits of the phone")
    ID_LAST4 = "id_last4", _("Code and last 4 characters of the ID number")
    CODE_ONLY = "code_only", _("Code only")


# --- public notices, draft comment periods, opinions -------------------------------------------------


class NoticeSubject(models.TextChoices):
    """What a public notice (公示) is about (seed digest §3: the draft plan is posted in the estate)."""

    PLAN = "plan", _("Renovation plan")
    DESIGN = "design", _("Design")
    TENDER_PRICE = "tender_price", _("Tender price")
    OWNERS_LIST = "owners_list", _("List of owners")
    DECISION = "decision", _("Decision of the owners")
    FUNDING = "funding", _("Funding and cost sharing")
    OTHER = "other", _("Other")


class DayCount(models.TextChoices):
    """How a window in days is counted."""

    CALENDAR = "calendar", _("Calendar days")
    WORKING = "working", _("Working days")


class NoticeStatus(models.TextChoices):
    """A notice is drafted, then posted; its window closes by time."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CommentKind(models.TextChoices):
    """A remark on a notice, or a formal objection (异议) that must be answered."""

    COMMENT = "comment", _("Comment")
    OBJECTION = "objection", _("Objection")


class CommentChannel(models.TextChoices):
    """How a comment on a notice or a draft reached us (Guyuan: e-mail and letters; seed 003)."""

    ONLINE = "online", _("Online form")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Letter by post")
    IN_PERSON = "in_person", _("In person")


class DraftStatus(models.TextChoices):
    """A draft document's comment period: drafted, open, closed with its summary of responses published."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for comment")
    SUMMARISED = "summarised", _("Summary of responses published")


class Adoption(models.TextChoices):
    """What became of a comment on a draft (the usual headings of a 意见采纳情况 summary)."""

    PENDING = "pending", _("Not yet considered")
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    NOTED = "noted", _("Noted / explained")


class OpinionChannel(models.TextChoices):
    """Where an opinion was heard (seed digest §3)."""

    PHONE = "phone", _("Phone page")
    MEETING = "meeting", _("Meeting (小板凳会议, owners' representatives)")
    WECHAT = "wechat", _("WeChat group")
    VISIT = "visit", _("Door-to-door visit")
    FORM = "form", _("Opinion form")
