"""Checks every project service shares: the actor's jurisdiction and the files people upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Project

# What offices scan, photograph or export, and no bigger than a scanned contract needs to be.
DOCUMENT_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".ofd")
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def within(actor: Any, project: Project) -> None:
    """Staff act only on projects inside their own part of the jurisdiction tree."""
    if actor is None or getattr(actor, "is_platform_admin", False):
        return
    base = actor.scope_path()
    if base is not None and not project.jurisdiction.path.startswith(base):
        raise PermissionDenied(_("You may not change projects outside your jurisdiction."))


def file_check(upload: Any, *, field: str, extensions: tuple[str, ...], max_bytes: int) -> None:
    """Refuse a file of the wrong type or too large, naming the field."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(extensions):
        raise ValidationError(
            {
                field: [
                    _("Files of this type are not accepted; use one of: %(types)s.") % {"types": " ".join(extensions)}
                ]
            }
        )
    size = getattr(upload, "size", 0) or 0
    if size > max_bytes:
        raise ValidationError({field: [_("The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}]})


def not_future(day: dt.date, *, field: str) -> None:
    """A report or record cannot be dated after today."""
    if day > timezone.localdate():
        raise ValidationError({field: [_("The date %(day)s is in the future.") % {"day": day.isoformat()}]})
