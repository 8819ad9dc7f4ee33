"""Background work of planning: optimising an annual plan (HiGHS may take seconds on a city's estates).

Without CELERY_BROKER_URL the task runs in-process; with a broker the worker updates the plan's progress
as the solver reports, and the plan page polls it (htmx)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .models import AnnualPlan
from .services import PlanInputError, plan_optimise


@shared_task(name="jiugai.planning.plan_optimise")
def plan_optimise_task(plan_id: int, user_id: int | None = None) -> str:
    """Optimise a plan; bad input is stored on the plan (run failed, conflicts named), not raised."""
    from django.contrib.auth import get_user_model

    plan = AnnualPlan.objects.get(pk=plan_id)
    user: Any = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        return str(plan_optimise(plan=plan, user=user).run_status)
    except PlanInputError:
        return "failed"
