"""The append-only audit log: writing entries and verifying the hash chain."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from .current import get_actor
from .models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class PendingEntry:
    """An audit entry to append (see `audit_entries_append`)."""

    action: str
    obj: Any = None
    payload: dict[str, Any] | None = None
    actor: Any = None
    jurisdiction_code: str = ""


def audit_entry_append(
    *,
    action: str,
    obj: Any = None,
    payload: dict[str, Any] | None = None,
    actor: Any = None,
    jurisdiction_code: str = "",
) -> AuditEntry:
    """Append one entry to the chain. Appends are serialised by locking the chain head row."""
    return audit_entries_append(
        [PendingEntry(action=action, obj=obj, payload=payload, actor=actor, jurisdiction_code=jurisdiction_code)]
    )[0]


def audit_entries_append(pending: list[PendingEntry]) -> list[AuditEntry]:
    """Append entries to the chain in order, under one lock of the chain head.

    The head stays locked until the surrounding transaction ends, so callers on a hot path append as
    late as they can: every other legally meaningful act waits for the lock meanwhile.
    """
    if not pending:
        return []
    now = timezone.now()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entries: list[AuditEntry] = []
        for item in pending:
            actor = item.actor if item.actor is not None else get_actor()
            actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
            entry = AuditEntry(
                seq=head.last_seq + 1,
                at=now,
                actor=actor_obj,
                actor_name=getattr(actor_obj, "username", "") or "system",
                action=item.action,
                object_type=item.obj._meta.label if item.obj is not None else "",
                object_id=str(item.obj.pk) if item.obj is not None else "",
                jurisdiction_code=item.jurisdiction_code,
                # JSON round-trip so the hash covers exactly what the database will return.
                payload=json.loads(json.dumps(item.payload or {}, default=str)),
                prev_hash=head.last_hash,
            )
            entry.hash = entry.compute_hash()
            head.last_seq = entry.seq
            head.last_hash = entry.hash
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries)
        head.save(update_fields=["last_seq", "last_hash"])
    return entries


@dataclass
class ChainReport:
    """The outcome of checking the audit chain."""

    ok: bool
    checked: int
    problems: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "problems": self.problems}


def audit_chain_verify(*, batch_size: int = 5000) -> ChainReport:
    """Recompute every hash and link; report edited, deleted, inserted or reordered entries."""
    problems: list[dict[str, Any]] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        checked += 1
        if entry.seq != expected_seq:
            problems.append({"seq": expected_seq, "problem": "missing", "detail": f"next entry is #{entry.seq}"})
        if entry.prev_hash != prev_hash:
            problems.append({"seq": entry.seq, "problem": "broken_link", "detail": "prev_hash does not match"})
        if entry.compute_hash() != entry.hash:
            problems.append({"seq": entry.seq, "problem": "altered", "detail": "content does not match its hash"})
        prev_hash = entry.hash
        expected_seq = entry.seq + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        problems.append({"seq": head.last_seq, "problem": "truncated", "detail": "the newest entries are missing"})
    if head is None and checked:
        problems.append({"seq": 0, "problem": "head_missing", "detail": "the chain head row is missing"})
    return ChainReport(ok=not problems, checked=checked, problems=problems)
