"""`policy show CODE [--date] [--json]`, and `decide` with a jurisdiction's profile from the database."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiugai.accounts.choices import Level
from jiugai.accounts.services import jurisdiction_create
from jiugai.policy.services import policy_profile_create

pytestmark = pytest.mark.django_db

ZHANHE_SOURCE = {
    "source_title": "Zhanhe implementation plan 平湛政办〔2020〕10号",
    "source_reference": "seeds/001_f6a39a551d1fc451.txt",
    "source_url": "https://example.org/zhanhe",
}


def run(*args: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def zhanhe() -> Any:
    city = jurisdiction_create(code="PDS", name="平顶山市", level=Level.CITY)
    district = jurisdiction_create(code="PDS-ZH", name="湛河区", level=Level.DISTRICT, parent=city)
    policy_profile_create(
        jurisdiction=city,
        effective_from=dt.date(2020, 1, 1),
        title="Pingdingshan",
        values={"consent.share_of_all_households": "2/3", "eligibility.completed_by": "2000-12-31"},
    )
    policy_profile_create(
        jurisdiction=district,
        effective_from=dt.date(2020, 5, 12),
        title="Zhanhe 2020",
        values={
            "funding.property_subsidy_rate": {"value": "0.3", **ZHANHE_SOURCE},
            "funding.property_subsidy_months": {"value": 36, **ZHANHE_SOURCE},
            "funding.property_subsidy_is_minimum": {"value": True, **ZHANHE_SOURCE},
        },
    )
    policy_profile_create(
        jurisdiction=district,
        effective_from=dt.date(2023, 1, 1),
        title="Zhanhe 2023",
        values={"funding.property_subsidy_rate": {"value": "0.35", **ZHANHE_SOURCE}},
    )
    return district


def test_show_text(zhanhe: Any) -> None:
    out = run("policy", "show", "PDS-ZH", "--date", "2021-01-01")
    assert "湛河区 (PDS-ZH) — policy in force on 2021-01-01" in out
    assert "funding.property_subsidy_rate = 0.3 yuan/m²/month" in out
    assert "湛河区 (PDS-ZH) v1 from 2020-05-12" in out
    assert "source: Zhanhe implementation plan 平湛政办〔2020〕10号, seeds/001_f6a39a551d1fc451.txt" in out
    assert "consent.share_of_all_households = 2/3" in out
    assert "平顶山市 (PDS) v1 from 2020-01-01" in out


def test_show_json_with_inheritance_and_versions(zhanhe: Any) -> None:
    data = json.loads(run("policy", "show", "PDS-ZH", "--date", "2023-06-01", "--json"))
    assert data["jurisdiction"] == "PDS-ZH" and data["date"] == "2023-06-01"
    rows = {row["key"]: row for row in data["parameters"]}
    rate = rows["funding.property_subsidy_rate"]
    assert rate["value"] == "0.35"
    assert rate["version"] == 2 and rate["effective_from"] == "2023-01-01"
    assert rate["source"]["url"] == "https://example.org/zhanhe"
    assert rows["funding.property_subsidy_is_minimum"]["value"] is True
    assert rows["consent.share_of_all_households"] == {
        **rows["consent.share_of_all_households"],
        "value": "2/3",
        "jurisdiction": "PDS",
        "version": 1,
    }


def test_show_before_any_profile(zhanhe: Any) -> None:
    out = run("policy", "show", "PDS-ZH", "--date", "2019-01-01")
    assert "no parameters are configured" in out


def test_show_defaults_to_today(zhanhe: Any) -> None:
    data = json.loads(run("policy", "show", "PDS-ZH", "--json"))
    assert data["date"]  # today in Asia/Shanghai
    assert {row["key"] for row in data["parameters"]} >= {"funding.property_subsidy_rate"}


def test_unknown_code_exits_2() -> None:
    with pytest.raises(CommandError, match="no jurisdiction with code 'NOPE'") as info:
        run("policy", "show", "NOPE")
    assert info.value.returncode == 2


def test_bad_date_exits_2(zhanhe: Any) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD") as info:
        run("policy", "show", "PDS-ZH", "--date", "12/05/2020")
    assert info.value.returncode == 2


# --- decide with a jurisdiction's profile ----------------------------------------------------------


def write(tmp_path: Path, scenario: Any) -> str:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    return str(path)


def test_decide_with_a_jurisdictions_policy(tmp_path: Path) -> None:
    city = jurisdiction_create(code="XC", name="许昌市", level=Level.CITY)
    jurisdiction_create(code="XC01", name="魏都区", level=Level.DISTRICT, parent=city)
    policy_profile_create(
        jurisdiction=city,
        effective_from=dt.date(2022, 1, 1),
        title="Xuchang 2022",
        values={
            "consent.share_of_all_households": {
                "value": "2/3",
                "source_title": "Xuchang reply to NPC suggestion No. 67",
                "source_reference": "seeds/002_40d8e389fe8940d7.txt",
            }
        },
    )
    policy_profile_create(
        jurisdiction=city,
        effective_from=dt.date(2024, 1, 1),
        title="Xuchang 2024",
        values={"consent.share_of_all_households": "3/4"},
    )
    scenario = {
        "jurisdiction": "XC01",
        "date": "2023-06-01",
        "input": {"agreeing_households": 20, "total_owner_households": 30},
    }
    data = json.loads(run("decide", "consent", "--json", "--input", write(tmp_path, scenario)))
    assert data["outcome"] == "passed"
    source = data["reasons"][0]["source"]
    assert source["reference"] == "seeds/002_40d8e389fe8940d7.txt"
    assert source["jurisdiction"] == "许昌市"
    # The later version (3/4) is in force from 2024.
    scenario["date"] = "2024-06-01"
    assert json.loads(run("decide", "consent", "--json", "--input", write(tmp_path, scenario)))["outcome"] == "rejected"


def test_decide_unknown_jurisdiction(tmp_path: Path) -> None:
    scenario = {"jurisdiction": "NOPE", "input": {"agreeing_households": 1, "total_owner_households": 2}}
    with pytest.raises(CommandError, match="no jurisdiction with code 'NOPE'") as info:
        run("decide", "consent", "--input", write(tmp_path, scenario))
    assert info.value.returncode == 2


def test_decide_parameter_missing_from_the_profile(zhanhe: Any, tmp_path: Path) -> None:
    scenario = {"jurisdiction": "PDS-ZH", "date": "2021-01-01", "input": {"matter": "rebuild", "owners": []}}
    with pytest.raises(CommandError, match="non-empty list") as info:
        run("decide", "art278", "--input", write(tmp_path, scenario))
    assert info.value.returncode == 2
    scenario = {"jurisdiction": "PDS-ZH", "date": "2021-01-01", "input": {"completed_on": "2003-01-01"}}
    data = json.loads(run("decide", "eligibility", "--json", "--input", write(tmp_path, scenario)))
    assert data["outcome"] == "not_eligible"  # post2000_allowed not configured: later estates are not admitted
