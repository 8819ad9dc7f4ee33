"""Role × action table for accounts and jurisdictions."""

from jiugai.core.permissions import ALL_ROLES, register

from .choices import Role

PERMISSIONS = {
    "view_jurisdiction": [ALL_ROLES],
    "manage_jurisdiction": [Role.PLATFORM_ADMIN],
    "view_user": [Role.PLATFORM_ADMIN, Role.LEADING_GROUP_OFFICE, Role.STREET_OFFICE],
    "manage_user": [Role.PLATFORM_ADMIN],
    "pick_jurisdiction": [Role.PLATFORM_ADMIN, Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT, Role.DEPUTY],
}

register("accounts", PERMISSIONS)
