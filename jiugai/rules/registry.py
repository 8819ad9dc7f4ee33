"""Rules by name, each runnable from a JSON scenario (used by `jiugai decide RULE --input FILE.json`).

A scenario is a JSON object:

    {"policy": {"consent.share_of_all_households": "2/3"}, "input": {...}}          # inline parameters
    {"policy": {"consent.share_of_all_households": {"value": "2/3", "source_title": "...",
                "source_reference": "...", "source_url": "..."}}, "input": {...}}  # … with their sources
    {"jurisdiction": "411000", "date": "2024-05-01", "input": {...}}               # a jurisdiction's profile

(`"policy": {"jurisdiction": "...", "date": "..."}` is accepted too.) This module stays pure: reading a
jurisdiction's profile from the database is the caller's job, passed in as `load_policy`.

To add a rule: write `<rule>.py` with a `<rule>_decide(...)` function, an adapter below that turns the
`input` mapping into its arguments, and one line in `RULES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from .acceptance import acceptance_decide
from .art278 import Matter, art278_decide
from .common import param
from .consent import consent_decide
from .cost_share import CARRIERS, METHODS, ShareUnit, cost_share_decide
from .decision import Decision, RuleInputError, Source
from .eligibility import EXCLUSIONS, EstateFacts, eligibility_decide
from .funding import (
    central_repeat_decide,
    district_award_decide,
    earmark_decide,
    idle_funds_decide,
    utility_may_implement_decide,
    water_meter_share_decide,
)
from .params import ParameterError
from .plan_checks import PlanTotals, plan_consistency_decide, post2000_cap_decide
from .plan_optimiser import CAP_KEY, DistrictLimit, PlanCandidate, PlanProblem, plan_optimise
from .policy import Layer, Policy, resolve
from .property_subsidy import property_subsidy_decide
from .tender import CONSTRUCTION_KEY, SERVICES_KEY, tender_method_decide, tender_thresholds

T = TypeVar("T")
PolicyLoader = Callable[[str, dt.date | None], Policy]


class ScenarioError(RuleInputError):
    """A scenario that cannot be run: bad JSON shape, a missing or ill-typed field, an unknown parameter."""


# ---------------------------------------------------------------------------------------------
# Reading fields out of a scenario's "input" mapping


def _fields(data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ScenarioError(f"input: unknown field(s) {', '.join(unknown)}; expected {', '.join(sorted(allowed))}")


def present(value: T | None, name: str) -> T:
    """A required field's value (the readers return None only for optional fields)."""
    if value is None:
        raise ScenarioError(f"input.{name} is required")
    return value


def _get(data: Mapping[str, Any], name: str, required: bool) -> Any:
    if name not in data or data[name] is None:
        if required:
            raise ScenarioError(f"input.{name} is required")
        return None
    return data[name]


def read_int(data: Mapping[str, Any], name: str, *, required: bool = True, minimum: int | None = None) -> int | None:
    raw = _get(data, name, required)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        if isinstance(raw, Decimal) and raw == raw.to_integral_value():
            raw = int(raw)
        else:
            raise ScenarioError(f"input.{name} must be a whole number, not {raw!r}")
    if minimum is not None and raw < minimum:
        raise ScenarioError(f"input.{name} must be at least {minimum}")
    return int(raw)


def read_decimal(data: Mapping[str, Any], name: str, *, required: bool = True) -> Decimal | None:
    """Numbers as JSON numbers or text; floats (from Python callers) go through their shortest text form."""
    raw = _get(data, name, required)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise ScenarioError(f"input.{name} must be a number, not {raw!r}")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ScenarioError(f"input.{name} must be a number, not {raw!r}") from exc
    if not value.is_finite():
        raise ScenarioError(f"input.{name} must be a finite number")
    return value


def read_date(data: Mapping[str, Any], name: str, *, required: bool = True) -> dt.date | None:
    raw = _get(data, name, required)
    if raw is None:
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ScenarioError(f"input.{name} must be a date YYYY-MM-DD, not {raw!r}") from exc


def read_bool(data: Mapping[str, Any], name: str, *, default: bool = False) -> bool:
    raw = data.get(name, default)
    if raw is None:
        return default
    if not isinstance(raw, bool):
        raise ScenarioError(f"input.{name} must be true or false, not {raw!r}")
    return raw


def read_choice(data: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    raw = _get(data, name, True)
    if raw not in choices:
        raise ScenarioError(f"input.{name} must be one of {', '.join(choices)}, not {raw!r}")
    return str(raw)


# ---------------------------------------------------------------------------------------------
# One adapter per rule: the scenario's "input" mapping → the pure rule's arguments


def run_consent(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"agreeing_households", "total_owner_households"})
    agreeing = present(read_int(data, "agreeing_households", minimum=0), "agreeing_households")
    total = present(read_int(data, "total_owner_households", minimum=1), "total_owner_households")
    return consent_decide(agreeing, total, policy)


def run_art278(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"matter", "owners"})
    matter = read_choice(data, "matter", tuple(m.value for m in Matter))
    owners = _get(data, "owners", True)
    if not isinstance(owners, list) or not owners:
        raise ScenarioError("input.owners must be a non-empty list of units")
    units: list[tuple[str, Decimal, str | None, bool]] = []
    for index, unit in enumerate(owners):
        where = f"owners[{index}]"
        if isinstance(unit, list):
            if len(unit) not in (3, 4):
                raise ScenarioError(f"input.{where} must be [owner, area, vote, developer_held]")
            unit = dict(zip(("owner", "area", "vote", "developer_held"), unit, strict=False))
        if not isinstance(unit, Mapping):
            raise ScenarioError(f"input.{where} must be an object with owner, area, vote, developer_held")
        unknown = sorted(set(unit) - {"owner", "area", "vote", "developer_held", "unit"})
        if unknown:
            raise ScenarioError(f"input.{where}: unknown field(s) {', '.join(unknown)}")
        owner = unit.get("owner")
        if not isinstance(owner, str) or not owner.strip():
            raise ScenarioError(f"input.{where}.owner must be a non-empty text")
        area = present(read_decimal(unit, "area"), f"{where}.area")
        vote = unit.get("vote")
        if vote not in (None, "yes", "no", "abstain"):
            raise ScenarioError(f"input.{where}.vote must be yes, no, abstain or null, not {vote!r}")
        developer_held = unit.get("developer_held", False)
        if not isinstance(developer_held, bool):
            raise ScenarioError(f"input.{where}.developer_held must be true or false")
        units.append((owner, area, vote, developer_held))
    return art278_decide(matter, units, policy)


def run_eligibility(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"completed_on", "build_year", "central_funded_year", *EXCLUSIONS})
    facts = EstateFacts(
        completed_on=read_date(data, "completed_on", required=False),
        build_year=read_int(data, "build_year", required=False, minimum=1),
        central_funded_year=read_int(data, "central_funded_year", required=False, minimum=1),
        **{flag: read_bool(data, flag) for flag in EXCLUSIONS},
    )
    if facts.completed_on is None and facts.build_year is None:
        raise ScenarioError("input.completed_on or input.build_year is required")
    return eligibility_decide(facts, policy)


def run_property_subsidy(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"area_m2", "rate", "months"})
    return property_subsidy_decide(
        present(read_decimal(data, "area_m2"), "area_m2"),
        policy,
        rate=read_decimal(data, "rate", required=False),
        months=read_int(data, "months", required=False, minimum=0),
    )


def run_post2000_cap(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"post2000_households", "total_households"})
    return post2000_cap_decide(
        present(read_int(data, "post2000_households", minimum=0), "post2000_households"),
        present(read_int(data, "total_households", minimum=0), "total_households"),
        policy,
    )


_SHARE_UNIT_FIELDS = {"key", "area", "floor", "exempt"}


def run_cost_share(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"total", "method", "units", "exempt_carried_by", "payer"})
    raw = _get(data, "units", True)
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("input.units must be a non-empty list of households")
    units: list[ShareUnit] = []
    for k, item in enumerate(raw):
        where = f"units[{k}]"
        if not isinstance(item, Mapping):
            raise ScenarioError(f"input.{where} must be an object with key, area, floor, exempt")
        unknown = sorted(set(item) - _SHARE_UNIT_FIELDS)
        if unknown:
            raise ScenarioError(f"input.{where}: unknown field(s) {', '.join(unknown)}")
        key = item.get("key")
        if not isinstance(key, str) or not key.strip():
            raise ScenarioError(f"input.{where}.key must be a non-empty text")
        try:
            area = read_decimal(item, "area", required=False)
            floor = read_int(item, "floor", required=False)
            units.append(
                ShareUnit(
                    key=key,
                    area=Decimal(0) if area is None else area,
                    floor=1 if floor is None else floor,
                    exempt=read_bool(item, "exempt"),
                )
            )
        except ScenarioError as exc:
            raise ScenarioError(f"{where}: {exc}") from exc
    payer = data.get("payer")
    if payer is not None and not isinstance(payer, str):
        raise ScenarioError("input.payer must be a unit key (text)")
    return cost_share_decide(
        present(read_decimal(data, "total"), "total"),
        units,
        method=read_choice(data, "method", METHODS),
        policy=policy,
        exempt_carried_by=read_choice(data, "exempt_carried_by", CARRIERS)
        if data.get("exempt_carried_by") is not None
        else "others",
        payer=payer,
    )


def run_utility_may_implement(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"utility_share", "total"})
    return utility_may_implement_decide(
        present(read_decimal(data, "utility_share"), "utility_share"),
        present(read_decimal(data, "total"), "total"),
        policy,
    )


def run_water_meter_share(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"cost"})
    return water_meter_share_decide(present(read_decimal(data, "cost"), "cost"), policy)


def run_central_repeat(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"estate_funded_year", "programme", "applying_year"})
    programme = data.get("programme") or ""
    if not isinstance(programme, str):
        raise ScenarioError("input.programme must be text")
    return central_repeat_decide(
        estate_funded_year=read_int(data, "estate_funded_year", required=False),
        programme=programme,
        applying_year=present(read_int(data, "applying_year"), "applying_year"),
        policy=policy,
    )


def run_district_award(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"street_borne", "out_of_scope"})
    return district_award_decide(
        present(read_decimal(data, "street_borne"), "street_borne"),
        read_decimal(data, "out_of_scope", required=False) or Decimal(0),
        policy,
    )


def run_earmark(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"source_kind", "item_class"})
    for name in ("source_kind", "item_class"):
        if not isinstance(_get(data, name, True), str):
            raise ScenarioError(f"input.{name} must be text")
    return earmark_decide(str(data["source_kind"]), str(data["item_class"]))


def run_idle_funds(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"received_on", "paid_on", "today"})
    return idle_funds_decide(
        present(read_date(data, "received_on"), "received_on"),
        read_date(data, "paid_on", required=False),
        read_date(data, "today", required=False) or dt.date.today(),
        policy,
    )


_TOTALS_FIELDS = {"name", "projects", "estates", "buildings", "households", "area", "investment"}
_FUNDING_FIELDS = {"central_subsidy", "local_match"}


def _plan_totals(data: Any, where: str) -> PlanTotals:
    if not isinstance(data, Mapping):
        raise ScenarioError(f"input.{where} must be an object")
    unknown = sorted(set(data) - _TOTALS_FIELDS - _FUNDING_FIELDS)
    if unknown:
        raise ScenarioError(f"input.{where}: unknown field(s) {', '.join(unknown)}")
    try:
        return PlanTotals(
            name=str(data.get("name") or ""),
            projects=read_int(data, "projects", required=False, minimum=0),
            estates=read_int(data, "estates", required=False, minimum=0),
            buildings=read_int(data, "buildings", required=False, minimum=0),
            households=read_int(data, "households", required=False, minimum=0),
            area=read_decimal(data, "area", required=False),
            investment=read_decimal(data, "investment", required=False),
            central_subsidy=read_decimal(data, "central_subsidy", required=False),
            local_match=read_decimal(data, "local_match", required=False),
        )
    except ScenarioError as exc:
        raise ScenarioError(f"{where}: {exc}") from exc


def run_plan_consistency(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(data, {"stated", "parts"})
    parts = data.get("parts") or []
    if not isinstance(parts, list):
        raise ScenarioError("input.parts must be a list of objects")
    return plan_consistency_decide(
        _plan_totals(_get(data, "stated", True), "stated"),
        [_plan_totals(part, f"parts[{k}]") for k, part in enumerate(parts)],
    )


_CANDIDATE_FIELDS = {
    "key",
    "cost",
    "benefit",
    "households",
    "post2000",
    "district",
    "eligible",
    "source_costs",
    "label",
}
_LIMIT_FIELDS = ("min_count", "max_count", "min_money", "max_money")


def _money_map(data: Any, where: str) -> dict[str, Decimal]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ScenarioError(f"input.{where} must be an object of amounts")
    return {str(k): present(read_decimal(data, k), f"{where}.{k}") for k in data}


def _key_list(data: Mapping[str, Any], name: str) -> frozenset[str]:
    raw = data.get(name) or []
    if not isinstance(raw, list) or not all(isinstance(k, str) for k in raw):
        raise ScenarioError(f"input.{name} must be a list of estate keys")
    return frozenset(raw)


def run_plan_optimise(data: Mapping[str, Any], policy: Policy) -> Decision:
    _fields(
        data,
        {
            "budget",
            "candidates",
            "source_budgets",
            "district_limits",
            "bundles",
            "must_include",
            "must_exclude",
            "time_limit_s",
            "explain",
        },
    )
    raw = _get(data, "candidates", True)
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("input.candidates must be a non-empty list of estates")
    candidates: list[PlanCandidate] = []
    for k, item in enumerate(raw):
        where = f"candidates[{k}]"
        if not isinstance(item, Mapping):
            raise ScenarioError(f"input.{where} must be an object")
        unknown = sorted(set(item) - _CANDIDATE_FIELDS)
        if unknown:
            raise ScenarioError(f"input.{where}: unknown field(s) {', '.join(unknown)}")
        key = item.get("key")
        if not isinstance(key, str) or not key.strip():
            raise ScenarioError(f"input.{where}.key must be a non-empty text")
        candidates.append(
            PlanCandidate(
                key=key,
                cost=present(read_decimal(item, "cost"), f"{where}.cost"),
                benefit=present(read_decimal(item, "benefit"), f"{where}.benefit"),
                households=present(read_int(item, "households", minimum=0), f"{where}.households"),
                post2000=read_bool(item, "post2000"),
                district=str(item.get("district") or ""),
                eligible=read_bool(item, "eligible", default=True),
                source_costs=_money_map(item.get("source_costs"), f"{where}.source_costs"),
                label=str(item.get("label") or ""),
            )
        )
    limits: dict[str, DistrictLimit] = {}
    raw_limits = data.get("district_limits") or {}
    if not isinstance(raw_limits, Mapping):
        raise ScenarioError("input.district_limits must be an object: district -> limits")
    for district, limit in raw_limits.items():
        if not isinstance(limit, Mapping) or set(limit) - set(_LIMIT_FIELDS):
            raise ScenarioError(f"input.district_limits.{district} must be an object of {', '.join(_LIMIT_FIELDS)}")
        limits[str(district)] = DistrictLimit(
            min_count=read_int(limit, "min_count", required=False, minimum=0),
            max_count=read_int(limit, "max_count", required=False, minimum=0),
            min_money=read_decimal(limit, "min_money", required=False),
            max_money=read_decimal(limit, "max_money", required=False),
        )
    raw_bundles = data.get("bundles") or {}
    if not isinstance(raw_bundles, Mapping):
        raise ScenarioError("input.bundles must be an object: bundle -> list of estate keys")
    bundles = {str(b): _key_list(raw_bundles, b) for b in raw_bundles}
    cap = param(policy, CAP_KEY) if CAP_KEY in policy else None
    time_limit = read_decimal(data, "time_limit_s", required=False)
    problem = PlanProblem(
        candidates=candidates,
        budget=present(read_decimal(data, "budget"), "budget"),
        source_budgets=_money_map(data.get("source_budgets"), "source_budgets"),
        post2000_cap=cap.value if cap is not None else None,
        post2000_cap_source=cap.source if cap is not None else None,
        district_limits=limits,
        bundles=bundles,
        must_include=_key_list(data, "must_include"),
        must_exclude=_key_list(data, "must_exclude"),
        time_limit_s=float(time_limit) if time_limit is not None else 10.0,
    )
    result = plan_optimise(problem, explain=read_bool(data, "explain", default=True))
    figures = dict(result.decision.figures)
    figures["spreadsheet_selected"] = list(result.spreadsheet_selected)
    if result.exclusions:
        figures["excluded"] = {
            key: {"code": e.code, "why": e.message, "bring_in": e.bring_in}
            for key, e in sorted(result.exclusions.items())
        }
    return replace(result.decision, figures=figures)


def run_tender_method(data: Mapping[str, Any], policy: Policy) -> Decision:
    """{"kind": "construction"|"design"|"supervision", "estimated_amount": …, "requested"?, "invited_reason"?}"""
    _fields(data, {"kind", "estimated_amount", "requested", "invited_reason"})
    thresholds = tender_thresholds(policy)
    return tender_method_decide(
        str(data.get("kind") or ""),
        present(read_decimal(data, "estimated_amount"), "estimated_amount"),
        construction_threshold=thresholds[CONSTRUCTION_KEY],
        services_threshold=thresholds[SERVICES_KEY],
        requested=str(data.get("requested") or ""),
        invited_reason=str(data.get("invited_reason") or ""),
    )


def run_acceptance(data: Mapping[str, Any], policy: Policy) -> Decision:
    """{"required_parties": ["owner_unit", …], "signatures": {"owner_unit": "pass", …}}"""
    _fields(data, {"required_parties", "signatures"})
    signatures = data.get("signatures") or {}
    if not isinstance(signatures, Mapping):
        raise ScenarioError("input.signatures must be an object: party -> pass|fail")
    return acceptance_decide(_key_list(data, "required_parties"), {str(k): str(v) for k, v in signatures.items()})


# ---------------------------------------------------------------------------------------------


def scenario_policy(scenario: Mapping[str, Any], load_policy: PolicyLoader | None = None) -> Policy:
    """The policy a scenario names: inline values, or a jurisdiction's profile on a date."""
    inline = scenario.get("policy")
    if inline is not None and not isinstance(inline, Mapping):
        raise ScenarioError("policy must be an object of parameter values")
    where: Mapping[str, Any] = scenario
    if inline is not None and "jurisdiction" in inline:
        where, inline = inline, None
    raw_date = where.get("date")
    on: dt.date | None = None
    if raw_date is not None:
        try:
            on = dt.date.fromisoformat(str(raw_date))
        except ValueError as exc:
            raise ScenarioError(f"date must be YYYY-MM-DD, not {raw_date!r}") from exc
    code = where.get("jurisdiction")
    if code is not None:
        if inline is not None:
            raise ScenarioError("give either policy values or a jurisdiction, not both")
        if not isinstance(code, str) or not code.strip():
            raise ScenarioError("jurisdiction must be a jurisdiction code (text)")
        if load_policy is None:
            raise ScenarioError("this scenario names a jurisdiction; its policy can only be read from the database")
        return load_policy(code.strip(), on)
    if inline is None:
        raise ScenarioError('give "policy" (parameter values) or "jurisdiction" and "date"')
    day = on or dt.date.today()
    values: dict[str, tuple[Any, Source]] = {}
    for key, entry in inline.items():
        if isinstance(entry, Mapping) and "value" in entry:
            # {"value": "2/3", "source_title": "...", "source_reference": "...", "source_url": "..."}
            unknown = sorted(set(entry) - {"value", "source_title", "source_reference", "source_url"})
            if unknown:
                raise ScenarioError(f"policy.{key}: unknown field(s) {', '.join(unknown)}")
            source = Source(
                title=str(entry.get("source_title", "")) or "scenario",
                reference=str(entry.get("source_reference", "")),
                url=str(entry.get("source_url", "")),
            )
            values[str(key)] = (entry["value"], source)
        else:
            values[str(key)] = (entry, Source(title="scenario"))
    try:
        return resolve([Layer("scenario", "scenario", 0, day, values)], code="scenario", on=day)
    except ParameterError as exc:
        raise ScenarioError(f"policy.{exc.key}: {exc.message}") from exc


@dataclass(frozen=True)
class Rule:
    """A rule runnable from a scenario: `RULES[name](scenario)` returns its Decision."""

    name: str
    summary: str
    run: Callable[[Mapping[str, Any], Policy], Decision]

    def __call__(self, scenario: Mapping[str, Any], *, load_policy: PolicyLoader | None = None) -> Decision:
        if not isinstance(scenario, Mapping):
            raise ScenarioError("the scenario must be a JSON object")
        unknown = sorted(set(scenario) - {"policy", "jurisdiction", "date", "input", "description"})
        if unknown:
            raise ScenarioError(f"unknown scenario field(s): {', '.join(unknown)}")
        data = scenario.get("input")
        if not isinstance(data, Mapping):
            raise ScenarioError('"input" must be an object')
        policy = scenario_policy(scenario, load_policy)
        try:
            return self.run(data, policy)
        except ScenarioError:
            raise
        except RuleInputError as exc:
            raise ScenarioError(f"input: {exc}") from exc
        except ParameterError as exc:
            raise ScenarioError(f"policy: {exc.message}") from exc


RULES: dict[str, Rule] = {
    "consent": Rule("consent", "Residents' consent share of all owner households (Xuchang)", run_consent),
    "art278": Rule("art278", "Owners' joint decision under Civil Code Art. 278", run_art278),
    "eligibility": Rule("eligibility", "Whether an estate qualifies for renovation", run_eligibility),
    "property_subsidy": Rule("property_subsidy", "Property-service subsidy after renovation", run_property_subsidy),
    "cost_share": Rule(
        "cost_share", "A cost shared among households: single, equal, by area or tiered by floor", run_cost_share
    ),
    "utility_may_implement": Rule(
        "utility_may_implement",
        "Whether a utility paying its share may run the works (Jiyuan 1/3)",
        run_utility_may_implement,
    ),
    "water_meter_share": Rule(
        "water_meter_share",
        "The water company's share of one-meter-per-household works (Jiyuan 1/3)",
        run_water_meter_share,
    ),
    "central_repeat": Rule(
        "central_repeat", "No second central application for the same estate (Guyuan)", run_central_repeat
    ),
    "district_award": Rule(
        "district_award", "District award on the street-borne remainder (Zhanhe)", run_district_award
    ),
    "earmark": Rule("earmark", "Which classes of works central money may pay for", run_earmark),
    "idle_funds": Rule("idle_funds", "Money received but not paid out in time", run_idle_funds),
    "post2000_cap": Rule(
        "post2000_cap", "Post-2000 estates' share of a plan's households (Guyuan 15 %)", run_post2000_cap
    ),
    "plan_consistency": Rule(
        "plan_consistency", "A plan's stated totals against its parts and its funding split", run_plan_consistency
    ),
    "plan_optimise": Rule(
        "plan_optimise", "The annual plan with the most benefit within the budget and every limit", run_plan_optimise
    ),
    "tender_method": Rule(
        "tender_method",
        "Whether a contract must be tendered or may be awarded directly (NDRC Order 16)",
        run_tender_method,
    ),
    "joint_acceptance": Rule(
        "joint_acceptance",
        "Joint acceptance: passed when every required party signs pass (Zhanhe, Guyuan)",
        run_acceptance,
    ),
}


def decide_scenario(rule: str, scenario: Mapping[str, Any], *, load_policy: PolicyLoader | None = None) -> Decision:
    """Run the named rule on a scenario; unknown rule names raise ScenarioError."""
    try:
        entry = RULES[rule]
    except KeyError as exc:
        raise ScenarioError(f"unknown rule '{rule}'; known rules: {', '.join(sorted(RULES))}") from exc
    return entry(scenario, load_policy=load_policy)
