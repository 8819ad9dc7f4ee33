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
from django.db.models.signals import post_delete, post_save, pre_save

from .current import get_actor


def _plain(value: Any) -> Any:
    if isinstance(value, (Decimal, dt.date, dt.datetime, dt.time)):
        return str(value)
    return value


def _snapshot(instance: models.Model) -> dict[str, Any]:
    masked = set(getattr(instance, "history_masked_fields", ()))
    return {
        f.attname: (
            "***" if f.attname in masked and getattr(instance, f.attname) else _plain(getattr(instance, f.attname))
        )
        for f in instance._meta.concrete_fields
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
        _record(instance, "create", {k: [None, v] for k, v in new.items() if k not in {"created_at", "updated_at"}})
        return
    old = getattr(instance, "_history_old", None) or {}
    masked = set(getattr(instance, "history_masked_fields", ()))
    old = {k: ("***" if k in masked and v else v) for k, v in old.items()}
    changes = {
        k: [_plain(old.get(k)), v] for k, v in new.items() if k not in {"updated_at"} and _plain(old.get(k)) != v
    }
    if changes:
        _record(instance, "update", changes)


def _on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    _record(instance, "delete", {k: [v, None] for k, v in _snapshot(instance).items()})


def connect_signals() -> None:
    from django.apps import apps

    from .models import AuditedModel

    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"history-pre-{model._meta.label}")
            post_save.connect(_on_post_save, sender=model, dispatch_uid=f"history-post-{model._meta.label}")
            post_delete.connect(_on_post_delete, sender=model, dispatch_uid=f"history-del-{model._meta.label}")
