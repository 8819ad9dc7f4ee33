"""Role × action table for projects (seed digest §1 roles, §7 lifecycle)."""

from __future__ import annotations

from jiugai.accounts.choices import Role
from jiugai.core.permissions import ALL_ROLES, register

OFFICES = [Role.STREET_OFFICE, Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT]

PERMISSIONS = {
    "view": [ALL_ROLES],
    # The street office is the implementing body that drives each project (Zhanhe 001).
    "manage": OFFICES,
    "advance": OFFICES,
    "record_signoff": OFFICES,
    "manage_tender": OFFICES,
    # Variations change the money: the leading-group office or the housing department approves them.
    "approve_variation": [Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT],
    "propose_variation": [*OFFICES, Role.CONSTRUCTION_FIRM, Role.DESIGN_FIRM, Role.SUPERVISION_FIRM],
    # Weekly reports come from the site: the contractor and the supervisor, or the street office for them.
    "report_progress": [Role.CONSTRUCTION_FIRM, Role.SUPERVISION_FIRM, Role.STREET_OFFICE],
    "coordinate": [*OFFICES, Role.UTILITY, Role.COMMUNITY_COMMITTEE],
    "handle_complaint": [*OFFICES, Role.COMMUNITY_COMMITTEE],
    "inspect": [*OFFICES, Role.SUPERVISION_FIRM],
    # Each party signs for itself; the rule in jiugai.rules.acceptance maps parties to roles.
    "sign_acceptance": [
        *OFFICES,
        Role.OWNERS_COMMITTEE,
        Role.CONSTRUCTION_FIRM,
        Role.DESIGN_FIRM,
        Role.SUPERVISION_FIRM,
    ],
    "handover": OFFICES,
    "final_accounts": OFFICES,
    "archive": OFFICES,
    "evaluate": [Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT, Role.STREET_OFFICE],
}

register("projects", PERMISSIONS)
