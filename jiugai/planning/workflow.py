"""The annual plan lifecycle: draft → approved (by the leading-group office; audited), approved → draft to
revise it. A plan is approved only after it has been optimised (Jiyuan, Guyuan: the leading group approves
the year's plan)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jiugai.accounts.choices import Role
from jiugai.core.workflow import Workflow

from .choices import PlanStatus, RunStatus


def optimised_gate(plan: Any) -> list[str]:
    """A plan must have a successful optimisation run before it is approved."""
    if plan.run_status != RunStatus.DONE:
        return [_("Run the optimisation successfully before approving the plan.")]
    return []


PLAN_WORKFLOW = (
    Workflow(name="planning.annual_plan", status_field="status")
    .add(PlanStatus.DRAFT, PlanStatus.APPROVED, roles=[Role.LEADING_GROUP_OFFICE], gates=[optimised_gate], audited=True)
    .add(PlanStatus.APPROVED, PlanStatus.DRAFT, roles=[Role.LEADING_GROUP_OFFICE], audited=True)
)
