"""Background work of funding: refreshing the stored dashboard alerts.

Idle funds and lagging spending depend on today's date, and a new proposal or policy profile changes over-claims
and earmarks without any funding write, so beat runs this on a schedule; writes to an estate's allocations and
movements refresh that estate at once (services). Without CELERY_BROKER_URL the task runs in-process."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from jiugai.accounts.models import Jurisdiction

from .services import funding_alerts_refresh


@shared_task(name="jiugai.funding.alerts_refresh")
def funding_alerts_refresh_task(jurisdiction_code: str | None = None) -> dict[str, Any]:
    """Refresh the alerts under one jurisdiction (by code), or all of them; returns the run's figures."""
    jurisdiction = Jurisdiction.objects.get(code=jurisdiction_code) if jurisdiction_code else None
    refresh = funding_alerts_refresh(jurisdiction=jurisdiction)
    return {
        "jurisdiction": jurisdiction_code,
        "computed_for": refresh.computed_for.isoformat(),
        "estates": refresh.estates,
        "alerts": refresh.alerts,
    }
