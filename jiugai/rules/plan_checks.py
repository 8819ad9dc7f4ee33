"""Checks of an annual renovation plan: the post-2000 household cap, and stated totals against their parts.

- Post-2000 cap: estates completed after 2000 may join a plan for linkage, but "在2022年计划中占比不得超过15%
  (按居民户数计)" — at most 15 % of the plan's households (Guyuan draft 2022 plan, seeds/003_54d0b71b4a1e2a82.txt;
  parameter `eligibility.post2000_household_cap`). The share is compared exactly (cross-multiplied), the
  boundary included ("不得超过": not more than).
- Consistency: a plan states its projects, estates, buildings, households, housing area and investment, and
  the investment's split into central subsidy and local match; the figures it is made of must add up. The
  Guyuan plan (§三(二), §五) states 84 buildings while its three areas add up to 35 + 29 + 17 = 81, and an
  investment of 17,808.68 万元 = 9,381.269 (central and regional subsidy) + 8,427.411 (local match), which
  does agree. The count and area comparisons reuse `data_quality.totals_reconcile`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .common import more_than, param, share, show
from .data_quality import Totals, totals_reconcile, totals_sum
from .decision import Decision, Reason, RuleInputError, Source
from .i18n import _
from .policy import Policy

CAP_RULE = "post2000_cap"
CONSISTENCY_RULE = "plan_consistency"
CAP_KEY = "eligibility.post2000_household_cap"
GUYUAN = Source(title="Guyuan draft 2022 implementation plan", reference="seeds/003_54d0b71b4a1e2a82.txt")


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleInputError(f"{name} must be a whole number")
    if value < 0:
        raise RuleInputError(f"{name} cannot be negative")
    return value


def post2000_cap_decide(post2000_households: int, total_households: int, policy: Policy) -> Decision:
    """Passed when the plan's households in post-2000 estates are at most the cap's share of all its households.

    Guyuan draft plan (seeds/003_54d0b71b4a1e2a82.txt): 2000年底后建成小区 … 占比不得超过15%(按居民户数计).
    A plan with no households passes (there is no share to exceed).
    """
    post = _count("post2000_households", post2000_households)
    total = _count("total_households", total_households)
    if post > total:
        raise RuleInputError(f"post2000_households ({post}) exceeds total_households ({total})")
    cap = param(policy, CAP_KEY)
    limit: Fraction = cap.value
    passed = total == 0 or not more_than(post, total, limit)
    observed = share(post, total) or Fraction(0)
    earlier = total - post
    # The most later households the plan's earlier households allow: P <= cap × (P + earlier)
    allowed = total if limit >= 1 else (limit * earlier / (1 - limit)).__floor__()
    figures = {
        "post2000_households": post,
        "total_households": total,
        "share": observed,
        "cap": limit,
        "post2000_households_allowed": allowed,
        "excess_households": max(0, post - allowed),
        # Earlier households the plan would need for its later households to fit the cap
        "earlier_households_needed": max(0, -(-(post * (1 - limit)) // limit) - earlier) if limit > 0 else None,
    }
    template = (
        _(
            "%(post)s of the plan's %(total)s households are in estates completed after 2000 (%(share)s), "
            "within the cap %(cap)s (at most %(allowed)s with these earlier households)"
        )
        if passed
        else _(
            "%(post)s of the plan's %(total)s households are in estates completed after 2000 (%(share)s), "
            "above the cap %(cap)s (at most %(allowed)s with these earlier households)"
        )
    )
    reason = Reason(
        code="post2000_share_within_cap" if passed else "post2000_share_over_cap",
        message=template
        % {"post": post, "total": total, "share": show(observed), "cap": show(limit), "allowed": allowed},
        parameter=CAP_KEY,
        value=observed,
        threshold=limit,
        source=cap.source,
        numerator=post,
        denominator=total,
    )
    return Decision(rule=CAP_RULE, outcome="passed" if passed else "rejected", reasons=(reason,), figures=figures)


@dataclass(frozen=True)
class PlanTotals:
    """Figures a plan states (or one of its parts: an area 片区, a district); None where it states none."""

    name: str = ""
    projects: int | None = None
    estates: int | None = None
    buildings: int | None = None
    households: int | None = None
    area: Decimal | None = None  # housing area, m²
    investment: Decimal | None = None  # yuan
    central_subsidy: Decimal | None = None  # central (and provincial) subsidy, yuan
    local_match: Decimal | None = None  # local matching funds, yuan

    def totals(self) -> Totals:
        return Totals(estates=self.estates, buildings=self.buildings, households=self.households, area=self.area)


def _add(values: Sequence[Any]) -> Any:
    present = [v for v in values if v is not None]
    return sum(present[1:], present[0]) if present else None


def plan_consistency_decide(
    stated: PlanTotals, parts: Sequence[PlanTotals], *, source: Source | None = None
) -> Decision:
    """Stated totals against the sum of the parts; investment against central subsidy + local match.

    Outcome "consistent" or "inconsistent"; one reason per figure compared, each mismatch with the stated
    figure (threshold), the computed one (value) and the difference (in the message and `figures`). Counts
    and money must agree exactly; areas within `data_quality.AREA_TOLERANCE`.
    """
    for name in ("projects", "estates", "buildings", "households"):
        for item in (stated, *parts):
            value = getattr(item, name)
            if value is not None:
                _count(name, value)
    for item in (stated, *parts):
        for name in ("area", "investment", "central_subsidy", "local_match"):
            value = getattr(item, name)
            if value is not None and Decimal(value) < 0:
                raise RuleInputError(f"{name} cannot be negative")
    subject = stated.name or _("the plan")
    where = source or GUYUAN
    reasons: list[Reason] = []
    differences: dict[str, Any] = {}
    if parts:
        computed = totals_sum(part.totals() for part in parts)
        names = ", ".join(part.name for part in parts if part.name) or _("its parts")
        reconciled = totals_reconcile(stated.totals(), computed, subject=subject, computed_from=names, source=where)
        for reason in reconciled.reasons:
            if reason.code.endswith("_mismatch"):
                differences[reason.fact] = reason.value - reason.threshold
            reasons.append(reason)
        for name in ("projects", "investment"):
            said = getattr(stated, name)
            made = _add([getattr(part, name) for part in parts])
            if said is None or made is None:
                continue
            agrees = Decimal(said) == Decimal(made)
            if not agrees:
                differences[name] = made - said
            reasons.append(
                Reason(
                    code=f"{name}_{'consistent' if agrees else 'mismatch'}",
                    message=(
                        _("%(subject)s: %(stated)s %(figure)s stated, %(computed_from)s agree")
                        if agrees
                        else _(
                            "%(subject)s: %(stated)s %(figure)s stated, %(computed_from)s add up to %(computed)s "
                            "(difference %(difference)s)"
                        )
                    )
                    % {
                        "subject": subject,
                        "stated": show(said),
                        "figure": _("projects") if name == "projects" else _("yuan of investment"),
                        "computed_from": names,
                        "computed": show(made),
                        "difference": show(made - said),
                    },
                    fact=name,
                    value=made,
                    threshold=said,
                    source=where,
                )
            )
    for item in (stated, *parts):
        if item.investment is None or item.central_subsidy is None or item.local_match is None:
            continue
        funded = Decimal(item.central_subsidy) + Decimal(item.local_match)
        agrees = funded == Decimal(item.investment)
        label = item.name or subject
        if not agrees:
            differences[f"funding:{label}"] = funded - Decimal(item.investment)
        reasons.append(
            Reason(
                code="funding_consistent" if agrees else "funding_mismatch",
                message=(
                    _("%(subject)s: investment %(investment)s = central subsidy %(central)s + local match %(local)s")
                    if agrees
                    else _(
                        "%(subject)s: investment %(investment)s stated, but central subsidy %(central)s + local match "
                        "%(local)s = %(funded)s (difference %(difference)s)"
                    )
                )
                % {
                    "subject": label,
                    "investment": show(item.investment),
                    "central": show(item.central_subsidy),
                    "local": show(item.local_match),
                    "funded": show(funded),
                    "difference": show(funded - Decimal(item.investment)),
                },
                fact="investment",
                value=funded,
                threshold=item.investment,
                source=where,
            )
        )
    if not reasons:
        raise RuleInputError("nothing to compare: give stated totals and parts, or an investment with its split")
    mismatches = sum(1 for r in reasons if r.code.endswith("_mismatch"))
    return Decision(
        rule=CONSISTENCY_RULE,
        outcome="inconsistent" if mismatches else "consistent",
        reasons=tuple(reasons),
        figures={"subject": subject, "mismatches": mismatches, "differences": differences},
    )
