"""Role × action table for funding (sources, allocations, movements, subsidies, cost shares)."""

from __future__ import annotations

from jiugai.accounts.choices import Role
from jiugai.core.permissions import ALL_ROLES, register

PERMISSIONS = {
    "view": [ALL_ROLES],
    # Funding plans and sources are set by the leading-group office and the finance department (seed digest §1).
    "manage_sources": [Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT],
    # The street office is the implementing body: it plans allocations and applies for subsidies (Zhanhe).
    "plan_allocation": [Role.STREET_OFFICE, Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT],
    # Receipts and payments are recorded by whoever holds the money.
    "record_movement": [Role.STREET_OFFICE, Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT],
    "manage_subsidy": [Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT, Role.STREET_OFFICE],
    # Cost shares are worked out with the residents by the street office and the community (Zhanhe).
    "manage_cost_share": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE, Role.LEADING_GROUP_OFFICE],
}

register("funding", PERMISSIONS)
