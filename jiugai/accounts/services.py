"""Writes for jurisdictions and users."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiugai.core.text import pinyin_key

from .choices import LEVEL_ORDER, Level, Role
from .models import Jurisdiction, User


@transaction.atomic
def jurisdiction_create(*, code: str, name: str, level: str, parent: Jurisdiction | None = None) -> Jurisdiction:
    """Create a node; a child must sit strictly below its parent's level."""
    if parent is not None and LEVEL_ORDER.index(Level(level)) <= LEVEL_ORDER.index(Level(parent.level)):
        raise ValidationError(
            {
                "level": _("A %(child)s cannot be placed under a %(parent)s.")
                % {"child": Level(level).label, "parent": Level(parent.level).label}
            }
        )
    node = Jurisdiction(
        code=code,
        name=name,
        level=level,
        parent=parent,
        path=f"{parent.path if parent else '/'}{code}/",
        name_pinyin=pinyin_key(name),
    )
    node.full_clean()
    node.save()
    return node


@transaction.atomic
def jurisdiction_get_or_create(*, code: str, name: str, level: str, parent: Jurisdiction | None = None) -> Jurisdiction:
    existing = Jurisdiction.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return jurisdiction_create(code=code, name=name, level=level, parent=parent)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    jurisdiction: Jurisdiction | None,
    full_name: str = "",
    organisation: str = "",
    department_type: str = "",
    utility_type: str = "",
    phone: str = "",
    **extra: Any,
) -> User:
    """Create a staff account. Every role except platform admin needs a jurisdiction."""
    if role != Role.PLATFORM_ADMIN and jurisdiction is None:
        raise ValidationError({"jurisdiction": _("This role needs a jurisdiction.")})
    if role == Role.DEPARTMENT and not department_type:
        raise ValidationError({"department_type": _("A department user needs a department type.")})
    if role == Role.UTILITY and not utility_type:
        raise ValidationError({"utility_type": _("A utility user needs a utility type.")})
    user = User(
        username=username,
        role=role,
        jurisdiction=jurisdiction,
        first_name=full_name,
        organisation=organisation,
        department_type=department_type,
        utility_type=utility_type,
        phone=phone,
        is_staff=role == Role.PLATFORM_ADMIN,
        is_superuser=role == Role.PLATFORM_ADMIN,
        **extra,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user
