"""Reads for jurisdictions and users, always scoped."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jiugai.core.scoping import visible_to

from .models import Jurisdiction, User


def jurisdiction_list(*, user: Any, level: str | None = None, search: str | None = None) -> QuerySet[Jurisdiction]:
    qs = visible_to(user, Jurisdiction.objects.all())
    if level:
        qs = qs.filter(level=level)
    if search:
        from django.db.models import Q

        qs = qs.filter(Q(name__icontains=search) | Q(name_pinyin__icontains=search.lower()) | Q(code=search))
    return qs


def jurisdiction_get(*, code: str) -> Jurisdiction:
    """Look up any node by code (public data: names and codes of administrative areas)."""
    try:
        return Jurisdiction.objects.get(code=code)
    except Jurisdiction.DoesNotExist as exc:
        raise Http404(code) from exc


def jurisdiction_choices_for(user: Any) -> QuerySet[Jurisdiction]:
    """Nodes the user may pick as the active jurisdiction (their own subtree, down to street level)."""
    qs = Jurisdiction.objects.all()
    base = user.scope_path()
    if base is not None:
        qs = qs.filter(path__startswith=base)
    return qs.exclude(level="community")


def user_list(*, user: Any) -> QuerySet[User]:
    qs = User.objects.select_related("jurisdiction")
    base = user.scope_path()
    if base is None:
        return qs
    return qs.filter(jurisdiction__path__startswith=base)
