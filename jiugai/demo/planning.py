"""The planning demo: Guyuan's 2022 plan (seed 003) rebuilt from its 26 estates and optimised.

The seed states the plan's totals, not each estate's cost. Each estate gets a renovation proposal
priced from the national catalogue (the basic items for all 26, the improvement items for the 12 the
seed lists, the upgrade items for 靖丰苑 and 梅园小区), scaled so that the 26 proposals add up to the
stated investment, 178,086,800 yuan, to the yuan. The plan's budget is that investment, split into the
stated subsidy request (93,812,690) and local match (84,274,110); optimising it selects all 26 estates
in their three areas, and its checks catch the stated 84 buildings against the 81 the areas add up to.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jiugai.accounts.models import Jurisdiction
from jiugai.inventory.models import Estate
from jiugai.inventory.services import jurisdiction_screen
from jiugai.planning import selectors as planning_selectors
from jiugai.planning.models import AnnualPlan, RenovationProposal
from jiugai.planning.services import catalogue_national_ensure, plan_create, plan_optimise, proposal_save

from . import seeds

CENT = Decimal("0.01")
BASIC_ITEMS = ("B01", "B02", "B04", "B09", "B11", "B13", "B16")
IMPROVEMENT_ITEMS = ("I02", "I03", "I05")
UPGRADE_ITEMS = ("U01", "U03")
LUMP_SUM_ITEM = "B03"  # 化粪池及排水管道清淤, priced per estate (项): it carries the last yuan of each estate
SUBSIDY_SOURCE = "中央及自治区补助资金"
LOCAL_SOURCE = "地方配套资金"


@dataclass
class PlanningDemo:
    """What the planning demo made: the plan and its estates' proposals."""

    plan: AnnualPlan | None = None
    proposals: int = 0


def _items_for(name: str) -> tuple[str, ...]:
    codes = [*BASIC_ITEMS]
    if name in seeds.GUYUAN_IMPROVEMENT:
        codes += IMPROVEMENT_ITEMS
    if name in seeds.GUYUAN_UPGRADE:
        codes += UPGRADE_ITEMS
    return (*codes, LUMP_SUM_ITEM)


def _guyuan_proposals(district: Jurisdiction, report: PlanningDemo) -> None:
    """One proposal per Guyuan estate; together they cost exactly the stated investment."""
    from .services import apportion  # here: services imports this module

    estates = list(Estate.objects.filter(code__startswith="640402-2022-").order_by("code"))
    if not estates or RenovationProposal.objects.filter(estate__in=estates).exists():
        return
    catalogue = planning_selectors.catalogue_in_force(jurisdiction=district)
    if catalogue is None:
        raise ValueError("no renovation catalogue is in force for Guyuan")
    items = {item.code: item for item in catalogue.items.all()}
    facts = planning_selectors.estate_facts(estates)
    priced: list[list[tuple[str, Decimal]]] = []  # per estate: (item code, catalogue-priced quantity)
    raw_totals: list[int] = []
    for estate in estates:
        lines = [
            (code, max(planning_selectors.quantity_for(items[code], facts[estate.pk]), Decimal(1)))
            for code in _items_for(estate.name)
        ]
        priced.append(lines)
        raw_totals.append(int(sum(q * items[code].unit_cost for code, q in lines)))
    targets = apportion(int(seeds.GUYUAN_PLAN_2022.investment_yuan), raw_totals)
    for estate, lines, raw, target in zip(estates, priced, raw_totals, targets, strict=True):
        factor = Decimal(target) / Decimal(raw)
        rows: list[dict[str, Any]] = []
        spent = Decimal(0)
        for code, quantity in lines[:-1]:
            scaled = (quantity * factor).quantize(CENT, rounding=ROUND_HALF_UP)
            rows.append({"item": code, "quantity": scaled, "reason": seeds.GUYUAN_DOC.title})
            spent += (scaled * items[code].unit_cost).quantize(CENT, rounding=ROUND_HALF_UP)
        rows.append(
            {
                "item": LUMP_SUM_ITEM,
                "quantity": Decimal(1),
                "unit_cost": Decimal(target) - spent,
                "reason": seeds.GUYUAN_DOC.title,
            }
        )
        proposal_save(estate=estate, lines=rows, catalogue=catalogue, note=seeds.GUYUAN_DOC.title)
        report.proposals += 1


def planning_demo_load(*, nodes: dict[str, Jurisdiction]) -> PlanningDemo:
    """Screen Guyuan's estates, price their proposals and optimise the 2022 plan (idempotent)."""
    report = PlanningDemo()
    stated = seeds.GUYUAN_PLAN_2022
    district = nodes[stated.jurisdiction_code]
    title = "原州区2022年城镇老旧小区改造计划"
    existing = AnnualPlan.objects.filter(jurisdiction=district, year=stated.year, title=title).first()
    if existing is not None:
        report.plan = existing
        return report
    jurisdiction_screen(jurisdiction=district)
    catalogue_national_ensure()
    _guyuan_proposals(district, report)
    plan = plan_create(
        jurisdiction=district,
        year=stated.year,
        budget=stated.investment_yuan,
        title=title,
        source_budgets={SUBSIDY_SOURCE: stated.subsidy_requested_yuan, LOCAL_SOURCE: stated.local_match_yuan},
        stated_totals={
            "estates": stated.estates,
            "buildings": stated.buildings,
            "households": stated.households,
            "area": stated.housing_area_m2,
            "investment": stated.investment_yuan,
            "central_subsidy": stated.subsidy_requested_yuan,
            "local_match": stated.local_match_yuan,
        },
        stated_source=f"{stated.source.title}（{stated.source.reference}）",
    )
    report.plan = plan_optimise(plan=plan)
    return report
