"""Residents' consent to renovate an estate.

Xuchang reply to NPC suggestion No. 67 (seeds/002_40d8e389fe8940d7.txt): "要求群众同意改造率不得低于业主总户数
的2/3" — the households agreeing must be at least 2/3 of ALL owner households, not of those who answered.
The share is the per-jurisdiction parameter `consent.share_of_all_households`.
"""

from __future__ import annotations

from .common import at_least, param, share, show
from .decision import Decision, Reason, RuleInputError
from .i18n import _
from .policy import Policy

RULE = "consent"
SHARE_KEY = "consent.share_of_all_households"


def consent_decide(agreeing_households: int, total_owner_households: int, policy: Policy) -> Decision:
    """Passed when agreeing_households >= share × total_owner_households (exact, boundary included).

    Xuchang reply, seeds/002_40d8e389fe8940d7.txt: 不得低于业主总户数的2/3 ("not lower than" includes
    the boundary, so exactly 2/3 passes). Households that did not answer count against consent.
    """
    for name, count in (
        ("agreeing_households", agreeing_households),
        ("total_owner_households", total_owner_households),
    ):
        if isinstance(count, bool) or not isinstance(count, int):
            raise RuleInputError(f"{name} must be a whole number")
        if count < 0:
            raise RuleInputError(f"{name} cannot be negative")
    if total_owner_households == 0:
        raise RuleInputError("total_owner_households must be at least 1")
    if agreeing_households > total_owner_households:
        raise RuleInputError(
            f"agreeing_households ({agreeing_households}) exceeds total_owner_households ({total_owner_households})"
        )

    required = param(policy, SHARE_KEY)
    passed = at_least(agreeing_households, total_owner_households, required.value)
    observed = share(agreeing_households, total_owner_households)
    # The smallest whole number of households that meets the share: ceil(total × p / q).
    p, q = required.value.numerator, required.value.denominator
    needed = -((-total_owner_households * p) // q)
    template = (
        _(
            "%(agreeing)s of %(total)s owner households agree (%(share)s), at least the required %(required)s "
            "of all owner households (%(needed)s households needed)"
        )
        if passed
        else _(
            "%(agreeing)s of %(total)s owner households agree (%(share)s), below the required %(required)s "
            "of all owner households (%(needed)s households needed)"
        )
    )
    reason = Reason(
        code="consent_share_met" if passed else "consent_share_not_met",
        message=template
        % {
            "agreeing": agreeing_households,
            "total": total_owner_households,
            "share": show(observed),
            "required": show(required.value),
            "needed": needed,
        },
        parameter=SHARE_KEY,
        value=observed,
        threshold=required.value,
        source=required.source,
        numerator=agreeing_households,
        denominator=total_owner_households,
    )
    return Decision(
        rule=RULE,
        outcome="passed" if passed else "rejected",
        reasons=(reason,),
        figures={
            "agreeing_households": agreeing_households,
            "total_owner_households": total_owner_households,
            "share": observed,
            "required_share": required.value,
            "households_needed": needed,
            "shortfall": max(0, needed - agreeing_households),
        },
    )
