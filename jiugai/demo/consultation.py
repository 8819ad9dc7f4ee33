"""The consultation part of the demo: a Xuchang estate with an open consent campaign and a draft elevator vote.

Xuchang's rule (seeds/002_40d8e389fe8940d7.txt): renovation goes ahead when the agreeing households are at
least 2/3 of ALL owner households. The open campaign starts below that line, so a visitor can cast the
deciding ballots from the printed example links. The elevator campaign covers one stairwell and is decided
under Civil Code Art. 278; its stairwell has an owner of two flats (one head, two units) and a flat still
held by the developer, so the area/head counting rules show.

Everything goes through the services (inventory, consultation); loading twice creates nothing new. Ballot
links are stored as hashes only, so the example links are re-issued on every load (the demo's earlier
example links for that building stop working) to be able to print them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils import timezone

from jiugai.accounts.models import Jurisdiction, User
from jiugai.consultation import services as consultation
from jiugai.consultation.choices import CampaignStatus, Channel, DecisionRule, Matter, ScopeType
from jiugai.consultation.models import BallotToken, Campaign, Tally
from jiugai.inventory.models import Building, Estate, Household
from jiugai.inventory.services import building_create, estate_create, household_bulk_create

ESTATE_CODE = "411002001-E02"
ESTATE_NAME = "文峰路电机厂家属院"  # illustrative
COMMUNITY_CODE = "411002001001"  # 文峰社区, 西大街道, 魏都区, 许昌市
STREET_CODE = "411002001"
STAFF_USERNAME = f"street_{STREET_CODE}"  # the street office account the demo creates for 西大街道
BUILD_YEAR = 1996
FLOORS = 6
STAIRWELLS = 2
PER_LANDING = 2
BUILDINGS = 2  # 24 flats each, 48 in all

CONSENT_TITLE = "文峰路电机厂家属院老旧小区改造意愿征询"
ELEVATOR_TITLE = "文峰路电机厂家属院2号楼1单元加装电梯表决"
ELEVATOR_BUILDING = "2号楼"
ELEVATOR_STAIRWELL = 1
DEVELOPER_NAME = "许昌市示例房地产开发有限公司"  # illustrative
# In the elevator stairwell, 502 and 602 belong to one owner (same ID number, so the same owner key);
# 601 is unsold and held by the developer.
TWO_UNIT_OWNER_ROOMS = ("502", "602")
DEVELOPER_ROOM = "601"

# Ballots already cast on the consent campaign: (building, stairwell, room, answer, channel).
# 20 agree of 48 households (41.7%), below Xuchang's 2/3 (32), so 12 more agree votes pass it.
PRECAST: tuple[tuple[str, int, str, str, str], ...] = (
    *(("1号楼", 1, room, "yes", Channel.ONLINE) for room in ("101", "102", "201", "202", "301", "302", "401")),
    ("1号楼", 1, "402", "no", Channel.ONLINE),
    *(("1号楼", 2, room, "yes", Channel.MEETING) for room in ("101", "102")),
    ("1号楼", 2, "201", "no", Channel.MEETING),
    ("1号楼", 2, "202", "abstain", Channel.MEETING),
    *(
        ("2号楼", 2, room, "yes", Channel.MEETING)
        for room in ("101", "102", "201", "202", "301", "302", "401", "402", "501", "502", "601")
    ),
    ("2号楼", 2, "602", "no", Channel.MEETING),
)
EXAMPLE_LINKS = 3


class PeopleSource(Protocol):
    """What the estate builder needs from the demo's resident generator: name, mobile, ID number."""

    def next(self) -> tuple[str, str, str]: ...


@dataclass
class ExampleLink:
    """One printed ballot link: where the household lives, the link, its code and the digits to type."""

    household: str
    path: str
    short_code: str
    phone_last4: str


@dataclass
class ConsultationDemo:
    """Where the consultation demo lives, for the demo command to print."""

    staff_username: str
    estate: str
    consent_campaign_id: int
    consent_status: str
    consent_summary: str
    elevator_campaign_id: int
    elevator_status: str
    elevator_scope: str
    links: list[ExampleLink] = field(default_factory=list)
    links_note: str = ""


def _households(building: Building, people: PeopleSource, rng: random.Random) -> list[Household]:
    rows: list[Household] = []
    special = building.number == ELEVATOR_BUILDING
    shared_owner: tuple[str, str, str] | None = None
    for stairwell in range(1, STAIRWELLS + 1):
        for floor in range(1, FLOORS + 1):
            for k in range(1, PER_LANDING + 1):
                room = f"{floor}{k:02d}"
                name, mobile, id_number = people.next()
                developer = False
                if special and stairwell == ELEVATOR_STAIRWELL:
                    if room == TWO_UNIT_OWNER_ROOMS[0]:
                        shared_owner = (name, mobile, id_number)
                    elif room == TWO_UNIT_OWNER_ROOMS[1] and shared_owner is not None:
                        name, mobile, id_number = shared_owner
                    elif room == DEVELOPER_ROOM:
                        name, mobile, id_number, developer = DEVELOPER_NAME, "", "", True
                rows.append(
                    Household(
                        building=building,
                        stairwell=stairwell,
                        floor=floor,
                        room=room,
                        area=Decimal(5800 + int(rng.random() * 3000)).scaleb(-2),
                        owner_name=name,
                        phone=mobile,
                        id_number=id_number,
                        developer_held=developer,
                        hardship=rng.random() < 0.03,
                    )
                )
    return rows


def _estate(nodes: dict[str, Jurisdiction], people: PeopleSource) -> tuple[Estate, bool]:
    estate = Estate.objects.filter(code=ESTATE_CODE).first()
    if estate is not None:
        return estate, False
    rng = random.Random(ESTATE_CODE)  # noqa: S311 - reproducible fake data, not secrets
    community, street = nodes[COMMUNITY_CODE], nodes[STREET_CODE]
    per_building = FLOORS * STAIRWELLS * PER_LANDING
    estate = estate_create(
        code=ESTATE_CODE,
        name=ESTATE_NAME,
        jurisdiction=community,
        street=street,
        address=f"{community.full_name()}{ESTATE_NAME}",
        build_year=BUILD_YEAR,
        stated_households=per_building * BUILDINGS,
        stated_buildings=BUILDINGS,
        latitude=Decimal("34.031200"),  # illustrative point in Xuchang's old town
        longitude=Decimal("113.846500"),
    )
    total = Decimal("0")
    for number in range(1, BUILDINGS + 1):
        building = building_create(
            estate=estate,
            number=f"{number}号楼",
            floors=FLOORS,
            stairwells=STAIRWELLS,
            stated_households=per_building,
            build_year=BUILD_YEAR,
        )
        rows = _households(building, people, rng)
        household_bulk_create(households=rows)
        area = sum((h.area for h in rows), Decimal("0"))
        Building.objects.filter(pk=building.pk).update(area=area)
        total += area
    Estate.objects.filter(pk=estate.pk).update(total_area=total)
    estate.refresh_from_db()
    return estate, True


def _household(estate: Estate, building: str, stairwell: int, room: str) -> Household:
    return Household.objects.get(building__estate=estate, building__number=building, stairwell=stairwell, room=room)


def _consent_campaign(estate: Estate, staff: User, created: dict[str, int]) -> Campaign:
    campaign = Campaign.objects.filter(estate=estate, title=CONSENT_TITLE).first()
    if campaign is not None:
        return campaign
    now = timezone.now()
    campaign = consultation.campaign_create(
        actor=staff,
        estate=estate,
        title=CONSENT_TITLE,
        matter=Matter.RENOVATE,
        rule=DecisionRule.CONSENT,
        opens_at=now - dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=30),
        questions={
            "items": [
                {"code": "roof", "label": "屋面防水"},
                {"code": "pipes", "label": "雨污分流与供水管网"},
                {"code": "parking", "label": "停车位与充电桩"},
                {"code": "lighting", "label": "楼道照明"},
            ],
            "ask_cofunding": True,
            "ask_illegal_structures": True,
        },
    )
    consultation.campaign_open(actor=staff, campaign=campaign)
    campaign.refresh_from_db()
    created["campaigns"] = created.get("campaigns", 0) + 1
    online = [p for p in PRECAST if p[4] == Channel.ONLINE]
    if online:
        # Residents who voted on their phones did so through links issued earlier (issuing here stores them).
        consultation.campaign_links_issue(
            actor=staff, campaign=campaign, building=Building.objects.get(estate=estate, number=online[0][0])
        )
    for building, stairwell, room, answer, channel in PRECAST:
        household = _household(estate, building, stairwell, room)
        items = ["roof", "pipes"] if answer == "yes" else []
        if channel == Channel.ONLINE:
            token = BallotToken.objects.get(campaign=campaign, household=household)
            consultation.ballot_cast_online(token=token, answer=answer, answers={"items": items, "cofund": True})
        else:
            consultation.ballot_enter(
                actor=staff, campaign=campaign, household=household, answer=answer, channel=channel, answers={}
            )
        created["ballots"] = created.get("ballots", 0) + 1
    return campaign


def _elevator_campaign(estate: Estate, staff: User, created: dict[str, int]) -> Campaign:
    campaign = Campaign.objects.filter(estate=estate, title=ELEVATOR_TITLE).first()
    if campaign is not None:
        return campaign
    now = timezone.now()
    campaign = consultation.campaign_create(
        actor=staff,
        estate=estate,
        title=ELEVATOR_TITLE,
        matter=Matter.ELEVATOR,
        rule=DecisionRule.ART278,
        scope_type=ScopeType.STAIRWELL,
        building=Building.objects.get(estate=estate, number=ELEVATOR_BUILDING),
        stairwell=ELEVATOR_STAIRWELL,
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=31),
        questions={"ask_cofunding": True},
    )
    created["campaigns"] = created.get("campaigns", 0) + 1
    return campaign


def _example_links(estate: Estate, staff: User, campaign: Campaign, demo: ConsultationDemo) -> None:
    """Re-issue the first building's links and keep a few that belong to households yet to vote."""
    if campaign.status != CampaignStatus.OPEN:
        demo.links_note = "The consent campaign is no longer open, so no ballot links were issued."
        return
    building = Building.objects.get(estate=estate, number="1号楼")
    try:
        links = consultation.campaign_links_issue(actor=staff, campaign=campaign, building=building)
    except ValidationError as exc:
        demo.links_note = " ".join(exc.messages)
        return
    voted = set(campaign.ballots.values_list("household_id", flat=True))
    for link in links:
        household = link.household
        if household.pk in voted or household.developer_held or len(household.phone) < 4:
            continue
        demo.links.append(
            ExampleLink(
                household=f"{building.number} {household.stairwell}单元 {household.room}",
                path=f"/b/{link.token}/",
                short_code=link.short_code,
                phone_last4=household.phone[-4:],
            )
        )
        if len(demo.links) == EXAMPLE_LINKS:
            break
    demo.links_note = (
        f"Links for {building.number} were issued afresh by this load; "
        "earlier printed slips of that building no longer work."
    )


def consultation_demo_load(
    *, nodes: dict[str, Jurisdiction], people: PeopleSource, created: dict[str, int]
) -> ConsultationDemo:
    """Create (once) the Xuchang consultation estate and its two campaigns; print-ready pointers to them."""
    estate, new_estate = _estate(nodes, people)
    if new_estate:
        created["estates"] = created.get("estates", 0) + 1
        created["buildings"] = created.get("buildings", 0) + BUILDINGS
        created["households"] = created.get("households", 0) + BUILDINGS * FLOORS * STAIRWELLS * PER_LANDING
    staff = User.objects.get(username=STAFF_USERNAME)
    consent = _consent_campaign(estate, staff, created)
    elevator = _elevator_campaign(estate, staff, created)
    tally = Tally.objects.filter(campaign=consent).first()
    summary = (
        f"{tally.yes_households} of {tally.total_households} households agree "
        f"({tally.voted_households} voted); Xuchang needs 2/3 of all households"
        if tally is not None
        else "not open"
    )
    demo = ConsultationDemo(
        staff_username=STAFF_USERNAME,
        estate=f"{estate.name} ({estate.code})",
        consent_campaign_id=consent.pk,
        consent_status=consent.get_status_display(),
        consent_summary=summary,
        elevator_campaign_id=elevator.pk,
        elevator_status=elevator.get_status_display(),
        elevator_scope=elevator.scope_label(),
    )
    _example_links(estate, staff, consent, demo)
    return demo
