"""The allocation lifecycle as data: planned → applied → approved → received → paid.

The street office (implementing body) applies; the leading-group office or the finance department approves
(audited); money arrives and is paid out as dated movements, and the status follows the first receipt and the
first payment (audited). An application may be sent back to planned.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jiugai.accounts.choices import Role
from jiugai.core.workflow import Workflow

from .choices import AllocationStatus

APPLICANTS = [Role.STREET_OFFICE, Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT]
APPROVERS = [Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT]
TREASURERS = [Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT, Role.STREET_OFFICE]


def received_gate(allocation: Any) -> list[str]:
    """Money is received only once a receipt is recorded (the counter `movement_record` keeps with each one)."""
    if not allocation.received:
        return [_("Record the receipt of the money first.")]
    return []


def paid_gate(allocation: Any) -> list[str]:
    """Money is paid out only once a payment is recorded (the counter `movement_record` keeps with each one)."""
    if not allocation.paid:
        return [_("Record a payment first.")]
    return []


ALLOCATION_WORKFLOW = (
    Workflow(name="funding.allocation", status_field="status")
    .add(AllocationStatus.PLANNED, AllocationStatus.APPLIED, roles=APPLICANTS)
    .add(AllocationStatus.APPLIED, AllocationStatus.PLANNED, roles=APPROVERS)
    .add(AllocationStatus.APPLIED, AllocationStatus.APPROVED, roles=APPROVERS, audited=True)
    .add(AllocationStatus.APPROVED, AllocationStatus.RECEIVED, roles=TREASURERS, gates=[received_gate], audited=True)
    .add(AllocationStatus.RECEIVED, AllocationStatus.PAID, roles=TREASURERS, gates=[paid_gate], audited=True)
)
