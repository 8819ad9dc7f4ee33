"""Data-quality checks of an estate inventory: impossible values, totals that must reconcile, missing facts.

Why these checks: plans and inventories state totals that must agree with the figures they are made of.
The Guyuan 2022 draft plan (seeds/003_54d0b71b4a1e2a82.txt, §三(二)) states 84 buildings for the city
while its three per-area figures add up to 35 + 29 + 17 = 81; a check must catch such a mismatch wherever
a stated total meets a computed one. The facts checked are those the estate survey (摸底调查) collects
under the national guidance 国办发〔2020〕23号 (build year, buildings, households, housing area).

Every check returns a `Decision` (outcome "clean", "warnings" or "errors") whose reasons are the issues
found, each naming the fact, its value and what it was compared with. The severity of each issue code is
in `SEVERITY`; its category ("impossible", "mismatch", "missing") in `CATEGORY`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .common import show
from .decision import Decision, Reason, Source
from .i18n import _, gettext_noop

RULE = "data_quality"
PLAN_RULE = "plan_totals"

GUYUAN_PLAN = Source(title="Guyuan draft 2022 implementation plan", reference="seeds/003_54d0b71b4a1e2a82.txt")
SURVEY_GUIDANCE = Source(title="State Council General Office guidance 国办发〔2020〕23号")

# Areas are measured and rounded by different people: totals within this share of each other agree.
AREA_TOLERANCE = Decimal("0.01")
# The earliest plausible build year of an estate still standing and inventoried.
EARLIEST_BUILD_YEAR = 1900

ERROR = "error"
WARNING = "warning"

SEVERITY: dict[str, str] = {
    "total_area_not_positive": ERROR,
    "stated_households_not_positive": ERROR,
    "stated_buildings_not_positive": ERROR,
    "build_year_in_future": ERROR,
    "build_year_implausible": ERROR,
    "completed_in_future": ERROR,
    "completion_year_differs": WARNING,
    "building_floors_not_positive": ERROR,
    "building_area_not_positive": ERROR,
    "building_stairwells_not_positive": ERROR,
    "building_build_year_in_future": ERROR,
    "building_households_exceed_units": ERROR,
    "household_floor_above_building": ERROR,
    "buildings_mismatch": WARNING,
    "households_mismatch": WARNING,
    "area_mismatch": WARNING,
    "registered_households_mismatch": WARNING,
    "estates_mismatch": WARNING,
    "missing_completion": ERROR,
    "missing_total_area": WARNING,
    "missing_stated_households": WARNING,
    "missing_stated_buildings": WARNING,
    "missing_buildings": WARNING,
    "missing_address": WARNING,
    "missing_location": WARNING,
}

CATEGORY: dict[str, str] = {
    code: (
        "missing"
        if code.startswith("missing_")
        else "mismatch"
        if code.endswith("_mismatch") or code == "completion_year_differs"
        else "impossible"
    )
    for code in SEVERITY
}


@dataclass(frozen=True)
class BuildingQualityFacts:
    """What the checks need about one building; `units` and `highest_floor` come from its household register."""

    number: str
    floors: int | None = None
    stairwells: int | None = None
    area: Decimal | None = None
    stated_households: int | None = None
    build_year: int | None = None
    units: int = 0
    highest_floor: int | None = None


@dataclass(frozen=True)
class EstateQualityFacts:
    """What the checks need about one estate: its stated figures and its buildings."""

    code: str = ""
    build_year: int | None = None
    completed_on: dt.date | None = None
    total_area: Decimal | None = None
    stated_households: int | None = None
    stated_buildings: int | None = None
    address: str = ""
    has_location: bool = True
    buildings: tuple[BuildingQualityFacts, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Totals:
    """Totals of a plan, an area or an estate: stated in a document or computed from their parts."""

    estates: int | None = None
    buildings: int | None = None
    households: int | None = None
    area: Decimal | None = None

    def __add__(self, other: Totals) -> Totals:
        def add(a: Any, b: Any) -> Any:
            return None if a is None and b is None else (a or 0) + (b or 0)

        return Totals(
            estates=add(self.estates, other.estates),
            buildings=add(self.buildings, other.buildings),
            households=add(self.households, other.households),
            area=add(self.area, other.area),
        )


def totals_sum(parts: Iterable[Totals]) -> Totals:
    """The sum of totals; a figure no part states stays None."""
    result = Totals()
    for part in parts:
        result = result + part
    return result


def _issue(code: str, message: str, *, fact: str = "", value: Any = None, expected: Any = None) -> Reason:
    return Reason(code=code, message=message, value=value, threshold=expected, fact=fact, source=SURVEY_GUIDANCE)


def _outcome(reasons: Sequence[Reason]) -> str:
    severities = {SEVERITY.get(r.code, WARNING) for r in reasons}
    if ERROR in severities:
        return "errors"
    return "warnings" if severities else "clean"


def area_agrees(stated: Decimal, computed: Decimal) -> bool:
    """Whether two areas agree within AREA_TOLERANCE of the stated one (exact Decimal arithmetic)."""
    return abs(stated - computed) <= abs(stated) * AREA_TOLERANCE


# Building facts that must be positive: (fact, reason code, message with the fact as placeholder).
_BUILDING_NOT_POSITIVE = (
    ("floors", "building_floors_not_positive", gettext_noop("building %(building)s: %(floors)s floors")),
    (
        "stairwells",
        "building_stairwells_not_positive",
        gettext_noop("building %(building)s: %(stairwells)s stairwells"),
    ),
    ("area", "building_area_not_positive", gettext_noop("building %(building)s: area %(area)s m²")),
)


def _building_issues(b: BuildingQualityFacts, today: dt.date) -> list[Reason]:
    issues: list[Reason] = []
    label = {"building": b.number}
    for fact, code, message in _BUILDING_NOT_POSITIVE:
        value = getattr(b, fact)
        if value is not None and value <= 0:
            issues.append(_issue(code, _(message) % {**label, fact: value}, fact=fact, value=value))
    if b.build_year is not None and b.build_year > today.year:
        issues.append(
            _issue(
                "building_build_year_in_future",
                _("building %(building)s: built in %(year)s, after %(current_year)s")
                % {**label, "year": b.build_year, "current_year": today.year},
                fact="build_year",
                value=b.build_year,
                expected=today.year,
            )
        )
    if b.stated_households is not None and b.units and b.stated_households > b.units:
        issues.append(
            _issue(
                "building_households_exceed_units",
                _("building %(building)s: %(stated)s households stated but only %(units)s dwelling units registered")
                % {**label, "stated": b.stated_households, "units": b.units},
                fact="stated_households",
                value=b.stated_households,
                expected=b.units,
            )
        )
    if b.highest_floor is not None and b.floors is not None and b.floors > 0 and b.highest_floor > b.floors:
        issues.append(
            _issue(
                "household_floor_above_building",
                _("building %(building)s: a household on floor %(floor)s of a %(floors)s-floor building")
                % {**label, "floor": b.highest_floor, "floors": b.floors},
                fact="floor",
                value=b.highest_floor,
                expected=b.floors,
            )
        )
    return issues


def estate_quality_decide(facts: EstateQualityFacts, *, today: dt.date) -> Decision:
    """Check one estate's figures; `today` bounds build years and completion dates (no clock inside a rule)."""
    issues: list[Reason] = []

    # Impossible values
    if facts.total_area is not None and facts.total_area <= 0:
        issues.append(
            _issue(
                "total_area_not_positive",
                _("housing area %(area)s m² is not positive") % {"area": facts.total_area},
                fact="total_area",
                value=facts.total_area,
            )
        )
    if facts.stated_households is not None and facts.stated_households <= 0:
        issues.append(
            _issue(
                "stated_households_not_positive",
                _("%(stated)s households stated") % {"stated": facts.stated_households},
                fact="stated_households",
                value=facts.stated_households,
            )
        )
    if facts.stated_buildings is not None and facts.stated_buildings <= 0:
        issues.append(
            _issue(
                "stated_buildings_not_positive",
                _("%(stated)s buildings stated") % {"stated": facts.stated_buildings},
                fact="stated_buildings",
                value=facts.stated_buildings,
            )
        )
    if facts.build_year is not None:
        if facts.build_year > today.year:
            issues.append(
                _issue(
                    "build_year_in_future",
                    _("built in %(year)s, after the current year %(current_year)s")
                    % {"year": facts.build_year, "current_year": today.year},
                    fact="build_year",
                    value=facts.build_year,
                    expected=today.year,
                )
            )
        elif facts.build_year < EARLIEST_BUILD_YEAR:
            issues.append(
                _issue(
                    "build_year_implausible",
                    _("built in %(year)s, before %(earliest)s")
                    % {"year": facts.build_year, "earliest": EARLIEST_BUILD_YEAR},
                    fact="build_year",
                    value=facts.build_year,
                    expected=EARLIEST_BUILD_YEAR,
                )
            )
    if facts.completed_on is not None:
        if facts.completed_on > today:
            issues.append(
                _issue(
                    "completed_in_future",
                    _("completed %(date)s, after %(today)s")
                    % {"date": facts.completed_on.isoformat(), "today": today.isoformat()},
                    fact="completed_on",
                    value=facts.completed_on,
                    expected=today,
                )
            )
        if facts.build_year is not None and facts.completed_on.year != facts.build_year:
            issues.append(
                _issue(
                    "completion_year_differs",
                    _("build year %(year)s but completed %(date)s")
                    % {"year": facts.build_year, "date": facts.completed_on.isoformat()},
                    fact="completed_on",
                    value=facts.completed_on,
                    expected=facts.build_year,
                )
            )
    for building in facts.buildings:
        issues.extend(_building_issues(building, today))

    # Stated totals against the buildings they are made of
    if facts.buildings:
        if facts.stated_buildings is not None and facts.stated_buildings > 0:
            if facts.stated_buildings != len(facts.buildings):
                issues.append(
                    _issue(
                        "buildings_mismatch",
                        _("%(stated)s buildings stated, %(recorded)s recorded")
                        % {"stated": facts.stated_buildings, "recorded": len(facts.buildings)},
                        fact="stated_buildings",
                        value=len(facts.buildings),
                        expected=facts.stated_buildings,
                    )
                )
        stated_per_building = [b.stated_households for b in facts.buildings]
        if facts.stated_households is not None and all(h is not None for h in stated_per_building):
            computed = sum(h for h in stated_per_building if h is not None)
            if computed != facts.stated_households:
                issues.append(
                    _issue(
                        "households_mismatch",
                        _("%(stated)s households stated, the buildings add up to %(computed)s")
                        % {"stated": facts.stated_households, "computed": computed},
                        fact="stated_households",
                        value=computed,
                        expected=facts.stated_households,
                    )
                )
        registered = sum(b.units for b in facts.buildings)
        if facts.stated_households is not None and registered and registered != facts.stated_households:
            issues.append(
                _issue(
                    "registered_households_mismatch",
                    _("%(stated)s households stated, %(registered)s registered")
                    % {"stated": facts.stated_households, "registered": registered},
                    fact="stated_households",
                    value=registered,
                    expected=facts.stated_households,
                )
            )
        areas = [b.area for b in facts.buildings]
        if facts.total_area is not None and facts.total_area > 0 and all(a is not None for a in areas):
            computed_area = sum((a for a in areas if a is not None), Decimal(0))
            if not area_agrees(facts.total_area, computed_area):
                issues.append(
                    _issue(
                        "area_mismatch",
                        _("housing area %(stated)s m² stated, the buildings add up to %(computed)s m²")
                        % {"stated": facts.total_area, "computed": computed_area},
                        fact="total_area",
                        value=computed_area,
                        expected=facts.total_area,
                    )
                )

    # Missing facts
    if facts.build_year is None and facts.completed_on is None:
        issues.append(_issue("missing_completion", _("neither a build year nor a completion date"), fact="build_year"))
    if facts.total_area is None:
        issues.append(_issue("missing_total_area", _("no housing area"), fact="total_area"))
    if facts.stated_households is None:
        issues.append(_issue("missing_stated_households", _("no number of households"), fact="stated_households"))
    if facts.stated_buildings is None:
        issues.append(_issue("missing_stated_buildings", _("no number of buildings"), fact="stated_buildings"))
    if not facts.buildings:
        issues.append(_issue("missing_buildings", _("no buildings recorded"), fact="buildings"))
    if not facts.address.strip():
        issues.append(_issue("missing_address", _("no address"), fact="address"))
    if not facts.has_location:
        issues.append(_issue("missing_location", _("no map location"), fact="latitude"))

    errors = sum(1 for r in issues if SEVERITY.get(r.code) == ERROR)
    return Decision(
        rule=RULE,
        outcome=_outcome(issues),
        reasons=tuple(issues),
        figures={"errors": errors, "warnings": len(issues) - errors},
    )


RECONCILE_MESSAGES: dict[tuple[str, bool], str] = {
    ("estates", True): gettext_noop(
        "%(subject)s: %(stated)s estates stated, %(computed_from)s agree (%(computed)s estates)"
    ),
    ("estates", False): gettext_noop(
        "%(subject)s: %(stated)s estates stated, %(computed_from)s add up to %(computed)s estates"
    ),
    ("buildings", True): gettext_noop(
        "%(subject)s: %(stated)s buildings stated, %(computed_from)s agree (%(computed)s buildings)"
    ),
    ("buildings", False): gettext_noop(
        "%(subject)s: %(stated)s buildings stated, %(computed_from)s add up to %(computed)s buildings"
    ),
    ("households", True): gettext_noop(
        "%(subject)s: %(stated)s households stated, %(computed_from)s agree (%(computed)s households)"
    ),
    ("households", False): gettext_noop(
        "%(subject)s: %(stated)s households stated, %(computed_from)s add up to %(computed)s households"
    ),
    ("area", True): gettext_noop("%(subject)s: %(stated)s m² stated, %(computed_from)s agree (%(computed)s m²)"),
    ("area", False): gettext_noop("%(subject)s: %(stated)s m² stated, %(computed_from)s add up to %(computed)s m²"),
}


def totals_reconcile(
    stated: Totals,
    computed: Totals,
    *,
    subject: str,
    computed_from: str,
    source: Source | None = None,
) -> Decision:
    """Compare totals a document states with the totals computed from their parts (Guyuan 84 vs 81).

    Counts must be equal; areas agree within AREA_TOLERANCE. A figure missing on either side is not
    compared. Outcome "consistent" or "mismatch"; one reason per figure compared.
    """
    reasons: list[Reason] = []
    mismatched = 0
    for name in ("estates", "buildings", "households", "area"):
        said, made = getattr(stated, name), getattr(computed, name)
        if said is None or made is None:
            continue
        agrees = area_agrees(Decimal(said), Decimal(made)) if name == "area" else said == made
        if not agrees:
            mismatched += 1
        reasons.append(
            Reason(
                code=f"{name}_{'consistent' if agrees else 'mismatch'}",
                message=_(RECONCILE_MESSAGES[name, agrees])
                % {"subject": subject, "stated": show(said), "computed_from": computed_from, "computed": show(made)},
                fact=name,
                value=made,
                threshold=said,
                source=source,
            )
        )
    return Decision(
        rule=PLAN_RULE,
        outcome="mismatch" if mismatched else "consistent",
        reasons=tuple(reasons),
        figures={"subject": subject, "mismatches": mismatched},
    )
