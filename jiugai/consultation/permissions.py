"""Role × action table for resident consultation."""

from __future__ import annotations

from jiugai.accounts.choices import Role
from jiugai.core.permissions import ALL_ROLES, register

PERMISSIONS = {
    "view_campaign": [ALL_ROLES],
    # Those who work with residents directly run campaigns, hand out links and enter paper ballots.
    "manage_campaign": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE],
    "issue_links": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE],
    "enter_ballot": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE],
    "view_progress": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE, Role.LEADING_GROUP_OFFICE],
}

register("consultation", PERMISSIONS)
