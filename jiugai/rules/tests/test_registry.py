"""Running rules from JSON scenarios."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jiugai.rules.decision import Decision, decision_lines
from jiugai.rules.policy import Policy
from jiugai.rules.registry import RULES, ScenarioError, decide_scenario

CONSENT_POLICY = {"consent.share_of_all_households": "2/3"}


def test_every_rule_is_registered() -> None:
    assert set(RULES) >= {"consent", "art278", "eligibility", "property_subsidy"}
    for name, rule in RULES.items():
        assert rule.name == name and rule.summary


def test_inline_policy_scenario() -> None:
    decision = RULES["consent"](
        {"policy": CONSENT_POLICY, "input": {"agreeing_households": 20, "total_owner_households": 30}}
    )
    assert isinstance(decision, Decision) and decision.outcome == "passed"
    assert decision.as_dict()["reasons"][0]["threshold"] == "2/3"


@pytest.mark.parametrize(
    "scenario",
    [
        {"jurisdiction": "X1", "date": "2024-05-01", "input": {"agreeing_households": 2, "total_owner_households": 3}},
        {
            "policy": {"jurisdiction": "X1", "date": "2024-05-01"},
            "input": {"agreeing_households": 2, "total_owner_households": 3},
        },
    ],
)
def test_jurisdiction_scenario_uses_the_loader(scenario: dict[str, Any]) -> None:
    calls: list[tuple[str, dt.date | None]] = []

    def load(code: str, on: dt.date | None) -> Policy:
        calls.append((code, on))
        return Policy.from_mapping(CONSENT_POLICY, code=code, on=on)

    assert decide_scenario("consent", scenario, load_policy=load).outcome == "passed"
    assert calls == [("X1", dt.date(2024, 5, 1))]


def test_jurisdiction_without_loader() -> None:
    with pytest.raises(ScenarioError, match="database"):
        decide_scenario("consent", {"jurisdiction": "X1", "input": {}})


@pytest.mark.parametrize(
    ("rule", "scenario", "message"),
    [
        ("nope", {}, "unknown rule 'nope'"),
        ("consent", [], "JSON object"),
        ("consent", {"policy": CONSENT_POLICY}, '"input" must be an object'),
        ("consent", {"input": {}}, '"policy"'),
        ("consent", {"policy": "2/3", "input": {}}, "policy must be an object"),
        ("consent", {"policy": CONSENT_POLICY, "input": {}, "extra": 1}, "unknown scenario field"),
        ("consent", {"policy": {"consent.share_of_all_households": "two thirds"}, "input": {}}, "policy.consent"),
        ("consent", {"policy": {"no.such": "1"}, "input": {}}, "no parameter named"),
        ("consent", {"policy": CONSENT_POLICY, "date": "May", "input": {}}, "date must be"),
        (
            "consent",
            {"policy": CONSENT_POLICY, "input": {"total_owner_households": 3}},
            "agreeing_households is required",
        ),
        (
            "consent",
            {"policy": CONSENT_POLICY, "input": {"agreeing_households": "2", "total_owner_households": 3}},
            "whole number",
        ),
        (
            "consent",
            {"policy": CONSENT_POLICY, "input": {"agreeing_households": 4, "total_owner_households": 3}},
            "exceeds",
        ),
        ("consent", {"policy": CONSENT_POLICY, "input": {"agree": 1}}, "unknown field"),
        ("consent", {"policy": {}, "input": {"agreeing_households": 1, "total_owner_households": 3}}, "not configured"),
        ("art278", {"policy": {}, "input": {"matter": "x", "owners": []}}, "matter must be one of"),
        ("art278", {"policy": {}, "input": {"matter": "rebuild", "owners": []}}, "non-empty list"),
        (
            "art278",
            {"policy": {}, "input": {"matter": "rebuild", "owners": [["a", "x", "yes"]]}},
            "area must be a number",
        ),
        ("art278", {"policy": {}, "input": {"matter": "rebuild", "owners": [["a", "1", "si"]]}}, "vote must be"),
        ("art278", {"policy": {}, "input": {"matter": "rebuild", "owners": [{"area": "1"}]}}, "owner must be"),
        ("art278", {"policy": {}, "input": {"matter": "rebuild", "owners": [7]}}, "must be an object"),
        ("eligibility", {"policy": {}, "input": {}}, "completed_on or input.build_year"),
        ("eligibility", {"policy": {}, "input": {"completed_on": "31/12/2000"}}, "date YYYY-MM-DD"),
        ("eligibility", {"policy": {}, "input": {"build_year": 1990, "urban_village": 1}}, "true or false"),
        ("property_subsidy", {"policy": {}, "input": {}}, "area_m2 is required"),
        ("property_subsidy", {"policy": {}, "input": {"area_m2": "lots"}}, "must be a number"),
    ],
)
def test_bad_scenarios(rule: str, scenario: Any, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        decide_scenario(rule, scenario)


def test_art278_accepts_objects_and_lists() -> None:
    owners = [
        {"owner": "a", "area": Decimal("90.5"), "vote": "yes"},
        ["b", "80", "yes", False],
        {"owner": "dev", "area": 70, "vote": None, "developer_held": True},
    ]
    decision = decide_scenario("art278", {"policy": {}, "input": {"matter": "use_fund", "owners": owners}})
    assert decision.outcome == "passed"
    assert decision.figures["total_heads"] == 3


def test_decimal_input_from_text_and_float() -> None:
    policy = {"funding.property_subsidy_rate": "0.15", "funding.property_subsidy_months": 36}
    by_text = decide_scenario("property_subsidy", {"policy": policy, "input": {"area_m2": "1000.5"}})
    by_float = decide_scenario("property_subsidy", {"policy": policy, "input": {"area_m2": 1000.5}})
    assert by_text.figures["total_yuan"] == by_float.figures["total_yuan"] == Decimal("5402.70")


def test_decision_lines_show_parameter_threshold_counts_and_source() -> None:
    decision = decide_scenario(
        "consent", {"policy": CONSENT_POLICY, "input": {"agreeing_households": 19, "total_owner_households": 30}}
    )
    text = "\n".join(decision_lines(decision))
    assert "Outcome: rejected" in text
    assert "parameter consent.share_of_all_households = 2/3" in text
    assert "count 19 of 30" in text
    assert "source: scenario" in text


# ---------------------------------------------------------------------------------------------
# Plan rules: the post-2000 cap, plan consistency, the plan optimiser

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


@pytest.mark.parametrize(
    ("rule", "example", "outcome"),
    [
        ("post2000_cap", "post2000_cap.guyuan.json", "rejected"),
        ("plan_consistency", "plan_consistency.guyuan.json", "inconsistent"),
        ("plan_optimise", "plan_optimise.small.json", "optimal"),
    ],
)
def test_plan_examples(rule: str, example: str, outcome: str) -> None:
    decision = decide_scenario(rule, json.loads((EXAMPLES / example).read_text(encoding="utf-8")))
    assert decision.rule == rule and decision.outcome == outcome
    assert decision_lines(decision)


def test_plan_optimise_scenario_reports_exclusions() -> None:
    scenario = json_example("plan_optimise.small.json")
    decision = decide_scenario("plan_optimise", scenario)
    assert decision.figures["selected"] == ["E3", "E4", "P5", "W1", "W2", "Z1"]
    assert decision.figures["objective"] == Decimal(69000)
    assert decision.figures["spreadsheet_objective"] == Decimal(59000)
    assert decision.figures["excluded"]["X7"]["code"] == "ineligible"
    cap = next(r for r in decision.reasons if r.parameter == "eligibility.post2000_household_cap")
    assert cap.source is not None and "seeds/003" in cap.source.reference


def json_example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("rule", "data", "message"),
    [
        ("post2000_cap", {"post2000_households": 5}, "total_households"),
        ("plan_consistency", {"stated": {"buildings": 84, "colour": 1}}, "colour"),
        ("plan_optimise", {"budget": "10", "candidates": []}, "candidates"),
        (
            "plan_optimise",
            {"budget": "0", "candidates": [{"key": "a", "cost": 1, "benefit": 1, "households": 1}]},
            "budget",
        ),
        ("plan_optimise", {"budget": "10", "candidates": [{"key": "a", "cost": 1, "benefit": 1}]}, "households"),
    ],
)
def test_plan_scenario_errors(rule: str, data: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        decide_scenario(rule, {"policy": {"eligibility.post2000_household_cap": "15/100"}, "input": data})


# ---------------------------------------------------------------------------------------------
# Funding rules


@pytest.mark.parametrize(
    ("rule", "example", "outcome"),
    [
        ("property_subsidy", "property_subsidy.jiyuan.json", "allowed"),
        ("cost_share", "cost_share.zhanhe_stairwell_by_floor.json", "shared"),
        ("utility_may_implement", "utility_may_implement.jiyuan_one_third.json", "allowed"),
        ("water_meter_share", "water_meter_share.jiyuan.json", "shared"),
        ("central_repeat", "central_repeat.guyuan.json", "refused"),
        ("district_award", "district_award.zhanhe.json", "awarded"),
        ("earmark", "earmark.central_subsidy_upgrade.json", "refused"),
        ("idle_funds", "idle_funds.alert.json", "alert"),
    ],
)
def test_funding_examples(rule: str, example: str, outcome: str) -> None:
    decision = decide_scenario(rule, json_example(example))
    assert decision.rule == rule and decision.outcome == outcome
    assert decision_lines(decision)
    json.dumps(decision.as_dict())


@pytest.mark.parametrize(
    ("rule", "example", "outcome"),
    [
        ("tender_method", "tender_method.construction_at_threshold.json", "allowed"),
        ("joint_acceptance", "joint_acceptance.guyuan_one_fail.json", "failed"),
    ],
)
def test_project_examples(rule: str, example: str, outcome: str) -> None:
    decision = decide_scenario(rule, json_example(example))
    assert decision.rule == rule and decision.outcome == outcome
    assert decision_lines(decision)
    json.dumps(decision.as_dict())


def test_zhanhe_stairwell_example_figures() -> None:
    decision = decide_scenario("cost_share", json_example("cost_share.zhanhe_stairwell_by_floor.json"))
    shares = decision.figures["shares"]
    assert sum(shares.values()) == Decimal("12000.00")
    assert shares["1-101"] == shares["1-202"] == shares["1-501"] == Decimal("0.00")
    assert shares["1-301"] < shares["1-401"] < shares["1-601"]
    assert decision.as_dict()["figures"]["coefficients"]["3"] == "0.7"


def test_cost_share_scenario_keeps_floor_zero() -> None:
    scenario = {
        "policy": {"funding.floor_coefficients": {"1": "0", "2": "1"}},
        "input": {"total": "10", "method": "floor", "units": [{"key": "a", "floor": 0, "area": "1"}]},
    }
    with pytest.raises(ScenarioError, match="floor"):
        decide_scenario("cost_share", scenario)


@pytest.mark.parametrize(
    ("rule", "data", "message"),
    [
        ("cost_share", {"total": "1", "method": "equal"}, "units is required"),
        ("cost_share", {"total": "1", "method": "equal", "units": [{"area": "1"}]}, "key must be"),
        ("cost_share", {"total": "1", "method": "equal", "units": [{"key": "a", "colour": 1}]}, "colour"),
        ("cost_share", {"total": "x", "method": "equal", "units": [{"key": "a"}]}, "total must be a number"),
        ("cost_share", {"total": "1", "method": "dice", "units": [{"key": "a"}]}, "method must be one of"),
        ("cost_share", {"total": "-1", "method": "equal", "units": [{"key": "a"}]}, "negative"),
        ("cost_share", {"total": "1", "method": "single", "units": [{"key": "a"}], "payer": 3}, "payer"),
        ("utility_may_implement", {"utility_share": "1"}, "total is required"),
        ("water_meter_share", {}, "cost is required"),
        ("central_repeat", {"estate_funded_year": 2020}, "applying_year is required"),
        ("district_award", {"out_of_scope": "1"}, "street_borne is required"),
        ("earmark", {"source_kind": "central_subsidy", "item_class": 3}, "item_class must be text"),
        ("idle_funds", {"received_on": "1 March"}, "date YYYY-MM-DD"),
    ],
)
def test_funding_scenario_errors(rule: str, data: dict[str, Any], message: str) -> None:
    policy = {
        "funding.utility_may_implement_share": "1/3",
        "funding.water_meter_utility_share": "1/3",
        "funding.district_award_rate": "1/10",
        "funding.idle_funds_days": 30,
    }
    with pytest.raises(ScenarioError, match=message):
        decide_scenario(rule, {"policy": policy, "input": data})
