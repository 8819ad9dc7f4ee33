"""Every rule returns a Decision that says which parameter and which number produced it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .i18n import _


@dataclass(frozen=True)
class Source:
    """Where a parameter value comes from: a seed file, a policy document number, a URL."""

    title: str = ""
    reference: str = ""
    url: str = ""
    jurisdiction: str = ""


@dataclass(frozen=True)
class Reason:
    """One step of a decision: the fact or parameter, its value, and what it was compared with.

    `value` is the measured figure (a share, a date, a flag), `threshold` the parameter's value it was
    compared with, `numerator`/`denominator` the counts behind a share, and `fact` the input field
    the value came from.
    """

    code: str
    message: str
    parameter: str = ""
    value: Any = None
    threshold: Any = None
    source: Source | None = None
    fact: str = ""
    numerator: Any = None
    denominator: Any = None


PASSING_OUTCOMES = frozenset({"passed", "eligible", "eligible_capped", "yes", "allowed"})


class RuleInputError(ValueError):
    """A rule was given inputs it cannot decide on (negative counts, a missing date, …)."""


@dataclass(frozen=True)
class Decision:
    """A rule's outcome with its reasons."""

    rule: str
    outcome: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.outcome in PASSING_OUTCOMES

    def as_dict(self) -> dict[str, Any]:
        return to_jsonable(asdict(self))


def to_jsonable(value: Any) -> Any:
    """Fractions as "p/q", decimals as strings: exact values survive JSON."""
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _plain(value: Any) -> str:
    jsonable = to_jsonable(value)
    if isinstance(jsonable, bool):
        return _("yes") if jsonable else _("no")
    return str(jsonable)


def source_text(source: Source | None) -> str:
    """'title, reference, url (jurisdiction)' without the empty parts."""
    if source is None:
        return ""
    parts = [part for part in (source.title, source.reference, source.url) if part]
    text = ", ".join(parts)
    if source.jurisdiction:
        text = f"{text} ({source.jurisdiction})" if text else source.jurisdiction
    return text


def decision_lines(decision: Decision) -> list[str]:
    """A human-readable rendering of a decision, one line per item, for the command line."""
    lines = [
        _("Rule: %(rule)s") % {"rule": decision.rule},
        _("Outcome: %(outcome)s") % {"outcome": decision.outcome},
        _("Reasons:"),
    ]
    for reason in decision.reasons:
        lines.append(f"  - [{reason.code}] {reason.message}")
        details: list[str] = []
        if reason.fact:
            details.append(_("fact %(fact)s = %(value)s") % {"fact": reason.fact, "value": _plain(reason.value)})
        elif reason.value is not None:
            details.append(_("value %(value)s") % {"value": _plain(reason.value)})
        if reason.numerator is not None or reason.denominator is not None:
            details.append(
                _("count %(numerator)s of %(denominator)s")
                % {"numerator": _plain(reason.numerator), "denominator": _plain(reason.denominator)}
            )
        if reason.parameter:
            details.append(
                _("parameter %(parameter)s = %(value)s")
                % {"parameter": reason.parameter, "value": _plain(reason.threshold)}
            )
        elif reason.threshold is not None:
            details.append(_("threshold %(value)s") % {"value": _plain(reason.threshold)})
        if details:
            lines.append(f"      {'; '.join(details)}")
        source = source_text(reason.source)
        if source:
            lines.append("      " + _("source: %(source)s") % {"source": source})
    if decision.figures:
        lines.append(_("Figures:"))
        for key, value in decision.figures.items():
            lines.append(f"  {key}: {_plain(value)}")
    return lines
