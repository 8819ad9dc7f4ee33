"""Fixtures for planning tests: a city with eligible estates, surveys, proposals and staff users."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from jiugai.accounts.choices import Role
from jiugai.inventory.services import building_create, condition_survey_record, estate_create, estate_screen
from jiugai.planning import services
from jiugai.policy.services import policy_profile_create

SOURCE = {"source_title": "Guyuan draft 2022 plan", "source_reference": "seeds/003_54d0b71b4a1e2a82.txt"}


@dataclass
class World:
    tree: Any
    office: Any  # leading-group office of the city
    east: Any  # street office of street A
    west: Any  # street office of street B
    estates: dict[str, Any] = field(default_factory=dict)

    def estate(
        self,
        code: str,
        *,
        street: str = "a",
        households: int = 100,
        completed: dt.date = dt.date(1995, 6, 1),
        lat: str | None = None,
        lon: str | None = None,
        severity: int = 3,
        proposal: Decimal | None = Decimal("1000000"),
        screen: bool = True,
        **extra: Any,
    ) -> Any:
        community = self.tree.community_a if street == "a" else self.tree.community_b
        street_node = self.tree.street_a if street == "a" else self.tree.street_b
        estate = estate_create(
            code=code,
            name=f"{code}小区",
            jurisdiction=community,
            street=street_node,
            completed_on=completed,
            build_year=completed.year,
            stated_households=households,
            total_area=Decimal(households * 60),
            latitude=Decimal(lat) if lat else None,
            longitude=Decimal(lon) if lon else None,
            **extra,
        )
        building_create(estate=estate, number="1", floors=6, stairwells=2, stated_households=households)
        condition_survey_record(
            estate=estate,
            surveyed_on=dt.date(2023, 5, 1),
            findings={"drainage": (severity, ""), "roads": (severity, ""), "garbage": (1, "")},
        )
        if screen:
            estate_screen(estate=estate, on=dt.date(2024, 1, 1))
            estate.refresh_from_db()
        if proposal is not None:
            services.proposal_save(
                estate=estate, lines=[{"item": "B03", "quantity": "1", "unit_cost": str(proposal)}], actor=None
            )
        self.estates[code] = estate
        return estate


@pytest.fixture
def world(tree: Any, make_user: Any) -> World:
    policy_profile_create(
        jurisdiction=tree.city,
        effective_from=dt.date(2020, 1, 1),
        title="Guyuan-like",
        values={
            "eligibility.completed_by": {"value": "2000-12-31", **SOURCE},
            "eligibility.post2000_allowed": {"value": True, **SOURCE},
            "eligibility.post2000_completed_by": {"value": "2005-12-31", **SOURCE},
            "eligibility.post2000_household_cap": {"value": "15/100", **SOURCE},
            "planning.bundle_distance_m": {"value": 800, **SOURCE},
        },
    )
    office = make_user("office", Role.LEADING_GROUP_OFFICE, tree.city)
    east = make_user("east", Role.STREET_OFFICE, tree.street_a)
    west = make_user("west", Role.STREET_OFFICE, tree.street_b)
    return World(tree=tree, office=office, east=east, west=west)
