"""Funding in the browser: the street office's allocation of residents' money without an owners' decision is
refused with the reason and nothing saved; city money is allocated; the dashboard draws its charts."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from jiugai.funding.choices import SourceKind
from jiugai.funding.models import Allocation
from jiugai.funding.tests.conftest import World, world  # noqa: F401  (the funding test world fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refused_then_allocated_and_charted(page: Any, login: Any, world: World) -> None:  # noqa: F811
    fund = world.source(SourceKind.MAINTENANCE_FUND)
    city = world.source(SourceKind.CITY)
    login("east")
    page.goto(f"/funding/allocations/?estate={world.estate.pk}")
    form = page.get_by_test_id("allocation-create")
    form.locator("select[name=source]").select_option(str(fund.pk))
    form.locator("input[name=amount]").fill("1000")
    page.get_by_test_id("allocation-submit").click()
    expect(page.get_by_test_id("form-error")).to_be_visible()
    assert not Allocation.objects.exists()

    form = page.get_by_test_id("allocation-create")
    form.locator("select[name=estate]").select_option(str(world.estate.pk))
    form.locator("select[name=source]").select_option(str(city.pk))
    form.locator("input[name=amount]").fill("250000")
    page.get_by_test_id("allocation-submit").click()
    expect(page.get_by_test_id("allocation-status")).to_be_visible()
    assert Allocation.objects.get().amount == 250000

    page.goto("/funding/")
    expect(page.get_by_test_id("chart-stacked")).to_have_attribute("data-loaded", "1")
