"""Small helpers the rules share: exact threshold tests and reading parameters with their source.

Threshold tests cross-multiply integers (or exact Fractions): "三分之二以上" is `n * q >= d * p` for a
threshold p/q, and "过半数" is `n * q > d * p` (Civil Code Art. 1259: 以上 includes the boundary,
超过 excludes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .decision import Source
from .i18n import _
from .policy import Policy

Number = int | Decimal | Fraction


def _exact(value: Number) -> Fraction:
    if isinstance(value, bool):
        raise TypeError("a count cannot be a boolean")
    return value if isinstance(value, Fraction) else Fraction(value)


def share(numerator: Number, denominator: Number) -> Fraction | None:
    """numerator/denominator as an exact Fraction; None when the denominator is zero."""
    den = _exact(denominator)
    if den == 0:
        return None
    return _exact(numerator) / den


def at_least(numerator: Number, denominator: Number, threshold: Fraction) -> bool:
    """numerator/denominator >= threshold, by cross-multiplication (denominator must be positive)."""
    num, den = _exact(numerator), _exact(denominator)
    return num * threshold.denominator >= den * threshold.numerator


def more_than(numerator: Number, denominator: Number, threshold: Fraction) -> bool:
    """numerator/denominator > threshold, by cross-multiplication (denominator must be positive)."""
    num, den = _exact(numerator), _exact(denominator)
    return num * threshold.denominator > den * threshold.numerator


@dataclass(frozen=True)
class Param:
    """A parameter value as a rule used it, with where it came from."""

    key: str
    value: Any
    source: Source
    defaulted: bool = False


def param(policy: Policy, key: str, *, default: Any = None, default_source: Source | None = None) -> Param:
    """Read `key` from the policy; fall back to a statutory default only where one is given.

    Without a default a missing parameter raises `ParameterError` ("not configured") so that a
    jurisdiction's gap is reported rather than papered over.
    """
    if key in policy:
        return Param(key, policy.require(key), policy.source(key))
    if default is None:
        policy.require(key)  # raises ParameterError with a clear message
    return Param(key, default, default_source or Source(), defaulted=True)


def show(value: Any) -> str:
    """A value as text in a reason message: fractions as p/q, dates ISO, booleans yes/no."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, Decimal):
        # Database sums may carry many places (247891.000000000): keep at most two, drop a zero fraction.
        exponent = value.as_tuple().exponent
        rounded = value.quantize(Decimal("0.01")) if isinstance(exponent, int) and exponent < -2 else value
        return f"{rounded.normalize():f}" if rounded == rounded.to_integral_value() else f"{rounded:f}"
    return str(value)
