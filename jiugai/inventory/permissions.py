"""Role × action table for the estate inventory."""

from __future__ import annotations

from typing import Any

from jiugai.accounts.choices import Role
from jiugai.core.permissions import ALL_ROLES, can, register
from jiugai.core.text import mask_id_number, mask_phone

PERMISSIONS = {
    "view_estate": [ALL_ROLES],
    # Residents' phone numbers and ID numbers in full: only those who work with residents directly.
    "view_personal_data": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE],
    # Screening writes each estate's eligibility; the leading-group office and departments decide,
    # a street office screens its own estates before proposing them.
    "screen": [Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT, Role.STREET_OFFICE],
    # The data-quality report (and running its checks) is for staff who keep or use the inventory.
    "view_quality": [Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT, Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE],
    # Importing estates, buildings, households and surveys from workbooks, within one's own jurisdiction.
    "import_inventory": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE, Role.LEADING_GROUP_OFFICE],
}

register("inventory", PERMISSIONS)


def personal_data_for(user: Any, *, phone: str, id_number: str) -> dict[str, str]:
    """A household's phone and ID number as this user may see them (masked unless their role allows)."""
    if can(user, "inventory.view_personal_data"):
        return {"phone": phone, "id_number": id_number}
    return {"phone": mask_phone(phone), "id_number": mask_id_number(id_number)}
