"""Writes for resident consultation: campaigns, ballot links, ballots, closing and deciding; public notices
(公示) with comments, objections and responses; drafts put to public comment (Guyuan, seeds/003_54d0b71b4a1e2a82.txt)
and their summary of responses; residents' opinions and the keyword dictionary that classifies them.

Seed digest §3 (Xuchang: agreeing households at least 2/3 of ALL owner households,
seeds/002_40d8e389fe8940d7.txt) and Civil Code Art. 278 with the SPC counting rules (REFERENCE §2.2-2.4).
Every ballot is counted into the campaign's `Tally` in the same transaction, under a lock on that row,
so the tally is always exact and never needs to scan ballots; every vote and decision is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.audit import PendingEntry, audit_entries_append, audit_entry_append
from jiugai.core.bulk import copy_rows
from jiugai.core.permissions import require
from jiugai.core.scoping import visible_to
from jiugai.core.workflow import workflow_transition
from jiugai.inventory.models import Building, Estate, Household
from jiugai.rules.art278 import art278_decide
from jiugai.rules.consent import SHARE_KEY, consent_decide
from jiugai.rules.decision import RuleInputError
from jiugai.rules.opinions import opinion_classify
from jiugai.rules.params import ParameterError

from .choices import (
    ART278_MATTER,
    Adoption,
    Answer,
    CampaignStatus,
    Channel,
    CommentChannel,
    CommentKind,
    DayCount,
    DecisionRule,
    DraftStatus,
    NoticeStatus,
    OpinionChannel,
    ScopeType,
)
from .models import (
    Ballot,
    BallotToken,
    Campaign,
    DraftComment,
    DraftDocument,
    DraftSection,
    Notice,
    NoticeAttachment,
    NoticeComment,
    Opinion,
    OpinionKeyword,
    Tally,
    TallyOwner,
)
from .selectors import (
    PUBLIC_POST_WINDOW_S,
    TOKEN_FAILURE_LIMIT,
    TOKEN_FAILURE_WINDOW_S,
    ballot_list_digest,
    campaign_policy,
    client_hash,
    draft_summary_figures,
    draft_window_state,
    failure_key,
    head_key,
    households_in_scope,
    households_in_scope_at,
    keyword_dictionary,
    notice_days_policy,
    notice_window_state,
    public_post_key,
    tally_counters,
    window_closes_at,
)
from .workflow import CAMPAIGN_FLOW

logger = logging.getLogger("jiugai.consultation")

MAX_COFUND_AMOUNT = Decimal("1000000")


class TokenInvalid(Exception):
    """The ballot link is unknown, replaced by a newer one, or tampered with."""


class TokenExpired(Exception):
    """The ballot link belongs to a campaign that has closed."""


@dataclass(frozen=True)
class IssuedLink:
    """A freshly issued ballot link; the raw token exists only here (the database keeps its hash)."""

    household: Household
    token: str
    short_code: str


# --- questions and answers -------------------------------------------------------------------------


def questions_clean(questions: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check the questions besides "whether": catalogue items (what) and co-funding / illegal structures (how)."""
    questions = dict(questions or {})
    unknown = set(questions) - {"items", "ask_cofunding", "ask_illegal_structures"}
    if unknown:
        raise ValidationError(
            {"questions": _("Unknown question keys: %(keys)s") % {"keys": ", ".join(sorted(unknown))}}
        )
    items = questions.get("items", [])
    if not isinstance(items, list) or len(items) > 50:
        raise ValidationError({"questions": _("Catalogue items must be a list of at most 50 entries.")})
    seen: set[str] = set()
    clean_items = []
    for item in items:
        if (
            not isinstance(item, Mapping)
            or not str(item.get("code", "")).strip()
            or not str(item.get("label", "")).strip()
        ):
            raise ValidationError({"questions": _("Each catalogue item needs a code and a label.")})
        code = str(item["code"]).strip()[:40]
        if code in seen:
            raise ValidationError({"questions": _("Catalogue item codes must be unique.")})
        seen.add(code)
        clean_items.append({"code": code, "label": str(item["label"]).strip()[:100]})
    for flag in ("ask_cofunding", "ask_illegal_structures"):
        if not isinstance(questions.get(flag, False), bool):
            raise ValidationError({"questions": _("%(flag)s must be true or false.") % {"flag": flag}})
    return {
        "items": clean_items,
        "ask_cofunding": bool(questions.get("ask_cofunding", False)),
        "ask_illegal_structures": bool(questions.get("ask_illegal_structures", False)),
    }


def answers_clean(*, campaign: Campaign, answers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check a household's further answers against the campaign's questions; anything else is refused."""
    answers = dict(answers or {})
    questions = campaign.questions or {}
    allowed = {"items"}
    if questions.get("ask_cofunding"):
        allowed |= {"cofund", "cofund_amount"}
    if questions.get("ask_illegal_structures"):
        allowed.add("remove_illegal")
    unknown = set(answers) - allowed
    if unknown:
        raise ValidationError(
            {"answers": _("These answers were not asked: %(keys)s") % {"keys": ", ".join(sorted(unknown))}}
        )
    clean: dict[str, Any] = {}
    codes = [item["code"] for item in questions.get("items", [])]
    items = answers.get("items", [])
    if not isinstance(items, list) or any(not isinstance(c, str) or c not in codes for c in items):
        raise ValidationError({"answers": _("Choose items from the campaign's catalogue only.")})
    clean["items"] = [c for c in codes if c in items]
    if "cofund" in answers:
        if not isinstance(answers["cofund"], bool):
            raise ValidationError({"answers": _("Co-funding must be yes or no.")})
        clean["cofund"] = answers["cofund"]
    if answers.get("cofund_amount") not in (None, ""):
        if not clean.get("cofund"):
            raise ValidationError({"answers": _("An amount is given only by households willing to co-fund.")})
        try:
            amount = Decimal(str(answers["cofund_amount"]))
        except InvalidOperation as exc:
            raise ValidationError({"answers": _("The co-funding amount must be a number of yuan.")}) from exc
        if not amount.is_finite() or amount < 0 or amount > MAX_COFUND_AMOUNT:
            raise ValidationError({"answers": _("The co-funding amount must be between 0 and 1,000,000 yuan.")})
        clean["cofund_amount"] = str(amount.quantize(Decimal("0.01")))
    if "remove_illegal" in answers:
        if not isinstance(answers["remove_illegal"], bool):
            raise ValidationError({"answers": _("The answer on illegal structures must be yes or no.")})
        clean["remove_illegal"] = answers["remove_illegal"]
    return clean


# --- campaigns --------------------------------------------------------------------------------------


def _check_rule_configured(campaign: Campaign) -> None:
    if campaign.rule == DecisionRule.CONSENT and SHARE_KEY not in campaign_policy(campaign=campaign):
        raise ValidationError(
            {"rule": _("The consent share is not configured in the policy profile for this estate on the policy date.")}
        )


def _require_visible(actor: Any, obj: Any, message: str) -> None:
    """Refuse to act on an object outside the actor's jurisdiction (one scoped existence query)."""
    if not visible_to(actor, type(obj)._default_manager.filter(pk=obj.pk)).exists():
        raise PermissionDenied(message)


def _check_visible(actor: Any, campaign: Campaign) -> None:
    _require_visible(actor, campaign, _("This campaign is outside your jurisdiction."))


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    estate: Estate,
    title: str,
    matter: str,
    rule: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    scope_type: str = ScopeType.ESTATE,
    building: Building | None = None,
    stairwell: int | None = None,
    questions: Mapping[str, Any] | None = None,
    policy_date: dt.date | None = None,
) -> Campaign:
    """Create a draft campaign over an estate, a building or a stairwell (REFERENCE §2.4: elevators by unit)."""
    require(actor, "consultation.manage_campaign")
    if not visible_to(actor, Estate.objects.filter(pk=estate.pk)).exists():
        raise PermissionDenied(_("This estate is outside your jurisdiction."))
    campaign = Campaign(
        title=title,
        estate=estate,
        scope_type=scope_type,
        building=building,
        stairwell=stairwell,
        matter=matter,
        rule=rule,
        questions=questions_clean(questions),
        opens_at=opens_at,
        closes_at=closes_at,
        policy_date=policy_date or timezone.localdate(opens_at),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    campaign.full_clean()
    _check_rule_configured(campaign)
    campaign.save()
    audit_entry_append(
        action="consultation.campaign_created",
        obj=campaign,
        actor=actor,
        jurisdiction_code=estate.jurisdiction.code,
        payload={"title": title, "matter": matter, "rule": rule, "scope": campaign.scope_label()},
    )
    return campaign


EDITABLE_FIELDS = ("title", "opens_at", "closes_at", "questions", "policy_date", "matter", "rule")


@transaction.atomic
def campaign_update(*, actor: Any, campaign: Campaign, **fields: Any) -> Campaign:
    """Change a draft campaign; once open, the question and the rule are fixed."""
    require(actor, "consultation.manage_campaign")
    _check_visible(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(_("Only a draft campaign can be edited."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(campaign, name, questions_clean(value) if name == "questions" else value)
    campaign.full_clean()
    _check_rule_configured(campaign)
    campaign.save()
    return campaign


@transaction.atomic
def campaign_delete(*, actor: Any, campaign: Campaign) -> None:
    """Delete a draft campaign (nothing has been asked yet)."""
    require(actor, "consultation.manage_campaign")
    _check_visible(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(_("Only a draft campaign can be deleted."))
    audit_entry_append(
        action="consultation.campaign_deleted", obj=campaign, actor=actor, payload={"title": campaign.title}
    )
    campaign.tokens.all().delete()
    campaign.delete()


@transaction.atomic
def campaign_open(*, actor: Any, campaign: Campaign) -> Campaign:
    """Open the campaign: freeze the register of households asked and start the counters at zero."""
    require(actor, "consultation.manage_campaign")
    _check_visible(actor, campaign)
    if campaign.closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("The closing time has already passed.")})
    _check_rule_configured(campaign)
    workflow_transition(workflow=CAMPAIGN_FLOW, obj=campaign, target=CampaignStatus.OPEN, actor=actor)
    snapshot_at = timezone.now()
    heads: dict[str, int] = defaultdict(int)
    total_area = Decimal("0")
    count = 0
    for household in (
        households_in_scope(campaign=campaign)
        .filter(created_at__lte=snapshot_at)
        .only("pk", "area", "owner_key", "developer_held")
    ):
        heads[head_key(household)] += 1
        total_area += household.area
        count += 1
    tally = Tally(
        campaign=campaign,
        snapshot_at=snapshot_at,
        total_households=count,
        total_area=total_area,
        total_heads=len(heads),
    )
    tally.full_clean()
    tally.save()
    TallyOwner.objects.bulk_create(
        [TallyOwner(campaign=campaign, head_key=key, units=units) for key, units in heads.items()], batch_size=1000
    )
    return campaign


@transaction.atomic
def campaign_links_issue(*, actor: Any, campaign: Campaign, building: Building | None = None) -> list[IssuedLink]:
    """Issue (or re-issue) each household's ballot link; earlier links of those households stop working.

    The raw tokens (192 random bits each) are returned once, for the QR sheet; only hashes are stored.
    """
    require(actor, "consultation.issue_links")
    _check_visible(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        raise ValidationError(_("This campaign is closed; nothing can change."))
    households = households_in_scope(campaign=campaign).select_related("building")
    if building is not None:
        households = households.filter(building=building)
    now = timezone.now()
    issued: list[IssuedLink] = []
    rows: list[BallotToken] = []
    for household in households.order_by("building__number", "stairwell", "floor", "room"):
        raw = secrets.token_urlsafe(24)
        code = f"{secrets.randbelow(10**6):06d}"
        issued.append(IssuedLink(household=household, token=raw, short_code=code))
        rows.append(
            BallotToken(
                campaign=campaign,
                household=household,
                token_hash=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
                short_code=code,
                issued_at=now,
                expires_at=campaign.closes_at,
            )
        )
    BallotToken.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["campaign", "household"],
        update_fields=["token_hash", "short_code", "issued_at", "expires_at"],
    )
    audit_entry_append(
        action="consultation.links_issued",
        obj=campaign,
        actor=actor,
        jurisdiction_code=campaign.estate.jurisdiction.code,
        payload={"households": len(issued), "building": building.number if building else None},
    )
    return issued


# --- ballots ----------------------------------------------------------------------------------------


def _ensure_open(campaign: Campaign, now: dt.datetime) -> None:
    if campaign.status in (CampaignStatus.CLOSED, CampaignStatus.DECIDED) or now >= campaign.closes_at:
        raise ValidationError(_("This campaign is closed; nothing can change."), code="closed")
    if campaign.status != CampaignStatus.OPEN or now < campaign.opens_at:
        raise ValidationError(_("This campaign is not open for voting yet."), code="not_open")


def _siblings(campaign: Campaign, household: Household, snapshot_at: dt.datetime | None) -> Any:
    """The units that count as one owner with `household` (they carry one answer together)."""
    scope = households_in_scope_at(campaign=campaign, snapshot_at=snapshot_at)
    if household.developer_held:
        return scope.filter(developer_held=True)
    if household.owner_key:
        return scope.filter(owner_key=household.owner_key, developer_held=False)
    return scope.filter(pk=household.pk)


def _campaign_hold(campaign_id: int) -> None:
    """Hold the campaign open until this transaction ends, without holding back other ballots.

    A ballot takes a KEY SHARE lock on the campaign row and closing takes FOR UPDATE, so a close waits
    for the ballots already under way and a ballot that starts later sees the campaign closed. Ballots
    do not block each other here (SQLite, which has one writer at a time, needs no lock).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {Campaign._meta.db_table} WHERE id = %s FOR KEY SHARE", [campaign_id])  # noqa: S608


def _ballot_write(
    *,
    campaign_id: int,
    household: Household,
    answer: str,
    answers: Mapping[str, Any] | None,
    channel: str,
    actor: Any,
    attachment: File | None = None,
) -> Ballot:
    """Record one owner's answer and count it, in one transaction.

    Locks, in this order: the campaign against closing (shared with other ballots), the owner's row of
    the frozen register (two ballots of one owner run one after the other: the second changes the first),
    then, as the last statements before commit, the audit chain head and the tally counters. Ballots of
    different owners therefore overlap up to those last few statements. An owner of several units (or
    the developer) answers once for all of them (REFERENCE §2.3).
    """
    now = timezone.now()
    _campaign_hold(campaign_id)
    campaign = Campaign.objects.select_related("estate__jurisdiction", "building").get(pk=campaign_id)
    _ensure_open(campaign, now)
    tally = Tally.objects.filter(campaign_id=campaign_id).only("pk", "snapshot_at").first()
    if tally is None:
        raise ValidationError(_("This campaign is not open for voting yet."), code="not_open")
    in_scope = households_in_scope_at(campaign=campaign, snapshot_at=tally.snapshot_at)
    fresh = in_scope.filter(pk=household.pk).first()
    if fresh is None:
        raise ValidationError(_("This household is not among those asked in this campaign."), code="out_of_scope")
    if answer not in Answer.values:
        raise ValidationError({"answer": _("Choose agree, disagree or abstain.")})
    household = fresh
    clean_answers = answers_clean(campaign=campaign, answers=answers)
    key = head_key(household)
    owner_row = TallyOwner.objects.select_for_update().filter(campaign=campaign, head_key=key).first()
    units = list(_siblings(campaign, household, tally.snapshot_at).order_by("pk"))
    if owner_row is None:  # a unit of the frozen register always has its row; this is a safety net
        owner_row = TallyOwner.objects.create(campaign=campaign, head_key=key, units=len(units))
    existing = {
        b.household_id: b for b in Ballot.objects.filter(campaign=campaign, household__in=[u.pk for u in units])
    }
    staff = channel != Channel.ONLINE
    if staff and any(b.channel == Channel.ONLINE for b in existing.values()):
        raise PermissionDenied(_("A ballot the resident cast online cannot be changed by staff."))
    old_head_vote = owner_row.vote()

    counts: dict[str, Any] = defaultdict(int)
    unit_counts: dict[str, int] = defaultdict(int)
    changed = 0
    result: Ballot | None = None
    stored_attachment = ""
    pending: list[PendingEntry] = []
    for unit in sorted(units, key=lambda u: u.pk != household.pk):  # the named household first
        ballot = existing.get(unit.pk)
        previous = ballot.answer if ballot is not None else None
        if ballot is None:
            ballot = Ballot(campaign=campaign, household=unit, cast_at=now, version=1)
        else:
            ballot.version += 1
            ballot.cast_at = now
            changed += 1
        ballot.answer = answer
        ballot.answers = clean_answers
        ballot.channel = channel
        ballot.entered_by = actor if staff and getattr(actor, "pk", None) else None
        if attachment is not None:
            if stored_attachment:
                ballot.attachment.name = stored_attachment
            else:
                ballot.attachment = attachment
        # One ballot per household and campaign: the owner's lock above makes it so (and a unique
        # constraint backs it), so the uniqueness queries of a full clean are skipped.
        ballot.full_clean(validate_unique=False, validate_constraints=False)
        ballot.save()
        if attachment is not None and not stored_attachment:
            stored_attachment = ballot.attachment.name or ""
        if previous != answer:
            if previous is not None:
                counts[f"{previous}_households"] -= 1
                counts[f"{previous}_area"] -= unit.area
                unit_counts[f"{previous}_units"] -= 1
            counts[f"{answer}_households"] += 1
            counts[f"{answer}_area"] += unit.area
            unit_counts[f"{answer}_units"] += 1
        pending.append(
            PendingEntry(
                action="consultation.ballot_cast" if previous is None else "consultation.ballot_changed",
                obj=ballot,
                actor=actor if staff else None,
                jurisdiction_code=campaign.estate.jurisdiction.code,
                payload={
                    "campaign": campaign.pk,
                    "household": unit.pk,
                    "answer": answer,
                    "previous": previous,
                    "channel": channel,
                    "version": ballot.version,
                    "answers": clean_answers,
                    "for_owner_of": household.pk if unit.pk != household.pk else None,
                },
            )
        )
        if unit.pk == household.pk:
            result = ballot
    if result is None:  # the named household is always among its owner's units
        raise RuntimeError("ballot for the named household was not written")
    if old_head_vote != answer:
        if old_head_vote is not None:
            counts[f"{old_head_vote}_heads"] -= 1
        counts[f"{answer}_heads"] += 1
    owner_updates = {name: F(name) + delta for name, delta in unit_counts.items() if delta}
    if owner_updates:
        TallyOwner.objects.filter(pk=owner_row.pk).update(**owner_updates)
    # The shared locks last: the audit chain head, then the campaign's counters (held until commit).
    audit_entries_append(pending)
    updates: dict[str, Any] = {name: F(name) + delta for name, delta in counts.items() if delta}
    if changed:
        updates["changes"] = F("changes") + changed
    Tally.objects.filter(pk=tally.pk).update(updated_at=now, **updates)
    return result


@transaction.atomic
def ballot_cast_online(*, token: BallotToken, answer: str, answers: Mapping[str, Any] | None = None) -> Ballot:
    """A resident casts or changes their own ballot through their link (verified by the caller)."""
    current = BallotToken.objects.filter(pk=token.pk, token_hash=token.token_hash).first()
    if current is None:
        raise TokenInvalid
    if current.expires_at <= timezone.now():
        raise TokenExpired
    return _ballot_write(
        campaign_id=current.campaign_id,
        household=current.household,
        answer=answer,
        answers=answers,
        channel=Channel.ONLINE,
        actor=None,
    )


@transaction.atomic
def ballot_enter(
    *,
    actor: Any,
    campaign: Campaign,
    household: Household,
    answer: str,
    channel: str = Channel.PAPER,
    answers: Mapping[str, Any] | None = None,
    attachment: File | None = None,
) -> Ballot:
    """Staff enter a paper ballot (with its scanned form) or a vote recorded at an owners' meeting."""
    require(actor, "consultation.enter_ballot")
    _check_visible(actor, campaign)
    if channel not in (Channel.PAPER, Channel.MEETING):
        raise ValidationError({"channel": _("Staff enter paper ballots or meeting votes only.")})
    if channel == Channel.PAPER and not attachment:
        raise ValidationError({"attachment": _("Attach the scanned paper ballot.")})
    return _ballot_write(
        campaign_id=campaign.pk,
        household=household,
        answer=answer,
        answers=answers,
        channel=channel,
        actor=actor,
        attachment=attachment,
    )


class PaperBallotsInvalid(ValidationError):
    """A batch of paper ballots that cannot be recorded; `problems` lists each by its row."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__([p["message"] for p in problems])
        self.problems = problems


@dataclass(frozen=True)
class PaperBallot:
    """One paper ballot of a batch: the household it was collected from and its answer; `row` locates it."""

    household_id: int
    answer: str
    row: int = 0


@transaction.atomic
def paper_ballots_import(
    *, actor: Any, campaign: Campaign, ballots: Sequence[PaperBallot], scan: File | None = None
) -> int:
    """Record a batch of paper ballots collected door to door, all or nothing; returns the ballots written.

    Each answer stands for its owner: every unit of that owner in the campaign's scope gets it (REFERENCE
    §2.3), as when one ballot is entered. Refused, with every problem by row: a household outside the scope,
    an unknown answer, one owner answering twice differently, an owner who has already voted (changes go
    through single entry, where the audit log keeps each version). Written in bulk: the scan stored once,
    the ballots (COPY on PostgreSQL), one audit entry for the batch naming every ballot, and the tally and
    per-owner counters moved by their summed deltas. The fields are checked above, so the per-row
    `full_clean` of single entry is not repeated here.
    """
    require(actor, "consultation.enter_ballot")
    _check_visible(actor, campaign)
    now = timezone.now()
    _campaign_hold(campaign.pk)
    campaign = Campaign.objects.select_related("estate__jurisdiction").get(pk=campaign.pk)
    _ensure_open(campaign, now)
    tally = Tally.objects.filter(campaign=campaign).only("pk", "snapshot_at").first()
    if tally is None:
        raise ValidationError(_("This campaign is not open for voting yet."), code="not_open")
    scope = households_in_scope_at(campaign=campaign, snapshot_at=tally.snapshot_at)
    fields = ("pk", "area", "owner_key", "developer_held")
    found = {h.pk: h for h in scope.filter(pk__in={b.household_id for b in ballots}).only(*fields)}
    problems: list[dict[str, Any]] = []
    answer_of: dict[str, tuple[str, int]] = {}  # owner → (answer, first row)
    for paper in ballots:
        household = found.get(paper.household_id)
        if household is None:
            message = _("This household is not among those asked in this campaign.")
        elif paper.answer not in Answer.values:
            message = _("Choose agree, disagree or abstain.")
        else:
            first = answer_of.setdefault(head_key(household), (paper.answer, paper.row))
            if first[0] == paper.answer:
                continue
            message = _("The same owner answered differently in row %(row)s.") % {"row": first[1]}
        problems.append({"row": paper.row, "message": message})
    voted = set(
        TallyOwner.objects.filter(campaign=campaign, head_key__in=list(answer_of))
        .exclude(yes_units=0, no_units=0, abstain_units=0)
        .values_list("head_key", flat=True)
    )
    problems += [
        {"row": row, "message": _("This owner has already voted; change a ballot one at a time.")}
        for head, (_answer, row) in answer_of.items()
        if head in voted
    ]
    if problems:
        raise PaperBallotsInvalid(sorted(problems, key=lambda p: p["row"]))
    # Every unit of each owner answered (the developer's unsold units count as one owner).
    keys = [h.owner_key for h in found.values() if h.owner_key and not h.developer_held]
    units = {h.pk: h for h in scope.filter(owner_key__in=keys, developer_held=False).only(*fields)}
    if any(h.developer_held for h in found.values()):
        units.update({h.pk: h for h in scope.filter(developer_held=True).only(*fields)})
    units.update(found)
    stored = ""
    if scan is not None:  # one scanned file for the whole batch
        holder = Ballot(campaign=campaign)
        holder.attachment.save(scan.name or "scan", scan, save=False)
        stored = holder.attachment.name or ""
    counts: dict[str, Any] = defaultdict(int)
    units_of: dict[str, int] = defaultdict(int)
    rows: list[tuple[Any, ...]] = []
    for unit in sorted(units.values(), key=lambda u: u.pk):
        head = head_key(unit)
        answer = answer_of[head][0]
        units_of[head] += 1
        counts[f"{answer}_households"] += 1
        counts[f"{answer}_area"] += unit.area
        rows.append((campaign.pk, unit.pk, answer, Channel.PAPER, stored, now, 1, actor.pk, now, now))
    _ballots_insert(rows)
    per_owner: dict[tuple[str, int], list[str]] = defaultdict(list)  # (answer, units) → owners
    for head, (answer, _row) in answer_of.items():
        counts[f"{answer}_heads"] += 1
        per_owner[(answer, units_of[head])].append(head)
    for (answer, n), heads in per_owner.items():
        TallyOwner.objects.filter(campaign=campaign, head_key__in=heads).update(
            **{f"{answer}_units": F(f"{answer}_units") + n}
        )
    # One entry for the batch (one scanned file), naming every ballot it recorded.
    audit_entry_append(
        action="consultation.paper_ballots_imported",
        obj=campaign,
        actor=actor,
        jurisdiction_code=campaign.estate.jurisdiction.code,
        payload={
            "campaign": campaign.pk,
            "channel": Channel.PAPER,
            "scan": stored,
            "ballots": [[row[1], row[2]] for row in rows],
        },
    )
    Tally.objects.filter(pk=tally.pk).update(updated_at=now, **{k: F(k) + v for k, v in counts.items()})
    return len(rows)


BALLOT_BULK_COLUMNS = (
    "campaign_id",
    "household_id",
    "answer",
    "channel",
    "attachment",
    "cast_at",
    "version",
    "entered_by_id",
    "created_at",
    "updated_at",
)


def _ballots_insert(rows: list[tuple[Any, ...]]) -> None:
    """New ballots in bulk: COPY on PostgreSQL (no parameter binding), bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as wrapper:
            copy_rows(wrapper.cursor, Ballot, BALLOT_BULK_COLUMNS, rows)
        return
    Ballot.objects.bulk_create(
        [Ballot(**dict(zip(BALLOT_BULK_COLUMNS, row, strict=True))) for row in rows], batch_size=2000
    )


def token_failure_record(*, client: str, reason: str) -> int:
    """Count a failed link or verification attempt from `client`; log it, and audit it below the limit."""
    key = failure_key(client)
    cache.add(key, 0, timeout=TOKEN_FAILURE_WINDOW_S)
    try:
        failures = int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, timeout=TOKEN_FAILURE_WINDOW_S)
        failures = 1
    client_hash = hashlib.sha256(client.encode()).hexdigest()[:16]
    logger.warning("ballot link failure: %s (client %s, %d in window)", reason, client_hash, failures)
    if failures <= TOKEN_FAILURE_LIMIT:
        audit_entry_append(
            action="consultation.token_failed", payload={"reason": reason, "client": client_hash, "failures": failures}
        )
    return failures


# --- closing and deciding ---------------------------------------------------------------------------


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign) -> Campaign:
    """Close the campaign: from now on no ballot can be cast or changed."""
    require(actor, "consultation.manage_campaign")
    _check_visible(actor, campaign)
    # Waits for the ballots under way (they hold the campaign row in KEY SHARE mode); later ones see it closed.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    workflow_transition(workflow=CAMPAIGN_FLOW, obj=campaign, target=CampaignStatus.CLOSED, actor=actor)
    return campaign


def _decision_for(campaign: Campaign, tally: Tally) -> dict[str, Any]:
    policy = campaign_policy(campaign=campaign)
    try:
        if campaign.rule == DecisionRule.CONSENT:
            decision = consent_decide(tally.yes_households, tally.total_households, policy)
        else:
            votes = dict(Ballot.objects.filter(campaign=campaign).values_list("household_id", "answer"))
            owners = [
                (head_key(h), h.area, votes.get(h.pk), h.developer_held)
                for h in households_in_scope(campaign=campaign).only("pk", "area", "owner_key", "developer_held")
            ]
            decision = art278_decide(ART278_MATTER[campaign.matter], owners, policy)
            figures = decision.figures
            expected = (tally.voted_area, tally.voted_heads, tally.yes_area, tally.yes_heads)
            found = (
                figures["participating_area"],
                figures["participating_heads"],
                figures["yes_area"],
                figures["yes_heads"],
            )
            if expected != found:
                raise ValidationError(_("The live tally does not match a recount of the ballots; nothing was decided."))
    except (RuleInputError, ParameterError) as exc:
        raise ValidationError(_("The rule could not decide: %(error)s") % {"error": exc}) from exc
    data = decision.as_dict()
    data["ballot_digest"] = ballot_list_digest(campaign=campaign)
    data["ballots"] = Ballot.objects.filter(campaign=campaign).count()
    data["tally"] = {k: str(v) for k, v in tally_counters(tally=tally).items()}
    data["policy_date"] = campaign.policy_date.isoformat()
    data["jurisdiction"] = policy.jurisdiction_code
    return data


@transaction.atomic
def campaign_decide(*, actor: Any, campaign: Campaign) -> Campaign:
    """Decide a closed campaign with its rule, store the decision with its reasons, and audit it."""
    require(actor, "consultation.manage_campaign")
    _check_visible(actor, campaign)
    tally = Tally.objects.select_for_update().get(campaign=campaign)
    campaign = Campaign.objects.select_for_update().select_related("estate__jurisdiction").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.CLOSED:
        raise ValidationError(_("Only a closed campaign can be decided."))
    problems = CAMPAIGN_FLOW.blockers(campaign, CampaignStatus.DECIDED, actor)
    if problems:
        raise PermissionDenied(problems[0])
    campaign.decision = _decision_for(campaign, tally)
    campaign.decided_at = timezone.now()
    campaign.full_clean()
    campaign.save(update_fields=["decision", "decided_at", "updated_at"])
    workflow_transition(workflow=CAMPAIGN_FLOW, obj=campaign, target=CampaignStatus.DECIDED, actor=actor)
    audit_entry_append(
        action="consultation.decided",
        obj=campaign,
        actor=actor,
        jurisdiction_code=campaign.estate.jurisdiction.code,
        payload={
            "rule": campaign.rule,
            "outcome": campaign.decision["outcome"],
            "reasons": [r["message"] for r in campaign.decision["reasons"]],
            "ballot_digest": campaign.decision["ballot_digest"],
        },
    )
    return campaign


@transaction.atomic
def campaign_close_and_decide(*, actor: Any, campaign: Campaign) -> Campaign:
    """The one button street staff press: close an open campaign and decide it."""
    if campaign.status == CampaignStatus.OPEN:
        campaign_close(actor=actor, campaign=campaign)
    return campaign_decide(actor=actor, campaign=campaign)


# --- rate limit on public forms ---------------------------------------------------------------------


def public_post_record(*, client: str, scope: str) -> int:
    """Count one post from `client` to a public form of kind `scope` (cache counter; no database write)."""
    key = public_post_key(client=client, scope=scope)
    cache.add(key, 0, timeout=PUBLIC_POST_WINDOW_S)
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, timeout=PUBLIC_POST_WINDOW_S)
        return 1


def _client_hash(client: str) -> str:
    return client_hash(client) if client else ""


def _clean_text(text: str, *, field: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: _("Please write something.")})
    if len(text) > limit:
        raise ValidationError({field: _("Please keep it under %(limit)d characters.") % {"limit": limit}})
    return text


# --- public notices (公示) ---------------------------------------------------------------------------


def _check_jurisdiction(actor: Any, jurisdiction: Jurisdiction) -> None:
    _require_visible(actor, jurisdiction, _("This jurisdiction is outside yours."))


def _check_notice_visible(actor: Any, notice: Notice) -> None:
    _require_visible(actor, notice, _("This notice is outside your jurisdiction."))


@transaction.atomic
def notice_create(
    *,
    actor: Any,
    jurisdiction: Jurisdiction,
    title: str,
    content: str,
    subject: str,
    subject_label: str,
    estate: Estate | None = None,
    subject_object: models.Model | None = None,
    issuer: str = "",
    window_days: int | None = None,
    day_count: str = DayCount.CALENDAR,
) -> Notice:
    """Draft a public notice on any object; the window comes from the policy profile unless given.

    Policy `consultation.notice_days` (seed digest §3: the plan is posted publicly in the estate). Where the
    profile has no value, staff must give the number of days; where it has one, a shorter window is refused.
    """
    require(actor, "consultation.manage_notice")
    _check_jurisdiction(actor, jurisdiction)
    if estate is not None and not visible_to(actor, Estate.objects.filter(pk=estate.pk)).exists():
        raise PermissionDenied(_("This estate is outside your jurisdiction."))
    policy_days, policy_source = notice_days_policy(jurisdiction=jurisdiction)
    if window_days is None:
        if policy_days is None:
            raise ValidationError(
                {
                    "window_days": _(
                        "The notice window (consultation.notice_days) is not configured in the policy profile "
                        "for this jurisdiction; give the number of days."
                    )
                }
            )
        window_days, source = policy_days, policy_source
    else:
        if policy_days is not None and window_days < policy_days:
            raise ValidationError(
                {
                    "window_days": _("The policy profile requires a window of at least %(days)d days (%(source)s).")
                    % {"days": policy_days, "source": policy_source}
                }
            )
        source = _("Entered by staff") + (f"; {policy_source}" if policy_source else "")
    if day_count not in DayCount.values:
        raise ValidationError({"day_count": _("Choose calendar days or working days.")})
    notice = Notice(
        jurisdiction=jurisdiction,
        estate=estate,
        subject=subject,
        subject_label=subject_label,
        title=title,
        content=content,
        issuer=issuer,
        window_days=window_days,
        day_count=day_count,
        days_source=source[:300],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if subject_object is not None:
        notice.content_type = ContentType.objects.get_for_model(type(subject_object))
        notice.object_id = str(subject_object.pk)
    notice.full_clean()
    notice.save()
    return notice


@transaction.atomic
def notice_attachment_add(*, actor: Any, notice: Notice, title: str, file: File) -> NoticeAttachment:
    """Attach a file to a notice that is not yet published (what was posted must not change afterwards)."""
    require(actor, "consultation.manage_notice")
    _check_notice_visible(actor, notice)
    if notice.status != NoticeStatus.DRAFT:
        raise ValidationError(_("Attachments can be added only before the notice is published."))
    attachment = NoticeAttachment(notice=notice, title=title, file=file)
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def notice_publish(*, actor: Any, notice: Notice, now: dt.datetime | None = None) -> Notice:
    """Publish the notice: the window starts now and closes at 24:00 of its last day (audited)."""
    require(actor, "consultation.manage_notice")
    _check_notice_visible(actor, notice)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.DRAFT:
        raise ValidationError(_("Only a draft notice can be published."))
    now = now or timezone.now()
    notice.published_at = now
    notice.closes_at = window_closes_at(start=now, days=notice.window_days, day_count=notice.day_count)
    notice.status = NoticeStatus.PUBLISHED
    notice.full_clean()
    notice.save()
    audit_entry_append(
        action="consultation.notice_published",
        obj=notice,
        actor=actor,
        jurisdiction_code=notice.jurisdiction.code,
        payload={
            "title": notice.title,
            "subject": notice.subject,
            "subject_label": notice.subject_label,
            "window_days": notice.window_days,
            "day_count": notice.day_count,
            "closes_at": notice.closes_at.isoformat(),
            "days_source": notice.days_source,
        },
    )
    return notice


@transaction.atomic
def notice_comment_submit(
    *,
    notice: Notice,
    kind: str,
    text: str,
    channel: str = CommentChannel.ONLINE,
    name: str = "",
    contact: str = "",
    client: str = "",
    actor: Any = None,
    now: dt.datetime | None = None,
) -> NoticeComment:
    """A comment or objection on a notice, online (no account) or entered by staff; only within the window.

    Objections are audited: each must be answered before the next step (see `selectors.notice_gate`).
    """
    if actor is not None:
        require(actor, "consultation.respond_notice")
        _check_notice_visible(actor, notice)
    elif channel != CommentChannel.ONLINE:
        raise ValidationError({"channel": _("Only staff record letters, e-mails and visits.")})
    now = now or timezone.now()
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    state = notice_window_state(notice=notice, now=now)
    if state != "open" or (notice.published_at and now < notice.published_at):
        raise ValidationError(_("This notice is not open for comments."), code="closed")
    if kind not in CommentKind.values:
        raise ValidationError({"kind": _("Choose comment or objection.")})
    comment = NoticeComment(
        notice=notice,
        kind=kind,
        text=_clean_text(text, field="text", limit=2000),
        channel=channel,
        name=(name or "").strip()[:50],
        contact=(contact or "").strip()[:50],
        submitted_at=now,
        client_hash=_client_hash(client),
        entered_by=actor if getattr(actor, "pk", None) else None,
    )
    if kind == CommentKind.OBJECTION and not comment.name and not comment.contact and actor is None:
        raise ValidationError(
            {"contact": _("An objection needs a name or a way to reach you, so that it can be answered.")}
        )
    comment.full_clean()
    comment.save()
    if kind == CommentKind.OBJECTION:
        audit_entry_append(
            action="consultation.notice_objection",
            obj=comment,
            actor=actor,
            jurisdiction_code=notice.jurisdiction.code,
            payload={"notice": notice.pk, "channel": channel, "text_sha256": hashlib.sha256(text.encode()).hexdigest()},
        )
    return comment


@transaction.atomic
def notice_comment_respond(*, actor: Any, comment: NoticeComment, response: str) -> NoticeComment:
    """Record the response to a comment or objection (audited for objections); a response can be revised."""
    require(actor, "consultation.respond_notice")
    comment = NoticeComment.objects.select_for_update().select_related("notice__jurisdiction").get(pk=comment.pk)
    _check_notice_visible(actor, comment.notice)
    previous = comment.response
    comment.response = _clean_text(response, field="response", limit=5000)
    comment.responded_at = timezone.now()
    comment.responded_by = actor if getattr(actor, "pk", None) else None
    comment.full_clean()
    comment.save()
    if comment.kind == CommentKind.OBJECTION:
        audit_entry_append(
            action="consultation.notice_objection_answered",
            obj=comment,
            actor=actor,
            jurisdiction_code=comment.notice.jurisdiction.code,
            payload={"notice": comment.notice_id, "response": comment.response, "previous": previous},
        )
    return comment


@transaction.atomic
def notice_withdraw(*, actor: Any, notice: Notice, reason: str) -> Notice:
    """Withdraw a notice (e.g. posted with an error); it leaves the public pages and stops gating (audited)."""
    require(actor, "consultation.manage_notice")
    _check_notice_visible(actor, notice)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status == NoticeStatus.WITHDRAWN:
        raise ValidationError(_("The notice is already withdrawn."))
    reason = _clean_text(reason, field="reason", limit=500)
    notice.status = NoticeStatus.WITHDRAWN
    notice.full_clean()
    notice.save()
    audit_entry_append(
        action="consultation.notice_withdrawn",
        obj=notice,
        actor=actor,
        jurisdiction_code=notice.jurisdiction.code,
        payload={"reason": reason},
    )
    return notice


# --- drafts put to public comment (Guyuan, seeds/003_54d0b71b4a1e2a82.txt) ---------------------------------


def _check_draft_visible(actor: Any, draft: DraftDocument) -> None:
    _require_visible(actor, draft, _("This draft is outside your jurisdiction."))


@transaction.atomic
def draft_create(
    *,
    actor: Any,
    jurisdiction: Jurisdiction,
    title: str,
    issuer: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime | None = None,
    window_days: int | None = None,
    day_count: str = DayCount.CALENDAR,
    introduction: str = "",
    sections: list[tuple[str, str]] | None = None,
    email: str = "",
    email_subject: str = "",
    postal_address: str = "",
    postal_code: str = "",
    letter_note: str = "",
    contact_phone: str = "",
) -> DraftDocument:
    """Prepare a draft for public comment with its sections, window and channels.

    Guyuan's call (seed 003) fixes the window by dates (2022-01-28 to 2022-02-16) and names an e-mail
    address with a required subject line and a postal address with what letters must be marked; give
    `closes_at`, or `window_days` counted in calendar or working days from the opening day.
    """
    require(actor, "consultation.manage_draft")
    _check_jurisdiction(actor, jurisdiction)
    if closes_at is None:
        if not window_days or window_days < 1:
            raise ValidationError({"closes_at": _("Give the closing time or the number of days.")})
        closes_at = window_closes_at(start=opens_at, days=window_days, day_count=day_count)
    draft = DraftDocument(
        jurisdiction=jurisdiction,
        title=title,
        issuer=issuer,
        introduction=introduction,
        opens_at=opens_at,
        closes_at=closes_at,
        email=email,
        email_subject=email_subject,
        postal_address=postal_address,
        postal_code=postal_code,
        letter_note=letter_note,
        contact_phone=contact_phone,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    draft.full_clean()
    draft.save()
    for number, (heading, body) in enumerate(sections or [], start=1):
        section = DraftSection(draft=draft, number=number, heading=heading.strip()[:200], body=body)
        section.full_clean()
        section.save()
    return draft


@transaction.atomic
def draft_open(*, actor: Any, draft: DraftDocument) -> DraftDocument:
    """Publish the draft: it appears on its public page and takes comments within its window (audited)."""
    require(actor, "consultation.manage_draft")
    _check_draft_visible(actor, draft)
    draft = DraftDocument.objects.select_for_update().select_related("jurisdiction").get(pk=draft.pk)
    if draft.status != DraftStatus.DRAFT:
        raise ValidationError(_("This draft is already published."))
    if draft.closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("The closing time has already passed.")})
    if not draft.sections.exists():
        raise ValidationError(_("Add the draft's sections first."))
    draft.status = DraftStatus.OPEN
    draft.full_clean()
    draft.save()
    audit_entry_append(
        action="consultation.draft_opened",
        obj=draft,
        actor=actor,
        jurisdiction_code=draft.jurisdiction.code,
        payload={
            "title": draft.title,
            "opens_at": draft.opens_at.isoformat(),
            "closes_at": draft.closes_at.isoformat(),
        },
    )
    return draft


@transaction.atomic
def draft_comment_submit(
    *,
    draft: DraftDocument,
    text: str,
    section: DraftSection | None = None,
    channel: str = CommentChannel.ONLINE,
    name: str = "",
    contact: str = "",
    client: str = "",
    actor: Any = None,
    received_at: dt.datetime | None = None,
) -> DraftComment:
    """A comment on a draft, on the whole or on one section, within the window.

    Online comments come through the public page; staff enter e-mails and letters with the time they
    were received (a letter posted in time may arrive after the close; staff give its receipt time).
    """
    if actor is not None:
        require(actor, "consultation.manage_draft")
        _check_draft_visible(actor, draft)
    elif channel != CommentChannel.ONLINE:
        raise ValidationError({"channel": _("Only staff record letters, e-mails and visits.")})
    now = received_at if (actor is not None and received_at is not None) else timezone.now()
    draft = DraftDocument.objects.select_for_update().get(pk=draft.pk)
    if draft.status != DraftStatus.OPEN or not draft.opens_at <= now < draft.closes_at:
        raise ValidationError(_("This draft is not open for comments."), code="closed")
    comment = DraftComment(
        draft=draft,
        section=section,
        text=_clean_text(text, field="text", limit=5000),
        channel=channel,
        name=(name or "").strip()[:50],
        contact=(contact or "").strip()[:50],
        submitted_at=now,
        client_hash=_client_hash(client),
        entered_by=actor if getattr(actor, "pk", None) else None,
    )
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def draft_comment_respond(*, actor: Any, comment: DraftComment, adoption: str, response: str = "") -> DraftComment:
    """Record what became of a comment (adopted, partly, not adopted, noted) and the reply."""
    require(actor, "consultation.manage_draft")
    comment = DraftComment.objects.select_for_update().select_related("draft").get(pk=comment.pk)
    _check_draft_visible(actor, comment.draft)
    if comment.draft.status == DraftStatus.SUMMARISED:
        raise ValidationError(_("The summary of responses is published; responses are final."))
    if adoption not in Adoption.values or adoption == Adoption.PENDING:
        raise ValidationError({"adoption": _("Choose what became of the comment.")})
    if adoption in (Adoption.NOT_ADOPTED, Adoption.PARTLY) and not (response or "").strip():
        raise ValidationError({"response": _("Give the reason when a comment is not (fully) adopted.")})
    comment.adoption = adoption
    comment.response = (response or "").strip()[:5000]
    comment.responded_at = timezone.now()
    comment.responded_by = actor if getattr(actor, "pk", None) else None
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def draft_summary_publish(*, actor: Any, draft: DraftDocument, summary: str) -> DraftDocument:
    """Publish the summary of responses once the window has closed and every comment has a response (audited)."""
    require(actor, "consultation.manage_draft")
    _check_draft_visible(actor, draft)
    draft = DraftDocument.objects.select_for_update().select_related("jurisdiction").get(pk=draft.pk)
    state = draft_window_state(draft=draft)
    if state != "closed":
        raise ValidationError(_("The summary is published after the comment period closes."))
    pending = DraftComment.objects.filter(draft=draft, adoption=Adoption.PENDING).count()
    if pending:
        raise ValidationError(
            _("%(count)d comment(s) have not been considered yet.") % {"count": pending}, code="pending"
        )
    draft.summary = _clean_text(summary, field="summary", limit=20000)
    draft.summary_figures = draft_summary_figures(draft=draft)
    draft.summary_published_at = timezone.now()
    draft.status = DraftStatus.SUMMARISED
    draft.full_clean()
    draft.save()
    audit_entry_append(
        action="consultation.draft_summary_published",
        obj=draft,
        actor=actor,
        jurisdiction_code=draft.jurisdiction.code,
        payload={
            "figures": draft.summary_figures,
            "summary_sha256": hashlib.sha256(draft.summary.encode()).hexdigest(),
        },
    )
    return draft


# --- opinions --------------------------------------------------------------------------------------


def _classified(text: str) -> tuple[list[str], dict[str, list[str]]]:
    matches = opinion_classify(text, keyword_dictionary())
    return [m.item for m in matches], {m.item: list(m.keywords) for m in matches}


@transaction.atomic
def opinion_submit(
    *,
    estate: Estate,
    text: str,
    channel: str,
    actor: Any = None,
    building: Building | None = None,
    heard_on: dt.date | None = None,
    client: str = "",
) -> Opinion:
    """Record a resident's opinion — from the phone page (no account) or entered by staff from a meeting,
    a WeChat group or a visit — and classify it into catalogue items with the keyword dictionary."""
    if actor is not None:
        require(actor, "consultation.enter_opinion")
        if not visible_to(actor, Estate.objects.filter(pk=estate.pk)).exists():
            raise PermissionDenied(_("This estate is outside your jurisdiction."))
    elif channel != OpinionChannel.PHONE:
        raise ValidationError({"channel": _("Only staff record opinions heard elsewhere.")})
    text = _clean_text(text, field="text", limit=2000)
    items, matches = _classified(text)
    opinion = Opinion(
        estate=estate,
        building=building,
        channel=channel,
        text=text,
        heard_on=heard_on or timezone.localdate(),
        items=items,
        matches=matches,
        client_hash=_client_hash(client),
        entered_by=actor if getattr(actor, "pk", None) else None,
    )
    opinion.full_clean()
    opinion.save()
    return opinion


@transaction.atomic
def opinion_items_set(*, actor: Any, opinion: Opinion, items: list[str]) -> Opinion:
    """Staff correct an opinion's items by hand; reclassifying no longer changes it."""
    require(actor, "consultation.enter_opinion")
    if not visible_to(actor, Opinion.objects.filter(pk=opinion.pk)).exists():
        raise PermissionDenied(_("This opinion is outside your jurisdiction."))
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    opinion.items = list(dict.fromkeys(items))
    opinion.items_set_by_staff = True
    opinion.full_clean()
    opinion.save()
    return opinion


@transaction.atomic
def opinion_keyword_add(*, actor: Any, keyword: str, item: str) -> OpinionKeyword:
    """Add a word to the keyword dictionary (e.g. a local phrase residents use for an item)."""
    require(actor, "consultation.manage_keywords")
    keyword = (keyword or "").strip()
    if not keyword or len(keyword) > 20 or any(ch.isspace() for ch in keyword):
        raise ValidationError({"keyword": _("A keyword is one word of at most 20 characters.")})
    if OpinionKeyword.objects.filter(keyword=keyword).exists():
        raise ValidationError({"keyword": _("This keyword is already in the dictionary.")})
    row = OpinionKeyword(keyword=keyword, item=item, created_by=actor if getattr(actor, "pk", None) else None)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def opinion_keyword_delete(*, actor: Any, keyword: OpinionKeyword) -> None:
    require(actor, "consultation.manage_keywords")
    keyword.delete()


@transaction.atomic
def opinions_reclassify(*, actor: Any, estate: Estate | None = None) -> int:
    """Classify the visible opinions again with the current dictionary (not those corrected by hand).

    Returns how many opinions changed.
    """
    require(actor, "consultation.manage_keywords")
    qs = visible_to(actor, Opinion.objects.filter(items_set_by_staff=False))
    if estate is not None:
        qs = qs.filter(estate=estate)
    dictionary = keyword_dictionary()
    changed: list[Opinion] = []
    for opinion in qs.only("pk", "text", "items", "matches").iterator(chunk_size=2000):
        found = opinion_classify(opinion.text, dictionary)
        items = [m.item for m in found]
        matches = {m.item: list(m.keywords) for m in found}
        if items != opinion.items or matches != opinion.matches:
            opinion.items, opinion.matches = items, matches
            changed.append(opinion)
    Opinion.objects.bulk_update(changed, ["items", "matches"], batch_size=1000)
    return len(changed)
