"""Planning services: catalogue, weights, proposals, bundles and annual plans (good and bad input)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from jiugai.core.models import AuditEntry
from jiugai.planning import scoring, selectors, services
from jiugai.planning.choices import BundleStatus, RunStatus, Tier
from jiugai.planning.models import AnnualPlan, CatalogueVersion

pytestmark = pytest.mark.django_db


def test_national_catalogue_is_seeded_with_three_classes() -> None:
    version = selectors.catalogue_in_force(jurisdiction=None)
    assert version is not None and version.jurisdiction is None
    items = list(version.items.all())
    assert 25 <= len(items) <= 35
    assert {i.item_class for i in items} == {"basic", "improvement", "upgrade"}
    assert all(i.unit_cost > 0 for i in items)


def test_catalogue_version_inherited_down_the_tree(world: Any) -> None:
    national = selectors.catalogue_in_force(jurisdiction=world.tree.street_a)
    assert national is not None and national.jurisdiction is None
    city = services.catalogue_version_create(
        jurisdiction=world.tree.city,
        effective_from=dt.date(2021, 1, 1),
        title="城市清单",
        items=[{"code": "X1", "name": "道路", "item_class": "basic", "unit": "m²", "unit_cost": "200"}],
        actor=world.office,
    )
    assert selectors.catalogue_in_force(jurisdiction=world.tree.street_a) == city
    assert selectors.catalogue_in_force(jurisdiction=world.tree.street_a, on=dt.date(2020, 12, 1)) == national
    assert AuditEntry.objects.filter(action="planning.catalogue_version", object_id=str(city.pk)).exists()
    second = services.catalogue_version_create(
        jurisdiction=world.tree.city,
        effective_from=dt.date(2022, 1, 1),
        title="城市清单 2",
        items=[{"code": "X1", "name": "道路", "item_class": "basic", "unit": "m²", "unit_cost": "220"}],
        actor=world.office,
    )
    assert second.version == 2 and CatalogueVersion.objects.filter(jurisdiction=world.tree.city).count() == 2


def test_catalogue_version_refuses_bad_items_all_at_once(world: Any) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.catalogue_version_create(
            jurisdiction=world.tree.city,
            effective_from=dt.date(2021, 1, 1),
            title="bad",
            items=[
                {"code": "X1", "name": "道路", "item_class": "luxury", "unit": "m²", "unit_cost": "-1"},
                {"code": "X1", "name": "", "item_class": "basic", "unit": "m²", "unit_cost": ""},
                {"code": "X3", "name": "灯", "item_class": "basic", "unit": "个", "unit_cost": "5", "targets": "nope"},
            ],
            actor=world.office,
        )
    problems = services.catalogue_problems(info.value)
    where = {(p["row"], p["column"]) for p in problems}
    assert {(1, "item_class"), (1, "unit_cost"), (2, "name"), (2, "unit_cost"), (3, "targets")} <= where
    assert any("missing" in p["message"] for p in problems)
    assert not CatalogueVersion.objects.filter(jurisdiction=world.tree.city).exists()


def test_catalogue_edit_needs_role_and_jurisdiction(world: Any) -> None:
    items = [{"code": "X1", "name": "道路", "item_class": "basic", "unit": "m²", "unit_cost": "200"}]
    with pytest.raises(PermissionDenied):
        services.catalogue_version_create(
            jurisdiction=world.tree.street_a,
            effective_from=dt.date(2021, 1, 1),
            title="t",
            items=items,
            actor=world.east,
        )
    with pytest.raises(PermissionDenied):
        services.catalogue_version_create(
            jurisdiction=None, effective_from=dt.date(2021, 1, 1), title="t", items=items, actor=world.office
        )


def test_proposal_prefilled_from_survey_and_refuses_bad_lines(world: Any) -> None:
    estate = world.estate("P1", proposal=None)
    proposal = services.proposal_prefill(estate=estate, actor=world.east)
    codes = {line.item.code for line in proposal.lines.all()}
    assert {"B02", "B03", "B09"} <= codes  # drainage and roads severe
    assert "B15" not in codes  # garbage only minor
    road = proposal.lines.get(item__code="B09")
    assert road.quantity == Decimal("1500.00")  # 100 households × 60 m² × 0.25
    assert proposal.total == sum(line.cost for line in proposal.lines.all())
    assert selectors.totals_by_class(proposal.lines.all())["basic"] == proposal.total
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.proposal_save(
            estate=estate,
            lines=[{"item": "B09", "quantity": "-3"}, {"item": "NOPE", "quantity": "1"}],
            actor=world.east,
        )
    text = " ".join(info.value.messages)
    assert "may not be negative" in text and "not in catalogue" in text
    assert estate.proposals.count() == 1


def test_proposal_missing_unit_cost_is_refused(world: Any) -> None:
    services.catalogue_version_create(
        jurisdiction=world.tree.city,
        effective_from=dt.date(2021, 1, 1),
        title="c",
        items=[{"code": "Z1", "name": "待定", "item_class": "basic", "unit": "项", "unit_cost": "0"}],
        actor=world.office,
    )
    estate = world.estate("P2", proposal=None)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.proposal_save(estate=estate, lines=[{"item": "Z1", "quantity": "1"}], actor=world.east)
    assert "has no unit cost" in " ".join(info.value.messages)


def test_street_office_cannot_edit_another_streets_proposal(world: Any) -> None:
    estate = world.estate("P3", street="b", proposal=None)
    with pytest.raises(PermissionDenied):
        services.proposal_save(estate=estate, lines=[{"item": "B03", "quantity": "1"}], actor=world.east)


def test_score_breakdown_and_weights_versions(world: Any) -> None:
    old = world.estate("S1", completed=dt.date(1980, 1, 1))
    ready = world.estate("S2", completed=dt.date(1998, 1, 1), severity=1)
    scored = selectors.estate_scores([old, ready], weights=scoring.DEFAULT_WEIGHTS, on=dt.date(2025, 1, 1))
    assert scored[0].estate == old
    line = {row.indicator: row for row in scored[0].score.lines}
    assert line["age"].raw == Decimal(45) and line["age"].normalised == Decimal(1)
    assert sum(row.points for row in scored[0].score.lines) == scored[0].score.total
    w = services.weights_version_create(jurisdiction=world.tree.city, weights={"age": 1}, actor=world.office)
    assert selectors.weights_in_force(jurisdiction=world.tree.street_a) == w
    with pytest.raises(ValidationError):
        services.weights_version_create(jurisdiction=world.tree.city, weights={"age": -1}, actor=world.office)
    with pytest.raises(ValidationError):
        services.weights_version_create(jurisdiction=world.tree.city, weights={"luck": 1}, actor=world.office)
    with pytest.raises(PermissionDenied):
        services.weights_version_create(jurisdiction=world.tree.city, weights={"age": 1}, actor=world.east)


def test_municipal_not_ready_ranks_later() -> None:
    weights = scoring.DEFAULT_WEIGHTS
    base = {"age": Decimal(30), "condition": Decimal(2), "households": Decimal(100)}
    ready = scoring.score_compute({**base, "municipal_ready": Decimal(1)}, weights)
    not_ready = scoring.score_compute({**base, "municipal_ready": Decimal(0)}, weights)
    assert ready.total > not_ready.total


def test_bundles_suggest_accept_and_refuse_overlap(world: Any) -> None:
    a = world.estate("N1", lat="35.0000", lon="113.0000")
    b = world.estate("N2", lat="35.0030", lon="113.0000")  # about 330 m
    c = world.estate("N3", lat="35.1000", lon="113.0000")  # 11 km away
    suggested = services.bundle_suggest(jurisdiction=world.tree.city, actor=world.office)
    assert len(suggested) == 1
    assert set(suggested[0].estates.all()) == {a, b}
    assert "B03" in suggested[0].shared_items
    services.bundle_decide(bundle=suggested[0], status=BundleStatus.ACCEPTED, actor=world.office)
    other = services.bundle_save(jurisdiction=world.tree.city, name="手工片区", estates=[b, c], actor=world.office)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.bundle_decide(bundle=other, status=BundleStatus.ACCEPTED, actor=world.office)
    assert "one accepted bundle only" in " ".join(info.value.messages)


def make_plan(world: Any, **kwargs: Any) -> Any:
    values: dict[str, Any] = {"jurisdiction": world.tree.city, "year": 2024, "budget": Decimal("2500000")}
    values.update(kwargs)
    return services.plan_create(actor=world.office, **values)


def test_plan_optimise_tiers_spreadsheet_and_exclusions(world: Any) -> None:
    # The spreadsheet takes the highest benefit first (E1, big and costly), the optimum prefers two smaller ones.
    world.estate("E1", households=300, proposal=Decimal("2000000"))
    world.estate("E2", households=160, proposal=Decimal("1200000"))
    world.estate("E3", households=160, proposal=Decimal("1200000"))
    world.estate("E4", households=40, proposal=Decimal("900000"))
    world.estate("E5", households=40, proposal=None)
    plan = services.plan_optimise(plan=make_plan(world), user=world.office)
    assert plan.run_status == RunStatus.DONE
    entries = {e.estate.code: e for e in plan.entries.all()}
    implement = {c for c, e in entries.items() if e.tier == Tier.IMPLEMENT}
    assert sum(entries[c].cost for c in implement) <= plan.budget
    assert Decimal(plan.result["objective"]) >= Decimal(plan.result["spreadsheet_objective"])
    assert entries["E5"].tier == Tier.RESERVE and entries["E5"].exclusion_code == "no_estimate"
    left_out = [e for e in entries.values() if e.tier != Tier.IMPLEMENT and e.exclusion_code != "no_estimate"]
    assert left_out and all(e.exclusion_message and e.bring_in for e in left_out)
    assert any(e.tier == Tier.PLAN for e in entries.values())
    summary = selectors.plan_summary(plan=plan)
    assert summary.estates == len(implement) and summary.investment <= plan.budget


def test_plan_budget_below_must_include_is_refused_and_changes_nothing(world: Any) -> None:
    e1 = world.estate("F1", proposal=Decimal("2000000"))
    world.estate("F2", proposal=Decimal("500000"))
    plan = services.plan_optimise(plan=make_plan(world), user=world.office)
    before = list(plan.entries.values_list("estate__code", "tier"))
    services.plan_update(plan=plan, budget=Decimal("1000000"), must_include=[e1], actor=world.office)
    with translation.override("en"), pytest.raises(services.PlanInputError) as info:
        services.plan_optimise(plan=plan, user=world.office)
    assert "budget" in info.value.conflicts
    plan.refresh_from_db()
    assert plan.run_status == RunStatus.FAILED and plan.run_message
    assert list(plan.entries.values_list("estate__code", "tier")) == before


def test_plan_bad_budget_and_missing_costs(world: Any) -> None:
    with pytest.raises(ValidationError):
        make_plan(world, budget=Decimal("0"))
    e = world.estate("G1", proposal=None)
    plan = make_plan(world, must_include=[e])
    with translation.override("en"), pytest.raises(services.PlanInputError) as info:
        services.plan_optimise(plan=plan, user=world.office)
    assert "missing_costs" in info.value.conflicts and "G1小区" in info.value.messages[0]


def test_plan_approval_is_audited_and_role_checked(world: Any) -> None:
    world.estate("H1", proposal=Decimal("100000"))
    plan = make_plan(world)
    with pytest.raises(ValidationError):
        services.plan_transition(plan=plan, target="approved", actor=world.office)  # not run yet
    services.plan_optimise(plan=plan, user=world.office)
    with pytest.raises(PermissionDenied):
        services.plan_transition(plan=plan, target="approved", actor=world.east)
    services.plan_transition(plan=plan, target="approved", actor=world.office)
    assert plan.status == "approved"
    assert AuditEntry.objects.filter(action="planning.annual_plan.approved", object_id=str(plan.pk)).exists()
    with pytest.raises(ValidationError):
        services.plan_update(plan=plan, budget=Decimal("1"), actor=world.office)


def test_plan_copy_as_scenario_with_other_budget(world: Any) -> None:
    world.estate("K1", proposal=Decimal("1000000"))
    world.estate("K2", proposal=Decimal("1000000"))
    plan = services.plan_optimise(plan=make_plan(world, budget=Decimal("1000000")), user=world.office)
    scenario = services.plan_copy(plan=plan, budget=Decimal("2000000"), actor=world.office)
    assert scenario.scenario_of == plan and scenario.budget == Decimal("2000000")
    scenario = services.plan_optimise(plan=scenario, user=world.office)
    assert scenario.entries.filter(tier=Tier.IMPLEMENT).count() == 2
    assert plan.entries.filter(tier=Tier.IMPLEMENT).count() == 1


@pytest.mark.parametrize(
    ("stated", "field"),
    [({"buildings": -1}, "buildings"), ({"households": "3.5"}, "households"), ({"floors": 3}, "floors")],
)
def test_plan_stated_totals_are_checked(world: Any, stated: dict[str, Any], field: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        make_plan(world, stated_totals=stated)
    assert field in " ".join(caught.value.messages)
    assert not AnnualPlan.objects.exists()
