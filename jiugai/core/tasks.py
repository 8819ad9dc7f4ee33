"""Background tasks of the core app: a liveness probe and the audit-chain check.

Without CELERY_BROKER_URL these run in-process (eager); with a broker, on any Celery worker.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .audit import audit_chain_verify


@shared_task(name="jiugai.core.ping")
def ping() -> str:
    """Answer "pong": proves a worker is consuming the queue (used by health checks and tests)."""
    return "pong"


@shared_task(name="jiugai.core.audit_verify")
def audit_verify_task() -> dict[str, Any]:
    """Recompute the whole audit hash chain; schedule it nightly with beat to detect tampering early."""
    return audit_chain_verify().as_dict()
