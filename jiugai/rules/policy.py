"""Effective policy: parameter layers inherited down the jurisdiction tree, each value with its source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .decision import Source
from .i18n import _
from .params import ParameterError, parse_value, spec_for


@dataclass(frozen=True)
class Layer:
    """One jurisdiction's profile version that is in force on the date asked about."""

    jurisdiction_code: str
    jurisdiction_name: str
    version: int
    effective_from: dt.date
    values: Mapping[str, tuple[Any, Source]]


@dataclass(frozen=True)
class EffectiveValue:
    """A parameter's value in force, and where it came from."""

    key: str
    raw: Any
    value: Any
    source: Source
    jurisdiction_code: str
    jurisdiction_name: str
    version: int
    effective_from: dt.date


@dataclass
class Policy:
    """The parameters in force for one jurisdiction on one date."""

    jurisdiction_code: str
    on: dt.date
    values: dict[str, EffectiveValue] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        item = self.values.get(key)
        return default if item is None else item.value

    def require(self, key: str) -> Any:
        if key not in self.values:
            raise ParameterError(
                key,
                "not_configured",
                _("'%(key)s' is not configured for %(jurisdiction)s")
                % {"key": key, "jurisdiction": self.jurisdiction_code},
            )
        return self.values[key].value

    def source(self, key: str) -> Source:
        item = self.values.get(key)
        return item.source if item is not None else Source()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, code: str = "scenario", on: dt.date | None = None) -> Policy:
        """A policy from plain values (for `decide` scenarios and tests)."""
        layer = Layer(
            code, code, 0, on or dt.date.today(), {k: (v, Source(title="scenario")) for k, v in values.items()}
        )
        return resolve([layer], code=code, on=on or dt.date.today())


def resolve(layers: Iterable[Layer], *, code: str, on: dt.date) -> Policy:
    """Merge layers from the root down: a lower jurisdiction's value overrides a higher one's."""
    policy = Policy(jurisdiction_code=code, on=on)
    for layer in layers:
        for key, (raw, source) in layer.values.items():
            policy.values[key] = EffectiveValue(
                key=key,
                raw=raw,
                value=parse_value(spec_for(key), raw),
                source=source,
                jurisdiction_code=layer.jurisdiction_code,
                jurisdiction_name=layer.jurisdiction_name,
                version=layer.version,
                effective_from=layer.effective_from,
            )
    return policy
