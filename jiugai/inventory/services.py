"""Writes for planning areas, estates, buildings and households."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import ric

from jiugai.accounts.choices import Level
from jiugai.accounts.models import Jurisdiction
from jiugai.core.text import pinyin_key

from .choices import ManagementStatus, Structure
from .models import Building, Estate, Household, RenovationArea


def owner_key_for(id_number: str) -> str:
    """The owner identity key: SHA-256 of the ID number, so one owner of several units counts once."""
    return hashlib.sha256(id_number.strip().upper().encode("ascii")).hexdigest() if id_number else ""


@transaction.atomic
def renovation_area_create(
    *,
    jurisdiction: Jurisdiction,
    name: str,
    lanes: int = 0,
    stated_households: int | None = None,
    stated_buildings: int | None = None,
    stated_area: Decimal | None = None,
    source: str = "",
) -> RenovationArea:
    """Create a 片区 with the totals its plan states (the plan check compares them with the estates)."""
    area = RenovationArea(
        jurisdiction=jurisdiction,
        name=name,
        lanes=lanes,
        stated_households=stated_households,
        stated_buildings=stated_buildings,
        stated_area=stated_area,
        source=source,
    )
    area.full_clean()
    area.save()
    return area


@transaction.atomic
def estate_create(
    *,
    code: str,
    name: str,
    jurisdiction: Jurisdiction,
    street: Jurisdiction,
    aliases: Sequence[str] = (),
    address: str = "",
    area: RenovationArea | None = None,
    build_year: int | None = None,
    completed_on: dt.date | None = None,
    total_area: Decimal | None = None,
    stated_households: int | None = None,
    stated_buildings: int | None = None,
    management_status: str = ManagementStatus.NONE,
    property_rights: Sequence[str] = (),
    original_unit: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Estate:
    """Create an estate under a street (and, where known, a community of that street)."""
    if street.level != Level.STREET:
        raise ValidationError({"street": _("Choose a street (街道).")})
    if not jurisdiction.is_within(street):
        raise ValidationError({"jurisdiction": _("The community must belong to the estate's street.")})
    estate = Estate(
        code=code,
        name=name,
        aliases=list(aliases),
        name_pinyin=" ".join(pinyin_key(n) for n in (name, *aliases)),
        address=address,
        jurisdiction=jurisdiction,
        street=street,
        area=area,
        build_year=build_year,
        completed_on=completed_on,
        total_area=total_area,
        stated_households=stated_households,
        stated_buildings=stated_buildings,
        management_status=management_status,
        property_rights=list(property_rights),
        original_unit=original_unit,
        latitude=latitude,
        longitude=longitude,
    )
    estate.full_clean()
    estate.save()
    return estate


@transaction.atomic
def building_create(
    *,
    estate: Estate,
    number: str,
    floors: int,
    stairwells: int = 1,
    stated_households: int | None = None,
    area: Decimal | None = None,
    structure: str = Structure.BRICK_CONCRETE,
    build_year: int | None = None,
    has_elevator: bool = False,
) -> Building:
    """Create a building (楼栋) of an estate."""
    building = Building(
        estate=estate,
        number=number,
        floors=floors,
        stairwells=stairwells,
        stated_households=stated_households,
        area=area,
        structure=structure,
        build_year=build_year,
        has_elevator=has_elevator,
    )
    building.full_clean()
    building.save()
    return building


@functools.lru_cache(maxsize=4096)
def _birth_place_valid(region: str, year: int) -> bool:
    sample = f"{region}{year}0101001"
    return ric.is_valid(sample + ric.calc_check_digit(sample + "0"))


def id_number_valid(number: str) -> bool:
    """stdnum's resident-ID check (length, checksum, birth date, birth place valid in the birth year), cached by place."""
    try:
        number = ric.compact(number)
        if len(number) != 18 or not number[:17].isdigit() or number[-1] != ric.calc_check_digit(number):
            return False
        born = ric.get_birth_date(number)
    except Exception:  # noqa: BLE001 - any stdnum failure means "not valid"
        return False
    return _birth_place_valid(number[:6], born.year)


def _household_check(household: Household) -> None:
    if household.id_number and not id_number_valid(household.id_number):
        raise ValidationError({"id_number": _("This is not a valid resident ID number.")})
    if household.stairwell < 1 or household.stairwell > household.building.stairwells:
        raise ValidationError({"stairwell": _("The building has no such stairwell.")})


@transaction.atomic
def household_create(
    *,
    building: Building,
    stairwell: int,
    floor: int,
    room: str,
    area: Decimal,
    owner_name: str = "",
    phone: str = "",
    id_number: str = "",
    developer_held: bool = False,
    hardship: bool = False,
) -> Household:
    """Create one household (户); the owner key is derived from the ID number."""
    household = Household(
        building=building,
        stairwell=stairwell,
        floor=floor,
        room=room,
        area=area,
        owner_name=owner_name,
        phone=phone,
        id_number=id_number.upper(),
        owner_key=owner_key_for(id_number),
        developer_held=developer_held,
        hardship=hardship,
    )
    _household_check(household)
    household.full_clean()
    household.save()
    return household


@transaction.atomic
def household_bulk_create(*, households: Sequence[Household], batch_size: int = 1000) -> int:
    """Validate unsaved households one by one, then insert them in batches.

    For loaders of many rows (demo data, imports): per-row change history is skipped, so the caller
    writes one audit entry for the whole load. Uniqueness is left to the database constraint (one
    query per row would make large loads slow); a clash rolls the whole load back.
    """
    for household in households:
        household.id_number = household.id_number.upper()
        household.owner_key = owner_key_for(household.id_number)
        _household_check(household)
        household.full_clean(exclude=["building"], validate_unique=False, validate_constraints=False)
    Household.objects.bulk_create(households, batch_size=batch_size)
    return len(households)
