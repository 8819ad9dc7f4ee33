"""Role × action table for policy profiles: everyone reads published rules; offices write new versions."""

from __future__ import annotations

from typing import Any

from jiugai.accounts.choices import Role
from jiugai.core.permissions import ALL_ROLES, can, register

PERMISSIONS = {
    "view_profile": [ALL_ROLES],
    "create_profile": [Role.PLATFORM_ADMIN, Role.LEADING_GROUP_OFFICE],
}

register("policy", PERMISSIONS)


def can_create_profile_for(user: Any, jurisdiction: Any) -> bool:
    """Whether `user` may write a new profile version for `jurisdiction` (their role and their own subtree)."""
    if not can(user, "policy.create_profile"):
        return False
    base = user.scope_path()
    return base is None or jurisdiction.path.startswith(base)
