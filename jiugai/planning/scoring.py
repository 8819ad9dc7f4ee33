"""The priority score of an estate: weighted, normalised indicators (pure; no Django, so it can move to rules).

Indicators and why (seed digest §5): older estates and worse surveyed conditions are more urgent; Xuchang
and Jiyuan prioritise estates whose residents agree and co-fund; Jiyuan ranks estates whose surrounding
municipal infrastructure is not ready *later*; larger estates and estates with more elderly residents
benefit more people.

Each indicator's raw value is mapped onto 0..1 on a fixed scale (so an estate's score does not change when
other estates are added), multiplied by its weight and scaled so that the total lies between 0 and 100:

    points_i = 100 × weight_i × normalised_i / Σ weights

An unknown raw value (no survey, no campaign yet) scores 0 for that indicator and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")

# Indicator → (scale, description). Scale: the raw value that scores 1 (linear, capped), or None for shares.
AGE_FULL_YEARS = Decimal("40")  # an estate 40 or more years old scores full marks on age
HOUSEHOLDS_FULL = Decimal("500")  # 500 or more households score full marks on size
CONDITION_MAX = Decimal("3")  # severity 0..3 (inventory.choices.Severity)

INDICATORS: tuple[str, ...] = (
    "age",
    "condition",
    "consent",
    "cofunding",
    "municipal_ready",
    "households",
    "elderly",
)

DEFAULT_WEIGHTS: dict[str, Decimal] = {
    "age": Decimal("20"),
    "condition": Decimal("25"),
    "consent": Decimal("20"),
    "cofunding": Decimal("10"),
    "municipal_ready": Decimal("10"),
    "households": Decimal("10"),
    "elderly": Decimal("5"),
}


class WeightError(ValueError):
    """Weights that cannot be used (unknown indicator, negative, or all zero)."""


@dataclass(frozen=True)
class ScoreLine:
    """One indicator's part of a score."""

    indicator: str
    raw: Decimal | None
    normalised: Decimal
    weight: Decimal
    points: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "raw": None if self.raw is None else str(self.raw),
            "normalised": str(self.normalised),
            "weight": str(self.weight),
            "points": str(self.points),
        }


@dataclass(frozen=True)
class Score:
    """An estate's priority score (0..100) and its breakdown."""

    total: Decimal
    lines: tuple[ScoreLine, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"total": str(self.total), "lines": [line.as_dict() for line in self.lines]}


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


def normalise(indicator: str, raw: Decimal | None) -> Decimal:
    """Map a raw indicator value onto 0..1 (higher means more urgent or more deserving)."""
    if raw is None:
        return ZERO
    if indicator == "age":
        value = raw / AGE_FULL_YEARS
    elif indicator == "condition":
        value = raw / CONDITION_MAX
    elif indicator == "households":
        value = raw / HOUSEHOLDS_FULL
    elif indicator == "municipal_ready":
        # 1 = ready, 0 = not ready: not ready ranks later (Jiyuan, seed 000).
        value = ONE if raw > ZERO else ZERO
    elif indicator in ("consent", "cofunding", "elderly"):
        value = raw
    else:
        raise WeightError(f"unknown indicator {indicator!r}")
    return _clamp(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def weights_clean(weights: Mapping[str, Any]) -> dict[str, Decimal]:
    """Check weights: known indicators, numbers, not negative, not all zero."""
    clean: dict[str, Decimal] = {}
    for key, value in weights.items():
        if key not in INDICATORS:
            raise WeightError(f"unknown indicator {key!r}")
        try:
            number = Decimal(str(value))
        except Exception as exc:
            raise WeightError(f"weight of {key!r} is not a number") from exc
        if not number.is_finite() or number < ZERO:
            raise WeightError(f"weight of {key!r} must be zero or more")
        clean[key] = number
    if not any(clean.values()):
        raise WeightError("at least one weight must be more than zero")
    return clean


def score_compute(raw_values: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]) -> Score:
    """The weighted score of one estate from its raw indicator values."""
    clean = weights_clean(weights)
    total_weight = sum(clean.values(), ZERO)
    lines = []
    for indicator in INDICATORS:
        weight = clean.get(indicator, ZERO)
        raw = raw_values.get(indicator)
        norm = normalise(indicator, raw)
        points = (HUNDRED * weight * norm / total_weight).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        lines.append(ScoreLine(indicator, raw, norm, weight, points))
    total = sum((line.points for line in lines), ZERO)
    return Score(total=total, lines=tuple(lines))


def benefit_of(score: Decimal, households: int) -> Decimal:
    """The benefit the plan optimiser maximises: score × households (urgency times the people served)."""
    return (score * Decimal(max(households, 0))).quantize(Decimal("0.0001"))
