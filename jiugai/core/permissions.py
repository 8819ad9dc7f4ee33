"""Role checks: each app declares a readable role × action table in its own `permissions.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

ALL_ROLES = "*"

# Values are iterables of role names; typed loosely because tables mix `Role` members and ``ALL_ROLES``.
_TABLES: dict[str, Mapping[str, Any]] = {}


def register(app_label: str, table: Mapping[str, Any]) -> None:
    """Register an app's table: action → roles that may perform it (``ALL_ROLES`` for any staff role)."""
    for action in table:
        _TABLES[f"{app_label}.{action}"] = table
    _TABLES.setdefault(app_label, table)


def can(user: Any, action: str) -> bool:
    """Whether `user` may perform `action` (``"<app>.<verb>"``); platform admins may do everything."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_platform_admin:
        return True
    _app_label, _sep, verb = action.partition(".")
    table = _TABLES.get(action)
    if table is None:
        raise KeyError(f"Unknown action {action!r}")
    roles = set(table[verb])
    return ALL_ROLES in roles or user.role in roles


def require(user: Any, action: str) -> None:
    """Raise `PermissionDenied` with a translated message unless `user` may perform `action`."""
    if not can(user, action):
        raise PermissionDenied(_("Your role may not perform this action: %(action)s") % {"action": action})


def table_rows() -> list[tuple[str, list[str]]]:
    """All registered actions with their roles, for the permissions page and docs."""
    rows = []
    for key, table in sorted(_TABLES.items()):
        if "." in key:
            rows.append((key, sorted(table[key.split(".", 1)[1]])))
    return rows
