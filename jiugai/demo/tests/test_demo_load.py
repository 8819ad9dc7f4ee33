"""The demo data set: idempotent, Guyuan's plan totals exact, seed numbers traceable to their files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from stdnum.cn import ric

from jiugai.accounts.choices import Role
from jiugai.accounts.models import Jurisdiction, User
from jiugai.core.models import AuditEntry
from jiugai.demo import seeds
from jiugai.demo.services import DEFAULT_DEMO_PASSWORD, DemoReport, apportion, demo_load
from jiugai.inventory.models import Building, Estate, Household, RenovationArea
from jiugai.policy.models import PolicyProfile, PolicyValue


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[DemoReport]:
    """Load the demo once per module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield demo_load()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


pytestmark = pytest.mark.django_db


def _latest_value(code: str, key: str) -> PolicyValue:
    profile = PolicyProfile.objects.filter(jurisdiction__code=code).order_by("-effective_from", "-version").first()
    assert profile is not None
    return profile.values.get(key=key)


def test_second_load_creates_nothing(demo: DemoReport) -> None:
    counts = [
        m.objects.count() for m in (Jurisdiction, User, PolicyProfile, RenovationArea, Estate, Building, Household)
    ]
    again = demo_load()
    assert again.created == {}
    assert [
        m.objects.count() for m in (Jurisdiction, User, PolicyProfile, RenovationArea, Estate, Building, Household)
    ] == counts
    assert AuditEntry.objects.filter(action="demo.loaded").count() == 2


def test_first_load_created_everything(demo: DemoReport) -> None:
    assert demo.created["estates"] == 26 + len(seeds.OTHER_ESTATES) + 1  # + the consultation demo estate
    assert demo.created["policy_profiles"] == len(seeds.PROFILES)
    assert {role for _u, role, _j in demo.logins} == set(Role.values)


def test_guyuan_has_26_estates_in_3_areas(demo: DemoReport) -> None:
    estates = Estate.objects.filter(street__path__startswith="/CN/64/640400/640402/")
    assert estates.count() == seeds.GUYUAN_PLAN_2022.estates == 26
    assert RenovationArea.objects.filter(jurisdiction__code="640402").count() == 3
    assert seeds.GUYUAN_PLAN_2022.buildings == 84  # as stated, against 81 in the per-area figures


@pytest.mark.parametrize("seed_area", seeds.GUYUAN_AREAS, ids=lambda a: a.name)
def test_guyuan_area_totals_are_exact(demo: DemoReport, seed_area: seeds.SeedArea) -> None:
    area = RenovationArea.objects.get(jurisdiction__code="640402", name=seed_area.name)
    assert (area.stated_households, area.stated_buildings, area.stated_area) == (
        seed_area.households,
        seed_area.buildings,
        Decimal(seed_area.area_m2),
    )
    assert area.lanes == seed_area.lanes
    assert area.estates.count() == len(seed_area.estates)
    assert Building.objects.filter(estate__area=area).count() == seed_area.buildings
    households = Household.objects.filter(building__estate__area=area)
    assert households.count() == seed_area.households
    # Sums in Python: SQLite adds decimals as floating point.
    assert sum(households.values_list("area", flat=True)) == Decimal(seed_area.area_m2)
    assert sum(e.total_area or 0 for e in area.estates.all()) == Decimal(seed_area.area_m2)
    assert sum(e.stated_households or 0 for e in area.estates.all()) == seed_area.households


def test_guyuan_plan_totals_add_up_except_buildings(demo: DemoReport) -> None:
    plan = seeds.GUYUAN_PLAN_2022
    assert sum(a.households for a in seeds.GUYUAN_AREAS) == plan.households
    assert sum(a.area_m2 for a in seeds.GUYUAN_AREAS) == plan.housing_area_m2
    assert sum(a.buildings for a in seeds.GUYUAN_AREAS) == 81 != plan.buildings
    assert plan.subsidy_requested_yuan + plan.local_match_yuan == plan.investment_yuan


def test_guyuan_post2000_share_within_cap(demo: DemoReport) -> None:
    guyuan = Household.objects.filter(building__estate__area__jurisdiction__code="640402")
    later = guyuan.filter(building__estate__build_year__gt=2000).count()
    assert 0 < later * 100 <= guyuan.count() * 15


def test_alias_of_xinhe(demo: DemoReport) -> None:
    estate = Estate.objects.get(name="信合小区")
    assert estate.aliases == ["信和小区"]


def test_zhanhe_street_login_sees_only_its_street(demo: DemoReport) -> None:
    user = User.objects.get(username="zhanhe_street")
    assert user.role == Role.STREET_OFFICE
    assert user.jurisdiction is not None
    assert (user.jurisdiction.code, user.jurisdiction.name) == ("410411001", "河滨街道")
    assert user.check_password(DEFAULT_DEMO_PASSWORD)
    visible = Estate.objects.filter(jurisdiction__path__startswith=user.scope_path() or "")
    assert visible.count() == 3
    assert set(visible.values_list("street__name", flat=True)) == {"河滨街道"}
    others = Estate.objects.filter(street__parent__code="410411").exclude(street=user.jurisdiction)
    assert others.exists()


def test_zhanhe_has_nine_streets(demo: DemoReport) -> None:
    names = list(Jurisdiction.objects.filter(parent__code="410411").values_list("name", flat=True))
    assert sorted(names) == sorted(seeds.ZHANHE_STREETS)


@pytest.mark.parametrize(
    ("code", "key", "value", "reference"),
    [
        ("419001", "funding.property_subsidy_rate", "0.15", "seeds/000_f9b901b302fa6203.txt"),
        ("419001", "funding.property_subsidy_months", 36, "seeds/000_f9b901b302fa6203.txt"),
        ("419001", "funding.water_meter_utility_share", "1/3", "seeds/000_f9b901b302fa6203.txt"),
        ("419001", "projects.weekly_report_weekday", 5, "seeds/000_f9b901b302fa6203.txt"),
        ("410411", "funding.property_subsidy_rate", "0.3", "seeds/001_f6a39a551d1fc451.txt"),
        ("410411", "funding.property_subsidy_is_minimum", True, "seeds/001_f6a39a551d1fc451.txt"),
        ("411000", "consent.share_of_all_households", "2/3", "seeds/002_40d8e389fe8940d7.txt"),
        ("640402", "eligibility.post2000_household_cap", "3/20", "seeds/003_54d0b71b4a1e2a82.txt"),
        ("640402", "projects.start_deadline", "2022-03-15", "seeds/003_54d0b71b4a1e2a82.txt"),
        ("140500", "stewardship.agreement_area_below_m2", "30000", "seeds/004_391429ce0bbb685b.txt"),
    ],
)
def test_profiles_carry_seed_numbers(demo: DemoReport, code: str, key: str, value: object, reference: str) -> None:
    row = _latest_value(code, key)
    assert row.value == value
    assert row.source_reference == reference
    assert row.source_title


def test_national_defaults(demo: DemoReport) -> None:
    assert _latest_value("CN", "art278.special_approval").value == "3/4"
    assert _latest_value("CN", "art278.special_approval").source_title == "民法典第二百七十八条"
    assert _latest_value("CN", "eligibility.completed_by").value == "2000-12-31"  # inherited by the second version
    assert PolicyProfile.objects.filter(jurisdiction__code="640402").get().effective_from.isoformat() == "2022-01-28"


def test_households_have_valid_ids_and_owner_keys(demo: DemoReport) -> None:
    for id_number, key in Household.objects.values_list("id_number", "owner_key")[:300]:
        assert ric.is_valid(id_number)
        assert key == hashlib.sha256(id_number.encode()).hexdigest()


def test_buildings_match_their_households(demo: DemoReport) -> None:
    areas: dict[int, Decimal] = {}
    for building_id, area in Household.objects.values_list("building_id", "area"):
        areas[building_id] = areas.get(building_id, Decimal(0)) + area
    for building in Building.objects.annotate(n=Count("households")):
        assert building.n == building.stated_households
        assert areas[building.pk] == building.area
        assert building.n <= building.floors * building.stairwells * 4


def test_demo_command_without_serving(demo: DemoReport, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "zhanhe_street" in out and "street_office" in out and DEFAULT_DEMO_PASSWORD in out


def test_apportion_is_exact_and_deterministic() -> None:
    parts = apportion(101452_00, [3, 5, 2, 7], minimum=1)
    assert sum(parts) == 101452_00 and min(parts) >= 1
    assert parts == apportion(101452_00, [3, 5, 2, 7], minimum=1)
