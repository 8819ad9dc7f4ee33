"""Funding services: every refusal named in the issue (nothing saved), the workflow, receipts and payments,
alerts, the property subsidy, cost shares and their publication."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jiugai.consultation.choices import Matter, ScopeType
from jiugai.core.models import AuditEntry
from jiugai.funding import selectors, services
from jiugai.funding.choices import AlertKind, AllocationStatus, HardshipHandling, MovementKind, SourceKind
from jiugai.funding.models import Allocation, CostShare, HouseholdShare
from jiugai.policy.services import policy_profile_create

from .conftest import FLOORS, ZHANHE, make_estate


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


@pytest.mark.parametrize("amount", ["-5", "abc", "", "1e400x", "0", "1.001"])
def test_bad_amounts_are_refused(world: Any, english: None, amount: str) -> None:
    with pytest.raises(ValidationError):
        services.allocation_create(
            source=world.source(SourceKind.CITY), estate=world.estate, amount=amount, actor=world.east
        )
    assert not Allocation.objects.exists()


def test_non_numeric_message(world: Any, english: None) -> None:
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(
            source=world.source(SourceKind.CITY), estate=world.estate, amount="十万", actor=world.east
        )
    assert "is not an amount of money" in _messages(exc)


def test_allocations_above_the_cost_are_refused(world: Any, english: None) -> None:
    services.allocation_create(
        source=world.source(SourceKind.CITY), estate=world.estate, amount="600000", actor=world.east
    )
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(
            source=world.source(SourceKind.DISTRICT_BUDGET), estate=world.estate, amount="300000.01", actor=world.east
        )
    assert "more than the estate's cost of 900000.00" in _messages(exc)
    assert Allocation.objects.count() == 1


def test_estate_without_cost_is_refused(world: Any, english: None) -> None:
    bare = make_estate(world.tree, "F0", proposal=None)
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(source=world.source(SourceKind.CITY), estate=bare, amount="1", actor=world.east)
    assert "no renovation proposal or plan entry" in _messages(exc)


@pytest.mark.parametrize(
    "kind",
    [SourceKind.RESIDENTS_DIRECT, SourceKind.MAINTENANCE_FUND, SourceKind.PROVIDENT_FUND, SourceKind.PUBLIC_REVENUE],
)
def test_resident_money_needs_an_authorising_decision(world: Any, english: None, kind: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(source=world.source(kind), estate=world.estate, amount="1000", actor=world.east)
    assert "link the owners' decision that authorises it" in _messages(exc)
    assert not Allocation.objects.exists()


def test_resident_money_with_a_decision(world: Any, english: None) -> None:
    rejected = world.decided_campaign(outcome="rejected")
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(
            source=world.source(SourceKind.MAINTENANCE_FUND),
            estate=world.estate,
            amount="1000",
            authorising_campaign=rejected,
            actor=world.east,
        )
    assert "did not agree" in _messages(exc)
    other = world.decided_campaign(matter=Matter.RENOVATE)
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(
            source=world.source(SourceKind.MAINTENANCE_FUND),
            estate=world.estate,
            amount="1000",
            authorising_campaign=other,
            actor=world.east,
        )
    assert "using or raising the fund" in _messages(exc)
    ok = world.decided_campaign()
    allocation = services.allocation_create(
        source=world.source(SourceKind.MAINTENANCE_FUND),
        estate=world.estate,
        amount="1000",
        authorising_campaign=ok,
        actor=world.east,
    )
    assert allocation.authorising_campaign == ok


def test_central_subsidy_refused_on_an_already_funded_estate(world: Any, english: None) -> None:
    funded = make_estate(world.tree, "F2")
    type(funded).objects.filter(pk=funded.pk).update(
        central_funded_year=2020, central_funded_programme="2020年中央补助"
    )
    funded.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(
            source=world.source(SourceKind.CENTRAL_SUBSIDY), estate=funded, amount="1000", year=2024, actor=world.office
        )
    assert "Central money is refused" in _messages(exc)
    assert not Allocation.objects.exists()
    allowed = services.allocation_create(
        source=world.source(SourceKind.CENTRAL_SUBSIDY),
        estate=world.estate,
        amount="1000",
        year=2024,
        actor=world.office,
    )
    assert allowed.decision["checks"]


def test_earmark_refused(world: Any, english: None) -> None:
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(
            source=world.source(SourceKind.CENTRAL_SUBSIDY),
            estate=world.estate,
            amount="1000",
            item_class="upgrade",
            actor=world.office,
        )
    assert "Outside the source's earmark" in _messages(exc)


def test_scope_other_street_is_refused(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.allocation_create(
            source=world.source(SourceKind.CITY), estate=world.estate, amount="1", actor=world.west
        )


def _approved(world: Any, amount: str = "300000") -> Allocation:
    allocation = services.allocation_create(
        source=world.source(SourceKind.CITY), estate=world.estate, amount=amount, actor=world.east
    )
    services.allocation_transition(allocation=allocation, target=AllocationStatus.APPLIED, actor=world.east)
    with pytest.raises(PermissionDenied):
        services.allocation_transition(allocation=allocation, target=AllocationStatus.APPROVED, actor=world.east)
    services.allocation_transition(allocation=allocation, target=AllocationStatus.APPROVED, actor=world.office)
    return allocation


def test_workflow_receipts_payments_and_audit(world: Any, english: None) -> None:
    allocation = _approved(world)
    with pytest.raises(ValidationError):
        services.allocation_transition(allocation=allocation, target=AllocationStatus.RECEIVED, actor=world.office)
    with pytest.raises(ValidationError) as exc:
        services.movement_record(
            allocation=allocation, kind=MovementKind.PAID, amount="1", on=dt.date(2024, 5, 1), actor=world.east
        )
    assert "more than the 0 yuan received" in _messages(exc)
    services.movement_record(
        allocation=allocation, kind=MovementKind.RECEIVED, amount="300000", on=dt.date(2024, 5, 1), actor=world.east
    )
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.RECEIVED
    with pytest.raises(ValidationError):
        services.movement_record(
            allocation=allocation, kind=MovementKind.RECEIVED, amount="1", on=dt.date(2024, 5, 1), actor=world.east
        )
    services.movement_record(
        allocation=allocation, kind=MovementKind.PAID, amount="100000", on=dt.date(2024, 6, 1), actor=world.east
    )
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PAID
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"funding.allocation.approved", "funding.received", "funding.paid"} <= actions


def test_alerts_idle_and_lagging(world: Any) -> None:
    allocation = _approved(world)
    services.movement_record(
        allocation=allocation, kind=MovementKind.RECEIVED, amount="300000", on=dt.date(2023, 1, 1), actor=world.east
    )
    kinds = {a.kind for a in selectors.alert_list(user=world.office, today=dt.date(2024, 1, 1))}
    assert AlertKind.IDLE in kinds and AlertKind.LAGGING in kinds
    assert selectors.alert_list(user=world.west, today=dt.date(2024, 1, 1)) == []  # another street sees nothing
    assert {a.kind for a in selectors.alert_list(user=world.office, today=dt.date(2023, 2, 1))} == {AlertKind.LAGGING}


def test_over_claim_alert(world: Any) -> None:
    from jiugai.planning import services as planning

    _approved(world, "800000")
    planning.proposal_save(
        estate=world.estate, lines=[{"item": "B03", "quantity": "1", "unit_cost": "500000"}], actor=None
    )
    kinds = {a.kind for a in selectors.alert_list(user=world.office)}
    assert AlertKind.OVER_CLAIM in kinds


def test_document_type_and_size(world: Any, english: None, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    allocation = _approved(world)
    with pytest.raises(ValidationError) as exc:
        services.allocation_document_add(
            allocation=allocation, kind="approval", title="x", file=SimpleUploadedFile("x.exe", b"MZ"), actor=world.east
        )
    assert "Upload a PDF" in _messages(exc)
    document = services.allocation_document_add(
        allocation=allocation,
        kind="approval",
        title="批复",
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
        actor=world.east,
    )
    assert document.pk


def test_utility_may_implement_at_exactly_one_third(world: Any) -> None:
    source = world.source(SourceKind.UTILITY, utility="water")
    services.allocation_create(source=source, estate=world.estate, amount="300000", actor=world.east)
    checks = selectors.utility_checks(estate=world.estate, allocations=Allocation.objects.select_related("source"))
    assert checks[0].decision is not None and checks[0].decision.passed


def test_property_subsidy(world: Any) -> None:
    subsidy = services.property_subsidy_record(estate=world.estate, actor=world.office)
    assert subsidy.total == Decimal("0.15") * 1000 * 36
    assert subsidy.decision["reasons"]


def test_cost_share_floor_tiers_and_hardship(world: Any) -> None:
    share = services.cost_share_create(
        estate=world.estate,
        scope_type=ScopeType.STAIRWELL,
        building=world.building,
        stairwell=1,
        item="单元门禁",
        total="12000",
        method="floor",
        hardship=HardshipHandling.OTHERS,
        actor=world.east,
    )
    rows = list(share.shares.order_by("floor", "household__room"))
    assert sum(r.amount for r in rows) == Decimal("12000")
    assert rows[0].exempt and rows[0].amount == 0
    assert rows[-1].amount > rows[2].amount  # higher floors pay more
    services.cost_share_publish(cost_share=share, actor=world.east)
    assert AuditEntry.objects.filter(action="funding.cost_share.published").exists()
    with pytest.raises(ValidationError):
        services.cost_share_publish(cost_share=share, actor=world.east)


def test_cost_share_tier_table_missing_a_floor(world: Any, english: None) -> None:
    policy_profile_create(
        jurisdiction=world.tree.city,
        effective_from=dt.date(2021, 1, 1),
        title="fewer floors",
        values={"funding.floor_coefficients": {"value": {k: v for k, v in FLOORS.items() if int(k) <= 5}, **ZHANHE}},
    )
    with pytest.raises(ValidationError) as exc:
        services.cost_share_create(
            estate=world.estate,
            scope_type=ScopeType.BUILDING,
            building=world.building,
            item="外墙",
            total="12000",
            method="floor",
            actor=world.east,
        )
    assert "missing from the coefficient table" in _messages(exc)
    assert not CostShare.objects.exists() and not HouseholdShare.objects.exists()


def test_cost_share_bad_total_and_single_payer(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.cost_share_create(estate=world.estate, item="x", total="-1", method="equal", actor=world.east)
    with pytest.raises(ValidationError):
        services.cost_share_create(estate=world.estate, item="x", total="100", method="single", actor=world.east)
    single = services.cost_share_create(
        estate=world.estate, item="x", total="100", method="single", payer=world.households[3], actor=world.east
    )
    assert single.shares.get(household=world.households[3]).amount == Decimal("100")


def test_ocds_breakdown(world: Any) -> None:
    services.allocation_create(
        source=world.source(SourceKind.CITY), estate=world.estate, amount="1000", actor=world.east
    )
    data = selectors.ocds_budget_breakdown(
        estate=world.estate, allocations=selectors.allocation_list(user=world.office)
    )
    item = data["planning"]["budget"]["budgetBreakdown"][0]
    assert item["amount"] == {"amount": 1000.0, "currency": "CNY"}
    assert item["sourceParty"]["name"] and item["id"] and item["description"]
