"""Writes for planning areas, estates, buildings and households."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from jiugai.accounts.choices import Level
from jiugai.accounts.models import Jurisdiction
from jiugai.core.audit import audit_entry_append
from jiugai.core.text import pinyin_key
from jiugai.policy.models import PolicyProfile
from jiugai.policy.selectors import effective_policy
from jiugai.rules.data_quality import CATEGORY as QUALITY_CATEGORY
from jiugai.rules.data_quality import SEVERITY as QUALITY_SEVERITY
from jiugai.rules.data_quality import estate_quality_decide
from jiugai.rules.decision import Decision, Reason, to_jsonable
from jiugai.rules.eligibility import EXCLUSIONS, EstateFacts, eligibility_decide
from jiugai.rules.params import ParameterError
from jiugai.rules.policy import Policy

from . import selectors
from .choices import Eligibility, ManagementStatus, Structure
from .models import (
    Building,
    ConditionFinding,
    ConditionSurvey,
    Estate,
    EstateEligibility,
    Household,
    RenovationArea,
    ScreeningDecision,
    ScreeningResult,
    ScreeningRun,
)


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


@transaction.atomic
def condition_survey_record(
    *,
    estate: Estate,
    surveyed_on: dt.date,
    findings: dict[str, tuple[int, str]],
    surveyor: str = "",
    notes: str = "",
) -> ConditionSurvey:
    """Record (or replace) an estate's condition survey of one date: item → (severity 0–3, notes).

    The checklist follows the national catalogue (国办发〔2020〕23号); Zhanhe's status ledger (seed 001)
    asks for "accurate data, objective problems", so every item is stored even when it has no problem.
    """
    survey = ConditionSurvey.objects.filter(estate=estate, surveyed_on=surveyed_on).first() or ConditionSurvey(
        estate=estate, surveyed_on=surveyed_on
    )
    survey.surveyor, survey.notes = surveyor, notes
    survey.full_clean()
    survey.save()
    survey.findings.exclude(item__in=list(findings)).delete()
    for item, (severity, item_notes) in findings.items():
        finding = survey.findings.filter(item=item).first() or ConditionFinding(survey=survey, item=item)
        finding.severity, finding.notes = severity, item_notes
        finding.full_clean()
        finding.save()
    return survey


@functools.cache
def _region_years(region: str) -> tuple[tuple[int, int], ...]:
    """The years in which a 6-digit region code was assigned, from stdnum's table: () when never.

    Looked up once per region (the table is loaded once); the answer is the same as
    ``stdnum.cn.ric.get_birth_place`` gives, except that a code whose province exists but whose
    county does not is simply not valid (stdnum raises KeyError there).
    """
    from stdnum import numdb

    info = {key: value for _part, props in numdb.get("cn/loc").info(region) for key, value in props.items()}
    county = info.get("county")
    if not county:
        return ()
    years: list[tuple[int, int]] = []
    for name in county.split(","):
        if not name.startswith("["):
            return ((0, 9999),)
        start, end = name[1:].split("]")[0].split("-")
        years.append((int(start) if start else 0, int(end) if end else 9999))
    return tuple(years)


@functools.lru_cache(maxsize=65536)
def _birth_place_valid(region: str, year: int) -> bool:
    """Whether the region code was in use in the birth year (a dictionary look-up after the first call per region)."""
    return any(start <= year <= end for start, end in _region_years(region))


def id_number_valid(number: str) -> bool:
    """stdnum's resident-ID check (length, checksum, birth date, birth place valid in the birth year).

    Clean 18-character input (the common case in bulk imports) is checked here without stdnum's
    slow character-by-character clean-up; anything else goes through ``ric.compact`` first.
    """
    if len(number) == 18 and number.isalnum() and number.isascii():
        number = number.upper()
    else:
        number = ric.compact(number)
    if len(number) != 18 or not number[:17].isdigit() or not number[:17].isascii():
        return False
    check = (1 - 2 * int(number[:17], 13)) % 11  # ISO 7064 MOD 11-2, as stdnum computes it
    if number[17] != ("X" if check == 10 else str(check)):
        return False
    year = _birth_year(number[6:14])
    return year != 0 and _birth_place_valid(number[:6], year)


_BIRTH_YEARS: dict[str, int] = {}


def _birth_year(digits: str) -> int:
    """The year of a YYYYMMDD birth date, 0 when it is no real date (remembered: a file has few distinct dates)."""
    year = _BIRTH_YEARS.get(digits)
    if year is None:
        try:
            year = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])).year
        except ValueError:
            year = 0
        if len(_BIRTH_YEARS) < 100_000:
            _BIRTH_YEARS[digits] = year
    return year


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


# ---------------------------------------------------------------------------------------------
# Data-quality checks and eligibility screening


def _issues_json(decision: Decision) -> list[dict[str, Any]]:
    """A data-quality decision's reasons as the JSON stored on Estate.quality_issues."""
    return [
        to_jsonable(
            {
                "code": r.code,
                "severity": QUALITY_SEVERITY.get(r.code, "warning"),
                "category": QUALITY_CATEGORY.get(r.code, "missing"),
                "message": r.message,
                "fact": r.fact,
                "value": r.value,
                "expected": r.threshold,
            }
        )
        for r in decision.reasons
    ]


@dataclass
class QualitySummary:
    """What a data-quality check of a jurisdiction found."""

    jurisdiction: str
    estates: int = 0
    with_errors: int = 0
    with_warnings: int = 0
    clean: int = 0
    issues: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@transaction.atomic
def estate_quality_check(*, estate: Estate, today: dt.date | None = None) -> Decision:
    """Run the data-quality rule on one estate and store its issues (drives the estate's badge)."""
    facts = selectors.quality_facts(Estate.objects.filter(pk=estate.pk))[estate.pk]
    decision = estate_quality_decide(facts, today=today or timezone.localdate())
    estate.quality_issues = _issues_json(decision)
    Estate.objects.filter(pk=estate.pk).update(quality_issues=estate.quality_issues)
    return decision


@transaction.atomic
def jurisdiction_quality_check(
    *, jurisdiction: Jurisdiction, actor: Any = None, today: dt.date | None = None
) -> QualitySummary:
    """Check every estate under `jurisdiction`, store each one's issues, and write one audit entry."""
    started = time.perf_counter()
    day = today or timezone.localdate()
    facts = selectors.quality_facts(Estate.objects.filter(jurisdiction__path__startswith=jurisdiction.path))
    summary = QualitySummary(jurisdiction=jurisdiction.code, estates=len(facts))
    codes: Counter[str] = Counter()
    changed: list[Estate] = []
    for pk, estate_facts in facts.items():
        decision = estate_quality_decide(estate_facts, today=day)
        if decision.outcome == "errors":
            summary.with_errors += 1
        elif decision.outcome == "warnings":
            summary.with_warnings += 1
        else:
            summary.clean += 1
        codes.update(r.code for r in decision.reasons)
        changed.append(Estate(pk=pk, quality_issues=_issues_json(decision)))
    Estate.objects.bulk_update(changed, ["quality_issues"], batch_size=2000)
    summary.issues = dict(codes.most_common())
    summary.seconds = round(time.perf_counter() - started, 3)
    audit_entry_append(
        action="inventory.quality_checked",
        actor=actor,
        jurisdiction_code=jurisdiction.code,
        payload={k: v for k, v in summary.as_dict().items() if k != "seconds"},
    )
    return summary


def _reason_json(reason: Reason) -> dict[str, Any]:
    """A reason as stored on ScreeningResult.reasons: the fact, the parameter, its value and its source."""
    data: dict[str, Any] = {"code": reason.code, "message": reason.message}
    if reason.fact:
        data["fact"] = reason.fact
    if reason.value is not None:
        data["value"] = reason.value
    if reason.parameter:
        data["parameter"] = reason.parameter
    if reason.threshold is not None:
        data["threshold"] = reason.threshold
    if reason.source is not None:
        data["source"] = {k: v for k, v in asdict(reason.source).items() if v}
    return to_jsonable(data)


MISSING_COMPLETION = [
    {
        "code": "missing_completion",
        "message": "neither a completion date nor a build year is recorded; the estate cannot be screened",
        "fact": "build_year",
    }
]


@dataclass
class ScreeningSummary:
    """What screening a jurisdiction decided."""

    jurisdiction: str
    policy_date: dt.date
    estates: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    households: dict[str, int] = field(default_factory=dict)
    post2000_household_cap: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return to_jsonable(asdict(self))


class _PolicyFinder:
    """The effective policy for an estate: its jurisdiction's deepest ancestor that has a profile of its own.

    Profiles below the screened jurisdiction are rare (most cities set one profile); reading each distinct
    one once keeps screening a whole country to a handful of queries.
    """

    def __init__(self, jurisdiction: Jurisdiction, on: dt.date) -> None:
        self.on = on
        self.base = effective_policy(jurisdiction=jurisdiction, on=on)
        self.deeper = sorted(
            set(
                PolicyProfile.objects.filter(jurisdiction__path__startswith=jurisdiction.path, effective_from__lte=on)
                .exclude(jurisdiction=jurisdiction)
                .values_list("jurisdiction__path", flat=True)
            ),
            key=len,
            reverse=True,
        )
        self.cache: dict[str, Policy] = {}

    def __call__(self, path: str) -> Policy:
        for deeper in self.deeper:
            if path.startswith(deeper):
                if deeper not in self.cache:
                    node = Jurisdiction.objects.get(path=deeper)
                    self.cache[deeper] = effective_policy(jurisdiction=node, on=self.on)
                return self.cache[deeper]
        return self.base


# One distinct decision: (outcome, reasons JSON).
DecisionData = tuple[str, list[dict[str, Any]]]


def _screen_rows(rows: list[tuple[Any, ...]], policy_for: Any) -> tuple[list[DecisionData], list[int]]:
    """Decide each row (a tuple in ESTATE_SCREENING_FIELDS order); identical facts under one policy are
    decided once. Returns the distinct decisions and, per row, the index of its decision in that list."""
    index_of: dict[tuple[Any, ...], int] = {}
    decisions: list[DecisionData] = []
    chosen: list[int] = []
    policies: dict[str, Policy] = {}
    for row in rows:
        _pk, completed_on, build_year, central_funded_year, _households, path, *flags = row
        policy = policies.get(path)
        if policy is None:
            policy = policies[path] = policy_for(path)
        key = (id(policy), completed_on, build_year, central_funded_year, *flags)
        found = index_of.get(key)
        if found is None:
            if completed_on is None and build_year is None:
                data: DecisionData = (Eligibility.UNSCREENED.value, MISSING_COMPLETION)
            else:
                facts = EstateFacts(
                    completed_on=completed_on,
                    build_year=build_year,
                    central_funded_year=central_funded_year,
                    **{flag: bool(value) for flag, value in zip(EXCLUSIONS, flags, strict=True)},
                )
                try:
                    decision = eligibility_decide(facts, policy)
                except ParameterError as exc:
                    raise ValidationError(
                        _("The policy profile cannot screen estates: %(problem)s") % {"problem": exc.message}
                    ) from exc
                data = (decision.outcome, [_reason_json(r) for r in decision.reasons])
            found = index_of[key] = len(decisions)
            decisions.append(data)
        chosen.append(found)
    return decisions, chosen


def decision_digest(outcome: str, reasons: list[dict[str, Any]]) -> str:
    """SHA-256 of the canonical JSON of a decision: equal outcome and reasons, equal digest."""
    canonical = json.dumps(
        {"outcome": outcome, "reasons": reasons}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def screening_decisions_store(decisions: Sequence[DecisionData]) -> list[int]:
    """Store each distinct decision once (existing ones are reused); their ids, in the given order."""
    digests = [decision_digest(outcome, reasons) for outcome, reasons in decisions]
    ScreeningDecision.objects.bulk_create(
        [
            ScreeningDecision(outcome=outcome, reasons=reasons, digest=digest)
            for (outcome, reasons), digest in zip(decisions, digests, strict=True)
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    ids: dict[str, int] = {}
    for start in range(0, len(digests), 500):
        ids.update(
            ScreeningDecision.objects.filter(digest__in=digests[start : start + 500]).values_list("digest", "id")
        )
    return [ids[digest] for digest in digests]


def _write_results_postgresql(run: ScreeningRun, estate_ids: list[int], decision_ids: list[int]) -> None:
    """PostgreSQL: COPY the narrow results in, then upsert each estate's latest outcome from them.

    COPY of three integers per estate is far cheaper than binding parameters; the upsert reads the run's
    results back (by the run index) and rewrites only the narrow EstateEligibility rows.
    """
    results = ScreeningResult._meta.db_table
    statuses = EstateEligibility._meta.db_table
    decisions = ScreeningDecision._meta.db_table
    run_id = run.pk
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        with cursor.copy(f"COPY {results} (run_id, estate_id, decision_id) FROM STDIN") as copy:
            lines: list[str] = []
            for estate_id, decision_id in zip(estate_ids, decision_ids, strict=True):
                lines.append(f"{run_id}\t{estate_id}\t{decision_id}\n")
                if len(lines) >= 10_000:
                    copy.write("".join(lines))
                    lines.clear()
            if lines:
                copy.write("".join(lines))
        cursor.execute(
            f"INSERT INTO {statuses} (estate_id, outcome, decision_id, run_id, screened_at) "  # noqa: S608 - models' tables
            f"SELECT r.estate_id, d.outcome, r.decision_id, r.run_id, %s FROM {results} r "
            f"JOIN {decisions} d ON d.id = r.decision_id WHERE r.run_id = %s "
            "ON CONFLICT (estate_id) DO UPDATE SET outcome = EXCLUDED.outcome, decision_id = EXCLUDED.decision_id, "
            "run_id = EXCLUDED.run_id, screened_at = EXCLUDED.screened_at",
            [run.screened_at, run_id],
        )


def _write_results_orm(
    run: ScreeningRun, estate_ids: list[int], decision_ids: list[int], outcomes: dict[int, str]
) -> None:
    """Other databases (SQLite): bulk inserts, and an upsert of each estate's latest outcome."""
    ScreeningResult.objects.bulk_create(
        (
            ScreeningResult(run=run, estate_id=estate_id, decision_id=decision_id)
            for estate_id, decision_id in zip(estate_ids, decision_ids, strict=True)
        ),
        batch_size=5000,
    )
    EstateEligibility.objects.bulk_create(
        (
            EstateEligibility(
                estate_id=estate_id,
                outcome=outcomes[decision_id],
                decision_id=decision_id,
                run=run,
                screened_at=run.screened_at,
            )
            for estate_id, decision_id in zip(estate_ids, decision_ids, strict=True)
        ),
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["estate"],
        update_fields=["outcome", "decision", "run", "screened_at"],
    )


def _write_screening(
    *,
    jurisdiction: Jurisdiction,
    rows: list[tuple[Any, ...]],
    decisions: list[DecisionData],
    chosen: list[int],
    on: dt.date,
    actor: Any,
    counts: dict[str, int],
) -> ScreeningRun:
    """One run row, each distinct decision stored once, one narrow result per estate, latest outcomes upserted."""
    run = ScreeningRun(
        jurisdiction=jurisdiction,
        policy_date=on,
        screened_by=actor if getattr(actor, "pk", None) else None,
        estates=len(rows),
        counts=counts,
    )
    run.full_clean()
    run.save()
    stored = screening_decisions_store(decisions)
    estate_ids = [row[0] for row in rows]
    decision_ids = [stored[i] for i in chosen]
    if connection.vendor == "postgresql":
        _write_results_postgresql(run, estate_ids, decision_ids)
    else:
        outcomes = {stored[i]: outcome for i, (outcome, _reasons) in enumerate(decisions)}
        _write_results_orm(run, estate_ids, decision_ids, outcomes)
    return run


def _outcome_counts(decisions: list[DecisionData], chosen: list[int]) -> dict[str, int]:
    per_decision = Counter(chosen)
    counts: Counter[str] = Counter()
    for index, n in per_decision.items():
        counts[decisions[index][0]] += n
    return {value: counts.get(value, 0) for value in Eligibility.values}


@transaction.atomic
def estate_screen(*, estate: Estate, on: dt.date | None = None, actor: Any = None) -> ScreeningResult:
    """Screen one estate under the policy in force for its jurisdiction on `on` (today by default).

    Written through the same structures as a jurisdiction's screening: a run of one estate, the shared
    decision, a result, and the estate's latest outcome.
    """
    day = on or timezone.localdate()
    rows = selectors.screening_rows(Estate.objects.filter(pk=estate.pk))
    policy = effective_policy(jurisdiction=estate.jurisdiction, on=day)
    decisions, chosen = _screen_rows(rows, lambda _path: policy)
    outcome = decisions[chosen[0]][0]
    run = _write_screening(
        jurisdiction=estate.jurisdiction,
        rows=rows,
        decisions=decisions,
        chosen=chosen,
        on=day,
        actor=actor,
        counts=_outcome_counts(decisions, chosen),
    )
    result = ScreeningResult.objects.select_related("run", "decision", "estate").get(run=run, estate=estate)
    estate.eligibility_status = EstateEligibility.objects.select_related("decision", "run").get(estate=estate)
    audit_entry_append(
        action="inventory.screened",
        obj=estate,
        actor=actor,
        jurisdiction_code=estate.jurisdiction.code,
        payload={"policy_date": day.isoformat(), "outcome": outcome, "estates": 1, "run": run.pk},
    )
    return result


def _households_by_outcome(
    rows: list[tuple[Any, ...]], decisions: list[DecisionData], chosen: list[int]
) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for row, index in zip(rows, chosen, strict=True):
        totals[decisions[index][0]] += row[4] or 0
    return {value: totals.get(value, 0) for value in Eligibility.values}


@transaction.atomic
def jurisdiction_screen(
    *, jurisdiction: Jurisdiction, on: dt.date | None = None, actor: Any = None
) -> ScreeningSummary:
    """Screen every estate under `jurisdiction`: facts read as plain rows, decided in Python, written in bulk.

    One ScreeningRun records the screening; each estate gets a narrow ScreeningResult pointing at its
    (shared) ScreeningDecision, and its EstateEligibility row holds the latest outcome. One audit entry
    "inventory.screened" records the counts.
    """
    started = time.perf_counter()
    day = on or timezone.localdate()
    policy_for = _PolicyFinder(jurisdiction, day)
    rows = selectors.screening_rows_under(jurisdiction)
    decisions, chosen = _screen_rows(rows, policy_for)
    cap = policy_for.base.get("eligibility.post2000_household_cap")
    summary = ScreeningSummary(
        jurisdiction=jurisdiction.code,
        policy_date=day,
        estates=len(rows),
        counts=_outcome_counts(decisions, chosen),
        households=_households_by_outcome(rows, decisions, chosen),
        post2000_household_cap=f"{cap.numerator}/{cap.denominator}" if cap is not None else None,
    )
    run = _write_screening(
        jurisdiction=jurisdiction,
        rows=rows,
        decisions=decisions,
        chosen=chosen,
        on=day,
        actor=actor,
        counts=summary.counts,
    )
    summary.seconds = round(time.perf_counter() - started, 3)
    audit_entry_append(
        action="inventory.screened",
        actor=actor,
        jurisdiction_code=jurisdiction.code,
        payload={**{k: v for k, v in summary.as_dict().items() if k != "seconds"}, "run": run.pk},
    )
    return summary
