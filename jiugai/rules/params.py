"""Policy parameters: the catalogue of every configurable number, its type, range and unit.

Values are stored as JSON-safe canonical text ("2/3", "0.15", "2022-03-15", true, 36) and parsed
here into exact Python values (Fraction, Decimal, date). Parsing never guesses: a bad value raises
`ParameterError` with a message key the interface layer translates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from .i18n import _


class ParameterError(ValueError):
    """A parameter value that does not fit its specification."""

    def __init__(self, key: str, code: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ParameterSpec:
    """One configurable parameter."""

    key: str
    kind: str  # fraction | decimal | int | bool | date | choice | text | floor_table | weekday
    label: str
    unit: str = ""
    minimum: Any = None
    maximum: Any = None
    choices: tuple[str, ...] = ()
    group: str = ""


_FRACTION_RE = re.compile(r"^\s*(-?\d+)\s*/\s*(-?\d+)\s*$")


def parse_fraction(key: str, raw: Any) -> Fraction:
    """'2/3' → Fraction(2, 3); '0.15' → Fraction(3, 20). Floats are refused (they are not exact)."""
    if isinstance(raw, bool) or isinstance(raw, float):
        raise ParameterError(key, "not_exact", "write fractions as text such as '2/3' or '0.15', not as a float")
    if isinstance(raw, int):
        return Fraction(raw)
    if isinstance(raw, Fraction):
        return raw
    text = str(raw).strip()
    match = _FRACTION_RE.match(text)
    if match:
        num, den = int(match.group(1)), int(match.group(2))
        if den == 0:
            raise ParameterError(key, "zero_denominator", _("a fraction cannot have a zero denominator"))
        return Fraction(num, den)
    try:
        return Fraction(Decimal(text))
    except (InvalidOperation, ValueError) as exc:
        raise ParameterError(key, "not_a_fraction", _("'%(value)s' is not a fraction") % {"value": text}) from exc


def parse_decimal(key: str, raw: Any) -> Decimal:
    if isinstance(raw, (bool, float)):
        raise ParameterError(key, "not_exact", _("write decimal amounts as text such as '0.15', not as a float"))
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ParameterError(key, "not_a_number", _("'%(value)s' is not a number") % {"value": raw}) from exc
    if not value.is_finite():
        raise ParameterError(key, "not_a_number", _("'%(value)s' is not a finite number") % {"value": raw})
    return value


def parse_value(spec: ParameterSpec, raw: Any) -> Any:
    """Parse and validate one raw value against its spec."""
    key = spec.key
    value: Any
    if spec.kind == "fraction":
        value = parse_fraction(key, raw)
    elif spec.kind == "decimal":
        value = parse_decimal(key, raw)
    elif spec.kind in {"int", "weekday"}:
        if isinstance(raw, bool) or not (isinstance(raw, int) or str(raw).strip().lstrip("-").isdigit()):
            raise ParameterError(key, "not_an_integer", _("'%(value)s' is not a whole number") % {"value": raw})
        value = int(raw)
        if spec.kind == "weekday" and not 1 <= value <= 7:
            raise ParameterError(key, "out_of_range", _("a weekday is 1 (Monday) to 7 (Sunday)"))
    elif spec.kind == "bool":
        if isinstance(raw, bool):
            value = raw
        elif str(raw).strip().lower() in {"true", "1", "yes"}:
            value = True
        elif str(raw).strip().lower() in {"false", "0", "no"}:
            value = False
        else:
            raise ParameterError(key, "not_a_boolean", _("'%(value)s' is not true or false") % {"value": raw})
    elif spec.kind == "date":
        try:
            value = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw).strip())
        except ValueError as exc:
            raise ParameterError(
                key, "not_a_date", _("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": raw}
            ) from exc
    elif spec.kind == "choice":
        value = str(raw)
        if value not in spec.choices:
            raise ParameterError(
                key,
                "not_a_choice",
                _("'%(value)s' is not one of %(choices)s") % {"value": raw, "choices": ", ".join(spec.choices)},
            )
    elif spec.kind == "text":
        value = str(raw)
    elif spec.kind == "floor_table":
        if not isinstance(raw, Mapping) or not raw:
            raise ParameterError(key, "not_a_table", _("give a table of floor → coefficient"))
        table: dict[int, Decimal] = {}
        for floor, coefficient in raw.items():
            if not str(floor).strip().isdigit() or int(floor) < 1:
                raise ParameterError(key, "bad_floor", _("'%(value)s' is not a floor number") % {"value": floor})
            table[int(floor)] = parse_decimal(key, coefficient)
            if table[int(floor)] < 0:
                raise ParameterError(key, "negative", _("coefficients cannot be negative"))
        floors = sorted(table)
        missing = sorted(set(range(floors[0], floors[-1] + 1)) - set(floors))
        if missing:
            raise ParameterError(
                key, "missing_floor", _("floors %(floors)s are missing from the table") % {"floors": missing}
            )
        value = table
    else:  # pragma: no cover - the catalogue only uses the kinds above
        raise ParameterError(key, "unknown_kind", spec.kind)
    if spec.minimum is not None and value < spec.minimum:
        raise ParameterError(
            key,
            "below_minimum",
            _("%(value)s is below the minimum %(minimum)s") % {"value": raw, "minimum": spec.minimum},
        )
    if spec.maximum is not None and value > spec.maximum:
        raise ParameterError(
            key,
            "above_maximum",
            _("%(value)s is above the maximum %(maximum)s") % {"value": raw, "maximum": spec.maximum},
        )
    return value


def canonical(spec: ParameterSpec, value: Any) -> Any:
    """The JSON-safe text form stored in the database."""
    parsed = parse_value(spec, value)
    if isinstance(parsed, Fraction):
        return f"{parsed.numerator}/{parsed.denominator}"
    if isinstance(parsed, Decimal):
        return str(parsed)
    if isinstance(parsed, dt.date):
        return parsed.isoformat()
    if isinstance(parsed, dict):
        return {str(k): str(v) for k, v in sorted(parsed.items())}
    return parsed


ZERO, ONE = Fraction(0), Fraction(1)

CATALOGUE: tuple[ParameterSpec, ...] = (
    # Eligibility (国办发〔2020〕23号; Guyuan 003; Zhanhe 001)
    ParameterSpec(
        "eligibility.completed_by", "date", "Estates completed on or before this date are eligible", group="eligibility"
    ),
    ParameterSpec(
        "eligibility.post2000_allowed", "bool", "Later estates may be included for linkage", group="eligibility"
    ),
    ParameterSpec(
        "eligibility.post2000_completed_by", "date", "Latest completion date for later estates", group="eligibility"
    ),
    ParameterSpec(
        "eligibility.post2000_household_cap",
        "fraction",
        "Later estates' share of a plan's households, at most",
        minimum=ZERO,
        maximum=ONE,
        group="eligibility",
    ),
    ParameterSpec(
        "eligibility.no_repeat_central_funding",
        "bool",
        "Estates already centrally funded may not apply again",
        group="eligibility",
    ),
    # Consultation (Xuchang 002; Civil Code Art. 278)
    ParameterSpec(
        "consent.share_of_all_households",
        "fraction",
        "Agreeing households, at least, as a share of all owner households",
        minimum=ZERO,
        maximum=ONE,
        group="consultation",
    ),
    ParameterSpec(
        "art278.participation_area",
        "fraction",
        "Participation quorum by exclusive area",
        minimum=ZERO,
        maximum=ONE,
        group="consultation",
    ),
    ParameterSpec(
        "art278.participation_owners",
        "fraction",
        "Participation quorum by owners",
        minimum=ZERO,
        maximum=ONE,
        group="consultation",
    ),
    ParameterSpec(
        "art278.special_approval",
        "fraction",
        "Approval for raising funds, rebuilding, change of use (at least)",
        minimum=ZERO,
        maximum=ONE,
        group="consultation",
    ),
    ParameterSpec(
        "art278.ordinary_approval",
        "fraction",
        "Approval for other matters (strictly more than)",
        minimum=ZERO,
        maximum=ONE,
        group="consultation",
    ),
    ParameterSpec(
        "art278.non_voters_follow_majority", "bool", "Non-voters counted with the majority", group="consultation"
    ),
    ParameterSpec(
        "consultation.notice_days",
        "int",
        "Public notice window",
        unit="days",
        minimum=1,
        maximum=90,
        group="consultation",
    ),
    ParameterSpec(
        "consultation.ballot_verification",
        "choice",
        "How a resident confirms a ballot link",
        choices=("phone_last4", "id_last4", "code_only"),
        group="consultation",
    ),
    # Funding (Jiyuan 000; Zhanhe 001; Jincheng 004)
    ParameterSpec(
        "funding.utility_may_implement_share",
        "fraction",
        "A utility paying at least this share may run the works",
        minimum=ZERO,
        maximum=ONE,
        group="funding",
    ),
    ParameterSpec(
        "funding.water_meter_utility_share",
        "fraction",
        "Water company's share of one-meter-per-household works",
        minimum=ZERO,
        maximum=ONE,
        group="funding",
    ),
    ParameterSpec(
        "funding.property_subsidy_rate",
        "decimal",
        "Property-service subsidy after renovation",
        unit="yuan/m²/month",
        minimum=Decimal(0),
        maximum=Decimal(100),
        group="funding",
    ),
    ParameterSpec(
        "funding.property_subsidy_months",
        "int",
        "Property-service subsidy duration",
        unit="months",
        minimum=0,
        maximum=240,
        group="funding",
    ),
    ParameterSpec(
        "funding.property_subsidy_is_minimum",
        "bool",
        "Rate and duration are minimums (may be exceeded)",
        group="funding",
    ),
    ParameterSpec(
        "funding.hardship_exemption", "bool", "Hardship households may be reduced or exempted", group="funding"
    ),
    ParameterSpec(
        "funding.idle_funds_days",
        "int",
        "Received but unpaid money is idle after",
        unit="days",
        minimum=1,
        maximum=3650,
        group="funding",
    ),
    ParameterSpec(
        "funding.district_award_rate",
        "fraction",
        "District award on the street-borne remainder",
        minimum=ZERO,
        maximum=ONE,
        group="funding",
    ),
    ParameterSpec(
        "funding.central_per_household_cap",
        "decimal",
        "Central budget investment per household, at most",
        unit="yuan",
        minimum=Decimal(0),
        group="funding",
    ),
    ParameterSpec(
        "funding.floor_coefficients",
        "floor_table",
        "Cost-share coefficients by floor (tiered sharing)",
        group="funding",
    ),
    # Projects (Jiyuan 000; Guyuan 003; Zhanhe 001)
    ParameterSpec(
        "projects.weekly_report_weekday", "weekday", "Weekly report day (1 = Monday … 7 = Sunday)", group="projects"
    ),
    ParameterSpec(
        "projects.acceptance_pass_rate",
        "fraction",
        "Required acceptance pass rate",
        minimum=ZERO,
        maximum=ONE,
        group="projects",
    ),
    ParameterSpec("projects.survey_deadline", "date", "Survey of estates finished by", group="projects"),
    ParameterSpec("projects.estates_fixed_deadline", "date", "Estates fixed by", group="projects"),
    ParameterSpec(
        "projects.preliminary_deadline", "date", "Preliminary work (design, tendering) finished by", group="projects"
    ),
    ParameterSpec("projects.start_deadline", "date", "All projects started by", group="projects"),
    ParameterSpec("projects.completion_deadline", "date", "Works completed by", group="projects"),
    ParameterSpec("projects.acceptance_deadline", "date", "Completion acceptance by", group="projects"),
    ParameterSpec(
        "projects.construction_tender_threshold",
        "decimal",
        "Construction contracts at or above this must be tendered",
        unit="yuan",
        minimum=Decimal(0),
        group="projects",
    ),
    ParameterSpec(
        "projects.services_tender_threshold",
        "decimal",
        "Design and supervision contracts at or above this must be tendered",
        unit="yuan",
        minimum=Decimal(0),
        group="projects",
    ),
    # Planning
    ParameterSpec(
        "planning.bundle_distance_m",
        "int",
        "Estates closer than this may be bundled into one area",
        unit="m",
        minimum=0,
        maximum=10000,
        group="planning",
    ),
    # Stewardship (Jincheng 004; REFERENCE §4)
    ParameterSpec(
        "stewardship.agreement_max_bidders",
        "int",
        "Fewer bidders than this allows selection by agreement",
        minimum=1,
        maximum=20,
        group="stewardship",
    ),
    ParameterSpec(
        "stewardship.agreement_area_below_m2",
        "decimal",
        "Housing area below which selection by agreement is allowed",
        unit="m²",
        minimum=Decimal(0),
        group="stewardship",
    ),
    # Oversight (REFERENCE §6)
    ParameterSpec(
        "oversight.reply_due_months",
        "int",
        "Replies to deputies' suggestions due within",
        unit="months",
        minimum=1,
        maximum=12,
        group="oversight",
    ),
)

SPECS: dict[str, ParameterSpec] = {spec.key: spec for spec in CATALOGUE}


def spec_for(key: str) -> ParameterSpec:
    try:
        return SPECS[key]
    except KeyError as exc:
        raise ParameterError(
            key, "unknown_parameter", _("there is no parameter named '%(key)s'") % {"key": key}
        ) from exc


def validate_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a mapping of raw values; return their canonical forms or raise the first error."""
    return {key: canonical(spec_for(key), raw) for key, raw in values.items()}
