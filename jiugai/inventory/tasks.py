"""Background work of the inventory: validating and committing large imports.

Without CELERY_BROKER_URL these run in-process (eager); the progress page still works, it simply
finds the job finished. With a broker, the worker updates the job's row count as it goes.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .imports.commit import import_job_commit, import_job_fail, import_job_validate
from .models import ImportJob


@shared_task(name="jiugai.inventory.import_validate")
def import_validate_task(job_id: int) -> str:
    """Validate a large import file and store its preview."""
    job = ImportJob.objects.get(pk=job_id)
    try:
        return str(import_job_validate(job=job).status)
    except Exception as exc:
        import_job_fail(job_id=job_id, message=f"{exc.__class__.__name__}: {exc}")
        raise


@shared_task(name="jiugai.inventory.import_commit")
def import_commit_task(job_id: int, actor_id: int | None = None) -> str:
    """Validate again and write a large import, all or nothing."""
    from django.contrib.auth import get_user_model

    job = ImportJob.objects.get(pk=job_id)
    actor: Any = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return str(import_job_commit(job=job, actor=actor).status)
    except Exception as exc:
        import_job_fail(job_id=job_id, message=f"{exc.__class__.__name__}: {exc}")
        raise
