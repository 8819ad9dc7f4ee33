"""Extension point: what other apps add to a household's ballot page (e.g. its own cost share).

Consultation sits below the apps that register here (funding), so it never imports them: an app registers a
provider from its AppConfig.ready, and the ballot page renders what the providers return, each a template
name and its context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BallotExtra:
    """One block on the ballot page: the template that renders it and its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


BallotExtraProvider = Callable[[Any, Any], list[BallotExtra]]  # (campaign, household) → blocks
_PROVIDERS: list[BallotExtraProvider] = []


def ballot_extra_register(provider: BallotExtraProvider) -> None:
    """Add a provider (once; registering the same one again changes nothing)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def ballot_extras(*, campaign: Any, household: Any) -> list[BallotExtra]:
    """Every registered provider's blocks for this household, in registration order."""
    blocks: list[BallotExtra] = []
    for provider in _PROVIDERS:
        blocks.extend(provider(campaign, household))
    return blocks
