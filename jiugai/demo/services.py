"""Load the demo data set through the domain services; running it again creates nothing new."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from jiugai.accounts.models import Jurisdiction, User
from jiugai.accounts.services import jurisdiction_get_or_create, user_create
from jiugai.core.audit import audit_entry_append
from jiugai.funding.services import funding_alerts_refresh
from jiugai.inventory.choices import ConditionItem, ManagementStatus, PropertyRight
from jiugai.inventory.models import Building, Estate, Household, RenovationArea
from jiugai.inventory.services import (
    building_create,
    condition_survey_record,
    estate_create,
    household_bulk_create,
    renovation_area_create,
)
from jiugai.policy.models import PolicyProfile
from jiugai.policy.services import policy_profile_create

from . import seeds
from .consultation import ConsultationDemo, consultation_demo_load
from .funding import FundingDemo, funding_demo_load
from .people import IdNumbers, name_pool, phone
from .planning import PlanningDemo, planning_demo_load
from .projects import ProjectsDemo, projects_demo_load

DEFAULT_DEMO_PASSWORD = "jiugai-demo-2026"  # noqa: S105 - the documented demo password


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@dataclass
class DemoReport:
    """What a demo load created (zero everywhere on a second run) and the logins to show."""

    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, jurisdiction
    other_accounts: int = 0
    password_hash: str | None = None
    consultation: ConsultationDemo | None = None
    planning: PlanningDemo | None = None
    funding: FundingDemo | None = None
    projects: ProjectsDemo | None = None

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n


def apportion(total: int, weights: Sequence[int], minimum: int = 0) -> list[int]:
    """Split `total` into integer parts proportional to `weights` (largest remainder), each ≥ `minimum`."""
    n = len(weights)
    rest = total - minimum * n
    if rest < 0:
        raise ValueError("total is smaller than the minimum parts")
    weight_sum = sum(weights)
    exact = [rest * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(n), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


def _weight(text: str, low: int = 2, high: int = 6) -> int:
    """A stable pseudo-random weight from a name, so the same demo comes out every time."""
    return low + int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % (high - low + 1)


def _layout(households: int, rng: random.Random) -> tuple[int, int, int]:
    """(floors, stairwells, flats per landing) that hold `households` flats."""
    floors = rng.choice((5, 6, 6, 7)) if households > 12 else max(2, min(6, households // 2 or 1))
    per = 2
    stairwells = -(-households // (floors * per))
    while stairwells > 5 and per < 4:
        per += 1
        stairwells = -(-households // (floors * per))
    return floors, stairwells, per


class _People:
    def __init__(self, city_code: str, seed: str) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not secrets
        self.names = name_pool(self.rng, 2048)
        self.ids = IdNumbers(seeds.ID_REGION_CODES.get(city_code, ()))
        self.counter = int(hashlib.sha256(seed.encode()).hexdigest()[:6], 16)

    def next(self) -> tuple[str, str, str]:
        self.counter += 1
        return self.names[int(self.rng.random() * len(self.names))], phone(self.rng), self.ids(self.counter)


def _fill_building(
    *, building: Building, households: int, area_cents: int, people: _People, rng: random.Random
) -> None:
    weights = [90 + int(rng.random() * 20) for _ in range(households)]
    cents = apportion(area_cents, weights)
    rows = []
    i = 0
    for stairwell in range(1, building.stairwells + 1):
        for floor in range(1, building.floors + 1):
            per = -(-households // (building.stairwells * building.floors))
            for k in range(1, per + 1):
                if i >= households:
                    break
                name, mobile, id_number = people.next()
                rows.append(
                    Household(
                        building=building,
                        stairwell=stairwell,
                        floor=floor,
                        room=f"{floor}{k:02d}",
                        area=Decimal(cents[i]).scaleb(-2),
                        owner_name=name,
                        phone=mobile,
                        id_number=id_number,
                        hardship=rng.random() < 0.03,
                    )
                )
                i += 1
    household_bulk_create(households=rows)


# Approximate centres of the seed cities' old towns (illustrative; estates are scattered around them).
CITY_CENTRES: dict[str, tuple[float, float]] = {
    "4104": (33.7257, 113.3208),  # 平顶山湛河区
    "4190": (35.0672, 112.6022),  # 济源
    "4110": (34.0357, 113.8526),  # 许昌
    "6404": (36.0159, 106.2424),  # 固原原州区
    "1405": (35.4907, 112.8513),  # 晋城
}


def _place_near_city(code: str, rng: random.Random) -> tuple[Decimal | None, Decimal | None]:
    """A point within about 3 km of the estate's city centre, or none for an unknown city."""
    centre = CITY_CENTRES.get(code[:4])
    if centre is None:
        return None, None
    lat = centre[0] + (rng.random() - 0.5) * 0.05
    lng = centre[1] + (rng.random() - 0.5) * 0.06
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


def _survey(estate: Estate, rng: random.Random) -> None:
    """A condition survey of the estate in the survey season (Guyuan: by 2021-06-30), severities made up."""
    findings = {item: (rng.choice([0, 1, 1, 2, 2, 3]), "") for item in ConditionItem.values}
    condition_survey_record(
        estate=estate, surveyed_on=dt.date(2021, 6, 15), findings=findings, surveyor="街道办事处摸底调查组"
    )


def _estate_with_buildings(
    *,
    code: str,
    name: str,
    community: Jurisdiction,
    street: Jurisdiction,
    build_year: int,
    buildings: Sequence[int],
    area_m2: Decimal | None,
    people: _People,
    area: RenovationArea | None = None,
    aliases: Sequence[str] = (),
    address: str = "",
    report: DemoReport,
) -> Estate:
    """One estate, its buildings (households per building given) and households; area split exactly."""
    rng = random.Random(code)  # noqa: S311 - reproducible fake data, not secrets
    households = sum(buildings)
    total_cents = (
        int(area_m2 * 100) if area_m2 is not None else sum(h * (60 + int(rng.random() * 40)) * 100 for h in buildings)
    )
    building_cents = apportion(total_cents, list(buildings))
    latitude, longitude = _place_near_city(code, rng)
    estate = estate_create(
        code=code,
        name=name,
        jurisdiction=community,
        street=street,
        latitude=latitude,
        longitude=longitude,
        aliases=aliases,
        address=address,
        area=area,
        build_year=build_year,
        total_area=Decimal(total_cents).scaleb(-2),
        stated_households=households,
        stated_buildings=len(buildings),
        management_status=rng.choice(
            [ManagementStatus.NONE, ManagementStatus.ENTRUSTED, ManagementStatus.SELF_GOVERNED]
        ),
        property_rights=[rng.choice([PropertyRight.REFORMED, PropertyRight.COMMERCIAL, PropertyRight.FUND_RAISED])],
    )
    report.add("estates")
    _survey(estate, rng)
    for number, (count, cents) in enumerate(zip(buildings, building_cents, strict=True), 1):
        floors, stairwells, _per = _layout(count, rng)
        building = building_create(
            estate=estate,
            number=f"{number}号楼",
            floors=floors,
            stairwells=stairwells,
            stated_households=count,
            area=Decimal(cents).scaleb(-2),
            build_year=build_year,
        )
        _fill_building(building=building, households=count, area_cents=cents, people=people, rng=rng)
        report.add("buildings")
        report.add("households", count)
    return estate


def _jurisdictions(report: DemoReport) -> dict[str, Jurisdiction]:
    nodes: dict[str, Jurisdiction] = {
        j.code: j for j in Jurisdiction.objects.filter(code__in=[s.code for s in seeds.JURISDICTIONS])
    }
    for seed in seeds.JURISDICTIONS:
        if seed.code in nodes:
            continue
        parent = nodes[seed.parent] if seed.parent else None
        nodes[seed.code] = jurisdiction_get_or_create(code=seed.code, name=seed.name, level=seed.level, parent=parent)
        report.add("jurisdictions")
    return nodes


def _profiles(nodes: dict[str, Jurisdiction], report: DemoReport) -> None:
    for seed in seeds.PROFILES:
        node = nodes[seed.jurisdiction_code]
        if PolicyProfile.objects.filter(
            jurisdiction=node, effective_from=seed.effective_from, title=seed.title
        ).exists():
            continue
        policy_profile_create(
            jurisdiction=node, effective_from=seed.effective_from, title=seed.title, values=seed.values, note=seed.note
        )
        report.add("policy_profiles")


def _account(
    *, username: str, role: str, node: Jurisdiction | None, organisation: str, report: DemoReport, **kinds: str
) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    user = user_create(
        username=username, password=None, role=role, jurisdiction=node, organisation=organisation, **kinds
    )
    # One slow hash shared by every demo account (they all use the same password).
    if report.password_hash is None:
        report.password_hash = make_password(demo_password())
    User.objects.filter(pk=user.pk).update(password=report.password_hash)
    report.add("users")
    return user


def _accounts(nodes: dict[str, Jurisdiction], report: DemoReport) -> None:
    for login in seeds.LOGINS:
        node = nodes[login.jurisdiction_code] if login.jurisdiction_code else None
        _account(
            username=login.username,
            role=login.role,
            node=node,
            organisation=login.organisation,
            report=report,
            department_type=login.department_type,
            utility_type=login.utility_type,
        )
        if login.primary:
            report.logins.append((login.username, login.role, node.full_name() if node else "—"))
    others: list[dict[str, Any]] = []
    for username, organisation, kind in seeds.ZHANHE_DEPARTMENTS:
        others.append(
            {
                "username": username,
                "role": "department",
                "code": "410411",
                "organisation": organisation,
                "department_type": kind,
            }
        )
    for username, organisation, kind in seeds.GUYUAN_DEPARTMENTS:
        others.append(
            {
                "username": username,
                "role": "department",
                "code": "640402",
                "organisation": organisation,
                "department_type": kind,
            }
        )
    for username, code, organisation, kind in seeds.OTHER_DEPARTMENTS:
        others.append(
            {
                "username": username,
                "role": "department",
                "code": code,
                "organisation": organisation,
                "department_type": kind,
            }
        )
    for username, organisation, kind in seeds.GUYUAN_UTILITIES:
        others.append(
            {
                "username": username,
                "role": "utility",
                "code": "640402",
                "organisation": organisation,
                "utility_type": kind,
            }
        )
    taken = {login.username for login in seeds.LOGINS}
    for seed in seeds.JURISDICTIONS:
        if seed.level == "street":
            others.append(
                {
                    "username": f"street_{seed.code}",
                    "role": "street_office",
                    "code": seed.code,
                    "organisation": f"{seed.name}办事处",
                }
            )
        elif seed.level == "community":
            others.append(
                {
                    "username": f"community_{seed.code}",
                    "role": "community_committee",
                    "code": seed.code,
                    "organisation": f"{seed.name}居民委员会",
                }
            )
    for other in others:
        if other["username"] in taken:
            continue
        code = other.pop("code")
        _account(node=nodes[code], report=report, **other)
        report.other_accounts += 1


def _guyuan(nodes: dict[str, Jurisdiction], report: DemoReport) -> None:
    district = nodes[seeds.GUYUAN_PLAN_2022.jurisdiction_code]
    people = _People("640402", "guyuan-2022")
    number = 0
    for seed_area in seeds.GUYUAN_AREAS:
        area = RenovationArea.objects.filter(jurisdiction=district, name=seed_area.name).first()
        if area is None:
            area = renovation_area_create(
                jurisdiction=district,
                name=seed_area.name,
                lanes=seed_area.lanes,
                stated_households=seed_area.households,
                stated_buildings=seed_area.buildings,
                stated_area=Decimal(seed_area.area_m2),
                source=f"{seeds.GUYUAN_DOC.title}（{seeds.GUYUAN_DOC.reference}）",
            )
            report.add("renovation_areas")
        names = seed_area.estates
        weights = [_weight(name) for name in names]
        buildings = apportion(seed_area.buildings, weights, minimum=1)
        households = apportion(seed_area.households, buildings)
        area_cents = apportion(seed_area.area_m2 * 100, households)
        street, community = nodes[seed_area.street_code], nodes[seed_area.community_code]
        for name, n_buildings, n_households, cents in zip(names, buildings, households, area_cents, strict=True):
            number += 1
            code = f"640402-2022-{number:02d}"
            if Estate.objects.filter(code=code).exists():
                continue
            per_building = apportion(
                n_households, [_weight(f"{name}{i}", 8, 12) for i in range(n_buildings)], minimum=1
            )
            _estate_with_buildings(
                code=code,
                name=name,
                community=community,
                street=street,
                build_year=seeds.GUYUAN_POST2000.get(name, 1985 + _weight(name, 0, 15)),
                buildings=per_building,
                area_m2=Decimal(cents).scaleb(-2),
                people=people,
                area=area,
                aliases=seeds.GUYUAN_ALIASES.get(name, ()),
                address=f"固原市原州区{seed_area.name.removesuffix('片区')}",
                report=report,
            )


def _other_estates(nodes: dict[str, Jurisdiction], report: DemoReport) -> None:
    for seed in seeds.OTHER_ESTATES:
        if Estate.objects.filter(code=seed.code).exists():
            continue
        community = nodes[seed.community_code]
        street = community.parent
        if street is None:
            raise ValueError(f"community {community.code} has no street")
        city_code = next(c for c in seeds.ID_REGION_CODES if community.path.find(f"/{c}/") >= 0)
        _estate_with_buildings(
            code=seed.code,
            name=seed.name,
            community=community,
            street=street,
            build_year=seed.build_year,
            buildings=[seed.households_per_building] * seed.buildings,
            area_m2=None,
            people=_People(city_code, seed.code),
            address=f"{community.full_name()}{seed.name}",
            report=report,
        )


@transaction.atomic
def demo_load() -> DemoReport:
    """Build the demo: jurisdictions, policy profiles, accounts, estates and consultations. Idempotent.

    (Idempotent in what it creates: the example ballot links of the consultation demo are re-issued on
    every load, because only their hashes are stored.)
    """
    report = DemoReport()
    nodes = _jurisdictions(report)
    _profiles(nodes, report)
    _accounts(nodes, report)
    _guyuan(nodes, report)
    _other_estates(nodes, report)
    report.consultation = consultation_demo_load(
        nodes=nodes, people=_People("411000", "xuchang-consultation"), created=report.created
    )
    report.planning = planning_demo_load(nodes=nodes)
    report.funding = funding_demo_load(created=report.created)
    report.projects = projects_demo_load(created=report.created, plan=report.planning.plan if report.planning else None)
    funding_alerts_refresh()  # the dashboard reads stored alerts; the periodic task keeps them fresh afterwards
    audit_entry_append(
        action="demo.loaded",
        payload={"created": report.created, "stated_plan": {"guyuan_2022_buildings": seeds.GUYUAN_PLAN_2022.buildings}},
    )
    return report
