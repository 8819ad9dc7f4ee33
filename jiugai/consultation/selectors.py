"""Reads for resident consultation: scoped campaign lists, scope households, the tally, progress, digests.

Every staff query starts from `visible_to(user, ...)`. Reading the tally reads the counters kept by the
services (one row), never the ballots; `tally_recount` scans ballots only to check those counters.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet

from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.core.text import mask_name
from jiugai.inventory.models import Household
from jiugai.policy.selectors import effective_policy
from jiugai.rules.policy import Policy

from .choices import ScopeType, Verification
from .models import Ballot, BallotToken, Campaign, Tally, TallyOwner

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
    qs = Household.objects.filter(building__estate_id=campaign.estate_id)
    if campaign.scope_type != ScopeType.ESTATE:
        qs = qs.filter(building_id=campaign.building_id or 0)
    if campaign.scope_type == ScopeType.STAIRWELL:
        qs = qs.filter(stairwell=campaign.stairwell or 0)
    tally = Tally.objects.filter(campaign=campaign).only("snapshot_at").first()
    if tally is not None:
        qs = qs.filter(created_at__lte=tally.snapshot_at)
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


def tally_recount(*, campaign: Campaign) -> dict[str, Any]:
    """Count the ballots afresh (a check on the live counters; the pages never call this)."""
    counts: dict[str, Any] = {}
    heads: dict[str, set[str]] = {"yes": set(), "no": set(), "abstain": set()}
    for answer in ("yes", "no", "abstain"):
        counts[f"{answer}_households"] = 0
        counts[f"{answer}_area"] = Decimal("0")
    for ballot in Ballot.objects.filter(campaign=campaign).select_related("household"):
        counts[f"{ballot.answer}_households"] += 1
        counts[f"{ballot.answer}_area"] += ballot.household.area
        heads[ballot.answer].add(head_key(ballot.household))
    for answer, keys in heads.items():
        counts[f"{answer}_heads"] = len(keys)
    return counts


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
