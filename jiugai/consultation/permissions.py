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
    "export_tally": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE, Role.LEADING_GROUP_OFFICE],
    # Public notices (公示) and their objections: posted by those who run the step being made public.
    "view_notice": [ALL_ROLES],
    "manage_notice": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE, Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT],
    "respond_notice": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE, Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT],
    # Draft documents put to public comment are issued by city and district offices (Guyuan, seed 003).
    "view_draft": [ALL_ROLES],
    "manage_draft": [Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT, Role.STREET_OFFICE],
    # Residents' opinions: heard and entered by those who meet residents; read by those who plan.
    "view_opinions": [
        Role.STREET_OFFICE,
        Role.COMMUNITY_COMMITTEE,
        Role.LEADING_GROUP_OFFICE,
        Role.DEPARTMENT,
        Role.DESIGN_FIRM,
        Role.DEPUTY,
    ],
    "enter_opinion": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE],
    "manage_keywords": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE, Role.LEADING_GROUP_OFFICE],
}

register("consultation", PERMISSIONS)
