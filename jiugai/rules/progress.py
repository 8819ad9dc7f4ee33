"""Weekly progress reports: the report day, percent complete from quantities, and the checks a report must pass.

- Jiyuan reply to CPPCC proposal No. 105049 (seeds/000_f9b901b302fa6203.txt), 建立工作专报制度: "各街道办事处严格按照
  工作计划推进老旧小区改造工作，每周五向市老旧小区改造提升工作领导小组办公室报送改造提升工作开展情况" — one report a week
  on the profile's report day (`projects.weekly_report_weekday`, 1 = Monday … 7 = Sunday; Jiyuan: 5). The same reply
  moved works tendering to the bill of quantities (清单招标), so progress is measured against the BoQ lines: the
  share of the contract's amount whose quantities are done, never a percentage typed by hand.
- Zhanhe implementation plan 平湛政办〔2020〕10号 (seeds/001_f6a39a551d1fc451.txt), 督导考核: progress is judged
  ("看进度") — a line cannot be reported done beyond its quantity (including approved variations).
- Seed digest §7 (ledgers): weekly reports, "registration and close-out" 登记销号 ledgers, periodic bulletins —
  the weekly digest's distribution of percent complete uses `PERCENT_BUCKETS`.

Pure: no Django. Quantities and prices are `Decimal`; percentages are computed exactly (Fraction) and truncated to
two places, so 100.00 means every line is done.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .common import show
from .decision import Decision, Reason, RuleInputError, Source
from .i18n import _, gettext_noop

WEEKDAY_KEY = "projects.weekly_report_weekday"
ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
ALMOST_DONE = Decimal("99.99")
WEEK = dt.timedelta(days=7)

JIYUAN = Source(
    title="济源市住建局对市政协十届五次会议105049号提案的答复",
    reference="seeds/000_f9b901b302fa6203.txt",
    jurisdiction="419001",
)
ZHANHE = Source(
    title="湛河区老旧小区改造提质工作实施方案（平湛政办〔2020〕10号）",
    reference="seeds/001_f6a39a551d1fc451.txt",
    jurisdiction="410411",
)

# The weekly digest's distribution of percent complete: (label, lower bound exclusive, upper bound inclusive);
# "0" and "100" are their own buckets (not started / finished), the rest are quarters.
PERCENT_BUCKETS: tuple[tuple[str, Decimal | None, Decimal], ...] = (
    ("0", None, ZERO),
    ("0-25", ZERO, Decimal("25")),
    ("25-50", Decimal("25"), Decimal("50")),
    ("50-75", Decimal("50"), Decimal("75")),
    ("75-100", Decimal("75"), ALMOST_DONE),
    ("100", ALMOST_DONE, HUNDRED),
)

# Firm roles report only for the project that contracted them (role → contract kind).
FIRM_ROLES = {"construction_firm": "construction", "supervision_firm": "supervision"}
FIRM_KINDS = {"construction": gettext_noop("construction"), "supervision": gettext_noop("supervision")}


# --- the report day -------------------------------------------------------------------------------------


def _weekday(weekday: object) -> int | None:
    if weekday is None:
        return None
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 1 <= weekday <= 7:
        raise RuleInputError(f"weekday must be 1 (Monday) … 7 (Sunday) or None, not {weekday!r}")
    return weekday


def _day(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise RuleInputError(f"{name} must be a date, not {value!r}")
    return value


def week_ending_for(day: dt.date, weekday: int | None) -> dt.date:
    """The report day that closes the week `day` falls in: the first `weekday` on or after `day` (Jiyuan 000:
    every Friday). Without a report day in the profile, any day closes its own week."""
    day = _day(day, "day")
    wd = _weekday(weekday)
    if wd is None:
        return day
    return day + dt.timedelta(days=(wd - day.isoweekday()) % 7)


def week_ending_on_or_before(day: dt.date, weekday: int | None) -> dt.date:
    """The latest report day on or before `day`: the week a digest built on `day` reports on."""
    day = _day(day, "day")
    wd = _weekday(weekday)
    if wd is None:
        return day
    return day - dt.timedelta(days=(day.isoweekday() - wd) % 7)


def is_report_day(day: dt.date, weekday: int | None) -> bool:
    """Whether `day` is the profile's report day (any day when the profile sets none)."""
    day = _day(day, "day")
    wd = _weekday(weekday)
    return wd is None or day.isoweekday() == wd


def week_span(week_ending: dt.date) -> tuple[dt.date, dt.date]:
    """The seven days a report for `week_ending` covers (first, last)."""
    week_ending = _day(week_ending, "week_ending")
    return week_ending - dt.timedelta(days=6), week_ending


def weekday_name(weekday: int) -> str:
    """The weekday's name in the current language."""
    names = {
        1: _("Monday"),
        2: _("Tuesday"),
        3: _("Wednesday"),
        4: _("Thursday"),
        5: _("Friday"),
        6: _("Saturday"),
        7: _("Sunday"),
    }
    return names[_weekday(weekday) or 1]


def report_date_decide(
    week_ending: dt.date,
    *,
    today: dt.date,
    weekday: int | None,
    weekday_source: Source | None = None,
    other_weeks: Iterable[dt.date] = (),
    started_on: dt.date | None = None,
) -> Decision:
    """allowed when a report may be filed for the week ending `week_ending`; refused with every reason otherwise.

    - not after `today` (a report states what was done, never what will be);
    - on the profile's report day `projects.weekly_report_weekday` (Jiyuan 000: 每周五报送), when one is set;
    - not before the works started (`started_on`), since there is nothing to report yet;
    - one report per week: the same week again is a duplicate, and a week overlapping another report's seven
      days (possible where no report day is set, or after the profile changed it) double-counts quantities.
    """
    week_ending = _day(week_ending, "week_ending")
    today = _day(today, "today")
    wd = _weekday(weekday)
    if started_on is not None:
        _day(started_on, "started_on")
    reasons: list[Reason] = []
    if week_ending > today:
        reasons.append(
            Reason(
                code="future",
                message=_("the week ending %(day)s has not ended yet (today is %(today)s)")
                % {"day": show(week_ending), "today": show(today)},
                value=week_ending,
                threshold=today,
                fact="week_ending",
            )
        )
    if wd is not None and week_ending.isoweekday() != wd:
        reasons.append(
            Reason(
                code="not_report_day",
                message=_("%(day)s is a %(actual)s; reports are due each %(weekday)s (the next is %(next)s)")
                % {
                    "day": show(week_ending),
                    "actual": weekday_name(week_ending.isoweekday()),
                    "weekday": weekday_name(wd),
                    "next": show(week_ending_for(week_ending, wd)),
                },
                parameter=WEEKDAY_KEY,
                value=week_ending.isoweekday(),
                threshold=wd,
                source=weekday_source or JIYUAN,
                fact="week_ending",
            )
        )
    if started_on is not None and week_ending < started_on:
        reasons.append(
            Reason(
                code="before_start",
                message=_("the works started on %(start)s, after the week ending %(day)s")
                % {"start": show(started_on), "day": show(week_ending)},
                value=week_ending,
                threshold=started_on,
                fact="week_ending",
            )
        )
    for other in sorted(set(other_weeks)):
        _day(other, "other week")
        if other == week_ending:
            reasons.append(
                Reason(
                    code="duplicate",
                    message=_("a report for the week ending %(day)s has already been filed") % {"day": show(other)},
                    value=week_ending,
                    source=JIYUAN,
                    fact="week_ending",
                )
            )
        elif abs((other - week_ending).days) < 7:
            reasons.append(
                Reason(
                    code="overlap",
                    message=_("the week ending %(day)s overlaps the report for the week ending %(other)s")
                    % {"day": show(week_ending), "other": show(other)},
                    value=week_ending,
                    threshold=other,
                    source=JIYUAN,
                    fact="week_ending",
                )
            )
    if reasons:
        return Decision(rule="progress_report_date", outcome="refused", reasons=tuple(reasons))
    ok = Reason(
        code="report_day" if wd is not None else "any_day",
        message=(
            _("%(day)s is the report day (%(weekday)s)") % {"day": show(week_ending), "weekday": weekday_name(wd)}
            if wd is not None
            else _("the profile sets no report day; any day closes a week")
        ),
        parameter=WEEKDAY_KEY,
        value=week_ending.isoweekday(),
        threshold=wd,
        source=weekday_source or JIYUAN,
        fact="week_ending",
    )
    return Decision(rule="progress_report_date", outcome="allowed", reasons=(ok,))


# --- quantities and percent complete --------------------------------------------------------------------


@dataclass(frozen=True)
class LineQuantity:
    """One bill-of-quantities line as progress sees it: the quantity to do (the BoQ's plus approved variations),
    the control unit price that weights it, and the quantity reported done so far."""

    key: Any  # hashable: the BoQ line's id
    code: str
    quantity: Decimal
    unit_price: Decimal
    done: Decimal = ZERO
    unit: str = ""
    name: str = ""


def _decimal(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise RuleInputError(f"{name} must be a Decimal, not {value!r}")
    number = Decimal(value)
    if not number.is_finite():
        raise RuleInputError(f"{name} must be finite")
    return number


def _checked(lines: Iterable[LineQuantity]) -> list[LineQuantity]:
    out = []
    keys = set()
    for line in lines:
        if not isinstance(line, LineQuantity):
            raise RuleInputError(f"expected LineQuantity, not {line!r}")
        _decimal(line.quantity, f"quantity of {line.code}")
        if _decimal(line.unit_price, f"unit price of {line.code}") < 0:
            raise RuleInputError(f"unit price of {line.code} cannot be negative")
        if _decimal(line.done, f"done of {line.code}") < 0:
            raise RuleInputError(f"done of {line.code} cannot be negative")
        if line.key in keys:
            raise RuleInputError(f"line {line.key!r} is listed twice")
        keys.add(line.key)
        out.append(line)
    return out


def _truncate(value: Fraction) -> Decimal:
    """A percentage with two places, cut (never rounded up: 99.999 is not finished), in integers: exact."""
    return Decimal(math.floor(value * 100)).scaleb(-2).quantize(CENT)


def percent_fraction(lines: Iterable[LineQuantity]) -> Fraction:
    """The exact share done (0…1): Σ min(done, quantity) × unit price over Σ quantity × unit price.

    Lines with no quantity left (a variation removed them) weigh nothing. When every line is priced at zero
    (a bill without prices yet), each line counts equally by its own share done."""
    checked = [line for line in _checked(lines) if line.quantity > 0]
    if not checked:
        return Fraction(0)
    total = sum((Fraction(line.quantity) * Fraction(line.unit_price) for line in checked), start=Fraction(0))
    if total > 0:
        done = sum(
            (Fraction(min(line.done, line.quantity)) * Fraction(line.unit_price) for line in checked),
            start=Fraction(0),
        )
        return done / total
    shares = [Fraction(min(line.done, line.quantity)) / Fraction(line.quantity) for line in checked]
    return sum(shares, start=Fraction(0)) / len(shares)


def percent_complete(lines: Sequence[LineQuantity] | Iterable[LineQuantity]) -> Decimal:
    """Percent complete (完成进度) weighted by amount (Jiyuan 000: works priced by the bill of quantities), exact,
    two places, truncated; 100.00 only when every line with a
    quantity is done (a zero-priced line left undone keeps it at 99.99 at most)."""
    checked = _checked(lines)
    fraction = percent_fraction(checked)
    percent = _truncate(fraction * 100)
    finished = all(line.done >= line.quantity for line in checked if line.quantity > 0)
    if percent >= HUNDRED and not finished:
        return ALMOST_DONE
    if finished and any(line.quantity > 0 for line in checked):
        return HUNDRED.quantize(CENT)
    return percent


def progress_check(lines: Sequence[LineQuantity], this_week: Mapping[Any, Decimal]) -> Decision:
    """allowed when the quantities of this week may be added to the lines; refused with a reason per bad line.

    Each quantity names a line of the project's bill, is not negative, has at most two decimals, and keeps the
    line's cumulative quantity within the line's quantity including approved variations (Zhanhe 001: progress is
    judged, so it must be true; Jiyuan 000: the bill of quantities is what the contract pays for).
    Figures: percent before and after, and each line's cumulative quantity after this week."""
    checked = _checked(lines)
    by_key = {line.key: line for line in checked}
    reasons: list[Reason] = []
    after: dict[Any, Decimal] = {}
    for key, raw in this_week.items():
        line = by_key.get(key)
        if line is None:
            reasons.append(
                Reason(
                    code="unknown_line",
                    message=_("line %(line)s is not in this project's bill of quantities") % {"line": str(key)},
                    value=key,
                    fact="lines",
                )
            )
            continue
        quantity = _decimal(raw, f"quantity of {line.code}")
        values = {"code": line.code, "quantity": show(quantity), "unit": line.unit}
        if quantity < 0:
            reasons.append(
                Reason(
                    code="negative",
                    message=_("line %(code)s: a quantity done cannot be negative (%(quantity)s)") % values,
                    value=quantity,
                    threshold=ZERO,
                    fact="lines",
                )
            )
            continue
        if quantity != quantity.quantize(CENT):
            reasons.append(
                Reason(
                    code="precision",
                    message=_("line %(code)s: %(quantity)s has more than two decimal places") % values,
                    value=quantity,
                    fact="lines",
                )
            )
            continue
        total = line.done + quantity
        if quantity > 0 and total > line.quantity:
            reasons.append(
                Reason(
                    code="over_quantity",
                    message=_(
                        "line %(code)s: %(done)s %(unit)s done before and %(quantity)s this week make %(total)s, "
                        "more than the %(limit)s %(unit)s of the bill including approved variations"
                    )
                    % {**values, "done": show(line.done), "total": show(total), "limit": show(line.quantity)},
                    value=total,
                    threshold=line.quantity,
                    source=ZHANHE,
                    fact="lines",
                    numerator=total,
                    denominator=line.quantity,
                )
            )
            continue
        after[key] = total
    updated = [
        LineQuantity(
            key=line.key,
            code=line.code,
            quantity=line.quantity,
            unit_price=line.unit_price,
            done=after.get(line.key, line.done),
            unit=line.unit,
            name=line.name,
        )
        for line in checked
    ]
    figures = {
        "percent_before": percent_complete(checked),
        "percent_after": percent_complete(updated) if not reasons else None,
        "cumulative": {str(line.key): line.done for line in updated},
    }
    if reasons:
        return Decision(rule="progress_quantities", outcome="refused", reasons=tuple(reasons), figures=figures)
    ok = Reason(
        code="within_quantities",
        message=_("every line stays within its quantity; %(percent)s percent complete by amount")
        % {"percent": show(figures["percent_after"])},
        value=figures["percent_after"],
        source=JIYUAN,
        fact="lines",
    )
    return Decision(rule="progress_quantities", outcome="allowed", reasons=(ok,), figures=figures)


# --- who reports ------------------------------------------------------------------------------------------


def _same_firm(a: str, b: str) -> bool:
    """Firm names compare without blanks and case ("固原建工集团 " = "固原建工集团")."""
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def reporter_decide(role: str, organisation: str, firms: Mapping[str, Iterable[str]]) -> Decision:
    """allowed when a user of `role` from `organisation` may file this project's weekly report.

    The street office reports as the implementing body (Jiyuan 000: 各街道办事处…每周五…报送); a construction or
    supervision firm reports only for a project that contracted it (`firms`: contract kind → firm names from the
    project and its contracts)."""
    if not isinstance(role, str) or not isinstance(organisation, str):
        raise RuleInputError("role and organisation must be text")
    kind = FIRM_ROLES.get(role)
    if kind is None:
        reason = Reason(
            code="implementing_body",
            message=_("a user of role %(role)s reports for the projects in their jurisdiction") % {"role": role},
            value=role,
            source=JIYUAN,
            fact="role",
        )
        return Decision(rule="progress_reporter", outcome="allowed", reasons=(reason,))
    names = [name.strip() for name in firms.get(kind, ()) if isinstance(name, str) and name.strip()]
    kind_name = _(FIRM_KINDS[kind])
    if not names:
        reason = Reason(
            code="no_contracted_firm",
            message=_("the project has no %(kind)s firm recorded, so no firm may report for it") % {"kind": kind_name},
            value=organisation,
            fact="firms",
        )
        return Decision(rule="progress_reporter", outcome="refused", reasons=(reason,))
    if not organisation.strip() or not any(_same_firm(organisation, name) for name in names):
        reason = Reason(
            code="not_contracted_firm",
            message=_("%(organisation)s is not the project's contracted %(kind)s firm (%(firms)s)")
            % {"organisation": organisation.strip() or "—", "kind": kind_name, "firms": "、".join(names)},
            value=organisation,
            threshold=names,
            fact="organisation",
        )
        return Decision(rule="progress_reporter", outcome="refused", reasons=(reason,))
    reason = Reason(
        code="contracted_firm",
        message=_("%(organisation)s is the project's contracted %(kind)s firm")
        % {"organisation": organisation.strip(), "kind": kind_name},
        value=organisation,
        threshold=names,
        fact="organisation",
    )
    return Decision(rule="progress_reporter", outcome="allowed", reasons=(reason,))


# --- the digest ---------------------------------------------------------------------------------------------


def percent_bucket(percent: Decimal) -> str:
    """The label of the digest bucket `percent` falls in (see `PERCENT_BUCKETS`)."""
    value = _decimal(percent, "percent")
    if value < 0 or value > HUNDRED:
        raise RuleInputError(f"percent must be 0…100, not {value}")
    for label, low, high in PERCENT_BUCKETS:
        if (low is None or value > low) and value <= high:
            return label
    return PERCENT_BUCKETS[-1][0]
