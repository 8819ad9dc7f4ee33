"""Campaign lifecycle as data: draft → open → closed → decided (ARCHITECTURE house rule 4)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jiugai.accounts.choices import Role
from jiugai.core.workflow import Workflow

from .choices import CampaignStatus

STAFF = {Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE}


def has_households(campaign: Any) -> list[str]:
    """A campaign opens only over a scope with households in the register."""
    from .selectors import households_in_scope

    return [] if households_in_scope(campaign=campaign).exists() else [_("There are no households in this scope.")]


CAMPAIGN_FLOW = (
    Workflow("consultation", "status")
    .add(CampaignStatus.DRAFT, CampaignStatus.OPEN, roles=STAFF, gates=[has_households], audited=True)
    .add(CampaignStatus.OPEN, CampaignStatus.CLOSED, roles=STAFF, audited=True)
    .add(CampaignStatus.CLOSED, CampaignStatus.DECIDED, roles=STAFF)
)
