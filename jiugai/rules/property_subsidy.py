"""Property-service subsidy after renovation: rate (yuan per m² of floor area per month) × area × months.

- Jiyuan reply to CPPCC proposal No. 105049 (seeds/000_f9b901b302fa6203.txt): "按建筑面积每月每平方米0.15元，
  补贴期限3年" — a fixed 0.15 yuan/m²/month for 36 months.
- Zhanhe implementation plan 平湛政办〔2020〕10号 (seeds/001_f6a39a551d1fc451.txt): "每月每平方米不低于0.3元、
  补贴期限不少于3年" — at least 0.3 for at least 36 months (`funding.property_subsidy_is_minimum`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .common import param, show
from .decision import Decision, Reason, RuleInputError
from .i18n import _, gettext_noop
from .policy import Policy

RULE = "property_subsidy"
CENT = Decimal("0.01")

# One message per figure and step, so that each reads naturally once translated.
MESSAGES: dict[tuple[str, str], str] = {
    ("rate", "from_profile"): gettext_noop("rate %(value)s from the policy profile"),
    ("rate", "from_profile_minimum"): gettext_noop("rate %(value)s from the policy profile (a minimum)"),
    ("rate", "fixed_by_profile"): gettext_noop("proposed rate %(proposed)s ignored: the profile fixes it at %(value)s"),
    ("rate", "as_fixed"): gettext_noop("rate %(value)s as fixed by the policy profile"),
    ("rate", "below_minimum"): gettext_noop("proposed rate %(proposed)s is below the minimum %(value)s"),
    ("rate", "meets_minimum"): gettext_noop("proposed rate %(proposed)s is at least the minimum %(value)s"),
    ("months", "from_profile"): gettext_noop("months %(value)s from the policy profile"),
    ("months", "from_profile_minimum"): gettext_noop("months %(value)s from the policy profile (a minimum)"),
    ("months", "fixed_by_profile"): gettext_noop(
        "proposed months %(proposed)s ignored: the profile fixes it at %(value)s"
    ),
    ("months", "as_fixed"): gettext_noop("months %(value)s as fixed by the policy profile"),
    ("months", "below_minimum"): gettext_noop("proposed months %(proposed)s is below the minimum %(value)s"),
    ("months", "meets_minimum"): gettext_noop("proposed months %(proposed)s is at least the minimum %(value)s"),
}


def _message(name: str, step: str, value: Decimal | int, proposed: Decimal | int | None = None) -> str:
    return _(MESSAGES[name, step]) % {"value": show(value), "proposed": show(proposed)}


def _check_proposal(
    *,
    name: str,
    proposed: Decimal | int | None,
    key: str,
    profile_value: Decimal | int,
    is_minimum: bool,
    source_policy: Policy,
    reasons: list[Reason],
) -> tuple[Decimal | int, bool]:
    """The figure to use and whether the proposal was refused."""
    source = source_policy.source(key)
    if proposed is None:
        reasons.append(
            Reason(
                code=f"{name}_from_profile",
                message=_message(name, "from_profile_minimum" if is_minimum else "from_profile", profile_value),
                parameter=key,
                value=profile_value,
                threshold=profile_value,
                source=source,
            )
        )
        return profile_value, False
    if not is_minimum:
        if proposed != profile_value:
            reasons.append(
                Reason(
                    code=f"{name}_fixed_by_profile",
                    message=_message(name, "fixed_by_profile", profile_value, proposed),
                    parameter=key,
                    value=proposed,
                    threshold=profile_value,
                    source=source,
                    fact=name,
                )
            )
        else:
            reasons.append(
                Reason(
                    code=f"{name}_from_profile",
                    message=_message(name, "as_fixed", profile_value),
                    parameter=key,
                    value=proposed,
                    threshold=profile_value,
                    source=source,
                    fact=name,
                )
            )
        return profile_value, False
    if proposed < profile_value:
        reasons.append(
            Reason(
                code=f"{name}_below_minimum",
                message=_message(name, "below_minimum", profile_value, proposed),
                parameter=key,
                value=proposed,
                threshold=profile_value,
                source=source,
                fact=name,
            )
        )
        return proposed, True
    reasons.append(
        Reason(
            code=f"{name}_meets_minimum",
            message=_message(name, "meets_minimum", profile_value, proposed),
            parameter=key,
            value=proposed,
            threshold=profile_value,
            source=source,
            fact=name,
        )
    )
    return proposed, False


def property_subsidy_decide(
    area_m2: Decimal, policy: Policy, rate: Decimal | None = None, months: int | None = None
) -> Decision:
    """allowed (with the total in yuan, rounded half-up to cents) or refused.

    Jiyuan reply, seeds/000_f9b901b302fa6203.txt (0.15 × 36, fixed); Zhanhe plan,
    seeds/001_f6a39a551d1fc451.txt (≥ 0.3, ≥ 36 months). When the profile's figures are minimums a
    proposed rate or duration below them is refused; otherwise the profile's figures are used.
    """
    if isinstance(area_m2, bool) or not isinstance(area_m2, (Decimal, int)):
        raise RuleInputError("area_m2 must be a Decimal number of m²")
    area = Decimal(area_m2)
    if not area.is_finite() or area < 0:
        raise RuleInputError("area_m2 cannot be negative")
    if rate is not None:
        if isinstance(rate, bool) or not isinstance(rate, (Decimal, int)):
            raise RuleInputError("rate must be a Decimal amount in yuan/m²/month")
        rate = Decimal(rate)
        if not rate.is_finite() or rate < 0:
            raise RuleInputError("rate cannot be negative")
    if months is not None and (isinstance(months, bool) or not isinstance(months, int) or months < 0):
        raise RuleInputError("months must be a whole number, zero or more")

    profile_rate = param(policy, "funding.property_subsidy_rate")
    profile_months = param(policy, "funding.property_subsidy_months")
    is_minimum = param(policy, "funding.property_subsidy_is_minimum", default=False)
    reasons: list[Reason] = [
        Reason(
            code="minimums" if is_minimum.value else "fixed_figures",
            message=_("the profile's rate and duration are minimums")
            if is_minimum.value
            else _("the profile's rate and duration are fixed figures"),
            parameter=is_minimum.key,
            threshold=is_minimum.value,
            source=is_minimum.source,
        )
    ]
    used_rate, rate_refused = _check_proposal(
        name="rate",
        proposed=rate,
        key=profile_rate.key,
        profile_value=profile_rate.value,
        is_minimum=bool(is_minimum.value),
        source_policy=policy,
        reasons=reasons,
    )
    used_months, months_refused = _check_proposal(
        name="months",
        proposed=months,
        key=profile_months.key,
        profile_value=profile_months.value,
        is_minimum=bool(is_minimum.value),
        source_policy=policy,
        reasons=reasons,
    )
    monthly = (Decimal(used_rate) * area).quantize(CENT, rounding=ROUND_HALF_UP)
    total = (Decimal(used_rate) * area * Decimal(used_months)).quantize(CENT, rounding=ROUND_HALF_UP)
    refused = rate_refused or months_refused
    figures: dict[str, Decimal | int] = {
        "area_m2": area,
        "rate": Decimal(used_rate),
        "months": int(used_months),
        "monthly_yuan": monthly,
        "total_yuan": total,
    }
    if refused:  # no total for a refused proposal: it would look like an approved amount
        del figures["monthly_yuan"], figures["total_yuan"]
    else:
        reasons.append(
            Reason(
                code="total",
                message=_("%(rate)s yuan/m²/month × %(area)s m² × %(months)s months = %(total)s yuan")
                % {"rate": show(used_rate), "area": show(area), "months": used_months, "total": show(total)},
                value=total,
            )
        )
    return Decision(rule=RULE, outcome="refused" if refused else "allowed", reasons=tuple(reasons), figures=figures)
