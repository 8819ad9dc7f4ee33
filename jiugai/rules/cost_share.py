"""Sharing a cost among households: one payer, equally, by area, or tiered by floor.

- Zhanhe implementation plan 平湛政办〔2020〕10号 (seeds/001_f6a39a551d1fc451.txt): residents' personalised items are
  paid "通过单户承担、平均分摊、梯次分摊等方式" — by one household, shared equally, or in tiers. The methods are
  `single`, `equal`, `area` (by each household's exclusive floor area) and `floor` (tiered).
- Tiered sharing (`floor`) weighs each household by **coefficient × exclusive area**, the coefficient read from the
  profile's `funding.floor_coefficients` table (REFERENCE.md §2.5, the Guangzhou Dongpu Lijiang Xincun example:
  floors 1–2 at 0, then 0.7, 0.8 … 1.3; "a household's share = coefficient × its floor area × base rate"). A
  household on a floor the table does not list is an input error, not a silent zero.
- Jincheng (seeds/004_391429ce0bbb685b.txt): "对特殊困难家庭，可依法依规减免出资" — hardship households may be
  exempted (`funding.hardship_exemption`). An exempt household pays nothing; its share is carried by the other
  households (`exempt_carried_by="others"`) or by a named fund (`"fund"`, `figures["fund"]`). Where the profile
  does not allow exemptions, the flag is ignored and a reason says so.

Money is exact: the total must be whole cents, weights are exact integers, and the cents are dealt out by the
largest-remainder method (ties to the earlier key), so the shares plus the fund add up to the total to the cent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .common import param, show
from .decision import Decision, Reason, RuleInputError
from .i18n import _
from .policy import Policy

RULE = "cost_share"
METHODS = ("single", "equal", "area", "floor")
CARRIERS = ("others", "fund")
FLOOR_KEY = "funding.floor_coefficients"
EXEMPTION_KEY = "funding.hardship_exemption"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ShareUnit:
    """One household (or unit) that may bear part of a shared cost."""

    key: str  # household id or code
    area: Decimal = Decimal(0)
    floor: int = 1
    exempt: bool = False  # hardship household (低保/特困), when the policy exempts them


def cost_shares_cents(total_cents: int, weights: Sequence[int], exempt: Sequence[bool] | None = None) -> list[int]:
    """Split `total_cents` in proportion to integer `weights`; exempt entries weigh nothing and pay 0.

    Largest remainder: each entry first gets floor(total × w / W) cents; the cents left over (fewer than the
    entries with a remainder) go one each to the largest remainders, ties to the earlier entry. The result always
    sums to `total_cents`; an entry with weight 0 never gets a cent; a heavier entry never gets less than a
    lighter one.
    """
    if isinstance(total_cents, bool) or not isinstance(total_cents, int):
        raise RuleInputError("total_cents must be a whole number of cents")
    if total_cents < 0:
        raise RuleInputError("the total to share cannot be negative")
    if exempt is not None:
        if len(exempt) != len(weights):
            raise RuleInputError("exempt must have one flag per weight")
        weights = [0 if flag else w for w, flag in zip(weights, exempt, strict=True)]
    total_weight = 0
    for w in weights:
        if w < 0:
            raise RuleInputError("weights cannot be negative")
        total_weight += w
    if total_weight <= 0:
        raise RuleInputError("no paying unit: every unit is exempt or weighs nothing")
    shares: list[int] = []
    remainders: list[int] = []
    for w in weights:
        q, r = divmod(total_cents * w, total_weight)
        shares.append(q)
        remainders.append(r)
    left = total_cents - sum(shares)
    if left:
        order = sorted(range(len(shares)), key=lambda i: (-remainders[i], i))
        for i in order[:left]:
            shares[i] += 1
    return shares


def _decimal(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise RuleInputError(f"{name} must be a Decimal number, not {value!r}")
    number = Decimal(value)
    if not number.is_finite():
        raise RuleInputError(f"{name} must be a finite number")
    return number


def _scaled(values: Sequence[Decimal | int]) -> list[int]:
    """Exact integers proportional to the (non-negative, finite) numbers: all times the same common denominator."""
    ratios = [value.as_integer_ratio() for value in values]
    common = math.lcm(*(d for _, d in ratios)) if ratios else 1
    return [n * (common // d) for n, d in ratios]


def _check_units(units: Sequence[ShareUnit]) -> None:
    """Each unit a ShareUnit with a unique non-empty key, a finite non-negative area and a whole floor number."""
    if not units:
        raise RuleInputError("no units to share the cost among")
    for unit in units:
        if not isinstance(unit, ShareUnit):
            raise RuleInputError(f"each unit must be a ShareUnit, not {unit!r}")
        key, area, floor = unit.key, unit.area, unit.floor
        if not isinstance(key, str) or not key:
            raise RuleInputError("each unit needs a non-empty key")
        if isinstance(area, bool) or not isinstance(area, (Decimal, int)):
            raise RuleInputError(f"area of unit '{key}' must be a Decimal number, not {area!r}")
        if not (area >= 0 if isinstance(area, int) else area.is_finite() and area >= 0):
            raise RuleInputError(f"area of unit '{key}' cannot be negative (or infinite)")
        if isinstance(floor, bool) or not isinstance(floor, int):
            raise RuleInputError(f"floor of unit '{key}' must be a whole number")
    if len({unit.key for unit in units}) != len(units):
        seen: set[str] = set()
        for unit in units:
            if unit.key in seen:
                raise RuleInputError(f"unit '{unit.key}' is listed twice")
            seen.add(unit.key)


def cost_share_decide(
    total: Decimal,
    units: Sequence[ShareUnit],
    *,
    method: str,
    policy: Policy,
    exempt_carried_by: str = "others",
    payer: str | None = None,
) -> Decision:
    """outcome "shared"; figures {"shares": {key: yuan}, "fund": yuan, "method", "coefficients", "total"}.

    `single`: `payer` pays everything; `equal`: one share per household; `area`: by exclusive area; `floor`:
    coefficient (`funding.floor_coefficients`) × exclusive area. Zhanhe plan seeds/001_f6a39a551d1fc451.txt
    (单户承担、平均分摊、梯次分摊); exemptions per Jincheng seeds/004_391429ce0bbb685b.txt.
    """
    amount = _decimal(total, "total")
    if amount < 0:
        raise RuleInputError("the total to share cannot be negative")
    if amount != amount.quantize(CENT):
        raise RuleInputError(f"the total {amount} must be whole cents (at most two decimal places)")
    if method not in METHODS:
        raise RuleInputError(f"unknown method '{method}'; expected one of {', '.join(METHODS)}")
    if exempt_carried_by not in CARRIERS:
        raise RuleInputError(f"exempt_carried_by must be one of {', '.join(CARRIERS)}, not {exempt_carried_by!r}")
    _check_units(units)
    if method == "single":
        if not payer:
            raise RuleInputError("the single method needs a payer")
        if payer not in {u.key for u in units}:
            raise RuleInputError(f"the payer '{payer}' is not among the units")
    elif payer is not None:
        raise RuleInputError(f"a payer is given only with the single method, not with '{method}'")

    ordered = sorted(units, key=lambda u: u.key)  # ties in the cents go to the earlier key
    reasons: list[Reason] = []
    coefficients: dict[int, Decimal] = {}

    if method == "single":
        weights = [1 if u.key == payer else 0 for u in ordered]
        reasons.append(
            Reason(
                code="method_single",
                message=_("household %(payer)s bears the whole cost (单户承担)") % {"payer": payer},
                value=payer,
            )
        )
    elif method == "equal":
        weights = [1] * len(ordered)
        reasons.append(
            Reason(
                code="method_equal",
                message=_("shared equally among %(count)s households (平均分摊)") % {"count": len(ordered)},
                value=len(ordered),
            )
        )
    elif method == "area":
        weights = _scaled([u.area for u in ordered])
        area_total = sum((Decimal(u.area) for u in ordered), Decimal(0))
        reasons.append(
            Reason(
                code="method_area",
                message=_("shared by exclusive area, %(area)s m² in all") % {"area": show(area_total)},
                value=area_total,
            )
        )
    else:
        table = param(policy, FLOOR_KEY)
        missing = sorted({u.floor for u in ordered if u.floor not in table.value})
        if missing:
            raise RuleInputError(
                f"floor(s) {', '.join(map(str, missing))} are missing from the coefficient table {FLOOR_KEY} "
                f"(floors {min(table.value)}–{max(table.value)})"
            )
        coefficients = {floor: Decimal(table.value[floor]) for floor in sorted({u.floor for u in ordered})}
        scaled_coefficients = dict(zip(coefficients, _scaled(list(coefficients.values())), strict=True))
        areas = _scaled([u.area for u in ordered])
        weights = [scaled_coefficients[u.floor] * a for u, a in zip(ordered, areas, strict=True)]
        reasons.append(
            Reason(
                code="method_floor",
                message=_(
                    "tiered by floor (梯次分摊): each household weighs its floor coefficient × its area; %(table)s"
                )
                % {"table": ", ".join(f"{floor}F {c}" for floor, c in coefficients.items())},
                parameter=FLOOR_KEY,
                threshold=dict(sorted(table.value.items())),
                source=table.source,
            )
        )

    flagged = [u.key for u in ordered if u.exempt]
    exempt = [False] * len(ordered)
    if flagged:
        allowed = param(policy, EXEMPTION_KEY, default=False)
        if allowed.value:
            exempt = [u.exempt for u in ordered]
            reasons.append(
                Reason(
                    code="exempt_carried_by_fund" if exempt_carried_by == "fund" else "exempt_carried_by_others",
                    message=(
                        _("%(count)s hardship households pay nothing; a fund carries their share")
                        if exempt_carried_by == "fund"
                        else _("%(count)s hardship households pay nothing; the other households carry their share")
                    )
                    % {"count": len(flagged)},
                    parameter=allowed.key,
                    value=len(flagged),
                    threshold=True,
                    source=allowed.source,
                )
            )
        else:
            reasons.append(
                Reason(
                    code="exemption_not_allowed",
                    message=_("%(count)s households are marked hardship, but this profile grants no exemption")
                    % {"count": len(flagged)},
                    parameter=allowed.key,
                    value=len(flagged),
                    threshold=False,
                    source=allowed.source,
                )
            )

    total_cents = int(amount.scaleb(2))
    if any(exempt) and exempt_carried_by == "fund":
        full = cost_shares_cents(total_cents, weights)
        cents = [0 if flag else c for c, flag in zip(full, exempt, strict=True)]
    else:
        try:
            cents = cost_shares_cents(total_cents, weights, exempt if any(exempt) else None)
        except RuleInputError as exc:
            raise RuleInputError(f"no paying unit: every household is exempt or weighs nothing ({method})") from exc
    fund_cents = total_cents - sum(cents)
    shares = {u.key: Decimal(c) * CENT for u, c in zip(ordered, cents, strict=True)}
    fund = Decimal(fund_cents).scaleb(-2)
    reasons.append(
        Reason(
            code="reconciled",
            message=_(
                "%(total)s yuan = %(households)s yuan from households + %(fund)s yuan from the fund, "
                "rounded to cents by largest remainder"
            )
            % {"total": show(amount), "households": show(Decimal(sum(cents)).scaleb(-2)), "fund": show(fund)},
            value=amount,
        )
    )
    return Decision(
        rule=RULE,
        outcome="shared",
        reasons=tuple(reasons),
        figures={
            "total": amount,
            "method": method,
            "shares": {unit.key: shares[unit.key] for unit in units},  # in the caller's order
            "fund": fund,
            "coefficients": coefficients,
        },
    )
