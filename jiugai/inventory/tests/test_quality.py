"""Data-quality checks through the services: impossible values, reconciliation, missing facts, per-street report."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from jiugai.core.models import AuditEntry
from jiugai.inventory.models import Building, Estate, Household
from jiugai.inventory.selectors import plan_totals_checks, quality_badge, quality_by_street
from jiugai.inventory.services import (
    building_create,
    estate_quality_check,
    jurisdiction_quality_check,
    renovation_area_create,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def sound(tree: Any, make_estate: Any) -> Estate:
    """An estate whose stated figures agree with its two buildings."""
    estate = make_estate(
        "和谐小区",
        tree.community_a,
        tree.street_a,
        build_year=1995,
        total_area=Decimal("2000"),
        stated_households=48,
        stated_buildings=2,
        address="人民路1号",
        latitude=Decimal("36.0"),
        longitude=Decimal("106.2"),
    )
    for number in ("1", "2"):
        building_create(
            estate=estate, number=number, floors=6, stairwells=2, stated_households=24, area=Decimal("1000")
        )
    return estate


def codes(estate: Estate) -> set[str]:
    return {r.code for r in estate_quality_check(estate=estate, today=TODAY).reasons}


def test_a_sound_estate_is_clean(sound: Estate) -> None:
    assert codes(sound) == set()
    sound.refresh_from_db()
    assert sound.quality_issues == [] and quality_badge(sound.quality_issues) == "ok"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"total_area": Decimal("0")}, "total_area_not_positive"),
        ({"build_year": 2025}, "build_year_in_future"),
        ({"stated_households": 0}, "stated_households_not_positive"),
    ],
)
def test_impossible_estate_values(sound: Estate, fields: dict[str, Any], code: str) -> None:
    Estate.objects.filter(pk=sound.pk).update(**fields)
    sound.refresh_from_db()
    assert code in codes(sound)
    sound.refresh_from_db()
    assert quality_badge(sound.quality_issues) == "error"
    [issue] = [i for i in sound.quality_issues if i["code"] == code]
    assert issue["severity"] == "error" and issue["category"] == "impossible"


def test_impossible_building_values(sound: Estate) -> None:
    Building.objects.filter(estate=sound, number="1").update(floors=0)
    Building.objects.filter(estate=sound, number="2").update(area=Decimal("0"))
    assert {"building_floors_not_positive", "building_area_not_positive"} <= codes(sound)


def test_households_exceeding_units_and_floors(sound: Estate) -> None:
    building = sound.buildings.get(number="1")
    for room in ("101", "201", "701"):
        Household.objects.create(building=building, floor=int(room[0]), room=room, area=Decimal("60"))
    found = codes(sound)
    assert "building_households_exceed_units" in found  # 24 stated, 3 registered
    assert "household_floor_above_building" in found  # floor 7 of a 6-floor building


def test_totals_must_reconcile(sound: Estate) -> None:
    Estate.objects.filter(pk=sound.pk).update(stated_buildings=3, stated_households=50, total_area=Decimal("2500"))
    sound.refresh_from_db()
    assert {"buildings_mismatch", "households_mismatch", "area_mismatch"} <= codes(sound)
    sound.refresh_from_db()
    assert quality_badge(sound.quality_issues) == "warning"


def test_missing_facts(tree: Any, make_estate: Any) -> None:
    bare = make_estate("空白小区", tree.community_a, tree.street_a)
    assert {
        "missing_completion",
        "missing_total_area",
        "missing_stated_households",
        "missing_stated_buildings",
        "missing_buildings",
        "missing_address",
        "missing_location",
    } <= codes(bare)


def test_jurisdiction_check_and_street_report(sound: Estate, tree: Any, make_estate: Any) -> None:
    make_estate("未来小区", tree.community_b, tree.street_b, build_year=2099)
    summary = jurisdiction_quality_check(jurisdiction=tree.city, today=TODAY)
    assert (summary.estates, summary.with_errors, summary.clean) == (2, 1, 1)
    assert summary.issues["build_year_in_future"] == 1
    assert AuditEntry.objects.filter(action="inventory.quality_checked").exists()
    report = {s.code: s for s in quality_by_street(Estate.objects.all())}
    assert report[tree.street_a.code].clean == 1
    assert report[tree.street_b.code].with_errors == 1
    assert report[tree.street_b.code].codes["build_year_in_future"] == 1


def test_area_stated_totals_against_estates(sound: Estate, tree: Any, street_users: Any) -> None:
    area = renovation_area_create(jurisdiction=tree.district, name="东片区", stated_buildings=3, stated_households=48)
    Estate.objects.filter(pk=sound.pk).update(area=area)
    [check] = plan_totals_checks(user=street_users["admin"])
    assert check.kind == "area" and check.mismatched
    [buildings] = [r for r in check.decision.reasons if r.fact == "buildings"]
    assert (buildings.threshold, buildings.value) == (3, 2)
    # A street office does not see a district's area.
    assert plan_totals_checks(user=street_users["east"]) == []


def test_quality_command_json(sound: Estate, tree: Any) -> None:
    out = StringIO()
    call_command("quality", tree.city.code, "--today", "2024-06-01", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["summary"]["estates"] == 1 and data["summary"]["clean"] == 1
    assert data["streets"][0]["code"] == tree.street_a.code


class TestGuyuanDemo:
    """The Guyuan 2022 plan states 84 buildings; its areas add up to 35 + 29 + 17 = 81 (seeds/003)."""

    @pytest.fixture
    def demo(self, db: None) -> None:
        from jiugai.demo.services import demo_load

        demo_load()

    def test_plan_check_catches_84_against_81(self, demo: None, client: Any) -> None:
        from jiugai.accounts.models import User

        admin = User.objects.filter(is_superuser=False, role="platform_admin").first() or User.objects.create_superuser(
            "root", password=None
        )
        checks = plan_totals_checks(user=admin)
        by_kind = {(c.kind, c.subject): c for c in checks}
        plan = next(c for (kind, _s), c in by_kind.items() if kind == "plan_vs_areas")
        assert plan.mismatched
        [buildings] = [r for r in plan.decision.reasons if r.fact == "buildings"]
        assert (buildings.threshold, buildings.value, buildings.code) == (84, 81, "buildings_mismatch")
        assert buildings.source is not None and buildings.source.reference == "seeds/003_54d0b71b4a1e2a82.txt"
        assert {r.code for r in plan.decision.reasons} >= {"households_consistent", "area_consistent"}
        recorded = next(c for (kind, _s), c in by_kind.items() if kind == "plan_vs_estates")
        assert [r.value for r in recorded.decision.reasons if r.fact == "buildings"] == [81]
        # Each area agrees with the estates the demo recorded in it.
        assert all(not c.mismatched for c in checks if c.kind == "area")

        client.force_login(admin)
        response = client.get("/estates/quality/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-code="buildings_mismatch"' in html
        assert "载明 84 栋楼，各片区数据合计 81 栋" in html  # the reason in the page's language
        with translation.override("en"):
            english_plan = next(c for c in plan_totals_checks(user=admin) if c.kind == "plan_vs_areas")
        [english] = [r for r in english_plan.decision.reasons if r.fact == "buildings"]
        assert "84 buildings stated, the per-area figures add up to 81 buildings" in english.message

    def test_quality_command_on_guyuan(self, demo: None) -> None:
        out = StringIO()
        call_command("quality", "640402", "--json", stdout=out)
        data = json.loads(out.getvalue())
        plan = next(c for c in data["plan_checks"] if c["kind"] == "plan_vs_areas")
        assert plan["outcome"] == "mismatch"
        assert data["summary"]["estates"] == 26
