"""The funding part of the demo (seed digest §6).

- Jiyuan (seed 000): 玉泉小区 gets a renovation proposal whose one-meter-per-household water works cost 900,000
  yuan; the water company pays exactly 1/3 of them (300,000), so it may run those works; the city budget's
  500,000 arrived long ago and is still unpaid (an idle-funds alert); the property-service subsidy after
  renovation is 0.15 yuan/m²/month × 36 months.
- Zhanhe (seed 001): in 湛南路机械厂家属院, building 1, stairwell 1 shares a new entrance-door system in tiers
  by floor; a stairwell consultation is open with ballot links, and each household sees its own share on its
  ballot page.

Through the services; loading twice creates nothing new (the ballot links are re-issued, as in the
consultation demo, because only their hashes are stored).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from jiugai.accounts.models import Jurisdiction, User
from jiugai.consultation import services as consultation
from jiugai.consultation.choices import CampaignStatus, DecisionRule, Matter, ScopeType
from jiugai.consultation.models import Campaign
from jiugai.funding import services
from jiugai.funding.choices import AllocationStatus, HardshipHandling, MovementKind, SourceKind
from jiugai.funding.models import Allocation, CostShare, FundingSource, Movement, PropertySubsidy
from jiugai.inventory.models import Building, Estate
from jiugai.planning import services as planning
from jiugai.planning.models import RenovationProposal
from jiugai.policy.selectors import effective_policy
from jiugai.policy.services import policy_profile_create

JIYUAN_CITY = "419001"
JIYUAN_ESTATE = "419001005-E02"  # 玉泉小区
ZHANHE_DISTRICT = "410411"
ZHANHE_ESTATE = "410411001-E01"  # 湛南路机械厂家属院
WATER_WORKS = Decimal("900000.00")
OTHER_WORKS = Decimal("600000.00")
WATER_SHARE = Decimal("300000.00")  # exactly 1/3 of the water works
IDLE_AMOUNT = Decimal("500000.00")
IDLE_RECEIVED_ON = dt.date(2024, 3, 15)
SHARE_TITLE = "1号楼1单元单元门及门禁更换（梯次分摊）"
SHARE_TOTAL = Decimal("36000.00")
CAMPAIGN_TITLE = "湛南路机械厂家属院1号楼1单元改造方案表决"
DEMO_SOURCE = {
    "source_title": "演示设置：固原禁止资金闲置（未给天数）/ 广州东圃例的楼层系数（示意）",
    "source_reference": "seeds/003_54d0b71b4a1e2a82.txt; REFERENCE.md §2.5",
}
# Floors 1–2 pay nothing, then 0.7 … 1.3 (REFERENCE §2.5, the Guangzhou Dongpu example), illustrative for Zhanhe.
FLOOR_TABLE = {"1": "0", "2": "0", "3": "0.7", "4": "0.8", "5": "0.9", "6": "1.0", "7": "1.1", "8": "1.2", "9": "1.3"}


@dataclass
class FundingDemo:
    """What the funding demo shows, and the ballot links that show a household's share."""

    jiyuan_estate: str = ""
    zhanhe_estate: str = ""
    links: list[tuple[str, str, str, str]] = field(default_factory=list)  # household, path, code, phone digits


def _ensure_params(node: Jurisdiction, values: dict[str, object], created: dict[str, int]) -> None:
    policy = effective_policy(jurisdiction=node)
    missing = {key: {"value": value, **DEMO_SOURCE} for key, value in values.items() if key not in policy}
    if missing:
        policy_profile_create(
            jurisdiction=node,
            effective_from=dt.date(2020, 1, 1) if not node.policy_profiles.exists() else timezone.localdate(),
            title=f"{node.name} funding demo settings",
            values=missing,
            note="Demo settings for the funding demo (no seed states these figures).",
        )
        created["funding_demo_settings"] = created.get("funding_demo_settings", 0) + 1


def _source(node: Jurisdiction, kind: str, name: str, **extra: object) -> FundingSource:
    found = FundingSource.objects.filter(jurisdiction=node, kind=kind, name=name).first()
    return found or services.source_create(jurisdiction=node, kind=kind, name=name, **extra)  # type: ignore[arg-type]


def _jiyuan(created: dict[str, int]) -> Estate | None:
    estate = Estate.objects.filter(code=JIYUAN_ESTATE).select_related("jurisdiction").first()
    if estate is None:
        return None
    city = Jurisdiction.objects.get(code=JIYUAN_CITY)
    _ensure_params(city, {"funding.idle_funds_days": 90}, created)
    if not RenovationProposal.objects.filter(estate=estate).exists():
        planning.proposal_save(
            estate=estate,
            lines=[
                {"item": "B01", "quantity": "1", "unit_cost": str(WATER_WORKS)},
                {"item": "B03", "quantity": "1", "unit_cost": str(OTHER_WORKS)},
            ],
            actor=None,
        )
    water = _source(city, SourceKind.UTILITY, "济源市供水公司一户一表改造出资", utility="water", year=2024)
    budget = _source(city, SourceKind.CITY, "济源市2024年老旧小区改造市级资金", year=2024)
    if not Allocation.objects.filter(source=water, estate=estate).exists():
        services.allocation_create(source=water, estate=estate, amount=WATER_SHARE, year=2024)
        created["allocations"] = created.get("allocations", 0) + 1
    idle = Allocation.objects.filter(source=budget, estate=estate).first()
    if idle is None:
        idle = services.allocation_create(source=budget, estate=estate, amount=IDLE_AMOUNT, year=2024)
        office = User.objects.filter(username="jiyuan_office").first()
        for target in (AllocationStatus.APPLIED, AllocationStatus.APPROVED):
            services.allocation_transition(allocation=idle, target=target, actor=office)
        created["allocations"] = created.get("allocations", 0) + 1
    if not Movement.objects.filter(allocation=idle).exists():
        services.movement_record(
            allocation=idle,
            kind=MovementKind.RECEIVED,
            amount=IDLE_AMOUNT,
            on=IDLE_RECEIVED_ON,
            reference="济财预〔2024〕示例",
        )
    if not PropertySubsidy.objects.filter(estate=estate).exists():
        services.property_subsidy_record(estate=estate)
        created["property_subsidies"] = created.get("property_subsidies", 0) + 1
    return estate


def _zhanhe(created: dict[str, int], demo: FundingDemo) -> Estate | None:
    estate = Estate.objects.filter(code=ZHANHE_ESTATE).select_related("jurisdiction").first()
    staff = User.objects.filter(username="zhanhe_street").first()
    if estate is None or staff is None:
        return None
    building = Building.objects.filter(estate=estate).order_by("number").first()
    if building is None:
        return None
    _ensure_params(Jurisdiction.objects.get(code=ZHANHE_DISTRICT), {"funding.floor_coefficients": FLOOR_TABLE}, created)
    share = CostShare.objects.filter(estate=estate, item=SHARE_TITLE).first()
    if share is None:
        share = services.cost_share_create(
            estate=estate,
            scope_type=ScopeType.STAIRWELL,
            building=building,
            stairwell=1,
            item=SHARE_TITLE,
            item_class="improvement",
            total=SHARE_TOTAL,
            method="floor",
            hardship=HardshipHandling.OTHERS,
            actor=staff,
        )
        services.cost_share_publish(cost_share=share, actor=staff)
        created["cost_shares"] = created.get("cost_shares", 0) + 1
    campaign = Campaign.objects.filter(estate=estate, title=CAMPAIGN_TITLE).first()
    if campaign is None:
        now = timezone.now()
        campaign = consultation.campaign_create(
            actor=staff,
            estate=estate,
            title=CAMPAIGN_TITLE,
            matter=Matter.RENOVATION_PLAN,
            rule=DecisionRule.ART278,
            scope_type=ScopeType.STAIRWELL,
            building=building,
            stairwell=1,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=365),
        )
        consultation.campaign_open(actor=staff, campaign=campaign)
        created["campaigns"] = created.get("campaigns", 0) + 1
    if campaign.status == CampaignStatus.OPEN:
        for link in consultation.campaign_links_issue(actor=staff, campaign=campaign)[:3]:
            h = link.household
            demo.links.append(
                (f"{building.number} {h.stairwell}单元 {h.room}", f"/b/{link.token}/", link.short_code, h.phone[-4:])
            )
    return estate


def funding_demo_load(*, created: dict[str, int]) -> FundingDemo:
    """Build the funding demo; idempotent."""
    demo = FundingDemo()
    jiyuan = _jiyuan(created)
    zhanhe = _zhanhe(created, demo)
    demo.jiyuan_estate = jiyuan.name if jiyuan else ""
    demo.zhanhe_estate = zhanhe.name if zhanhe else ""
    return demo
