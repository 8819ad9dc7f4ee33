"""Access in one place: every query of scoped data goes through `visible_to(user, queryset)`.

A model opts in by naming `scope_field`, the lookup path to the `Jurisdiction` it lies under
(e.g. ``"jurisdiction"`` for an estate, ``"building__estate__jurisdiction"`` for a household).
A user sees the subtree below their own jurisdiction node; users above street level may narrow
that further with the jurisdiction picker (stored in the session as the *active* jurisdiction).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)

NOTHING = "//nothing//"


def scope_path_for(user: Any) -> str | None:
    """The path prefix the user may see, or None for everything."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    base: str | None = user.scope_path()
    active = getattr(user, "active_jurisdiction_path", None)
    if active and (base is None or active.startswith(base)):
        return str(active)
    return base


def visible_to(user: Any, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Restrict `queryset` to what `user` may see by jurisdiction."""
    model = queryset.model
    field = getattr(model, "scope_field", None)
    if field is None:
        raise TypeError(f"{model.__name__} has no scope_field; it cannot be scoped")
    path = scope_path_for(user)
    if path is None:
        return queryset
    if path == NOTHING:
        return queryset.none()
    lookup = "path__startswith" if field == "" else f"{field}__path__startswith"
    return queryset.filter(**{lookup: path})


def get_visible_or_404(user: Any, queryset: models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one object the user may see; objects outside their scope are 404, so existence does not leak."""
    try:
        return visible_to(user, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
