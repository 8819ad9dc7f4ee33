"""Writes for planning areas, estates, buildings and households."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import time
from collections import Counter, defaultdict
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
from .models import Building, Estate, Household, RenovationArea, ScreeningResult


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
        # Clean input (the common case in bulk imports) skips stdnum's slow character-by-character compact.
        if len(number) != 18 or not number.isalnum():
            number = ric.compact(number)
        if len(number) != 18 or not number[:17].isdigit() or number[-1] != ric.calc_check_digit(number):
            return False
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
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


def _screen_rows(rows: list[dict[str, Any]], policy_for: Any) -> list[tuple[int, str, list[dict[str, Any]]]]:
    """(estate id, outcome, reasons JSON) per row; identical facts under one policy are decided once."""
    decided: dict[tuple[Any, ...], tuple[str, list[dict[str, Any]]]] = {}
    results = []
    for row in rows:
        policy = policy_for(row["jurisdiction__path"])
        key = (
            id(policy),
            row["completed_on"],
            row["build_year"],
            row["central_funded_year"],
            *(row[flag] for flag in EXCLUSIONS),
        )
        found = decided.get(key)
        if found is None:
            if row["completed_on"] is None and row["build_year"] is None:
                found = (Eligibility.UNSCREENED.value, MISSING_COMPLETION)
            else:
                facts = EstateFacts(
                    completed_on=row["completed_on"],
                    build_year=row["build_year"],
                    central_funded_year=row["central_funded_year"],
                    **{flag: bool(row[flag]) for flag in EXCLUSIONS},
                )
                try:
                    decision = eligibility_decide(facts, policy)
                except ParameterError as exc:
                    raise ValidationError(
                        _("The policy profile cannot screen estates: %(problem)s") % {"problem": exc.message}
                    ) from exc
                found = (decision.outcome, [_reason_json(r) for r in decision.reasons])
            decided[key] = found
        results.append((row["id"], found[0], found[1]))
    return results


def _copy_results(
    results: list[tuple[int, str, list[dict[str, Any]]]],
    changed: dict[str, list[int]],
    *,
    on: dt.date,
    by: int | None,
) -> str:
    """PostgreSQL: stream the results in with COPY, each distinct reasons list encoded once.

    bulk_create binds every JSON document as a parameter, which costs seconds per 100,000 rows; COPY
    of pre-encoded text is an order of magnitude faster. Returns the batch's shared screened_at.
    """
    now = timezone.now()
    table = ScreeningResult._meta.db_table
    # COPY text format: tab-separated, \N for NULL, backslashes escaped (JSON escapes tabs and newlines).
    head = f"\t{now.isoformat()}\t{on.isoformat()}\t"
    tail = f"\t{by}\n" if by is not None else "\t\\N\n"
    encoded: dict[int, str] = {}
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        columns = "estate_id, screened_at, policy_date, outcome, reasons, screened_by_id"
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            lines: list[str] = []
            for pk, outcome, reasons in results:
                text = encoded.get(id(reasons))
                if text is None:
                    text = encoded[id(reasons)] = json.dumps(reasons, ensure_ascii=False).replace("\\", "\\\\")
                lines.append(f"{pk}{head}{outcome}\t{text}{tail}")
                if len(lines) >= 5000:
                    copy.write("".join(lines))
                    lines.clear()
            if lines:
                copy.write("".join(lines))
        # Each estate's denormalised outcome where it changed, one statement per outcome.
        update = f"UPDATE {Estate._meta.db_table} SET eligibility = %s WHERE id = ANY(%s)"  # noqa: S608 - model's table
        for outcome, ids in changed.items():
            cursor.execute(update, [outcome, ids])
    return now.isoformat()


def _write_screening(
    results: list[tuple[int, str, list[dict[str, Any]]]], rows: list[dict[str, Any]], *, on: dt.date, actor: Any
) -> None:
    screened_by = actor if getattr(actor, "pk", None) else None
    previous = {row["id"]: row["eligibility"] for row in rows}
    by_outcome: dict[str, list[int]] = defaultdict(list)
    for pk, outcome, _reasons in results:
        if previous.get(pk) != outcome:
            by_outcome[outcome].append(pk)
    if connection.vendor == "postgresql":
        _copy_results(results, by_outcome, on=on, by=screened_by.pk if screened_by is not None else None)
        return
    ScreeningResult.objects.bulk_create(
        (
            ScreeningResult(estate_id=pk, policy_date=on, outcome=outcome, reasons=reasons, screened_by=screened_by)
            for pk, outcome, reasons in results
        ),
        batch_size=5000,
    )
    for outcome, ids in by_outcome.items():
        for start in range(0, len(ids), 10_000):
            Estate.objects.filter(pk__in=ids[start : start + 10_000]).update(eligibility=outcome)


@transaction.atomic
def estate_screen(*, estate: Estate, on: dt.date | None = None, actor: Any = None) -> ScreeningResult:
    """Screen one estate under the policy in force for its jurisdiction on `on` (today by default)."""
    day = on or timezone.localdate()
    rows = selectors.screening_rows(Estate.objects.filter(pk=estate.pk))
    policy = effective_policy(jurisdiction=estate.jurisdiction, on=day)
    [(pk, outcome, reasons)] = _screen_rows(rows, lambda _path: policy)
    result = ScreeningResult(estate=estate, policy_date=day, outcome=outcome, reasons=reasons)
    if getattr(actor, "pk", None):
        result.screened_by = actor
    result.full_clean(exclude=["outcome"] if not outcome else None)
    result.save()
    if estate.eligibility != outcome:
        Estate.objects.filter(pk=pk).update(eligibility=outcome)
        estate.eligibility = outcome
    audit_entry_append(
        action="inventory.screened",
        obj=estate,
        actor=actor,
        jurisdiction_code=estate.jurisdiction.code,
        payload={"policy_date": day.isoformat(), "outcome": outcome, "estates": 1},
    )
    return result


def _households_by_outcome(rows: list[dict[str, Any]], results: list[tuple[int, str, Any]]) -> dict[str, int]:
    stated = {row["id"]: row["stated_households"] or 0 for row in rows}
    totals: Counter[str] = Counter()
    for pk, outcome, _reasons in results:
        totals[outcome] += stated.get(pk, 0)
    return {value: totals.get(value, 0) for value in Eligibility.values}


@transaction.atomic
def jurisdiction_screen(
    *, jurisdiction: Jurisdiction, on: dt.date | None = None, actor: Any = None
) -> ScreeningSummary:
    """Screen every estate under `jurisdiction`: facts read as plain rows, decided in Python, written in bulk.

    Each estate gets a ScreeningResult with its reasons and its denormalised Estate.eligibility; one
    audit entry "inventory.screened" records the counts.
    """
    started = time.perf_counter()
    day = on or timezone.localdate()
    policy_for = _PolicyFinder(jurisdiction, day)
    rows = selectors.screening_rows_under(jurisdiction)
    results = _screen_rows(rows, policy_for)
    _write_screening(results, rows, on=day, actor=actor)
    counts = Counter(outcome for _pk, outcome, _reasons in results)
    cap = policy_for.base.get("eligibility.post2000_household_cap")
    summary = ScreeningSummary(
        jurisdiction=jurisdiction.code,
        policy_date=day,
        estates=len(results),
        counts={value: counts.get(value, 0) for value in Eligibility.values},
        households=_households_by_outcome(rows, results),
        post2000_household_cap=f"{cap.numerator}/{cap.denominator}" if cap is not None else None,
    )
    summary.seconds = round(time.perf_counter() - started, 3)
    audit_entry_append(
        action="inventory.screened",
        actor=actor,
        jurisdiction_code=jurisdiction.code,
        payload={k: v for k, v in summary.as_dict().items() if k != "seconds"},
    )
    return summary
