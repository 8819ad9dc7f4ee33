"""Fixtures for funding tests: a city with a Jiyuan-like and Zhanhe-like profile, an estate with a proposal,
households, sources and staff users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from jiugai.accounts.choices import Role
from jiugai.consultation.choices import CampaignStatus, DecisionRule, Matter
from jiugai.consultation.models import Campaign
from jiugai.funding import services
from jiugai.funding.choices import SourceKind
from jiugai.inventory.models import Building, Household
from jiugai.inventory.services import estate_create
from jiugai.planning import services as planning
from jiugai.policy.services import policy_profile_create

JIYUAN = {"source_title": "济源市政协提案第105049号答复", "source_reference": "seeds/000_f9b901b302fa6203.txt"}
ZHANHE = {"source_title": "平湛政办〔2020〕10号", "source_reference": "seeds/001_f6a39a551d1fc451.txt"}
FLOORS = {"1": "0.8", "2": "0.9", "3": "1.0", "4": "1.1", "5": "1.2", "6": "1.3"}


@dataclass
class World:
    tree: Any
    office: Any
    east: Any
    west: Any
    estate: Any
    building: Any
    households: list[Any] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)

    def source(self, kind: str, **extra: Any) -> Any:
        if kind not in self.sources:
            self.sources[kind] = services.source_create(
                jurisdiction=self.tree.city, kind=kind, name=f"{kind} 2024", year=2024, **extra
            )
        return self.sources[kind]

    def decided_campaign(self, *, matter: str = Matter.USE_FUND, outcome: str = "passed", estate: Any = None) -> Any:
        now = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
        campaign = Campaign(
            title="动用维修资金表决",
            estate=estate or self.estate,
            matter=matter,
            rule=DecisionRule.ART278,
            opens_at=now,
            closes_at=now + dt.timedelta(days=10),
            policy_date=now.date(),
            status=CampaignStatus.DECIDED,
            decision={"outcome": outcome, "reasons": []},
        )
        campaign.full_clean()
        campaign.save()
        return campaign


def make_estate(tree: Any, code: str, street: str = "a", proposal: str | None = "900000", **extra: Any) -> Any:
    estate = estate_create(
        code=code,
        name=f"{code}小区",
        jurisdiction=tree.community_a if street == "a" else tree.community_b,
        street=tree.street_a if street == "a" else tree.street_b,
        completed_on=dt.date(1995, 6, 1),
        build_year=1995,
        stated_households=12,
        total_area=Decimal("1000.00"),
        **extra,
    )
    if proposal is not None:
        planning.proposal_save(
            estate=estate, lines=[{"item": "B03", "quantity": "1", "unit_cost": proposal}], actor=None
        )
    return estate


@pytest.fixture
def world(tree: Any, make_user: Any) -> World:
    policy_profile_create(
        jurisdiction=tree.city,
        effective_from=dt.date(2020, 1, 1),
        title="Jiyuan- and Zhanhe-like",
        values={
            "funding.utility_may_implement_share": {"value": "1/3", **JIYUAN},
            "funding.property_subsidy_rate": {"value": "0.15", **JIYUAN},
            "funding.property_subsidy_months": {"value": 36, **JIYUAN},
            "funding.property_subsidy_is_minimum": {"value": False, **JIYUAN},
            "funding.idle_funds_days": {"value": 90, **JIYUAN},
            "funding.floor_coefficients": {"value": FLOORS, **ZHANHE},
            "funding.hardship_exemption": {"value": True, **ZHANHE},
            "eligibility.no_repeat_central_funding": {"value": True, **JIYUAN},
            "consent.share_of_all_households": {"value": "2/3", **ZHANHE},
        },
    )
    estate = make_estate(tree, "F1")
    building = Building(estate=estate, number="1", floors=6, stairwells=1)
    building.full_clean()
    building.save()
    households = []
    for floor in range(1, 7):
        for side in (1, 2):
            h = Household(
                building=building,
                stairwell=1,
                floor=floor,
                room=f"{floor}0{side}",
                area=Decimal("60.00") if side == 1 else Decimal("90.00"),
                owner_name="张三",
                phone="13912345678",
                hardship=(floor == 1 and side == 1),
            )
            h.full_clean()
            h.save()
            households.append(h)
    return World(
        tree=tree,
        office=make_user("office", Role.LEADING_GROUP_OFFICE, tree.city),
        east=make_user("east", Role.STREET_OFFICE, tree.street_a),
        west=make_user("west", Role.STREET_OFFICE, tree.street_b),
        estate=estate,
        building=building,
        households=households,
    )


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


__all__ = ["SourceKind", "World", "make_estate"]
