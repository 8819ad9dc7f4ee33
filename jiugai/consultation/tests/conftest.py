"""Fixtures for consultation tests: an estate with two buildings, a policy profile, staff users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from jiugai.accounts.choices import Role
from jiugai.consultation import services
from jiugai.consultation.models import Campaign
from jiugai.inventory.models import Building, Household
from jiugai.policy.services import policy_profile_create


@dataclass
class World:
    estate: Any
    b1: Any
    b2: Any
    east: Any
    west: Any
    community: Any
    deputy: Any
    rooms: dict[str, Any] = field(default_factory=dict)

    def household(
        self,
        room: str,
        *,
        building: Any = None,
        stairwell: int = 1,
        floor: int = 1,
        area: str = "50.00",
        owner_key: str = "",
        developer_held: bool = False,
        phone: str = "13800001234",
        id_number: str = "",
        owner_name: str = "王小明",
    ) -> Household:
        h = Household(
            building=building or self.b1,
            stairwell=stairwell,
            floor=floor,
            room=room,
            area=Decimal(area),
            owner_name=owner_name,
            phone=phone,
            id_number=id_number,
            owner_key=owner_key,
            developer_held=developer_held,
        )
        h.full_clean()
        h.save()
        self.rooms[room] = h
        return h

    def households(self, count: int, *, prefix: str = "1", **kwargs: Any) -> list[Household]:
        return [self.household(f"{prefix}{n:02d}", floor=1 + n // 4, **kwargs) for n in range(1, count + 1)]

    def campaign(self, *, open_it: bool = True, **kwargs: Any) -> Campaign:
        now = timezone.now()
        values: dict[str, Any] = {
            "title": "幸福小区改造意愿征询",
            "matter": "renovate",
            "rule": "consent",
            "opens_at": now - dt.timedelta(hours=1),
            "closes_at": now + dt.timedelta(days=7),
        }
        values.update(kwargs)
        campaign = services.campaign_create(actor=self.east, estate=self.estate, **values)
        if open_it:
            services.campaign_open(actor=self.east, campaign=campaign)
            campaign.refresh_from_db()
        return campaign

    def vote(self, campaign: Campaign, household: Household, answer: str, **kwargs: Any) -> Any:
        kwargs.setdefault("channel", "meeting")
        return services.ballot_enter(actor=self.east, campaign=campaign, household=household, answer=answer, **kwargs)


@pytest.fixture
def world(tree: Any, make_user: Any, make_estate: Any) -> World:
    policy_profile_create(
        jurisdiction=tree.city,
        effective_from=dt.date(2020, 1, 1),
        title="测试市",
        values={
            "consent.share_of_all_households": {
                "value": "2/3",
                "source_title": "许昌市答复市人大代表第67号建议",
                "source_reference": "seeds/002_40d8e389fe8940d7.txt",
            }
        },
    )
    estate = make_estate("幸福小区", tree.community_a, tree.street_a)
    b1 = Building(estate=estate, number="1", floors=6, stairwells=2)
    b1.full_clean()
    b1.save()
    b2 = Building(estate=estate, number="2", floors=6, stairwells=1)
    b2.full_clean()
    b2.save()
    return World(
        estate=estate,
        b1=b1,
        b2=b2,
        east=make_user("east", Role.STREET_OFFICE, tree.street_a),
        west=make_user("west", Role.STREET_OFFICE, tree.street_b),
        community=make_user("comm", Role.COMMUNITY_COMMITTEE, tree.community_a),
        deputy=make_user("deputy", Role.DEPUTY, tree.city),
    )


@pytest.fixture
def english() -> Iterator[None]:
    """Service messages in English for assertions on their wording (the default language is Chinese)."""
    with translation.override("en"):
        yield
