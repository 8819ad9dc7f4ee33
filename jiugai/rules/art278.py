"""Owners' joint decisions under Civil Code Art. 278 (民法典 第二百七十八条).

Quorum: owners holding at least `art278.participation_area` of the total exclusive area AND at least
`art278.participation_owners` of the owners take part (statute: 2/3 and 2/3). Raising the maintenance
fund, rebuilding, and changing the use of common parts (an added elevator is such a change) need at
least `art278.special_approval` (3/4) of the participating area and owners; every other matter needs
strictly more than `art278.ordinary_approval` (1/2) of both.

Counting follows the Supreme People's Court interpretation on building division ownership
(REFERENCE §2.3): area is the sum of exclusive areas; heads are one per unit, except that an owner of
several units counts once and all of the developer's unsold units count together as one.

Where a jurisdiction has not configured a threshold, the statutory figure applies and the reason says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, NamedTuple

from .common import Param, at_least, more_than, param, share, show
from .decision import Decision, Reason, RuleInputError, Source
from .i18n import _
from .policy import Policy

RULE = "art278"

CIVIL_CODE = Source(title="Civil Code Art. 278", reference="民法典 第二百七十八条")
STATUTORY = {
    "art278.participation_area": Fraction(2, 3),
    "art278.participation_owners": Fraction(2, 3),
    "art278.special_approval": Fraction(3, 4),
    "art278.ordinary_approval": Fraction(1, 2),
}


class Matter(StrEnum):
    """What the owners decide on (Civil Code Art. 278, items 1-9)."""

    RULES = "rules"  # items 1-2: rules of procedure, management covenant
    ELECT_COMMITTEE = "elect_committee"  # item 3
    HIRE_PROPERTY_COMPANY = "hire_property_company"  # item 4
    USE_FUND = "use_fund"  # item 5
    RAISE_FUND = "raise_fund"  # item 6
    REBUILD = "rebuild"  # item 7
    CHANGE_USE = "change_use"  # item 8
    ELEVATOR = "elevator"  # item 8 applied to an added elevator (REFERENCE §2.4)
    OTHER = "other"  # item 9


SPECIAL_MATTERS = frozenset({Matter.RAISE_FUND, Matter.REBUILD, Matter.CHANGE_USE, Matter.ELEVATOR})


class Vote(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class UnitVote(NamedTuple):
    """One exclusive unit: its owner, its exclusive area, the owner's vote (None: did not take part)."""

    owner_key: str
    area: Decimal
    vote: str | None
    developer_held: bool = False


DEVELOPER_HEAD = "\x00developer"


class Tally(NamedTuple):
    """The counted figures: areas in m², heads per the judicial interpretation."""

    units: int
    total_area: Decimal
    total_heads: int
    participating_area: Decimal
    participating_heads: int
    yes_area: Decimal
    yes_heads: int


def _head(unit: UnitVote) -> str:
    return DEVELOPER_HEAD if unit.developer_held else f"owner:{unit.owner_key}"


def _normalise(owners: Iterable[Sequence[Any]]) -> list[UnitVote]:
    units: list[UnitVote] = []
    for index, raw in enumerate(owners):
        if len(raw) not in (3, 4):
            raise RuleInputError(f"unit {index}: give (owner_key, area, vote[, developer_held])")
        owner_key, area, vote = raw[0], raw[1], raw[2]
        developer_held = raw[3] if len(raw) == 4 else False
        if not isinstance(owner_key, str) or not owner_key.strip():
            raise RuleInputError(f"unit {index}: owner_key must be a non-empty text")
        if isinstance(area, bool) or not isinstance(area, (int, Decimal)):
            raise RuleInputError(f"unit {index}: area must be a Decimal number of m²")
        area = Decimal(area)
        if not area.is_finite() or area <= 0:
            raise RuleInputError(f"unit {index}: area must be more than zero")
        if vote is not None and vote not in {v.value for v in Vote}:
            raise RuleInputError(f"unit {index}: vote must be yes, no, abstain or null (did not take part)")
        if not isinstance(developer_held, bool):
            raise RuleInputError(f"unit {index}: developer_held must be true or false")
        units.append(UnitVote(owner_key, area, vote, developer_held))
    if not units:
        raise RuleInputError("there are no units to count")
    return units


def art278_tally(owners: Iterable[Sequence[Any]]) -> Tally:
    """Count areas and heads. One owner (or the developer's unsold stock) casts one vote for all units."""
    units = _normalise(owners)
    head_votes: dict[str, str | None] = {}
    for unit in units:
        head = _head(unit)
        if head in head_votes and head_votes[head] != unit.vote:
            who = "the developer" if unit.developer_held else f"owner '{unit.owner_key}'"
            raise RuleInputError(f"{who} holds several units with different votes; one owner casts one vote")
        head_votes[head] = unit.vote
    return Tally(
        units=len(units),
        total_area=sum((u.area for u in units), Decimal(0)),
        total_heads=len(head_votes),
        participating_area=sum((u.area for u in units if u.vote is not None), Decimal(0)),
        participating_heads=sum(1 for v in head_votes.values() if v is not None),
        yes_area=sum((u.area for u in units if u.vote == Vote.YES), Decimal(0)),
        yes_heads=sum(1 for v in head_votes.values() if v == Vote.YES),
    )


def _threshold(policy: Policy, key: str) -> Param:
    return param(policy, key, default=STATUTORY[key], default_source=CIVIL_CODE)


def _reason(
    *, code: str, what: str, num: Decimal | int, den: Decimal | int, used: Param, ok: bool, strict: bool
) -> Reason:
    observed = share(num, den)
    if strict:
        template = (
            _("%(what)s: %(num)s of %(den)s (%(share)s), more than %(threshold)s")
            if ok
            else _("%(what)s: %(num)s of %(den)s (%(share)s), not more than %(threshold)s")
        )
    else:
        template = (
            _("%(what)s: %(num)s of %(den)s (%(share)s), at least %(threshold)s")
            if ok
            else _("%(what)s: %(num)s of %(den)s (%(share)s), below %(threshold)s")
        )
    message = template % {
        "what": what,
        "num": show(num),
        "den": show(den),
        "share": show(observed) if observed is not None else _("n/a"),
        "threshold": show(used.value),
    }
    if used.defaulted:
        message = _("%(message)s (statutory figure; not configured for this jurisdiction)") % {"message": message}
    return Reason(
        code=code if ok else f"{code}_not_met",
        message=message,
        parameter=used.key,
        value=observed,
        threshold=used.value,
        source=used.source,
        numerator=num,
        denominator=den,
    )


def art278_decide(matter: str | Matter, owners: Iterable[Sequence[Any]], policy: Policy) -> Decision:
    """Decide one Art. 278 vote: outcome no_quorum, passed or rejected.

    Civil Code Art. 278 ("双三分之二参与、双四分之三同意" for items 6-8, "双过半" otherwise), with the
    judicial interpretation's counting rules; thresholds from the policy (art278.*).
    """
    try:
        matter = Matter(matter)
    except ValueError as exc:
        raise RuleInputError(f"matter must be one of {', '.join(m.value for m in Matter)}") from exc
    tally = art278_tally(owners)
    special = matter in SPECIAL_MATTERS
    reasons: list[Reason] = [
        Reason(
            code="matter_special" if special else "matter_ordinary",
            message=(
                _(
                    "'%(matter)s' is a special matter (Art. 278 items 6-8): approval needs at least "
                    "art278.special_approval of the participating area and owners"
                )
                if special
                else _(
                    "'%(matter)s' is an ordinary matter: approval needs more than "
                    "art278.ordinary_approval of the participating area and owners"
                )
            )
            % {"matter": matter.value},
            value=matter.value,
            source=CIVIL_CODE,
        ),
        Reason(
            code="headcount",
            message=_(
                "%(units)s units count as %(owners)s owners "
                "(an owner of several units counts once; the developer's unsold units count as one)"
            )
            % {"units": tally.units, "owners": tally.total_heads},
            value=tally.total_heads,
            numerator=tally.total_heads,
            denominator=tally.units,
            source=Source(title="SPC interpretation on building division ownership", reference="REFERENCE §2.3"),
        ),
    ]
    q_area, q_owners = (
        _threshold(policy, "art278.participation_area"),
        _threshold(policy, "art278.participation_owners"),
    )
    area_ok = at_least(tally.participating_area, tally.total_area, q_area.value)
    owners_ok = at_least(tally.participating_heads, tally.total_heads, q_owners.value)
    reasons.append(
        _reason(
            code="quorum_area",
            what=_("participating exclusive area (m²) of total"),
            num=tally.participating_area,
            den=tally.total_area,
            used=q_area,
            ok=area_ok,
            strict=False,
        )
    )
    reasons.append(
        _reason(
            code="quorum_owners",
            what=_("participating owners of all owners"),
            num=tally.participating_heads,
            den=tally.total_heads,
            used=q_owners,
            ok=owners_ok,
            strict=False,
        )
    )
    if "art278.non_voters_follow_majority" in policy and policy.get("art278.non_voters_follow_majority"):
        reasons.append(
            Reason(
                code="non_voters_not_counted",
                message=_(
                    "non-voters are configured to follow the majority; this rule does not count them "
                    "(contested after the Civil Code) and tallies only votes cast"
                ),
                parameter="art278.non_voters_follow_majority",
                threshold=True,
                source=policy.source("art278.non_voters_follow_majority"),
            )
        )
    figures: dict[str, Any] = {"matter": matter.value, "special": special, **tally._asdict()}
    if not (area_ok and owners_ok) or tally.participating_heads == 0:
        return Decision(rule=RULE, outcome="no_quorum", reasons=tuple(reasons), figures=figures)

    key = "art278.special_approval" if special else "art278.ordinary_approval"
    approval = _threshold(policy, key)
    test = at_least if special else more_than
    yes_area_ok = test(tally.yes_area, tally.participating_area, approval.value)
    yes_owners_ok = test(tally.yes_heads, tally.participating_heads, approval.value)
    reasons.append(
        _reason(
            code="approval_area",
            what=_("approving area (m²) of participating area"),
            num=tally.yes_area,
            den=tally.participating_area,
            used=approval,
            ok=yes_area_ok,
            strict=not special,
        )
    )
    reasons.append(
        _reason(
            code="approval_owners",
            what=_("approving owners of participating owners"),
            num=tally.yes_heads,
            den=tally.participating_heads,
            used=approval,
            ok=yes_owners_ok,
            strict=not special,
        )
    )
    outcome = "passed" if yes_area_ok and yes_owners_ok else "rejected"
    return Decision(rule=RULE, outcome=outcome, reasons=tuple(reasons), figures=figures)
