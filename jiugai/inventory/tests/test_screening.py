"""Eligibility screening through the services: rule boundaries, every exclusion, bulk screening, the command."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from jiugai.core.models import AuditEntry
from jiugai.inventory.models import Estate, EstateEligibility, ScreeningDecision, ScreeningResult, ScreeningRun
from jiugai.inventory.services import estate_screen, jurisdiction_screen
from jiugai.policy.services import policy_profile_create
from jiugai.rules.eligibility import EXCLUSIONS

pytestmark = pytest.mark.django_db

GUYUAN_SOURCE = {"source_title": "Guyuan draft 2022 plan", "source_reference": "seeds/003_54d0b71b4a1e2a82.txt"}
ON = dt.date(2024, 1, 1)


def guyuan_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "eligibility.completed_by": {"value": "2000-12-31", **GUYUAN_SOURCE},
        "eligibility.post2000_allowed": {"value": True, **GUYUAN_SOURCE},
        "eligibility.post2000_completed_by": {"value": "2005-12-31", **GUYUAN_SOURCE},
        "eligibility.post2000_household_cap": {"value": "15/100", **GUYUAN_SOURCE},
        "eligibility.no_repeat_central_funding": {"value": True, **GUYUAN_SOURCE},
    }
    values.update(overrides)
    return values


@pytest.fixture
def guyuan_policy(tree: Any) -> Any:
    return policy_profile_create(
        jurisdiction=tree.city, effective_from=dt.date(2022, 1, 1), title="Guyuan-like", values=guyuan_values()
    )


@pytest.fixture
def estate_at(tree: Any, make_estate: Any) -> Any:
    def _make(**fields: Any) -> Estate:
        return make_estate("测试小区", tree.community_a, tree.street_a, **fields)

    return _make


@pytest.mark.parametrize(
    ("completed_on", "outcome"),
    [
        (dt.date(2000, 12, 31), "eligible"),
        (dt.date(2001, 1, 1), "eligible_capped"),
        (dt.date(2005, 12, 31), "eligible_capped"),
        (dt.date(2006, 1, 1), "not_eligible"),
    ],
)
def test_completion_date_boundaries(guyuan_policy: Any, estate_at: Any, completed_on: dt.date, outcome: str) -> None:
    estate = estate_at(completed_on=completed_on, build_year=completed_on.year)
    result = estate_screen(estate=estate, on=ON)
    assert result.outcome == outcome
    assert Estate.objects.select_related("eligibility_status").get(pk=estate.pk).eligibility == outcome
    first = result.reasons[0]
    assert first["fact"] == "completed_on" and first["value"] == completed_on.isoformat()
    assert first["parameter"] in {"eligibility.completed_by", "eligibility.post2000_completed_by"}
    assert first["source"]["reference"] == "seeds/003_54d0b71b4a1e2a82.txt"
    assert first["source"]["jurisdiction"] == "测试市"


@pytest.mark.parametrize(("year", "outcome"), [(2000, "eligible"), (2001, "eligible_capped"), (2006, "not_eligible")])
def test_build_year_only(guyuan_policy: Any, estate_at: Any, year: int, outcome: str) -> None:
    assert estate_screen(estate=estate_at(build_year=year), on=ON).outcome == outcome


def test_later_estates_not_admitted_where_the_profile_does_not_allow_them(tree: Any, estate_at: Any) -> None:
    policy_profile_create(
        jurisdiction=tree.city,
        effective_from=dt.date(2022, 1, 1),
        title="Zhanhe-like",
        values=guyuan_values(**{"eligibility.post2000_allowed": False}),
    )
    assert estate_screen(estate=estate_at(completed_on=dt.date(2001, 1, 1)), on=ON).outcome == "not_eligible"
    assert estate_screen(estate=estate_at(completed_on=dt.date(2000, 12, 31)), on=ON).outcome == "eligible"


@pytest.mark.parametrize("flag", sorted(EXCLUSIONS))
def test_each_exclusion(guyuan_policy: Any, estate_at: Any, flag: str) -> None:
    result = estate_screen(estate=estate_at(build_year=1990, **{flag: True}), on=ON)
    assert result.outcome == "not_eligible"
    [reason] = [r for r in result.reasons if r["code"] == f"excluded_{flag}"]
    assert reason["fact"] == flag and reason["value"] is True
    assert "seeds/001" in reason["source"]["reference"]


def test_already_centrally_funded_may_not_apply_again(guyuan_policy: Any, estate_at: Any) -> None:
    result = estate_screen(estate=estate_at(build_year=1990, central_funded_year=2020), on=ON)
    assert result.outcome == "not_eligible"
    [reason] = [r for r in result.reasons if r["code"] == "excluded_repeat_central_funding"]
    assert (reason["parameter"], reason["value"], reason["threshold"]) == (
        "eligibility.no_repeat_central_funding",
        2020,
        True,
    )


def test_missing_completion_is_left_unscreened_with_a_reason(guyuan_policy: Any, estate_at: Any) -> None:
    result = estate_screen(estate=estate_at(), on=ON)
    assert result.outcome == ""
    assert result.reasons[0]["code"] == "missing_completion"


def test_without_a_policy_profile_screening_says_so(tree: Any, estate_at: Any) -> None:
    estate_at(build_year=1990)
    with pytest.raises(ValidationError):
        jurisdiction_screen(jurisdiction=tree.city, on=ON)
    assert ScreeningResult.objects.count() == 0


def test_policy_date_selects_the_profile_in_force(tree: Any, estate_at: Any) -> None:
    policy_profile_create(
        jurisdiction=tree.city, effective_from=dt.date(2022, 1, 1), title="v1", values=guyuan_values()
    )
    policy_profile_create(
        jurisdiction=tree.city,
        effective_from=dt.date(2024, 1, 1),
        title="v2",
        values={"eligibility.post2000_allowed": False},
    )
    estate = estate_at(build_year=2003)
    assert estate_screen(estate=estate, on=dt.date(2023, 6, 1)).outcome == "eligible_capped"
    assert estate_screen(estate=estate, on=dt.date(2024, 6, 1)).outcome == "not_eligible"


def test_jurisdiction_screen_in_bulk(guyuan_policy: Any, tree: Any, make_estate: Any, street_users: Any) -> None:
    make_estate("甲", tree.community_a, tree.street_a, build_year=1990, stated_households=100)
    make_estate("乙", tree.community_a, tree.street_a, build_year=2003, stated_households=20)
    make_estate("丙", tree.community_b, tree.street_b, build_year=2010, stated_households=50)
    make_estate("丁", tree.community_b, tree.street_b, build_year=1985, urban_village=True, stated_households=5)
    summary = jurisdiction_screen(jurisdiction=tree.city, on=ON, actor=street_users["office"])
    assert summary.estates == 4
    assert summary.counts == {"": 0, "eligible": 1, "eligible_capped": 1, "not_eligible": 2}
    assert summary.households["eligible_capped"] == 20
    assert summary.post2000_household_cap == "3/20"
    assert ScreeningResult.objects.count() == 4
    assert dict(Estate.objects.values_list("name", "eligibility_status__outcome")) == {
        "甲": "eligible",
        "乙": "eligible_capped",
        "丙": "not_eligible",
        "丁": "not_eligible",
    }
    entry = AuditEntry.objects.filter(action="inventory.screened").latest("seq")
    assert entry.payload["counts"]["eligible"] == 1 and entry.jurisdiction_code == tree.city.code
    assert entry.actor == street_users["office"]
    # Screening again keeps the history of results.
    jurisdiction_screen(jurisdiction=tree.street_a, on=ON)
    assert ScreeningResult.objects.count() == 6
    assert ScreeningRun.objects.count() == 2 and EstateEligibility.objects.count() == 4


def test_identical_decisions_are_stored_once(guyuan_policy: Any, tree: Any, make_estate: Any) -> None:
    for name in "甲乙丙":
        make_estate(name, tree.community_a, tree.street_a, build_year=1990)
    make_estate("丁", tree.community_b, tree.street_b, build_year=1990)
    make_estate("戊", tree.community_b, tree.street_b, build_year=2003)
    jurisdiction_screen(jurisdiction=tree.city, on=ON)
    assert ScreeningResult.objects.count() == 5
    assert ScreeningDecision.objects.count() == 2  # four estates built in 1990 share one decision
    shared = ScreeningDecision.objects.get(outcome="eligible")
    assert ScreeningResult.objects.filter(decision=shared).count() == 4
    assert shared.reasons[0]["parameter"] == "eligibility.completed_by" and len(shared.digest) == 64
    # Screening again, in bulk or one estate at a time, reuses the stored decisions.
    jurisdiction_screen(jurisdiction=tree.city, on=ON)
    estate_screen(estate=Estate.objects.get(name="戊"), on=ON)
    assert ScreeningDecision.objects.count() == 2
    assert ScreeningResult.objects.count() == 11 and ScreeningRun.objects.count() == 3
    run = ScreeningRun.objects.filter(estates=5).latest("id")
    assert run.jurisdiction == tree.city and run.policy_date == ON
    assert run.counts == {"": 0, "eligible": 4, "eligible_capped": 1, "not_eligible": 0}


def test_latest_outcome_is_upserted_and_history_kept(tree: Any, make_estate: Any) -> None:
    policy_profile_create(
        jurisdiction=tree.city, effective_from=dt.date(2022, 1, 1), title="v1", values=guyuan_values()
    )
    policy_profile_create(
        jurisdiction=tree.city,
        effective_from=dt.date(2024, 1, 1),
        title="v2",
        values={"eligibility.post2000_allowed": False},
    )
    make_estate("甲", tree.community_a, tree.street_a, build_year=2003)
    make_estate("乙", tree.community_a, tree.street_a, build_year=1990)
    jurisdiction_screen(jurisdiction=tree.city, on=dt.date(2023, 6, 1))
    first = ScreeningRun.objects.get()
    assert dict(EstateEligibility.objects.values_list("estate__name", "outcome")) == {
        "甲": "eligible_capped",
        "乙": "eligible",
    }
    jurisdiction_screen(jurisdiction=tree.city, on=dt.date(2024, 6, 1))
    second = ScreeningRun.objects.exclude(pk=first.pk).get()
    statuses = {s.estate.name: s for s in EstateEligibility.objects.select_related("estate", "decision", "run")}
    assert len(statuses) == 2
    assert statuses["甲"].outcome == "not_eligible" and statuses["甲"].run == second
    assert statuses["甲"].decision.outcome == "not_eligible" and statuses["甲"].policy_date == dt.date(2024, 6, 1)
    assert statuses["乙"].outcome == "eligible" and statuses["乙"].run == second
    history = [r.outcome for r in Estate.objects.get(name="甲").screenings.select_related("decision")]
    assert history == ["not_eligible", "eligible_capped"]  # newest first; the earlier result is kept
    # Estates nobody screened count as not screened in filters and counts.
    make_estate("丙", tree.community_b, tree.street_b, build_year=1980)
    from jiugai.inventory.selectors import screening_counts, with_eligibility

    assert set(with_eligibility(Estate.objects.all(), "").values_list("name", flat=True)) == {"丙"}
    assert screening_counts(Estate.objects.all()) == {"": 1, "eligible": 1, "eligible_capped": 0, "not_eligible": 1}


def test_a_deeper_profile_applies_to_its_own_estates(guyuan_policy: Any, tree: Any, make_estate: Any) -> None:
    policy_profile_create(
        jurisdiction=tree.street_b,
        effective_from=dt.date(2022, 1, 1),
        title="street b",
        values={"eligibility.post2000_allowed": False},
    )
    make_estate("甲", tree.community_a, tree.street_a, build_year=2003)
    make_estate("乙", tree.community_b, tree.street_b, build_year=2003)
    jurisdiction_screen(jurisdiction=tree.city, on=ON)
    assert dict(Estate.objects.values_list("name", "eligibility_status__outcome")) == {
        "甲": "eligible_capped",
        "乙": "not_eligible",
    }


def test_screen_command_json(guyuan_policy: Any, tree: Any, make_estate: Any) -> None:
    make_estate("甲", tree.community_a, tree.street_a, build_year=1990)
    make_estate("乙", tree.community_b, tree.street_b, build_year=2004)
    out = StringIO()
    call_command("screen", tree.city.code, "--date", "2024-01-01", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["summary"]["counts"]["eligible"] == 1
    assert data["summary"]["policy_date"] == "2024-01-01"
    by_name = {r["name"]: r for r in data["results"]}
    assert by_name["乙"]["outcome"] == "eligible_capped"
    assert any(r.get("parameter") == "eligibility.post2000_household_cap" for r in by_name["乙"]["reasons"])


def test_screen_command_text_and_errors(guyuan_policy: Any, tree: Any, make_estate: Any) -> None:
    from django.core.management.base import CommandError

    make_estate("甲", tree.community_a, tree.street_a, build_year=1990)
    out = StringIO()
    call_command("screen", tree.city.code, stdout=out)
    assert "甲: eligible" in out.getvalue() and "eligibility.completed_by" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("screen", "NOPE", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("screen", tree.city.code, "--date", "2024-13-01", stdout=StringIO())


def test_deleting_an_estate_removes_its_screenings(guyuan_policy: Any, tree: Any, make_estate: Any) -> None:
    """The bulk-written tables have no database constraints; Django's on_delete still applies."""
    from django.db.models import ProtectedError

    gone = make_estate("甲", tree.community_a, tree.street_a, build_year=1990)
    make_estate("乙", tree.community_a, tree.street_a, build_year=1990)
    jurisdiction_screen(jurisdiction=tree.city, on=ON)
    gone.delete()
    assert ScreeningResult.objects.count() == 1 and EstateEligibility.objects.count() == 1
    with pytest.raises(ProtectedError):
        ScreeningDecision.objects.get().delete()
