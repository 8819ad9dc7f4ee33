"""An annual plan in the browser: the leading-group office changes the budget, runs the optimiser again and
sees the optimal and spreadsheet plans side by side, with the reason each left-out estate is left out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from jiugai.planning import services
from jiugai.planning.models import AnnualPlan
from jiugai.planning.tests.conftest import World, world  # noqa: F401  (the planning test world fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_change_budget_rerun_and_compare_methods(page: Any, login: Any, world: World) -> None:  # noqa: F811
    # The spreadsheet takes the biggest benefit first (A1); the optimum fits the two medium estates instead.
    world.estate("A1", households=300, proposal=Decimal("2000000"), lat="35.000", lon="113.000")
    world.estate("A2", households=160, proposal=Decimal("1200000"), lat="35.002", lon="113.001")
    world.estate("B1", street="b", households=160, proposal=Decimal("1200000"), lat="35.004", lon="113.002")
    world.estate("B2", street="b", households=40, proposal=Decimal("900000"), lat="35.006", lon="113.003")
    plan = services.plan_create(jurisdiction=world.tree.city, year=2024, budget=Decimal("1000000"), actor=world.office)
    services.plan_optimise(plan=plan, user=world.office)

    login("office")
    page.goto(f"/planning/plans/{plan.pk}/")
    expect(page.get_by_test_id("plan-title")).to_be_visible()
    page.get_by_test_id("plan-run-form").locator("input[name=budget]").fill("2500000")
    page.get_by_test_id("plan-run").click()
    page.wait_for_load_state("domcontentloaded")

    expect(page.get_by_test_id("optimal-plan")).to_be_visible()
    expect(page.get_by_test_id("spreadsheet-plan")).to_be_visible()
    optimal = Decimal(page.get_by_test_id("optimal-objective").inner_text())
    spreadsheet = Decimal(page.get_by_test_id("spreadsheet-objective").inner_text())
    assert optimal > spreadsheet
    reasons = page.get_by_test_id("exclusion-reason")
    expect(reasons.first).not_to_be_empty()
    plan = AnnualPlan.objects.get(pk=plan.pk)
    assert plan.budget == Decimal("2500000") and plan.run_status == "done"
    expect(page.get_by_test_id("plan-map")).to_have_attribute("data-loaded", "4")
