"""Reads for resident consultation: scoped campaign lists, scope households, the tally, progress, digests;
public notices and their gate; drafts for public comment and their summary; opinions and the demand summary.

Every staff query starts from `visible_to(user, ...)`. Reading the tally reads the counters kept by the
services (one row), never the ballots; `tally_recount` scans ballots only to check those counters.
Public pages (no login) read through the `*_public_get` selectors, which find published objects only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import chinese_calendar
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Case, CharField, Count, Exists, F, Model, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.core.text import mask_name
from jiugai.inventory.choices import ConditionItem
from jiugai.inventory.models import Estate, Household
from jiugai.policy.selectors import effective_policy
from jiugai.rules.policy import Policy

from .choices import Adoption, CommentKind, DayCount, DraftStatus, NoticeStatus, ScopeType, Verification
from .models import (
    Ballot,
    BallotToken,
    Campaign,
    DraftComment,
    DraftDocument,
    Notice,
    NoticeComment,
    Opinion,
    OpinionKeyword,
    Tally,
    TallyOwner,
)

logger = logging.getLogger("jiugai.consultation")

NOTICE_DAYS_KEY = "consultation.notice_days"

# Brute-forcing ballot links: this many failures from one client within the window answers 429.
TOKEN_FAILURE_LIMIT = 20
TOKEN_FAILURE_WINDOW_S = 600


def campaign_list(*, user: Any) -> QuerySet[Campaign]:
    return visible_to(user, Campaign.objects.select_related("estate", "building", "tally"))


def campaign_get(*, user: Any, pk: Any) -> Campaign:
    return get_visible_or_404(user, Campaign.objects.select_related("estate__jurisdiction", "building"), pk=pk)


def campaign_policy(*, campaign: Campaign) -> Policy:
    """The policy in force for the estate's jurisdiction on the campaign's policy date."""
    return effective_policy(jurisdiction=campaign.estate.jurisdiction, on=campaign.policy_date)


def households_in_scope(*, campaign: Campaign) -> QuerySet[Household]:
    """The households asked: those of the scope in the register when the campaign opened (or now, in draft)."""
    tally = Tally.objects.filter(campaign=campaign).only("snapshot_at").first()
    return households_in_scope_at(campaign=campaign, snapshot_at=tally.snapshot_at if tally is not None else None)


def households_in_scope_at(*, campaign: Campaign, snapshot_at: dt.datetime | None) -> QuerySet[Household]:
    """`households_in_scope` for a caller that has already read the register's snapshot time."""
    qs = Household.objects.filter(building__estate_id=campaign.estate_id)
    if campaign.scope_type != ScopeType.ESTATE:
        qs = qs.filter(building_id=campaign.building_id or 0)
    if campaign.scope_type == ScopeType.STAIRWELL:
        qs = qs.filter(stairwell=campaign.stairwell or 0)
    if snapshot_at is not None:
        qs = qs.filter(created_at__lte=snapshot_at)
    return qs


def head_key(household: Household) -> str:
    """Whose head the unit counts towards (SPC interpretation, REFERENCE §2.3).

    The developer's unsold units count together as one; an owner of several units counts once; a unit
    with no recorded owner identity counts as its own owner.
    """
    if household.developer_held:
        return "developer"
    if household.owner_key:
        return f"owner:{household.owner_key}"
    return f"unit:{household.pk}"


def tally_get(*, campaign: Campaign) -> Tally | None:
    return Tally.objects.filter(campaign=campaign).first()


def _pct(num: Any, den: Any) -> str:
    if not den:
        return "—"
    share = Fraction(Decimal(num)) / Fraction(Decimal(den))
    return f"{float(share) * 100:.1f}%"


def tally_summary(*, tally: Tally) -> dict[str, Any]:
    """The counters and their shares for display and the API (exact figures stay in the counters)."""
    return {
        "total_households": tally.total_households,
        "total_area": str(tally.total_area),
        "total_heads": tally.total_heads,
        "voted_households": tally.voted_households,
        "voted_area": str(tally.voted_area),
        "voted_heads": tally.voted_heads,
        "yes_households": tally.yes_households,
        "no_households": tally.no_households,
        "abstain_households": tally.abstain_households,
        "not_voted_households": tally.total_households - tally.voted_households,
        "yes_area": str(tally.yes_area),
        "no_area": str(tally.no_area),
        "abstain_area": str(tally.abstain_area),
        "yes_heads": tally.yes_heads,
        "no_heads": tally.no_heads,
        "abstain_heads": tally.abstain_heads,
        "changes": tally.changes,
        "turnout_households": _pct(tally.voted_households, tally.total_households),
        "turnout_area": _pct(tally.voted_area, tally.total_area),
        "yes_of_all_households": _pct(tally.yes_households, tally.total_households),
        "yes_of_voted_area": _pct(tally.yes_area, tally.voted_area),
        "yes_of_voted_heads": _pct(tally.yes_heads, tally.voted_heads),
        "updated_at": tally.updated_at.isoformat(),
    }


def head_key_expression(prefix: str = "") -> Any:
    """`head_key` as a database expression over a household (`prefix` is the lookup path to it, e.g.
    "household__"), so recounts group in SQL instead of loading every ballot."""
    return Case(
        When(**{f"{prefix}developer_held": True}, then=Value("developer")),
        When(~Q(**{f"{prefix}owner_key": ""}), then=Concat(Value("owner:"), F(f"{prefix}owner_key"))),
        default=Concat(Value("unit:"), Cast(f"{prefix}id", CharField())),
        output_field=CharField(),
    )


def tally_recounts(*, campaigns: Iterable[Campaign]) -> dict[int, dict[str, Any]]:
    """Count the ballots of many campaigns afresh in one grouped query (a check on the live counters; the pages
    never call this): campaign id → the counters a `Tally` holds."""
    ids = [c.pk for c in campaigns]
    result: dict[int, dict[str, Any]] = {
        pk: {
            f"{answer}_{what}": (Decimal("0") if what == "area" else 0)
            for answer in ("yes", "no", "abstain")
            for what in ("households", "area", "heads")
        }
        for pk in ids
    }
    rows = (
        Ballot.objects.filter(campaign_id__in=ids)
        .annotate(head=head_key_expression("household__"))
        .order_by()
        .values("campaign_id", "answer")
        .annotate(n=Count("id"), area=Sum("household__area"), heads=Count("head", distinct=True))
    )
    for row in rows:
        counts = result[row["campaign_id"]]
        counts[f"{row['answer']}_households"] = row["n"]
        counts[f"{row['answer']}_area"] = row["area"] or Decimal("0")
        counts[f"{row['answer']}_heads"] = row["heads"]
    return result


def tally_recount(*, campaign: Campaign) -> dict[str, Any]:
    """Count one campaign's ballots afresh (see `tally_recounts`)."""
    return tally_recounts(campaigns=[campaign])[campaign.pk]


def tally_counters(*, tally: Tally) -> dict[str, Any]:
    return {
        f"{answer}_{what}": getattr(tally, f"{answer}_{what}")
        for answer in ("yes", "no", "abstain")
        for what in ("households", "area", "heads")
    }


def tally_owner_votes(*, campaign: Campaign) -> dict[str, str | None]:
    return {row.head_key: row.vote() for row in TallyOwner.objects.filter(campaign=campaign)}


@dataclass(frozen=True)
class ProgressRow:
    """One household that has not voted yet, with the owner's name masked."""

    building: str
    stairwell: int
    floor: int
    room: str
    owner: str
    household_id: int


def progress_not_voted(*, campaign: Campaign, limit: int = 2000) -> list[ProgressRow]:
    """Households in scope without a ballot, for door-to-door follow-up (names masked)."""
    voted = Ballot.objects.filter(campaign=campaign, household=OuterRef("pk"))
    qs = (
        households_in_scope(campaign=campaign)
        .annotate(has_voted=Exists(voted))
        .filter(has_voted=False)
        .select_related("building")
        .order_by("building__number", "stairwell", "floor", "room")
    )
    return [
        ProgressRow(h.building.number, h.stairwell, h.floor, h.room, mask_name(h.owner_name), h.pk) for h in qs[:limit]
    ]


def ballot_lines(*, campaign: Campaign) -> list[str]:
    """The ballot list as sorted text lines (no personal data): building, stairwell, room, answer, channel."""
    rows = (
        Ballot.objects.filter(campaign=campaign)
        .select_related("household__building")
        .only("answer", "channel", "version", "household__room", "household__stairwell", "household__building__number")
    )
    return sorted(
        f"{b.household.building.number}|{b.household.stairwell}|{b.household.room}|{b.answer}|{b.channel}|{b.version}"
        for b in rows
    )


def ballot_list_digest(*, campaign: Campaign) -> str:
    """SHA-256 of the sorted ballot list; the consent certificate prints it so the list can be checked."""
    return hashlib.sha256("\n".join(ballot_lines(campaign=campaign)).encode("utf-8")).hexdigest()


def ballot_of(*, campaign: Campaign, household: Household) -> Ballot | None:
    return Ballot.objects.filter(campaign=campaign, household=household).first()


def ballot_list(*, user: Any, campaign: Campaign | None = None) -> QuerySet[Ballot]:
    qs = visible_to(user, Ballot.objects.select_related("campaign", "household__building"))
    return qs.filter(campaign=campaign) if campaign is not None else qs


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_find(*, raw_token: str) -> BallotToken | None:
    """The link for `raw_token`, or None (unknown, replaced, or tampered)."""
    if not raw_token or len(raw_token) > 100:
        return None
    return (
        BallotToken.objects.select_related("campaign__estate__jurisdiction", "household__building")
        .filter(token_hash=token_hash(raw_token))
        .first()
    )


def verification_mode(*, campaign: Campaign) -> str:
    mode = campaign_policy(campaign=campaign).get("consultation.ballot_verification", Verification.PHONE_LAST4)
    return str(mode)


def failure_key(client: str) -> str:
    return f"consultation:token-failures:{hashlib.sha256(client.encode()).hexdigest()[:32]}"


def token_rate_limited(*, client: str) -> bool:
    """Whether this client has failed too often recently (brute-forcing ballot links)."""
    return int(cache.get(failure_key(client), 0)) >= TOKEN_FAILURE_LIMIT


def token_verify(*, token: BallotToken, mode: str, short_code: str, secret: str = "") -> bool:
    """Whether the short code and the last digits of the owner's phone or ID match (constant-time)."""
    household = token.household
    code_ok = hmac.compare_digest(token.short_code.encode(), short_code.strip().encode())
    if mode == Verification.CODE_ONLY:
        return code_ok
    on_record = household.phone if mode == Verification.PHONE_LAST4 else household.id_number
    on_record = "".join(ch for ch in on_record if ch.isalnum()).upper()
    if len(on_record) < 4:
        return False  # nothing to check against: the household votes on paper with staff
    secret_ok = hmac.compare_digest(on_record[-4:].encode(), secret.strip().upper().encode())
    return code_ok and secret_ok


# --- windows counted in calendar or working days --------------------------------------------------------


def is_workday(day: dt.date) -> bool:
    """A working day by the State Council's holiday arrangements (chinese-calendar, incl. swapped weekends).

    Outside the years the calendar knows, Monday to Friday.
    """
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def window_last_day(*, start: dt.date, days: int, day_count: str) -> dt.date:
    """The last day of a window of `days` days that starts on `start`.

    Civil Code Art. 201: the day the period starts is not counted; counting begins the next day.
    Calendar days: Art. 203, when the last day is a statutory holiday the period ends on the day after
    the holiday (the next working day). Working days (工作日): the `days`-th working day after `start`.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if day_count == DayCount.WORKING:
        day, counted = start, 0
        while counted < days:
            day += dt.timedelta(days=1)
            if is_workday(day):
                counted += 1
        return day
    day = start + dt.timedelta(days=days)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in local time (the window is open until 24:00 of its last day)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def last_day_of(closes_at: dt.datetime | None) -> dt.date | None:
    """The last day a window is open (it closes at 24:00 of that day), for display."""
    if closes_at is None:
        return None
    return timezone.localdate(closes_at - dt.timedelta(microseconds=1))


def window_closes_at(*, start: dt.datetime, days: int, day_count: str) -> dt.datetime:
    return end_of_day(window_last_day(start=timezone.localdate(start), days=days, day_count=day_count))


def notice_days_policy(*, jurisdiction: Jurisdiction, on: dt.date | None = None) -> tuple[int | None, str]:
    """The notice window in days from the policy profile in force, and its source; (None, "") if unconfigured."""
    policy = effective_policy(jurisdiction=jurisdiction, on=on)
    item = policy.values.get(NOTICE_DAYS_KEY)
    if item is None:
        return None, ""
    source = " ".join(part for part in (item.source.title, item.source.reference) if part)
    label = f"{item.jurisdiction_name} v{item.version}"
    return int(item.value), f"{NOTICE_DAYS_KEY} = {item.value} ({label}{'; ' + source if source else ''})"


# --- public notices ----------------------------------------------------------------------------------


def notice_list(*, user: Any) -> QuerySet[Notice]:
    return visible_to(user, Notice.objects.select_related("jurisdiction", "estate"))


def notice_get(*, user: Any, pk: Any) -> Notice:
    return get_visible_or_404(user, Notice.objects.select_related("jurisdiction", "estate", "content_type"), pk=pk)


def notice_public_get(*, public_id: str) -> Notice | None:
    """A published notice by its public id (drafts and withdrawn notices are not public)."""
    if not public_id or len(public_id) > 16:
        return None
    return (
        Notice.objects.select_related("jurisdiction", "estate")
        .filter(public_id=public_id, status=NoticeStatus.PUBLISHED)
        .first()
    )


def notice_window_state(*, notice: Notice, now: dt.datetime | None = None) -> str:
    """ "draft", "open", "closed" or "withdrawn"."""
    now = now or timezone.now()
    if notice.status == NoticeStatus.WITHDRAWN:
        return "withdrawn"
    if notice.status != NoticeStatus.PUBLISHED or notice.closes_at is None:
        return "draft"
    return "open" if now < notice.closes_at else "closed"


def notice_comments(*, notice: Notice) -> QuerySet[NoticeComment]:
    return NoticeComment.objects.filter(notice=notice).select_related("responded_by")


def notice_comment_counts(*, notice: Notice) -> dict[str, int]:
    comments = list(NoticeComment.objects.filter(notice=notice).values_list("kind", "responded_at"))
    return {
        "comments": sum(1 for kind, _at in comments if kind == CommentKind.COMMENT),
        "objections": sum(1 for kind, _at in comments if kind == CommentKind.OBJECTION),
        "answered": sum(1 for kind, at in comments if kind == CommentKind.OBJECTION and at is not None),
    }


def notices_for(*, obj: Model) -> QuerySet[Notice]:
    """The notices posted about `obj` (any model), newest first; withdrawn ones are left out."""
    return Notice.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).exclude(status=NoticeStatus.WITHDRAWN)


def _notice_blockers(notice: Notice, now: dt.datetime) -> list[str]:
    state = notice_window_state(notice=notice, now=now)
    if state == "draft":
        return [_("The public notice “%(title)s” has not been published.") % {"title": notice.title}]
    problems: list[str] = []
    if state == "open":
        problems.append(
            _("The public notice “%(title)s” is open until %(closes)s.")
            % {"title": notice.title, "closes": timezone.localtime(notice.closes_at).strftime("%Y-%m-%d %H:%M")}
        )
    unanswered = NoticeComment.objects.filter(
        notice=notice, kind=CommentKind.OBJECTION, responded_at__isnull=True
    ).count()
    if unanswered:
        problems.append(
            _("%(count)d objection(s) to “%(title)s” have no recorded response.")
            % {"count": unanswered, "title": notice.title}
        )
    return problems


def notice_gate(obj: Any) -> list[str]:
    """A workflow gate (jiugai.core.workflow.Gate): what still stops the step after a public notice.

    `obj` is a `Notice`, or any object notices are posted about (then every notice on it counts, and
    an object with none is blocked). Unmet: no notice posted, the window not closed, objections without a
    recorded response. Seed digest §3: the plan is posted publicly and revised from the comments before
    the owners' committee signs it off.
    """
    now = timezone.now()
    if isinstance(obj, Notice):
        return _notice_blockers(obj, now)
    notices = list(notices_for(obj=obj))
    if not notices:
        return [_("No public notice has been posted for this.")]
    problems: list[str] = []
    for notice in notices:
        problems.extend(_notice_blockers(notice, now))
    return problems


# --- drafts for public comment -------------------------------------------------------------------------


def draft_list(*, user: Any) -> QuerySet[DraftDocument]:
    return visible_to(user, DraftDocument.objects.select_related("jurisdiction"))


def draft_get(*, user: Any, pk: Any) -> DraftDocument:
    return get_visible_or_404(user, DraftDocument.objects.select_related("jurisdiction"), pk=pk)


def draft_public_get(*, public_id: str) -> DraftDocument | None:
    """An opened draft by its public id (a draft still being prepared is not public)."""
    if not public_id or len(public_id) > 16:
        return None
    return (
        DraftDocument.objects.select_related("jurisdiction")
        .filter(public_id=public_id)
        .exclude(status=DraftStatus.DRAFT)
        .first()
    )


def draft_window_state(*, draft: DraftDocument, now: dt.datetime | None = None) -> str:
    """ "draft", "upcoming", "open", "closed" or "summarised"."""
    now = now or timezone.now()
    if draft.status == DraftStatus.DRAFT:
        return "draft"
    if draft.status == DraftStatus.SUMMARISED:
        return "summarised"
    if now < draft.opens_at:
        return "upcoming"
    return "open" if now < draft.closes_at else "closed"


def draft_comments(*, draft: DraftDocument) -> QuerySet[DraftComment]:
    return DraftComment.objects.filter(draft=draft).select_related("section", "responded_by")


def draft_summary_figures(*, draft: DraftDocument) -> dict[str, Any]:
    """Comments by section and by what became of them (the figures of the published summary)."""
    sections: dict[str, Any] = {}
    totals: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    labels = {0: _("The draft as a whole")}
    labels.update({s.pk: str(s) for s in draft.sections.all()})
    rows = DraftComment.objects.filter(draft=draft).values_list("section_id", "adoption", "channel")
    for section_id, adoption, channel in rows:
        key = section_id or 0
        entry = sections.setdefault(str(key), {"section": labels.get(key, ""), "counts": Counter()})
        entry["counts"][adoption] += 1
        totals[adoption] += 1
        by_channel[channel] += 1
    return {
        "total": sum(totals.values()),
        "by_adoption": {a: totals.get(a, 0) for a in Adoption.values},
        "by_channel": dict(by_channel),
        "sections": [
            {"section": v["section"], "counts": {a: v["counts"].get(a, 0) for a in Adoption.values}}
            for _k, v in sorted(sections.items(), key=lambda kv: int(kv[0]))
        ],
    }


# --- opinions ----------------------------------------------------------------------------------------


def keyword_dictionary() -> dict[str, str]:
    """The opinion keyword dictionary: keyword → catalogue item (reference data shared by all)."""
    return dict(OpinionKeyword.objects.values_list("keyword", "item"))


def keyword_list() -> QuerySet[OpinionKeyword]:
    return OpinionKeyword.objects.select_related("created_by")


def opinion_list(*, user: Any) -> QuerySet[Opinion]:
    return visible_to(user, Opinion.objects.select_related("estate__area", "building"))


def opinion_get(*, user: Any, pk: Any) -> Opinion:
    return get_visible_or_404(user, Opinion.objects.select_related("estate"), pk=pk)


def estate_public_get(*, code: str) -> Estate | None:
    """The estate a public opinion page is for, by its code."""
    if not code or len(code) > 40:
        return None
    return Estate.objects.filter(code=code).first()


ITEM_LABELS = dict(ConditionItem.choices)


def demand_summary(*, opinions: QuerySet[Opinion], by: str = "estate") -> dict[str, Any]:
    """How many opinions name each catalogue item, per estate or per area (片区), with totals.

    `opinions` must already be scoped (`opinion_list`). Opinions naming no item are counted as
    unclassified. Rows are ordered by their number of opinions, most first.
    """
    if by not in ("estate", "area"):
        raise ValueError("by must be 'estate' or 'area'")
    counts: dict[Any, Counter[str]] = {}
    labels: dict[Any, str] = {}
    opinions_per_row: Counter[Any] = Counter()
    item_totals: Counter[str] = Counter()
    fields = ("estate_id", "estate__name", "estate__area_id", "estate__area__name", "items")
    for estate_id, estate_name, area_id, area_name, items in opinions.values_list(*fields).iterator():
        if by == "estate":
            key, label = estate_id, estate_name
        else:
            key, label = area_id, area_name or _("No area")
        labels[key] = label
        row = counts.setdefault(key, Counter())
        opinions_per_row[key] += 1
        for item in items or ["unclassified"]:
            row[item] += 1
            item_totals[item] += 1
    item_codes = [code for code in ConditionItem.values if item_totals.get(code)]
    if item_totals.get("unclassified"):
        item_codes.append("unclassified")
    item_labels = {**ITEM_LABELS, "unclassified": _("Unclassified")}
    rows = [
        {
            "key": key,
            "label": labels[key],
            "opinions": opinions_per_row[key],
            "counts": [counts[key].get(code, 0) for code in item_codes],
        }
        for key in sorted(counts, key=lambda k: (-opinions_per_row[k], str(labels[k])))
    ]
    return {
        "by": by,
        "items": [{"code": code, "label": str(item_labels[code])} for code in item_codes],
        "totals": [item_totals[code] for code in item_codes],
        "opinions": sum(opinions_per_row.values()),
        "rows": rows,
    }


# --- rate limit on the public comment and opinion forms --------------------------------------------------

# At most this many posts from one client (IP address) to one kind of public form within the window.
PUBLIC_POST_LIMIT = 5
PUBLIC_POST_WINDOW_S = 600


def public_post_key(*, client: str, scope: str) -> str:
    return f"consultation:public-posts:{scope}:{hashlib.sha256(client.encode()).hexdigest()[:32]}"


def client_hash(client: str) -> str:
    """What is kept of a client's address: a short hash, enough to spot floods, not to identify anyone."""
    return hashlib.sha256(f"consultation:{client}".encode()).hexdigest()[:16]


def public_post_blocked(*, client: str, scope: str) -> bool:
    """Whether this client has posted to this kind of public form too often recently."""
    return int(cache.get(public_post_key(client=client, scope=scope), 0)) >= PUBLIC_POST_LIMIT
