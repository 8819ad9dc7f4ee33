"""Tenders for renovation works: when a contract must be tendered, whether a bid is valid, who wins, the bid
window, and the quantity and cost effect of a variation.

- Jiyuan reply to CPPCC proposal No. 105049 (seeds/000_f9b901b302fa6203.txt): "老旧小区改变招标方式，由原来的费率
  招标改为清单招标，招标价格更合理有效。招标价格也在各个小区进行公示" — construction is tendered on a bill of
  quantities (工程量清单): every bid prices every line, and the bid price is posted in the estate; "改造方案在施工过程
  中与实际不符会发生改变，费用相应也会发生变化" — variations change quantities and cost.
- Thresholds: policy parameters `projects.construction_tender_threshold` and `projects.services_tender_threshold`
  ("at or above this must be tendered"). Where a profile sets none, the national floor applies: 必须招标的工程项目
  规定 (国家发展改革委令第16号, 2018) Art. 5 — construction 400万元以上, design and supervision services 100万元以上
  ("以上" includes the boundary).
- Open vs invited: 招标投标法实施条例 Art. 8 — state-funded projects that must be tendered are tendered openly; an
  invited tender needs a stated reason (few capable bidders, or an open tender costing too much for the contract).
- Bid window: 招标投标法 Art. 24 — at least 20 days from issuing the documents to the bid deadline for a tender
  the law requires.
- Bids: 招标投标法实施条例 Art. 51(5) — a bid above the control price (最高投标限价) is rejected; 招标投标法 Art. 28 —
  with fewer than three bidders the tender is held again; the award goes to the lowest valid price (经评审的最低
  投标价法, 招标投标法 Art. 41(2)).

Pure: no Django. Kinds are the string values of the app's `ContractKind`; money is `Decimal` yuan, rounded
half-up to the cent per line (四舍五入), as priced bills are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .common import Param, param, show
from .decision import Decision, Reason, RuleInputError, Source
from .i18n import _, gettext_noop
from .policy import Policy

CENT = Decimal("0.01")
ZERO = Decimal("0")
CONSTRUCTION_KEY = "projects.construction_tender_threshold"
SERVICES_KEY = "projects.services_tender_threshold"
KINDS = ("design", "construction", "supervision")
METHODS = ("open", "invited", "direct")
MIN_BIDS = 3
MIN_BID_WINDOW_DAYS = 20
# The reason codes of `bid_check` that reject a bid.
BID_PROBLEMS = frozenset(
    {"above_control_price", "line_price_invalid", "lines_missing", "unknown_lines", "total_mismatch"}
)

JIYUAN = Source(
    title="济源市住建局对市政协十届五次会议105049号提案的答复",
    reference="seeds/000_f9b901b302fa6203.txt",
    jurisdiction="419001",
)
NDRC_16 = Source(
    title="必须招标的工程项目规定（国家发展改革委令第16号）",
    reference="第五条：施工单项合同估算价400万元人民币以上；勘察、设计、监理等服务100万元人民币以上",
)
REGULATIONS_ART8 = Source(title="中华人民共和国招标投标法实施条例", reference="第八条")
REGULATIONS_ART51 = Source(title="中华人民共和国招标投标法实施条例", reference="第五十一条第（五）项")
LAW_ART24 = Source(title="中华人民共和国招标投标法", reference="第二十四条")
LAW_ART28 = Source(title="中华人民共和国招标投标法", reference="第二十八条")
LAW_ART41 = Source(title="中华人民共和国招标投标法", reference="第四十一条第（二）项")

# The national floor where a profile sets no threshold (NDRC Order 16, Art. 5).
NATIONAL_THRESHOLDS = {
    CONSTRUCTION_KEY: Decimal("4000000"),
    SERVICES_KEY: Decimal("1000000"),
}
KIND_NAMES = {
    "design": gettext_noop("design"),
    "construction": gettext_noop("construction"),
    "supervision": gettext_noop("supervision"),
}
METHOD_NAMES = {
    "open": gettext_noop("an open tender"),
    "invited": gettext_noop("an invited tender"),
    "direct": gettext_noop("a direct award"),
}


def cents(value: Decimal) -> Decimal:
    """Yuan rounded half-up to the cent (四舍五入)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """One line of a priced bill: quantity × unit price, to the cent (the amount each line is summed at)."""
    return cents(quantity * unit_price)


def _decimal(value: object, name: str, *, negative: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise RuleInputError(f"{name} must be a decimal amount, not {value!r}")
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        raise RuleInputError(f"{name} must be a decimal amount, not {value!r}") from None
    if not number.is_finite():
        raise RuleInputError(f"{name} must be finite, not {value!r}")
    if number < ZERO and not negative:
        raise RuleInputError(f"{name} may not be negative, not {value!r}")
    return number


def _kind(kind: object) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        raise RuleInputError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return kind


def threshold_key(kind: str) -> str:
    """The parameter that sets the tender threshold of a contract kind."""
    return CONSTRUCTION_KEY if _kind(kind) == "construction" else SERVICES_KEY


def tender_thresholds(policy: Policy) -> dict[str, Param]:
    """Both thresholds from the profile in force, or the national floor (NDRC Order 16) where it sets none."""
    return {
        key: param(policy, key, default=value, default_source=NDRC_16) for key, value in NATIONAL_THRESHOLDS.items()
    }


def tender_method_decide(
    kind: str,
    estimated_amount: Decimal,
    *,
    construction_threshold: Param,
    services_threshold: Param,
    requested: str = "",
    invited_reason: str = "",
) -> Decision:
    """allowed / refused: how a contract of `kind` worth `estimated_amount` yuan may be let.

    At or above the kind's threshold a tender is required (NDRC Order 16: "以上" includes the boundary): an open
    tender, or an invited one when `invited_reason` says why (招标投标法实施条例 Art. 8); a direct award is refused.
    Below it a direct award is allowed, and a tender may still be held. `requested` is "" (the rule picks: open
    when required, direct otherwise), "open", "invited" or "direct". figures: method, required, threshold.
    """
    kind = _kind(kind)
    amount = _decimal(estimated_amount, "estimated_amount")
    if requested not in ("", *METHODS):
        raise RuleInputError(f"requested must be one of {', '.join(METHODS)} or empty, not {requested!r}")
    if not isinstance(invited_reason, str):
        raise RuleInputError("invited_reason must be text")
    chosen = construction_threshold if kind == "construction" else services_threshold
    if chosen.key != threshold_key(kind):
        raise RuleInputError(f"the {kind} threshold must be {threshold_key(kind)}, not {chosen.key}")
    threshold = _decimal(chosen.value, chosen.key)
    required = amount >= threshold
    values = {
        "kind": _(KIND_NAMES[kind]),
        "amount": show(amount),
        "threshold": show(threshold),
        "parameter": chosen.key,
    }
    figures: dict[str, object] = {
        "kind": kind,
        "estimated_amount": amount,
        "threshold": threshold,
        "parameter": chosen.key,
        "threshold_defaulted": chosen.defaulted,
        "required": required,
        "method": "",
    }
    base = Reason(
        code="tender_required" if required else "below_threshold",
        message=(
            _(
                "the %(kind)s contract is estimated at %(amount)s yuan, at or above %(threshold)s yuan: it must be tendered"
            )
            if required
            else _(
                "the %(kind)s contract is estimated at %(amount)s yuan, below %(threshold)s yuan: a direct award is allowed"
            )
        )
        % values,
        parameter=chosen.key,
        value=amount,
        threshold=threshold,
        source=chosen.source,
        fact="estimated_amount",
    )
    method = requested or ("open" if required else "direct")
    if required and method == "direct":
        refusal = Reason(
            code="direct_refused",
            message=_("a direct award is not allowed for a contract that must be tendered"),
            parameter=chosen.key,
            value=amount,
            threshold=threshold,
            source=chosen.source,
            fact="requested",
        )
        return Decision(rule="tender_method", outcome="refused", reasons=(base, refusal), figures=figures)
    reasons = [base]
    if method == "invited":
        if required and not invited_reason.strip():
            refusal = Reason(
                code="invited_needs_reason",
                message=_(
                    "a contract that must be tendered is tendered openly; an invited tender needs a stated reason "
                    "(few capable bidders, or an open tender costing too much)"
                ),
                source=REGULATIONS_ART8,
                fact="invited_reason",
            )
            return Decision(rule="tender_method", outcome="refused", reasons=(base, refusal), figures=figures)
        if invited_reason.strip():
            reasons.append(
                Reason(
                    code="invited_reason",
                    message=_("invited tender because: %(reason)s") % {"reason": invited_reason.strip()},
                    source=REGULATIONS_ART8,
                    fact="invited_reason",
                )
            )
    figures["method"] = method
    reasons.append(
        Reason(
            code=f"method_{method}",
            message=_("the contract is let by %(method)s") % {"method": _(METHOD_NAMES[method])},
            value=method,
            fact="method",
            # Required: the Regulations decide open vs invited; below the threshold a direct award rests on the
            # threshold itself, and a voluntary tender on nothing more than the office's choice.
            source=REGULATIONS_ART8 if required else (chosen.source if method == "direct" else None),
        )
    )
    return Decision(rule="tender_method", outcome="allowed", reasons=tuple(reasons), figures=figures)


def bid_window_decide(*, opened_on: dt.date, closes_on: dt.date | None, required: bool) -> Decision:
    """allowed / refused: the time between issuing the tender documents and the bid deadline.

    招标投标法 Art. 24: at least 20 days for a tender the law requires; any tender closes on or after it opens.
    """
    if not isinstance(opened_on, dt.date) or (closes_on is not None and not isinstance(closes_on, dt.date)):
        raise RuleInputError("opened_on and closes_on must be dates")
    if closes_on is None:
        if required:
            reason = Reason(
                code="deadline_missing",
                message=_("a tender the law requires needs a bid deadline"),
                threshold=MIN_BID_WINDOW_DAYS,
                source=LAW_ART24,
                fact="closes_on",
            )
            return Decision(rule="bid_window", outcome="refused", reasons=(reason,), figures={"days": None})
        reason = Reason(code="no_deadline", message=_("no bid deadline is set"), fact="closes_on")
        return Decision(rule="bid_window", outcome="allowed", reasons=(reason,), figures={"days": None})
    days = (closes_on - opened_on).days
    figures = {"days": days, "minimum": MIN_BID_WINDOW_DAYS if required else 0}
    if days < 0:
        reason = Reason(
            code="closes_before_opening",
            message=_("the bid deadline is before the tender opens"),
            value=days,
            threshold=0,
            fact="closes_on",
        )
        return Decision(rule="bid_window", outcome="refused", reasons=(reason,), figures=figures)
    if required and days < MIN_BID_WINDOW_DAYS:
        reason = Reason(
            code="window_too_short",
            message=_("bids close %(days)s days after the documents are issued; the law requires at least %(min)s")
            % {"days": days, "min": MIN_BID_WINDOW_DAYS},
            value=days,
            threshold=MIN_BID_WINDOW_DAYS,
            source=LAW_ART24,
            fact="closes_on",
        )
        return Decision(rule="bid_window", outcome="refused", reasons=(reason,), figures=figures)
    reason = Reason(
        code="window_ok",
        message=_("bids close %(days)s days after the documents are issued") % {"days": days},
        value=days,
        threshold=MIN_BID_WINDOW_DAYS if required else 0,
        source=LAW_ART24 if required else None,
        fact="closes_on",
    )
    return Decision(rule="bid_window", outcome="allowed", reasons=(reason,), figures=figures)


def bid_check(
    *,
    price: Decimal,
    control_price: Decimal,
    quantities: Mapping[str, Decimal],
    line_prices: Mapping[str, Decimal],
    lines_required: bool,
) -> Decision:
    """passed / failed: whether a bid may stand.

    - above the control price → rejected (招标投标法实施条例 Art. 51(5));
    - a bill-of-quantities tender (`lines_required`, Jiyuan 000: 清单招标) prices every line of the bill
      (`quantities`: line code → quantity) and no other;
    - where line prices are given, the bid price must equal Σ quantity × unit price, each line rounded to the
      cent (四舍五入), to the cent.

    Every problem is reported at once. figures: computed_total (None without line prices), missing, unknown.
    """
    price = _decimal(price, "price")
    control = _decimal(control_price, "control_price")
    quantity_of = {str(code): _decimal(q, f"quantity of {code}") for code, q in quantities.items()}
    priced: dict[str, Decimal] = {}
    bad_prices: list[str] = []
    for code, unit_price in line_prices.items():
        try:
            number = _decimal(unit_price, f"unit price of {code}")
        except RuleInputError:
            bad_prices.append(str(code))
            continue
        priced[str(code)] = number
    missing = [code for code in quantity_of if code not in priced and code not in bad_prices]
    unknown = sorted(code for code in priced if code not in quantity_of)
    reasons: list[Reason] = []
    problems = 0
    figures: dict[str, object] = {
        "price": price,
        "control_price": control,
        "computed_total": None,
        "missing": missing,
        "unknown": unknown,
        "invalid": sorted(bad_prices),
    }
    if price > control:
        problems += 1
        reasons.append(
            Reason(
                code="above_control_price",
                message=_("the bid of %(price)s yuan is above the control price of %(control)s yuan")
                % {"price": show(price), "control": show(control)},
                value=price,
                threshold=control,
                source=REGULATIONS_ART51,
                fact="price",
            )
        )
    else:
        reasons.append(
            Reason(
                code="within_control_price",
                message=_("the bid of %(price)s yuan is within the control price of %(control)s yuan")
                % {"price": show(price), "control": show(control)},
                value=price,
                threshold=control,
                source=REGULATIONS_ART51,
                fact="price",
            )
        )
    if bad_prices:
        problems += 1
        reasons.append(
            Reason(
                code="line_price_invalid",
                message=_("these lines have no valid unit price: %(codes)s") % {"codes": "、".join(sorted(bad_prices))},
                value=sorted(bad_prices),
                source=JIYUAN,
                fact="line_prices",
            )
        )
    if lines_required and missing:
        problems += 1
        reasons.append(
            Reason(
                code="lines_missing",
                message=_("the bid does not price %(count)s line(s) of the bill of quantities: %(codes)s")
                % {"count": len(missing), "codes": "、".join(missing[:20])},
                value=len(missing),
                threshold=len(quantity_of),
                source=JIYUAN,
                fact="line_prices",
            )
        )
    if unknown:
        problems += 1
        reasons.append(
            Reason(
                code="unknown_lines",
                message=_("the bid prices lines that are not in the bill of quantities: %(codes)s")
                % {"codes": "、".join(unknown[:20])},
                value=unknown,
                source=JIYUAN,
                fact="line_prices",
            )
        )
    if priced and not unknown and not bad_prices:
        total = sum((line_amount(quantity_of[code], p) for code, p in priced.items()), ZERO)
        figures["computed_total"] = total
        if total != price:
            problems += 1
            reasons.append(
                Reason(
                    code="total_mismatch",
                    message=_(
                        "the line prices add up to %(total)s yuan (quantity × unit price), not the bid price of "
                        "%(price)s yuan"
                    )
                    % {"total": show(total), "price": show(price)},
                    value=total,
                    threshold=price,
                    source=JIYUAN,
                    fact="line_prices",
                )
            )
        else:
            reasons.append(
                Reason(
                    code="total_matches",
                    message=_("the line prices add up to the bid price of %(price)s yuan") % {"price": show(price)},
                    value=total,
                    threshold=price,
                    source=JIYUAN,
                    fact="line_prices",
                )
            )
    return Decision(
        rule="bid_check", outcome="failed" if problems else "passed", reasons=tuple(reasons), figures=figures
    )


@dataclass(frozen=True)
class BidEntry:
    """One bid as the award sees it: its key, the bidder, the price, when it came in and its own check."""

    key: str
    bidder: str
    price: Decimal
    submitted_on: dt.date
    check: Decision


def award_decide(bids: Sequence[BidEntry], *, min_bids: int = MIN_BIDS) -> Decision:
    """awarded / too_few_bids / no_valid_bid: the winning bid of a tender.

    招标投标法 Art. 28: fewer than `min_bids` (three) bidders and the tender is held again. Of the bids whose own
    check passed (`bid_check`), the lowest price wins (Art. 41(2)); equal lowest prices go to the bid submitted
    first, then the earlier record. figures: winner (key), ranking (keys by price), rejected (keys).
    """
    if isinstance(min_bids, bool) or not isinstance(min_bids, int) or min_bids < 1:
        raise RuleInputError(f"min_bids must be a whole number of at least 1, not {min_bids!r}")
    seen: set[str] = set()
    for bid in bids:
        if not isinstance(bid, BidEntry):
            raise RuleInputError(f"bids must be BidEntry values, not {bid!r}")
        if bid.key in seen:
            raise RuleInputError(f"bid {bid.key} is listed twice")
        seen.add(bid.key)
        _decimal(bid.price, f"price of bid {bid.key}")
    valid = sorted((b for b in bids if b.check.passed), key=lambda b: (b.price, b.submitted_on, _key_order(b.key)))
    rejected = [b for b in bids if not b.check.passed]
    figures: dict[str, object] = {
        "bids": len(bids),
        "valid": len(valid),
        "winner": None,
        "ranking": [b.key for b in valid],
        "rejected": [b.key for b in rejected],
        "min_bids": min_bids,
    }
    rejection_reasons = [
        Reason(
            code="bid_rejected",
            message=_("the bid of %(bidder)s is rejected: %(why)s")
            % {
                "bidder": b.bidder,
                "why": "; ".join(r.message for r in b.check.reasons if r.code in BID_PROBLEMS),
            },
            value=b.price,
            fact=b.key,
        )
        for b in rejected
    ]
    if len(bids) < min_bids:
        reason = Reason(
            code="too_few_bids",
            message=_("%(count)s bid(s) came in; with fewer than %(min)s bidders the tender is held again")
            % {"count": len(bids), "min": min_bids},
            value=len(bids),
            threshold=min_bids,
            source=LAW_ART28,
            fact="bids",
        )
        return Decision(rule="award", outcome="too_few_bids", reasons=(reason,), figures=figures)
    if not valid:
        reason = Reason(
            code="no_valid_bid",
            message=_("no bid is valid: the tender is held again"),
            value=0,
            threshold=1,
            source=LAW_ART41,
            fact="bids",
        )
        return Decision(rule="award", outcome="no_valid_bid", reasons=(reason, *rejection_reasons), figures=figures)
    winner = valid[0]
    figures["winner"] = winner.key
    figures["price"] = winner.price
    reasons = [
        Reason(
            code="lowest_valid_bid",
            message=_("%(bidder)s offers the lowest valid price, %(price)s yuan, of %(valid)s valid bid(s)")
            % {"bidder": winner.bidder, "price": show(winner.price), "valid": len(valid)},
            value=winner.price,
            threshold=valid[1].price if len(valid) > 1 else None,
            source=LAW_ART41,
            fact=winner.key,
        )
    ]
    ties = [b for b in valid[1:] if b.price == winner.price]
    if ties:
        reasons.append(
            Reason(
                code="tie_broken",
                message=_("%(others)s offered the same price; the bid submitted first wins")
                % {"others": "、".join(b.bidder for b in ties)},
                value=winner.submitted_on,
                fact="submitted_on",
            )
        )
    reasons.extend(rejection_reasons)
    return Decision(rule="award", outcome="awarded", reasons=tuple(reasons), figures=figures)


def _key_order(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (0, key)


@dataclass(frozen=True)
class VariationChange:
    """One line of a variation: the bill line, its quantity now (with approved variations), the change and the
    unit price it is paid at."""

    code: str
    current_quantity: Decimal
    quantity_delta: Decimal
    unit_price: Decimal


def variation_check(changes: Iterable[VariationChange]) -> Decision:
    """passed / failed: a variation's lines, and its cost impact Σ quantity change × unit price (each line to the
    cent). A change that would leave a line's quantity below zero, a zero change and a line named twice are
    refused (Jiyuan 000: the plan changes as works meet reality and the cost changes with it).
    figures: cost_delta, new_quantities (code → quantity after the change)."""
    items = list(changes)
    reasons: list[Reason] = []
    problems = 0
    seen: set[str] = set()
    cost = ZERO
    after: dict[str, Decimal] = {}
    for change in items:
        if not isinstance(change, VariationChange):
            raise RuleInputError(f"changes must be VariationChange values, not {change!r}")
        current = _decimal(change.current_quantity, f"quantity of {change.code}")
        delta = _decimal(change.quantity_delta, f"change of {change.code}", negative=True)
        price = _decimal(change.unit_price, f"unit price of {change.code}")
        if change.code in seen:
            problems += 1
            reasons.append(
                Reason(
                    code="line_twice",
                    message=_("line %(code)s is changed twice in one variation") % {"code": change.code},
                    fact=change.code,
                )
            )
            continue
        seen.add(change.code)
        if delta == ZERO:
            problems += 1
            reasons.append(
                Reason(
                    code="zero_change",
                    message=_("line %(code)s: a change of zero changes nothing") % {"code": change.code},
                    value=delta,
                    fact=change.code,
                )
            )
            continue
        if current + delta < ZERO:
            problems += 1
            reasons.append(
                Reason(
                    code="negative_quantity",
                    message=_("line %(code)s: %(current)s less %(less)s would leave a negative quantity")
                    % {"code": change.code, "current": show(current), "less": show(-delta)},
                    value=current + delta,
                    threshold=ZERO,
                    fact=change.code,
                )
            )
            continue
        after[change.code] = current + delta
        cost += line_amount(delta, price)
    if not items:
        problems += 1
        reasons.append(Reason(code="no_lines", message=_("a variation changes at least one line"), fact="lines"))
    figures: dict[str, object] = {"cost_delta": cost if not problems else None, "new_quantities": after}
    if problems:
        return Decision(rule="variation", outcome="failed", reasons=tuple(reasons), figures=figures)
    reasons.append(
        Reason(
            code="cost_delta",
            message=_("the variation changes %(count)s line(s); its cost impact is %(cost)s yuan")
            % {"count": len(items), "cost": show(cost)},
            value=cost,
            source=JIYUAN,
            fact="lines",
        )
    )
    return Decision(rule="variation", outcome="passed", reasons=tuple(reasons), figures=figures)


def same_firm(a: str, b: str) -> bool:
    """Firm names compare without surrounding or inner blanks and case ("固原建工集团 " = "固原建工集团")."""
    return bool(a.strip()) and "".join(a.split()).casefold() == "".join(b.split()).casefold()
