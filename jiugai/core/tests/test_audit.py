"""The audit hash chain: appends link up, and any edit, deletion or truncation is detected."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from jiugai.core.audit import GENESIS_HASH, audit_chain_verify, audit_entry_append
from jiugai.core.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEntry]:
    return [audit_entry_append(action="test.act", payload={"n": i, "text": "业主表决"}) for i in range(n)]


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_empty_chain_verifies() -> None:
    report = audit_chain_verify()
    assert report.ok
    assert report.checked == 0


def test_appends_link_into_a_chain() -> None:
    entries = _append(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (3, entries[2].hash)
    report = audit_chain_verify()
    assert report.ok, report.problems
    assert report.checked == 3
    assert report.as_dict() == {"ok": True, "checked": 3, "problems": []}


def test_payload_is_stored_as_hashed() -> None:
    from decimal import Decimal

    entry = audit_entry_append(action="payment", payload={"amount": Decimal("12.50")})
    entry.refresh_from_db()
    assert entry.payload == {"amount": "12.50"}
    assert entry.compute_hash() == entry.hash


def test_actor_is_recorded(street_users) -> None:
    entry = audit_entry_append(action="approve", actor=street_users["east"])
    assert entry.actor_name == "east"
    system = audit_entry_append(action="nightly")
    assert system.actor is None
    assert system.actor_name == "system"
    assert audit_chain_verify().ok


def test_model_refuses_update_and_delete() -> None:
    (entry,) = _append(1)
    entry.action = "forged"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    assert audit_chain_verify().ok


def test_edit_by_raw_sql_is_detected() -> None:
    _append(3)
    _raw("UPDATE core_auditentry SET payload = %s WHERE seq = %s", ['{"n": 99}', 2])
    report = audit_chain_verify()
    assert not report.ok
    assert {"seq": 2, "problem": "altered"}.items() <= report.problems[0].items()


def test_edit_with_rehash_breaks_the_next_link() -> None:
    entries = _append(3)
    forged = AuditEntry.objects.get(seq=2)
    forged.payload = {"n": 99}
    new_hash = forged.compute_hash()
    _raw("UPDATE core_auditentry SET payload = %s, hash = %s WHERE seq = %s", ['{"n": 99}', new_hash, 2])
    report = audit_chain_verify()
    assert not report.ok
    assert [p["problem"] for p in report.problems] == ["broken_link"]
    assert report.problems[0]["seq"] == entries[2].seq


def test_deleted_middle_entry_is_detected() -> None:
    _append(4)
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [2])
    report = audit_chain_verify()
    assert not report.ok
    problems = {(p["seq"], p["problem"]) for p in report.problems}
    assert (2, "missing") in problems
    assert (3, "broken_link") in problems
    assert report.checked == 3


def test_deleted_newest_entry_is_detected() -> None:
    _append(3)
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [3])
    report = audit_chain_verify()
    assert not report.ok
    assert [p["problem"] for p in report.problems] == ["truncated"]


def test_deleted_head_row_is_detected() -> None:
    _append(2)
    _raw("DELETE FROM core_auditchainhead", [])
    report = audit_chain_verify()
    assert not report.ok
    assert [p["problem"] for p in report.problems] == ["head_missing"]


def test_chain_continues_after_verification() -> None:
    _append(2)
    assert audit_chain_verify().ok
    _append(2)
    report = audit_chain_verify(batch_size=1)
    assert report.ok
    assert report.checked == 4


def test_task_returns_the_report() -> None:
    from jiugai.core.tasks import audit_verify_task, ping

    _append(2)
    assert audit_verify_task.delay().get(timeout=5) == {"ok": True, "checked": 2, "problems": []}
    assert ping.delay().get(timeout=5) == "pong"
