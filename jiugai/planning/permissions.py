"""Role × action table for planning (catalogue, proposals, weights, bundles, annual plans)."""

from __future__ import annotations

from jiugai.accounts.choices import Role
from jiugai.core.permissions import ALL_ROLES, register

PERMISSIONS = {
    "view": [ALL_ROLES],
    # The leading-group office sets standards and the catalogue for its city (seed digest §1).
    "edit_catalogue": [Role.LEADING_GROUP_OFFICE],
    # The street office is the implementing body: it drafts each estate's proposal (Zhanhe, seed 001).
    "edit_proposal": [Role.STREET_OFFICE, Role.LEADING_GROUP_OFFICE, Role.DESIGN_FIRM],
    "edit_weights": [Role.LEADING_GROUP_OFFICE],
    # The district office merges adjacent estates with shared needs (Zhanhe); Guyuan plans by area.
    "manage_bundles": [Role.LEADING_GROUP_OFFICE, Role.STREET_OFFICE],
    # Annual plans are drawn up and approved by the leading-group office (Jiyuan, Guyuan).
    "run_plan": [Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT],
    "approve_plan": [Role.LEADING_GROUP_OFFICE],
}

register("planning", PERMISSIONS)
