"""Object change history: every create, update and delete of an `AuditedModel` is recorded.

This is bookkeeping, not business logic: it records what services did, whoever called them.
Bulk paths (synthetic data, large imports) bypass per-row history and write one audit entry instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save

from .current import get_actor


def _plain(value: Any) -> Any:
    if isinstance(value, (Decimal, dt.date, dt.datetime, dt.time)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _snapshot(instance: models.Model) -> dict[str, Any]:
    return {f.attname: _plain(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def _masked(instance: models.Model, key: str, value: Any) -> Any:
    """Personal data (phone, ID numbers) appears in history only as a marker that it changed."""
    return "***" if value and key in getattr(instance, "history_masked_fields", ()) else value


def _pairs(instance: models.Model, old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        k: [_masked(instance, k, old.get(k)), _masked(instance, k, new.get(k))]
        for k in new.keys() | old.keys()
        if k not in {"created_at", "updated_at"} and old.get(k) != new.get(k)
    }


def _record(instance: models.Model, action: str, changes: dict[str, Any]) -> None:
    from .models import ChangeRecord

    actor = get_actor()
    ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        changes=changes,
    )


def _on_pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance._state.adding or instance.pk is None:
        instance._history_old = None  # type: ignore[attr-defined]
        return
    fields = [f.attname for f in instance._meta.concrete_fields]
    instance._history_old = sender._base_manager.filter(pk=instance.pk).values(*fields).first()  # type: ignore[attr-defined]


def _on_post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    new = _snapshot(instance)
    if created:
        _record(instance, "create", _pairs(instance, {}, new))
        return
    old = {k: _plain(v) for k, v in (getattr(instance, "_history_old", None) or {}).items()}
    changes = _pairs(instance, old, new)
    if changes:
        _record(instance, "update", changes)


def _on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    _record(instance, "delete", _pairs(instance, _snapshot(instance), {}))


def connect_signals() -> None:
    from django.apps import apps

    from .models import AuditedModel

    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"history-pre-{model._meta.label}")
            post_save.connect(_on_post_save, sender=model, dispatch_uid=f"history-post-{model._meta.label}")
            post_delete.connect(_on_post_delete, sender=model, dispatch_uid=f"history-del-{model._meta.label}")
