"""The generic workflow helper: table, role and gate checks, and the status-change trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiugai.accounts.services import jurisdiction_create, user_create
from jiugai.core.audit import audit_chain_verify
from jiugai.core.models import AuditEntry, StatusChange
from jiugai.core.workflow import Workflow, workflow_transition
from jiugai.inventory.models import Estate


def needs_address(estate: Any) -> list[str]:
    return [] if estate.address else ["address missing"]


# Management handover as an example lifecycle: no management → entrusted → professional.
FLOW = (
    Workflow("estate_management", "management_status")
    .add("none", "entrusted", roles={"street_office"})
    .add("entrusted", "professional", roles={"street_office"}, gates=[needs_address], audited=True)
)


@pytest.fixture
def setting(db: Any) -> dict[str, Any]:
    city = jurisdiction_create(code="9901", name="测试市", level="city")
    street = jurisdiction_create(code="9901001", name="测试街道", level="street", parent=city)
    estate = Estate.objects.create(code="E1", name="测试小区", jurisdiction=street, street=street)
    street_user = user_create(username="s", password=None, role="street_office", jurisdiction=street)
    deputy = user_create(username="d", password=None, role="deputy", jurisdiction=city)
    return {"estate": estate, "street_user": street_user, "deputy": deputy}


def test_allowed_move_changes_status_and_records_it(setting: dict[str, Any]) -> None:
    estate = setting["estate"]
    change = workflow_transition(
        workflow=FLOW, obj=estate, target="entrusted", actor=setting["street_user"], reason="r"
    )
    estate.refresh_from_db()
    assert estate.management_status == "entrusted"
    assert (change.from_status, change.to_status, change.actor) == ("none", "entrusted", setting["street_user"])
    assert StatusChange.objects.count() == 1


def test_move_not_in_table_is_refused_and_changes_nothing(setting: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        workflow_transition(workflow=FLOW, obj=setting["estate"], target="professional", actor=setting["street_user"])
    setting["estate"].refresh_from_db()
    assert setting["estate"].management_status == "none"
    assert not StatusChange.objects.exists()


def test_wrong_role_is_permission_denied(setting: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        workflow_transition(workflow=FLOW, obj=setting["estate"], target="entrusted", actor=setting["deputy"])
    assert not StatusChange.objects.exists()


def test_gate_blocks_until_condition_met_then_audits(setting: dict[str, Any]) -> None:
    estate, user = setting["estate"], setting["street_user"]
    workflow_transition(workflow=FLOW, obj=estate, target="entrusted", actor=user)
    with pytest.raises(ValidationError) as excinfo:
        workflow_transition(workflow=FLOW, obj=estate, target="professional", actor=user)
    assert "address missing" in str(excinfo.value)
    estate.address = "测试路1号"
    estate.save()
    workflow_transition(workflow=FLOW, obj=estate, target="professional", actor=user)
    assert AuditEntry.objects.filter(action="estate_management.professional").count() == 1
    assert audit_chain_verify().ok
    assert FLOW.targets_from("none") == ["entrusted"]
