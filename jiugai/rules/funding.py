"""Funding rules: utilities' shares, central money (no repeats, earmarks), district awards, idle funds.

- Jiyuan reply to CPPCC proposal No. 105049 (seeds/000_f9b901b302fa6203.txt): "专营单位出资比例达到1/3的，项目可由
  专营单位实施" (`funding.utility_may_implement_share`, "达到" includes the boundary) and, for one meter per
  household, "改造费用由供水企业承担1/3" (`funding.water_meter_utility_share`); "中央会给予资金补助，按照'保基本'的
  原则，重点支持基础类改造内容" (the earmark table below).
- Guyuan draft 2022 plan (seeds/003_54d0b71b4a1e2a82.txt): projects already in a centrally subsidised plan may not
  be applied for again (`eligibility.no_repeat_central_funding`); "楼体改造资金主要申请中央财政专项补助资金，楼体外
  小区配套基础设施改造资金主要申请自治区以及中央预算内补助资金"; no idle funds (`funding.idle_funds_days`).
- Zhanhe implementation plan 平湛政办〔2020〕10号 (seeds/001_f6a39a551d1fc451.txt): "由街道办事处承担,区财政根据各
  街道办事处实际承担金额给予一定比例奖补。超出改造范围支出的资金,不纳入区级奖补范围" (`funding.district_award_rate`).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

from .common import at_least, param, share, show
from .decision import Decision, Reason, RuleInputError, Source
from .i18n import _
from .policy import Policy

CENT = Decimal("0.01")
UTILITY_KEY = "funding.utility_may_implement_share"
WATER_METER_KEY = "funding.water_meter_utility_share"
NO_REPEAT_KEY = "eligibility.no_repeat_central_funding"
AWARD_KEY = "funding.district_award_rate"
IDLE_KEY = "funding.idle_funds_days"

JIYUAN = Source(
    title="济源市住建局对市政协十届五次会议105049号提案的答复",
    reference="seeds/000_f9b901b302fa6203.txt",
    jurisdiction="419001",
)
GUYUAN = Source(
    title="固原市区2022年老旧小区改造项目实施方案（征求意见稿）",
    reference="seeds/003_54d0b71b4a1e2a82.txt",
    jurisdiction="640402",
)
NDRC_2019 = Source(
    title="中央预算内投资保障性安居工程配套基础设施（2019年）",
    reference="REFERENCE.md §5.2",
    url="https://pxhct.com/portal.php?aid=2152&mod=view",
)

ITEM_CLASSES = ("basic", "improvement", "upgrade")  # Guyuan's three classes (基础类、完善类、提升类)
# Which catalogue classes each kind of money may pay for. Only the two central channels are restricted:
# - central_subsidy (中央财政城镇保障性安居工程补助资金, MOF): 保基本 — basic works only (Jiyuan reply seed 000;
#   REFERENCE.md §1.2 and §5.1 "focused on basic-category content").
# - central_investment (中央预算内投资, NDRC): supporting infrastructure — in-estate water, power, roads, gas,
#   greening, lighting, walls, refuse collection (basic) and elderly/child care, barrier-free and convenience
#   facilities (improvement); not the upgrade class (REFERENCE.md §5.2, 2019 scope; Guyuan seed 003 sends
#   out-of-building supporting works to it).
# Every other kind (provincial, local budget and bonds, utilities, residents, funds, donations, social capital)
# may pay for any class.
CENTRAL_EARMARKS: dict[str, tuple[frozenset[str], Source]] = {
    "central_subsidy": (frozenset({"basic"}), JIYUAN),
    "central_investment": (frozenset({"basic", "improvement"}), NDRC_2019),
}
SOURCE_KINDS = (
    "central_subsidy",
    "central_investment",
    "provincial",
    "local_budget",
    "local_bond",
    "utility",
    "residents",
    "maintenance_fund",
    "provident_fund",
    "public_revenue",
    "property_unit",
    "donation",
    "social_capital",
    "other",
)


def _money(value: object, name: str, *, cents: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise RuleInputError(f"{name} must be a Decimal amount in yuan, not {value!r}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise RuleInputError(f"{name} must be a finite amount")
    if amount < 0:
        raise RuleInputError(f"{name} cannot be negative")
    if cents and amount != amount.quantize(CENT):
        raise RuleInputError(f"{name} {amount} must be whole cents (at most two decimal places)")
    return amount


def _times(amount: Decimal, fraction: Fraction, rounding: str = ROUND_HALF_UP) -> Decimal:
    """amount × fraction in yuan, computed exactly and rounded to cents once (half-up, or up for ROUND_CEILING)."""
    cents = Fraction(amount) * fraction * 100
    q, r = divmod(cents.numerator, cents.denominator)
    if r and (rounding == ROUND_CEILING or 2 * r >= cents.denominator):
        q += 1
    return Decimal(q).scaleb(-2)


def utility_may_implement_decide(utility_share: Decimal, total: Decimal, policy: Policy) -> Decision:
    """allowed when utility_share / total ≥ `funding.utility_may_implement_share` (exact; the boundary counts).

    Jiyuan reply, seeds/000_f9b901b302fa6203.txt: 出资比例达到1/3的，项目可由专营单位实施.
    """
    paid = _money(utility_share, "utility_share")
    whole = _money(total, "total")
    if whole == 0:
        raise RuleInputError("total must be more than zero")
    if paid > whole:
        raise RuleInputError(f"utility_share ({paid}) exceeds the total ({whole})")
    required = param(policy, UTILITY_KEY)
    observed = share(paid, whole)
    allowed = at_least(paid, whole, required.value)
    needed = _times(whole, required.value, ROUND_CEILING)
    values = {
        "paid": show(paid),
        "total": show(whole),
        "share": show(observed),
        "required": show(required.value),
        "needed": show(needed),
    }
    message = (
        _(
            "the utility pays %(paid)s of %(total)s yuan (%(share)s), at least the required %(required)s "
            "(%(needed)s yuan needed): it may carry out the works"
        )
        if allowed
        else _(
            "the utility pays %(paid)s of %(total)s yuan (%(share)s), below the required %(required)s "
            "(%(needed)s yuan needed): it may not carry out the works"
        )
    )
    reason = Reason(
        code="utility_share_met" if allowed else "utility_share_not_met",
        message=message % values,
        parameter=UTILITY_KEY,
        value=observed,
        threshold=required.value,
        source=required.source,
        numerator=paid,
        denominator=whole,
    )
    return Decision(
        rule="utility_may_implement",
        outcome="allowed" if allowed else "refused",
        reasons=(reason,),
        figures={
            "utility_share": paid,
            "total": whole,
            "share": observed,
            "required": required.value,
            "needed": needed,
        },
    )


def water_meter_share_decide(cost: Decimal, policy: Policy) -> Decision:
    """shared: the water company's part of one-meter-per-household works and the rest, to the cent.

    Jiyuan reply, seeds/000_f9b901b302fa6203.txt: 改造费用由供水企业承担1/3. The utility's part is rounded half-up
    to cents; the rest is the cost minus it, so the two always add up to the cost.
    """
    amount = _money(cost, "cost", cents=True)
    fraction = param(policy, WATER_METER_KEY)
    utility = _times(amount, fraction.value)
    rest = amount - utility
    reason = Reason(
        code="water_meter_share",
        message=_("the water company pays %(share)s of %(cost)s yuan = %(utility)s yuan; %(rest)s yuan remain")
        % {"share": show(fraction.value), "cost": show(amount), "utility": show(utility), "rest": show(rest)},
        parameter=WATER_METER_KEY,
        value=utility,
        threshold=fraction.value,
        source=fraction.source,
    )
    return Decision(
        rule="water_meter_share",
        outcome="shared",
        reasons=(reason,),
        figures={"cost": amount, "share": fraction.value, "utility": utility, "rest": rest},
    )


def central_repeat_decide(
    *, estate_funded_year: int | None, programme: str = "", applying_year: int, policy: Policy
) -> Decision:
    """refused when the estate (or these works) is already in a centrally subsidised plan and repeats are barred.

    Guyuan draft plan, seeds/003_54d0b71b4a1e2a82.txt, and the State Council guidance (national profile):
    `eligibility.no_repeat_central_funding`. `programme` names the earlier central programme, for the message.
    """
    for name, year in (("applying_year", applying_year), ("estate_funded_year", estate_funded_year)):
        if year is None and name == "estate_funded_year":
            continue
        if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2100:
            raise RuleInputError(f"{name} must be a year such as 2022, not {year!r}")
    if not isinstance(programme, str):
        raise RuleInputError("programme must be text")
    no_repeat = param(policy, NO_REPEAT_KEY, default=False, default_source=GUYUAN)
    label = programme.strip() or _("a centrally subsidised plan")
    if estate_funded_year is None:
        reason = Reason(
            code="not_centrally_funded",
            message=_("not in any centrally subsidised plan before; may apply for %(year)s") % {"year": applying_year},
            parameter=no_repeat.key,
            threshold=no_repeat.value,
            source=no_repeat.source,
            fact="estate_funded_year",
        )
        outcome = "allowed"
    elif no_repeat.value:
        reason = Reason(
            code="repeat_central_funding",
            message=_("already in %(programme)s (%(funded)s); may not apply again for %(year)s")
            % {"programme": label, "funded": estate_funded_year, "year": applying_year},
            parameter=no_repeat.key,
            value=estate_funded_year,
            threshold=True,
            source=no_repeat.source,
            fact="estate_funded_year",
        )
        outcome = "refused"
    else:
        reason = Reason(
            code="repeat_central_funding_allowed",
            message=_("already in %(programme)s (%(funded)s), which this jurisdiction does not bar")
            % {"programme": label, "funded": estate_funded_year},
            parameter=no_repeat.key,
            value=estate_funded_year,
            threshold=False,
            source=no_repeat.source,
            fact="estate_funded_year",
        )
        outcome = "allowed"
    return Decision(
        rule="central_repeat",
        outcome=outcome,
        reasons=(reason,),
        figures={"estate_funded_year": estate_funded_year, "programme": programme, "applying_year": applying_year},
    )


def district_award_decide(street_borne: Decimal, out_of_scope: Decimal, policy: Policy) -> Decision:
    """awarded: rate × (street-borne − out-of-scope spending), rounded half-up to cents.

    Zhanhe plan, seeds/001_f6a39a551d1fc451.txt: 区财政根据各街道办事处实际承担金额给予一定比例奖补。超出改造范围支出
    的资金,不纳入区级奖补范围. The rate is the profile's `funding.district_award_rate` (the plan names no figure,
    so a profile without it reports "not configured").
    """
    borne = _money(street_borne, "street_borne")
    outside = _money(out_of_scope, "out_of_scope")
    if outside > borne:
        raise RuleInputError(f"out_of_scope ({outside}) exceeds street_borne ({borne})")
    rate = param(policy, AWARD_KEY)
    base = borne - outside
    award = _times(base, rate.value)
    reasons = (
        Reason(
            code="award_base",
            message=_("%(borne)s yuan borne by the street office, less %(outside)s yuan outside the renovation scope")
            % {"borne": show(borne), "outside": show(outside)},
            value=base,
        ),
        Reason(
            code="award",
            message=_("award %(rate)s × %(base)s yuan = %(award)s yuan")
            % {"rate": show(rate.value), "base": show(base), "award": show(award)},
            parameter=AWARD_KEY,
            value=award,
            threshold=rate.value,
            source=rate.source,
        ),
    )
    return Decision(
        rule="district_award",
        outcome="awarded" if award > 0 else "no_award",
        reasons=reasons,
        figures={"street_borne": borne, "out_of_scope": outside, "base": base, "rate": rate.value, "award": award},
    )


def earmark_decide(source_kind: str, item_class: str) -> Decision:
    """allowed when money of `source_kind` may pay for catalogue items of `item_class` (table CENTRAL_EARMARKS)."""
    if source_kind not in SOURCE_KINDS:
        raise RuleInputError(f"unknown source kind '{source_kind}'; expected one of {', '.join(SOURCE_KINDS)}")
    if item_class not in ITEM_CLASSES:
        raise RuleInputError(f"unknown item class '{item_class}'; expected one of {', '.join(ITEM_CLASSES)}")
    if source_kind not in CENTRAL_EARMARKS:
        reason = Reason(
            code="unrestricted",
            message=_("%(kind)s money is not earmarked; it may pay for %(item_class)s items")
            % {"kind": source_kind, "item_class": item_class},
            value=item_class,
            fact="item_class",
        )
        return Decision(
            rule="earmark",
            outcome="allowed",
            reasons=(reason,),
            figures={"source_kind": source_kind, "item_class": item_class, "classes": list(ITEM_CLASSES)},
        )
    classes, source = CENTRAL_EARMARKS[source_kind]
    allowed = item_class in classes
    values = {"kind": source_kind, "item_class": item_class, "classes": ", ".join(sorted(classes))}
    reason = Reason(
        code="earmark_met" if allowed else "earmark_not_met",
        message=(
            _("%(kind)s money may pay for %(item_class)s items (it pays for: %(classes)s)")
            if allowed
            else _("%(kind)s money may not pay for %(item_class)s items (it pays only for: %(classes)s)")
        )
        % values,
        value=item_class,
        threshold=sorted(classes),
        source=source,
        fact="item_class",
    )
    return Decision(
        rule="earmark",
        outcome="allowed" if allowed else "refused",
        reasons=(reason,),
        figures={"source_kind": source_kind, "item_class": item_class, "classes": sorted(classes)},
    )


def idle_funds_decide(received_on: dt.date, paid_on: dt.date | None, today: dt.date, policy: Policy) -> Decision:
    """alert when money received has not been paid out more than `funding.idle_funds_days` days later.

    Guyuan draft plan, seeds/003_54d0b71b4a1e2a82.txt (no idle funds). Exactly the limit is not yet idle; money
    paid out is "paid" (with `paid_late` among the reasons when it waited longer than the limit).
    """
    for name, day in (("received_on", received_on), ("today", today), ("paid_on", paid_on)):
        if day is None and name == "paid_on":
            continue
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            raise RuleInputError(f"{name} must be a date, not {day!r}")
    if today < received_on:
        raise RuleInputError(f"received_on ({received_on.isoformat()}) is after today ({today.isoformat()})")
    if paid_on is not None:
        if paid_on < received_on:
            raise RuleInputError(f"paid_on ({paid_on.isoformat()}) is before received_on ({received_on.isoformat()})")
        if paid_on > today:
            raise RuleInputError(f"paid_on ({paid_on.isoformat()}) is after today ({today.isoformat()})")
    limit = param(policy, IDLE_KEY)
    days = ((paid_on or today) - received_on).days
    over = days > limit.value
    values = {"days": days, "limit": limit.value, "received": received_on.isoformat()}
    if paid_on is not None:
        code, outcome = ("paid_late" if over else "paid_in_time"), "paid"
        message = (
            _("received %(received)s and paid out %(days)s days later, after the %(limit)s-day limit")
            if over
            else _("received %(received)s and paid out %(days)s days later, within the %(limit)s-day limit")
        ) % values
    elif over:
        code, outcome = "idle", "alert"
        message = _("received %(received)s and unpaid for %(days)s days, more than %(limit)s: idle funds") % values
    else:
        code, outcome = "waiting", "ok"
        message = _("received %(received)s and unpaid for %(days)s days, within the %(limit)s-day limit") % values
    reason = Reason(
        code=code,
        message=message,
        parameter=IDLE_KEY,
        value=days,
        threshold=limit.value,
        source=limit.source,
    )
    return Decision(
        rule="idle_funds",
        outcome=outcome,
        reasons=(reason,),
        figures={
            "received_on": received_on,
            "paid_on": paid_on,
            "days": days,
            "limit_days": limit.value,
            "days_left": max(limit.value - days, 0) if paid_on is None else None,
        },
    )
