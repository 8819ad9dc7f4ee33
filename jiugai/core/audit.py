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


def audit_entry_append(
    *,
    action: str,
    obj: Any = None,
    payload: dict[str, Any] | None = None,
    actor: Any = None,
    jurisdiction_code: str = "",
) -> AuditEntry:
    """Append one entry to the chain. Appends are serialised by locking the chain head row."""
    actor = actor if actor is not None else get_actor()
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=actor_obj,
            actor_name=getattr(actor_obj, "username", "") or "system",
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            jurisdiction_code=jurisdiction_code,
            # JSON round-trip so the hash covers exactly what the database will return.
            payload=json.loads(json.dumps(payload or {}, default=str)),
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


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
