"""Every rule returns a Decision that says which parameter and which number produced it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class Source:
    """Where a parameter value comes from: a seed file, a policy document number, a URL."""

    title: str = ""
    reference: str = ""
    url: str = ""
    jurisdiction: str = ""


@dataclass(frozen=True)
class Reason:
    """One step of a decision: the fact or parameter, its value, and what it was compared with."""

    code: str
    message: str
    parameter: str = ""
    value: Any = None
    threshold: Any = None
    source: Source | None = None


@dataclass(frozen=True)
class Decision:
    """A rule's outcome with its reasons."""

    rule: str
    outcome: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.outcome in {"passed", "eligible", "yes", "allowed"}

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
