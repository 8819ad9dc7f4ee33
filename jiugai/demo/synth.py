"""Synthetic estates, buildings and households at city, province or national scale.

Rows are generated deterministically from a seed and written through bulk paths: PostgreSQL COPY
in streamed batches, SQLite `bulk_create`. Bulk paths skip per-row change history; one audit entry
("synth.loaded") records what was written. Shapes follow what the seeds and national figures
describe: mostly 1980–2005 walk-ups of 3–7 floors, 2–4 stairwells, two flats per landing, 40–120 m².
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from jiugai.accounts.choices import LEVEL_ORDER, Level
from jiugai.accounts.models import Jurisdiction
from jiugai.accounts.services import jurisdiction_get_or_create
from jiugai.core.audit import audit_entry_append
from jiugai.core.bulk import copy_rows
from jiugai.core.text import pinyin_key
from jiugai.inventory.models import Building, Estate, Household

from .people import IdNumbers, name_pool, phone

# Scale → (estates, mean households per estate). National: ≈ 220,000 estates and 40 M households,
# the 2019–2023 national total (REFERENCE §1.8); province ≈ 3 M households; city ≈ 150,000.
SCALES: dict[str, tuple[int, int]] = {"city": (1_000, 150), "province": (20_000, 150), "national": (220_000, 182)}

ROADS = (
    "人民路",
    "解放路",
    "建设路",
    "中山路",
    "胜利路",
    "文化路",
    "和平路",
    "新华路",
    "长安路",
    "光明路",
    "东风路",
    "红旗路",
    "五一路",
    "朝阳路",
    "团结路",
    "青年路",
    "工业路",
    "纺织路",
    "站前路",
    "滨河路",
    "北京路",
    "南京路",
    "黄河路",
    "育才路",
    "振兴路",
    "幸福路",
    "民主路",
    "健康路",
    "体育路",
    "公园路",
    "学院路",
    "铁路街",
    "新兴路",
    "开元路",
    "迎宾路",
    "友谊路",
)
WORK_UNITS = (
    "纺织厂",
    "机械厂",
    "供销社",
    "粮食局",
    "电业局",
    "第二中学",
    "人民医院",
    "交通局",
    "建筑公司",
    "棉纺厂",
    "化肥厂",
    "税务局",
    "邮电局",
    "卫生局",
    "水利局",
    "农机厂",
    "商业局",
    "煤炭局",
    "物资局",
    "食品厂",
    "印刷厂",
    "运输公司",
)
ESTATE_SUFFIXES = ("小区", "家属院", "花园", "苑", "新村", "住宅楼", "公寓", "生活区")
COMMUNITY_SUFFIXES = ("社区",)
SYNTHETIC_REGION_CODES = ("410000", "410100", "410300", "410400", "410800", "640000", "140000")

# Weighted shapes as 100-slot tables (one random draw picks a slot).
_FLOORS = [2] * 3 + [3] * 10 + [4] * 14 + [5] * 24 + [6] * 30 + [7] * 14 + [8] * 3 + [9] * 2
_STAIRWELLS = [1] * 8 + [2] * 34 + [3] * 34 + [4] * 19 + [5] * 5
_PER_LANDING = [2] * 85 + [3] * 10 + [4] * 5
_UNIT_BASE_M2 = [45] * 10 + [55] * 15 + [60] * 15 + [70] * 20 + [80] * 15 + [90] * 12 + [100] * 8 + [115] * 5
_MANAGEMENT = ["none"] * 45 + ["entrusted"] * 25 + ["self_governed"] * 15 + ["professional"] * 15
_RIGHTS = (
    ['["commercial"]'] * 30 + ['["reformed"]'] * 45 + ['["fund_raised"]'] * 15 + ['["reformed", "commercial"]'] * 10
)
_STRUCTURE = ["brick_concrete"] * 80 + ["frame"] * 15 + ["brick_wood"] * 5
MEAN_HOUSEHOLDS_PER_BUILDING = (sum(_FLOORS) / 100) * (sum(_STAIRWELLS) / 100) * (sum(_PER_LANDING) / 100)

ESTATE_COLUMNS = (
    "id",
    "code",
    "name",
    "aliases",
    "name_pinyin",
    "address",
    "jurisdiction_id",
    "street_id",
    "build_year",
    "completed_on",
    "property_rights",
    "original_unit",
    "total_area",
    "stated_households",
    "stated_buildings",
    "management_status",
    "in_shantytown_plan",
    "expropriation_planned",
    "self_built_area",
    "urban_village",
    "three_supplies_done",
    "central_funded_programme",
    "created_at",
    "updated_at",
)
BUILDING_COLUMNS = (
    "id",
    "estate_id",
    "number",
    "floors",
    "stairwells",
    "stated_households",
    "area",
    "structure",
    "build_year",
    "has_elevator",
    "created_at",
    "updated_at",
)
HOUSEHOLD_COLUMNS = (
    "id",
    "building_id",
    "stairwell",
    "floor",
    "room",
    "area",
    "owner_name",
    "phone",
    "id_number",
    "owner_key",
    "developer_held",
    "hardship",
    "created_at",
    "updated_at",
)


def _cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


@dataclass
class SynthPlace:
    """Where synthetic estates go: a code prefix and the communities (with their streets) to fill."""

    prefix: str
    city_code: str
    communities: list[tuple[int, int, str]]  # (community id, street id, street name)
    created_jurisdictions: int = 0


@dataclass
class BuildingPlan:
    number: str
    floors: int
    stairwells: int
    per_landing: int
    areas: list[int]  # cents, one per household
    structure: str
    build_year: int


@dataclass
class EstatePlan:
    index: int
    name: str
    address: str
    community_id: int
    street_id: int
    build_year: int
    management: str
    rights: str
    buildings: list[BuildingPlan] = field(default_factory=list)

    @property
    def households(self) -> int:
        return sum(len(b.areas) for b in self.buildings)


@dataclass
class Batch:
    """A slice of estates, planned (cheap) before ids are known; rows are made once ids are reserved."""

    estates: list[EstatePlan]
    first: int

    @property
    def n_buildings(self) -> int:
        return sum(len(e.buildings) for e in self.estates)

    @property
    def n_households(self) -> int:
        return sum(e.households for e in self.estates)


class SynthGenerator:
    """Deterministic generator: the same seed, place and counts give the same rows."""

    def __init__(
        self,
        *,
        seed: int,
        place: SynthPlace,
        estates: int,
        households_per_estate: float,
        now: str,
        batch_estates: int = 500,
    ) -> None:
        self.seed = seed
        self.place = place
        self.estates = estates
        self.households_per_estate = households_per_estate
        self.now = now
        self.batch_estates = batch_estates
        self.mean_buildings = max(1.0, households_per_estate / MEAN_HOUSEHOLDS_PER_BUILDING)
        pool_rng = random.Random(seed)  # noqa: S311 - reproducible fake data
        self.names = name_pool(pool_rng)
        self.ids = IdNumbers(SYNTHETIC_REGION_CODES)
        self._pinyin: dict[str, str] = {}
        self.rooms = {(f, k): f"{f}{k:02d}" for f in range(1, 40) for k in range(1, 10)}

    def batches(self) -> Iterator[Batch]:
        for first in range(0, self.estates, self.batch_estates):
            count = min(self.batch_estates, self.estates - first)
            yield Batch([self._plan_estate(first + i) for i in range(count)], first)

    def _plan_estate(self, index: int) -> EstatePlan:
        rng = random.Random(self.seed * 1_000_003 + index)  # noqa: S311 - reproducible fake data
        rnd = rng.random
        community_id, street_id, street_name = self.place.communities[index % len(self.place.communities)]
        road = ROADS[int(rnd() * len(ROADS))]
        if rnd() < 0.5:
            name = WORK_UNITS[int(rnd() * len(WORK_UNITS))] + ("家属院" if rnd() < 0.6 else "宿舍")
        else:
            name = road.removesuffix("路").removesuffix("街") + ESTATE_SUFFIXES[int(rnd() * len(ESTATE_SUFFIXES))]
        draw = rnd()
        year = (
            1970 + int(rnd() * 10)
            if draw < 0.05
            else 1980 + int(rnd() * 10)
            if draw < 0.40
            else 1990 + int(rnd() * 11)
            if draw < 0.90
            else 2001 + int(rnd() * 5)
        )
        # 1 + an exponential number of further buildings: mean `mean_buildings`, many small estates, a long tail.
        extra = self.mean_buildings - 1
        n_buildings = 1 + (min(59, round(rng.expovariate(1 / extra))) if extra > 0.05 else 0)
        estate = EstatePlan(
            index=index,
            name=name,
            address=f"{street_name.removesuffix('街道')}{road}{1 + int(rnd() * 300)}号",
            community_id=community_id,
            street_id=street_id,
            build_year=year,
            management=_MANAGEMENT[int(rnd() * 100)],
            rights=_RIGHTS[int(rnd() * 100)],
        )
        for number in range(1, n_buildings + 1):
            floors = _FLOORS[int(rnd() * 100)]
            stairwells = _STAIRWELLS[int(rnd() * 100)]
            per = _PER_LANDING[int(rnd() * 100)]
            base = _UNIT_BASE_M2[int(rnd() * 100)] * 100
            units = floors * stairwells * per
            areas = [base + int(rnd() * 1000) - 500 for _ in range(units)]
            estate.buildings.append(
                BuildingPlan(f"{number}号楼", floors, stairwells, per, areas, _STRUCTURE[int(rnd() * 100)], year)
            )
        return estate

    def _name_pinyin(self, name: str) -> str:
        cached = self._pinyin.get(name)
        if cached is None:
            cached = self._pinyin[name] = pinyin_key(name)
        return cached

    def estate_rows(self, batch: Batch, estate_id0: int) -> list[tuple[Any, ...]]:
        now = self.now
        rows = []
        for offset, e in enumerate(batch.estates):
            total = sum(sum(b.areas) for b in e.buildings)
            rows.append(
                (
                    estate_id0 + offset,
                    f"{self.place.prefix}-E{e.index:07d}",
                    e.name,
                    "[]",
                    self._name_pinyin(e.name),
                    e.address,
                    e.community_id,
                    e.street_id,
                    e.build_year,
                    f"{e.build_year}-12-31",
                    e.rights,
                    "",
                    _cents(total),
                    e.households,
                    len(e.buildings),
                    e.management,
                    False,
                    False,
                    False,
                    False,
                    False,
                    "",
                    now,
                    now,
                )
            )
        return rows

    def building_rows(self, batch: Batch, estate_id0: int, building_id0: int) -> list[tuple[Any, ...]]:
        now = self.now
        rows = []
        bid = building_id0
        for offset, e in enumerate(batch.estates):
            for b in e.buildings:
                rows.append(
                    (
                        bid,
                        estate_id0 + offset,
                        b.number,
                        b.floors,
                        b.stairwells,
                        len(b.areas),
                        _cents(sum(b.areas)),
                        b.structure,
                        b.build_year,
                        False,
                        now,
                        now,
                    )
                )
                bid += 1
        return rows

    def household_rows(self, batch: Batch, building_id0: int, household_id0: int) -> Iterator[tuple[Any, ...]]:
        """Rows made lazily, so that COPY can send them while the next ones are made."""
        import hashlib

        sha = hashlib.sha256
        rng = random.Random(self.seed * 7_919 + batch.first)  # noqa: S311 - reproducible fake data
        rnd = rng.random
        names = self.names
        n_names = len(names)
        ids = self.ids
        rooms = self.rooms
        now = self.now
        hid = household_id0
        bid = building_id0
        for e in batch.estates:
            for b in e.buildings:
                areas = b.areas
                i = 0
                for stairwell in range(1, b.stairwells + 1):
                    for floor in range(1, b.floors + 1):
                        for k in range(1, b.per_landing + 1):
                            id_number = ids(hid)
                            draw = rnd()
                            yield (
                                hid,
                                bid,
                                stairwell,
                                floor,
                                rooms[(floor, k)],
                                _cents(areas[i]),
                                names[int(draw * n_names)],
                                phone(rng),
                                id_number,
                                sha(id_number.encode("ascii")).hexdigest(),
                                draw < 0.003,
                                draw > 0.97,
                                now,
                                now,
                            )
                            hid += 1
                            i += 1
                bid += 1


@dataclass
class SynthResult:
    """What a synthetic load wrote and how fast."""

    scale: str
    backend: str
    seed: int
    prefix: str
    jurisdictions: int
    estates: int
    buildings: int
    households: int
    seconds: float
    rows_per_s: float
    households_per_s: float
    now: str = ""
    households_per_estate: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def synth_counts(*, scale: str, estates: int | None = None, households: int | None = None) -> tuple[int, int]:
    """(estates, mean households per estate) for a scale, optionally scaled down by estates or households."""
    if scale not in SCALES:
        raise ValidationError({"scale": f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}"})
    n_estates, per_estate = SCALES[scale]
    if estates is not None:
        n_estates = estates
    elif households is not None:
        n_estates = max(1, round(households / per_estate))
    if n_estates < 1:
        raise ValidationError({"estates": "at least one estate"})
    return n_estates, per_estate


def synth_place_create(*, parent: Jurisdiction, seed: int, estates: int, estates_per_community: int = 10) -> SynthPlace:
    """Create a synthetic city (unless the parent is already a city or district) with streets and communities."""
    if LEVEL_ORDER.index(Level(parent.level)) >= LEVEL_ORDER.index(Level.STREET):
        raise ValidationError({"jurisdiction": "synthetic data goes under a nation, province, city or district"})
    run = 1
    while Jurisdiction.objects.filter(code=f"SYN{seed}R{run}-00001").exists():
        run += 1
    prefix = f"SYN{seed}R{run}"
    created = 0
    city = parent
    if parent.level in (Level.NATION, Level.PROVINCE):
        city = jurisdiction_get_or_create(code=prefix, name=f"合成市{seed}-{run}", level=Level.CITY, parent=parent)
        created += 1
    n_communities = max(1, math.ceil(estates / estates_per_community))
    per_street = 4
    n_streets = max(1, math.ceil(n_communities / per_street))
    now = timezone.now()
    pinyin: dict[str, str] = {}

    def node(code: str, name: str, level: str, parent_id: int, parent_path: str) -> Jurisdiction:
        if name not in pinyin:
            pinyin[name] = pinyin_key(name)
        return Jurisdiction(
            code=code,
            name=name,
            level=level,
            parent_id=parent_id,
            path=f"{parent_path}{code}/",
            name_pinyin=pinyin[name],
            created_at=now,
            updated_at=now,
        )

    streets = []
    for s in range(1, n_streets + 1):
        road = ROADS[(s - 1) % len(ROADS)]
        lap = (s - 1) // len(ROADS)
        streets.append(
            node(f"{prefix}-{s:05d}", f"{road}{'' if lap == 0 else lap + 1}街道", Level.STREET, city.pk, city.path)
        )
    Jurisdiction.objects.bulk_create(streets, batch_size=2000)
    streets = list(Jurisdiction.objects.filter(code__in=[s.code for s in streets]).order_by("code"))
    communities = []
    for i in range(n_communities):
        street = streets[i // per_street]
        c = i % per_street + 1
        road = ROADS[(i * 7 + 3) % len(ROADS)]
        communities.append(
            node(f"{street.code}-{c}", f"{road.removesuffix('路')}{c}社区", Level.COMMUNITY, street.pk, street.path)
        )
    Jurisdiction.objects.bulk_create(communities, batch_size=2000)
    by_id = {s.pk: s.name for s in streets}
    rows = (
        Jurisdiction.objects.filter(code__in=[c.code for c in communities])
        .order_by("code")
        .values_list("pk", "parent_id")
    )
    place = [(pk, parent_id, by_id[parent_id]) for pk, parent_id in rows]
    created += len(streets) + len(communities)
    return SynthPlace(prefix=prefix, city_code=city.code, communities=place, created_jurisdictions=created)


def synth_place_get(*, prefix: str) -> SynthPlace:
    """The place an earlier load created, in the order the generator uses (to regenerate the same rows)."""
    streets = dict(
        Jurisdiction.objects.filter(code__startswith=f"{prefix}-", level=Level.STREET).values_list("pk", "name")
    )
    rows = (
        Jurisdiction.objects.filter(code__startswith=f"{prefix}-", level=Level.COMMUNITY)
        .order_by("code")
        .values_list("pk", "parent_id")
    )
    city = Jurisdiction.objects.filter(code=prefix).first()
    return SynthPlace(
        prefix=prefix,
        city_code=city.code if city else prefix,
        communities=[(pk, parent_id, streets[parent_id]) for pk, parent_id in rows],
    )


# --- writing -----------------------------------------------------------------------------------


def _pg_reserve(cursor: Any, table: str, count: int) -> int:
    """Reserve `count` consecutive ids from the table's sequence; the caller holds a table lock."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), nextval(pg_get_serial_sequence('{table}', 'id')) + %s)",
        [count - 1],
    )
    return int(cursor.fetchone()[0]) - count + 1


def _write_pg(generator: SynthGenerator) -> tuple[int, int, int]:
    counts = [0, 0, 0]
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "LOCK TABLE inventory_estate, inventory_building, inventory_household IN SHARE ROW EXCLUSIVE MODE"
        )
        for batch in generator.batches():
            e0 = _pg_reserve(cursor, "inventory_estate", len(batch.estates))
            b0 = _pg_reserve(cursor, "inventory_building", batch.n_buildings)
            h0 = _pg_reserve(cursor, "inventory_household", batch.n_households)
            copy_rows(cursor, Estate, ESTATE_COLUMNS, generator.estate_rows(batch, e0))
            copy_rows(cursor, Building, BUILDING_COLUMNS, generator.building_rows(batch, e0, b0))
            copy_rows(cursor, Household, HOUSEHOLD_COLUMNS, generator.household_rows(batch, b0, h0))
            counts[0] += len(batch.estates)
            counts[1] += batch.n_buildings
            counts[2] += batch.n_households
    return counts[0], counts[1], counts[2]


def _next_id(model: type[Any]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _instances(model: type[Any], columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> list[Any]:
    decimal_fields = {"total_area", "area"}
    json_fields = {"aliases", "property_rights"}
    instances = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        for key in decimal_fields & values.keys():
            values[key] = Decimal(values[key])
        for key in json_fields & values.keys():
            values[key] = json.loads(values[key])
        if "completed_on" in values:
            values["completed_on"] = dt.date.fromisoformat(values["completed_on"])
        values["created_at"] = values["updated_at"] = dt.datetime.fromisoformat(values["created_at"])
        instances.append(model(**values))
    return instances


def _write_orm(generator: SynthGenerator) -> tuple[int, int, int]:
    counts = [0, 0, 0]
    for batch in generator.batches():
        e0, b0, h0 = _next_id(Estate), _next_id(Building), _next_id(Household)
        Estate.objects.bulk_create(_instances(Estate, ESTATE_COLUMNS, generator.estate_rows(batch, e0)), batch_size=500)
        Building.objects.bulk_create(
            _instances(Building, BUILDING_COLUMNS, generator.building_rows(batch, e0, b0)), batch_size=500
        )
        Household.objects.bulk_create(
            _instances(Household, HOUSEHOLD_COLUMNS, generator.household_rows(batch, b0, h0)), batch_size=500
        )
        counts[0] += len(batch.estates)
        counts[1] += batch.n_buildings
        counts[2] += batch.n_households
    return counts[0], counts[1], counts[2]


@transaction.atomic
def synth_load(
    *,
    scale: str = "city",
    jurisdiction_code: str = "CN",
    seed: int = 1,
    estates: int | None = None,
    households: int | None = None,
    batch_estates: int = 500,
    actor: Any = None,
) -> SynthResult:
    """Generate and write a synthetic city, province or nation of estates; all or nothing."""
    n_estates, per_estate = synth_counts(scale=scale, estates=estates, households=households)
    started = time.perf_counter()
    parent = Jurisdiction.objects.filter(code=jurisdiction_code).first()
    if parent is None:
        if jurisdiction_code != "CN":
            raise ValidationError({"jurisdiction": f"there is no jurisdiction with code {jurisdiction_code}"})
        parent = jurisdiction_get_or_create(code="CN", name="全国", level=Level.NATION)
    place = synth_place_create(parent=parent, seed=seed, estates=n_estates)
    now = timezone.now().isoformat()
    generator = SynthGenerator(
        seed=seed,
        place=place,
        estates=n_estates,
        households_per_estate=per_estate,
        now=now,
        batch_estates=batch_estates,
    )
    backend = connection.vendor
    if backend == "postgresql":
        written = _write_pg(generator)
    else:
        written = _write_orm(generator)
    seconds = time.perf_counter() - started
    n_e, n_b, n_h = written
    rows = n_e + n_b + n_h + place.created_jurisdictions
    result = SynthResult(
        scale=scale,
        backend=backend,
        seed=seed,
        prefix=place.prefix,
        jurisdictions=place.created_jurisdictions,
        estates=n_e,
        buildings=n_b,
        households=n_h,
        seconds=round(seconds, 3),
        rows_per_s=round(rows / seconds, 1) if seconds else 0.0,
        households_per_s=round(n_h / seconds, 1) if seconds else 0.0,
        now=now,
        households_per_estate=per_estate,
    )
    audit_entry_append(
        action="synth.loaded",
        actor=actor,
        jurisdiction_code=place.city_code,
        payload={k: v for k, v in result.as_dict().items() if k not in {"now", "households_per_estate"}},
    )
    return result
