"""The write path of imports: import jobs, validation runs and the all-or-nothing commit.

Every write happens in one transaction: estates, buildings, households and survey findings are
created or updated by their natural keys (estate code; estate + building number; building +
stairwell + room; estate + survey date + item), so importing the same file twice changes nothing
the second time. Rows go in through bulk paths (per-row change history is skipped, as for other
bulk loaders) and the whole import is recorded as one audit entry, ``inventory.import_committed``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.audit import audit_entry_append
from jiugai.core.permissions import can
from jiugai.core.text import pinyin_key

from ..choices import ImportStatus
from ..models import Building, ConditionFinding, ConditionSurvey, Estate, Household, ImportJob
from . import columns as c
from .reader import FileProblem, Problem, SheetData, read_workbook
from .validation import Report, Row, import_validate

BATCH = 2000
SINK_ROWS = 2000
_NEW: tuple[Any, ...] = ()
DEFAULT_BACKGROUND_ROWS = 10_000
MERGE = "merge"
KEEP = "keep"

ESTATE_FIELDS = (
    "name",
    "address",
    "build_year",
    "completed_on",
    "total_area",
    "stated_households",
    "stated_buildings",
    "management_status",
    "property_rights",
    "original_unit",
    "latitude",
    "longitude",
    "in_shantytown_plan",
    "expropriation_planned",
    "self_built_area",
    "urban_village",
    "three_supplies_done",
    "central_funded_year",
    "municipal_ready",
)
BUILDING_FIELDS = ("floors", "stairwells", "stated_households", "area", "structure", "build_year", "has_elevator")
HOUSEHOLD_FIELDS = ("floor", "area", "owner_name", "phone", "id_number", "owner_key", "developer_held", "hardship")


class ImportAborted(Exception):
    """Rows failed a model check at write time; everything written so far is rolled back."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class _HouseholdState:
    """What the household writer keeps between chunks."""

    fields: list[str]
    buildings: dict[tuple[int, str], int]
    existing: dict[tuple[int, int, str], tuple[Any, ...]]
    compare: list[int]
    sink: Callable[[list[tuple[Any, ...]]], None]
    estate_pk: dict[str, int] = field(default_factory=dict)
    changed: list[Household] = field(default_factory=list)
    created: int = 0
    rows: int = 0


def _value(model: type[Any], key: str, value: Any) -> Any:
    """A blank cell means the field's default (or empty) value."""
    if value is None:
        model_field = model._meta.get_field(key)
        return None if model_field.null else model_field.get_default()
    return value


def _full_clean(obj: Any, row: Row, exclude: list[str], problems: list[Problem]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            problems.append(Problem(sheet=row.sheet, row=row.number, column=name, message=" ".join(messages)))


def background_rows() -> int:
    """Files with more data rows than this are validated and written by a background task."""
    return int(getattr(settings, "IMPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS))


def _progress_key(job_id: int) -> str:
    return f"inventory-import-progress:{job_id}"


def import_progress(job: ImportJob) -> int:
    """Rows processed so far; the cache holds the live count while the commit transaction is open."""
    live = cache.get(_progress_key(job.pk))
    return (
        max(int(live or 0), job.processed_rows)
        if job.status in (ImportStatus.VALIDATING, ImportStatus.COMMITTING)
        else job.processed_rows
    )


def _progress_writer(job: ImportJob, *, offset: float = 0, scale: float = 1.0) -> Callable[[int], None]:
    def write(done: int) -> None:
        value = min(int(offset + done * scale), job.total_rows or int(offset + done * scale))
        cache.set(_progress_key(job.pk), value, timeout=3600)
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=value)

    return write


# --- writing -----------------------------------------------------------------------------------


class Writer:
    """Writes the rows of a clean file; call inside a transaction.

    Either `run()` on a report validated beforehand, or hand the writer to validation as its sink
    (`import_validate(sink=...)`): estates and buildings are written once they are clean, and
    households stream into the database chunk by chunk while later chunks are still being checked.
    """

    def __init__(
        self,
        *,
        resolutions: Mapping[str, str],
        report: Report | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.report = report or Report()
        self.resolutions = resolutions
        self.progress = progress
        self.merges: dict[str, str] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self.problems: list[Problem] = []
        self.estates: dict[str, Estate] = {}
        self.written = 0
        self.now = timezone.now()
        self._stack = contextlib.ExitStack()
        self._household_state: _HouseholdState | None = None

    def _merges(self, resolutions: Mapping[str, str]) -> dict[str, str]:
        merges: dict[str, str] = {}
        for warning in self.report.warnings:
            if warning.code == "near_duplicate" and resolutions.get(warning.extra["source_code"]) == MERGE:
                merges[warning.extra["source_code"]] = warning.extra["target_code"]
        for source in list(merges):
            seen = {source}
            while merges[source] in merges and merges[source] not in seen:
                seen.add(merges[source])
                merges[source] = merges[merges[source]]
        return merges

    def _tick(self, rows: int) -> None:
        self.written += rows
        if self.progress is not None:
            self.progress(self.written)

    def run(self) -> dict[str, dict[str, int]]:
        """Write a report validated beforehand."""
        report = self.report
        self.start(report)
        self.households(report.rows.get(c.HOUSEHOLDS.kind, []))
        self.households_done()
        self.finish(report)
        return self.counts

    # the sink of validation (see validation.RowSink)

    def start(self, report: Report) -> None:
        self.report = report
        self.merges = self._merges(self.resolutions)
        self._estates(report.rows.get(c.ESTATES.kind, []))
        if self.problems:
            raise ImportAborted(self.problems)
        for code, estate in report.estates.items():
            self.estates.setdefault(code, estate)
        self._buildings(report.rows.get(c.BUILDINGS.kind, []))
        if c.HOUSEHOLDS.kind in report.present:
            self._households_begin()

    def households(self, rows: list[Row]) -> None:
        if self._household_state is not None and rows:
            self._households_add(self._household_state, rows)

    def households_done(self) -> None:
        try:
            self._stack.close()
        finally:
            state, self._household_state = self._household_state, None
        if state is not None:
            self._households_end(state)

    def finish(self, report: Report) -> None:
        self._survey(report.rows.get(c.SURVEY.kind, []))
        if self.problems:
            raise ImportAborted(self.problems)

    def abort(self, exc: BaseException) -> None:
        """Validation failed half-way: end an open household stream (the caller's transaction rolls back)."""
        self._household_state = None
        self._stack.__exit__(type(exc), exc, exc.__traceback__)

    def code(self, code: str) -> str:
        return self.merges.get(code, code)

    # estates

    def _estates(self, rows: list[Row]) -> None:
        present = self.report.present.get(c.ESTATES.kind, set())
        fields = [f for f in ESTATE_FIELDS if f in present]
        existing = {e.code: e for e in Estate.objects.filter(code__in=[r.values["code"] for r in rows])}
        aliases_for: dict[str, list[str]] = {}
        new: list[tuple[Row, Estate]] = []
        changed: list[Estate] = []
        merged = 0
        for row in rows:
            v = row.values
            target = self.code(v["code"])
            if target != v["code"]:
                aliases_for.setdefault(target, []).extend([v["name"], *v.get("aliases", [])])
                merged += 1
                continue
            estate = existing.get(v["code"])
            if estate is None:
                estate = Estate(code=v["code"], jurisdiction=v["place_obj"], street=v["street_obj"])
                for key in fields:
                    setattr(estate, key, _value(Estate, key, v[key]))
                estate.aliases = list(v.get("aliases", []))
                new.append((row, estate))
            else:
                before = {key: getattr(estate, key) for key in (*fields, "aliases", "jurisdiction_id", "street_id")}
                for key in fields:
                    setattr(estate, key, _value(Estate, key, v[key]))
                if "aliases" in present:
                    estate.aliases = _union(estate.aliases, v.get("aliases", []))
                estate.jurisdiction, estate.street = v["place_obj"], v["street_obj"]
                if before != {key: getattr(estate, key) for key in before}:
                    changed.append(estate)
            self.estates[v["code"]] = estate
        # Aliases from merged rows: onto estates of this file or already in the system.
        outside = [code for code in aliases_for if code not in self.estates]
        for estate in Estate.objects.filter(code__in=outside):
            self.estates[estate.code] = estate
        for code, names in aliases_for.items():
            estate = self.estates[code]
            before_aliases = list(estate.aliases)
            estate.aliases = _union(estate.aliases, [n for n in names if n != estate.name])
            if estate.pk and estate.aliases != before_aliases and estate not in changed:
                changed.append(estate)
        for row, estate in new:
            estate.name_pinyin = " ".join(pinyin_key(n) for n in (estate.name, *estate.aliases))
            _full_clean(estate, row, ["jurisdiction", "street", "area"], self.problems)
        for estate in changed:
            estate.name_pinyin = " ".join(pinyin_key(n) for n in (estate.name, *estate.aliases))
            estate.updated_at = self.now
        Estate.objects.bulk_create([e for _r, e in new], batch_size=500)
        if changed:
            Estate.objects.bulk_update(
                changed,
                [*ESTATE_FIELDS, "aliases", "name_pinyin", "jurisdiction", "street", "updated_at"],
                batch_size=500,
            )
        updated = {e.code for e in changed}
        self.counts[c.ESTATES.kind] = {
            "create": len(new),
            "update": len(updated),
            "merged": merged,
            "unchanged": len(rows) - len(new) - merged - len(updated & set(existing)),
        }
        self._tick(len(rows))

    # buildings

    def _buildings(self, rows: list[Row]) -> None:
        present = self.report.present.get(c.BUILDINGS.kind, set())
        fields = [f for f in BUILDING_FIELDS if f in present]
        estate_ids = {self.estates[self.code(r.values["estate"])].pk for r in rows}
        existing = {(b.estate_id, b.number): b for b in Building.objects.filter(estate_id__in=estate_ids)}
        new: list[Building] = []
        changed: list[Building] = []
        for row in rows:
            v = row.values
            estate = self.estates[self.code(v["estate"])]
            building = existing.get((estate.pk, v["number"]))
            if building is None:
                building = Building(estate=estate, number=v["number"])
                for key in fields:
                    setattr(building, key, _value(Building, key, v[key]))
                _full_clean(building, row, ["estate"], self.problems)
                new.append(building)
                existing[(estate.pk, v["number"])] = building
            else:
                before = [getattr(building, key) for key in fields]
                for key in fields:
                    setattr(building, key, _value(Building, key, v[key]))
                if before != [getattr(building, key) for key in fields]:
                    building.updated_at = self.now
                    changed.append(building)
        Building.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            Building.objects.bulk_update(changed, [*BUILDING_FIELDS, "updated_at"], batch_size=500)
        self.counts[c.BUILDINGS.kind] = {
            "create": len(new),
            "update": len(changed),
            "unchanged": len(rows) - len(new) - len(changed),
        }
        self._tick(len(rows))

    # households

    def _households_begin(self) -> None:
        """Load what the household rows are compared with, then open the stream of new rows."""
        present = self.report.present.get(c.HOUSEHOLDS.kind, set())
        fields = [f for f in HOUSEHOLD_FIELDS if f in present or (f == "owner_key" and "id_number" in present)]
        estate_ids = {estate.pk for estate in self.estates.values()}
        buildings = {
            (estate_id, number): pk
            for pk, estate_id, number in Building.objects.filter(estate_id__in=estate_ids).values_list(
                "pk", "estate_id", "number"
            )
        }
        existing: dict[tuple[int, int, str], tuple[Any, ...]] = {}
        if buildings:
            for values in Household.objects.filter(building_id__in=buildings.values()).values_list(
                "building_id", "stairwell", "room", "pk", *fields
            ):
                existing[(values[0], values[1], values[2])] = values[3:]
        # Fields missing from the file keep their value on update and take the default on create.
        compare = [i for i, f in enumerate(HOUSEHOLD_FIELDS) if f in fields]
        sink = self._stack.enter_context(self._household_sink())
        self._household_state = _HouseholdState(
            fields=fields, buildings=buildings, existing=existing, compare=compare, sink=sink
        )

    def _households_add(self, state: _HouseholdState, rows: list[Row]) -> None:
        buildings, existing, compare = state.buildings, state.existing, state.compare
        estates, code = self.estates, self.code
        estate_pk = state.estate_pk
        new: list[tuple[Any, ...]] = []
        changed = state.changed
        for row in rows:
            values = row.values
            get = values.get
            stairwell: int = values["stairwell"]
            room: str = values["room"]
            estate_code = values["estate"]
            estate_id = estate_pk.get(estate_code)
            if estate_id is None:
                estate_id = estate_pk[estate_code] = estates[code(estate_code)].pk
            building_id = buildings[(estate_id, values["building"])]
            id_number = get("id_number") or ""
            record = (
                get("floor"),
                get("area"),
                get("owner_name") or "",
                get("phone") or "",
                id_number,
                # The ID number is already upper-case and stripped here (validation made it so).
                sha256(id_number.encode()).hexdigest() if id_number else "",
                bool(get("developer_held")),
                bool(get("hardship")),
            )
            key = (building_id, stairwell, room)
            old = existing.get(key)
            if old is None:
                new.append((building_id, stairwell, room, *record))
                existing[key] = _NEW
            elif old is not _NEW and tuple(old[1:]) != tuple(record[i] for i in compare):
                household = Household(pk=old[0], building_id=building_id, stairwell=stairwell, room=room)
                for i in compare:
                    setattr(household, HOUSEHOLD_FIELDS[i], record[i])
                household.updated_at = self.now
                changed.append(household)
        state.created += len(new)
        state.rows += len(rows)
        if new:
            state.sink(new)

    def _households_end(self, state: _HouseholdState) -> None:
        changed = state.changed
        for start in range(0, len(changed), 500):
            Household.objects.bulk_update(changed[start : start + 500], [*state.fields, "updated_at"])
            self._tick(len(changed[start : start + 500]))
        self.counts[c.HOUSEHOLDS.kind] = {
            "create": state.created,
            "update": len(changed),
            "unchanged": state.rows - state.created - len(changed),
        }
        self._tick(state.rows - state.created - len(changed))

    @contextlib.contextmanager
    def _household_sink(self) -> Iterator[Callable[[list[tuple[Any, ...]]], None]]:
        """A function that inserts new households batch by batch.

        On PostgreSQL it feeds one COPY (text format, the lines built here) through a queue that a
        worker thread sends on, so the server checks and indexes earlier rows while later ones are
        still being validated; elsewhere it uses bulk_create.
        """
        columns = ("building_id", "stairwell", "room", *HOUSEHOLD_FIELDS)
        if connection.vendor != "postgresql":

            def insert(rows: list[tuple[Any, ...]]) -> None:
                for start in range(0, len(rows), BATCH):
                    batch = rows[start : start + BATCH]
                    Household.objects.bulk_create([Household(**dict(zip(columns, row, strict=True))) for row in batch])
                    self._tick(len(batch))

            yield insert
            return
        from psycopg.copy import QueuedLibpqWriter

        table = Household._meta.db_table
        names = ", ".join((*columns, "created_at", "updated_at"))
        stamp = "\t" + self.now.isoformat() + "\t" + self.now.isoformat() + "\n"
        with connection.cursor() as cursor:
            # Check the building reference of each row as it arrives rather than all 100,000 at commit:
            # the server does it while later rows are still being validated here, not after.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            raw = cursor.cursor  # psycopg's own cursor: the queued writer needs it
            with raw.copy(f"COPY {table} ({names}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:

                def write(rows: list[tuple[Any, ...]]) -> None:
                    copy.write(
                        "".join(
                            f"{b}\t{s}\t{_copy_text(r)}\t{f}\t{a}\t{_copy_text(n)}\t{_copy_text(p)}\t{_copy_text(i)}"
                            f"\t{k}\t{'t' if d else 'f'}\t{'t' if h else 'f'}{stamp}"
                            for b, s, r, f, a, n, p, i, k, d, h in rows
                        )
                    )
                    self._tick(len(rows))

                yield write
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    # survey

    def _survey(self, rows: list[Row]) -> None:
        if not rows:
            return
        present = self.report.present.get(c.SURVEY.kind, set())
        surveys: dict[tuple[int, dt.date], ConditionSurvey] = {}
        estate_ids = {self.estates[self.code(r.values["estate"])].pk for r in rows}
        for survey in ConditionSurvey.objects.filter(estate_id__in=estate_ids):
            surveys[(survey.estate_id, survey.surveyed_on)] = survey
        created_surveys = 0
        findings = {(f.survey_id, f.item): f for f in ConditionFinding.objects.filter(survey__estate_id__in=estate_ids)}
        new_findings: list[ConditionFinding] = []
        changed: list[ConditionFinding] = []
        # Surveys first (one per estate and date), then every finding in bulk, like the other sheets.
        for row in rows:
            v = row.values
            estate = self.estates[self.code(v["estate"])]
            found = surveys.get((estate.pk, v["surveyed_on"]))
            if found is None:
                survey = ConditionSurvey(estate=estate, surveyed_on=v["surveyed_on"], surveyor=v.get("surveyor") or "")
                _full_clean(survey, row, ["estate"], self.problems)
                surveys[(estate.pk, v["surveyed_on"])] = survey
            elif "surveyor" in present and v.get("surveyor"):
                found.surveyor = v["surveyor"]
        new_surveys = [s for s in surveys.values() if s.pk is None]
        ConditionSurvey.objects.bulk_create(new_surveys)
        ConditionSurvey.objects.bulk_update([s for s in surveys.values() if s not in new_surveys], ["surveyor"])
        for row in rows:
            v = row.values
            survey = surveys[(self.estates[self.code(v["estate"])].pk, v["surveyed_on"])]
            finding = findings.get((survey.pk, v["item"]))
            notes = v.get("notes") or ""
            if finding is None:
                finding = ConditionFinding(survey=survey, item=v["item"], severity=v["severity"], notes=notes)
                _full_clean(finding, row, ["survey", "photo"], self.problems)
                findings[(survey.pk, v["item"])] = finding
                new_findings.append(finding)
            elif finding.severity != v["severity"] or ("notes" in present and finding.notes != notes):
                finding.severity = v["severity"]
                if "notes" in present:
                    finding.notes = notes
                finding.updated_at = self.now
                changed.append(finding)
        ConditionFinding.objects.bulk_create(new_findings)
        ConditionFinding.objects.bulk_update(changed, ["severity", "notes", "updated_at"])
        created_surveys, creates, updates = len(new_surveys), len(new_findings), len(changed)
        self.counts[c.SURVEY.kind] = {
            "create": creates,
            "update": updates,
            "unchanged": len(rows) - creates - updates,
            "surveys_created": created_surveys,
        }
        self._tick(len(rows))


_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    """A text value escaped for COPY's text format (backslash, tab, newline, carriage return)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_SPECIAL)
    return value


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    result: list[str] = []
    for name in (*first, *second):
        if name and name not in result:
            result.append(name)
    return result


# --- jobs --------------------------------------------------------------------------------------


def import_allowed(*, user: Any, jurisdiction: Jurisdiction) -> bool:
    """Whether `user` may import into `jurisdiction`: an importing role, and only within their own subtree."""
    if not can(user, "inventory.import_inventory"):
        return False
    base = user.scope_path()
    return base is None or jurisdiction.path.startswith(base)


@transaction.atomic
def import_job_create(
    *, kind: str, file: File, original_name: str, jurisdiction: Jurisdiction, user: Any = None
) -> ImportJob:
    """Store an uploaded file as a new import job (nothing is read or written to the inventory yet)."""
    if user is not None and not import_allowed(user=user, jurisdiction=jurisdiction):
        raise PermissionDenied(_("You may not import into %(place)s.") % {"place": jurisdiction.name})
    job = ImportJob(
        kind=kind,
        original_name=original_name[:255],
        jurisdiction=jurisdiction,
        uploaded_by=user if user is not None and getattr(user, "pk", None) else None,
        status=ImportStatus.UPLOADED,
    )
    job.file.save(original_name.rsplit("/", 1)[-1][:100] or "import.xlsx", file, save=False)
    job.full_clean(exclude=["uploaded_by"])  # the command line imports without a user
    job.save()
    return job


def _read(job: ImportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def _sheets_of(job: ImportJob, data: bytes) -> Any:
    return read_workbook(data=data, filename=job.original_name, csv_sheet=c.SPECS[job.kind].title)


def import_job_count_rows(*, job: ImportJob) -> int:
    """Data rows in the file (all sheets), to decide whether the job runs in the background."""
    try:
        sheets = _sheets_of(job, _read(job))
    except FileProblem:
        return 0
    return sum(max(len(s.rows) - 1, 0) for s in sheets)


def _sheets_or_problem(job: ImportJob, data: bytes) -> list[SheetData] | None:
    """The sheets of the job's file, or None with the job marked invalid when the file cannot be read."""
    try:
        sheets: list[SheetData] = _sheets_of(job, data)
    except FileProblem as exc:
        job.errors = [exc.problem.as_dict()]
        job.warnings = []
        job.summary = {"error_count": 1, "counts": {}}
        job.status = ImportStatus.INVALID
        return None
    job.total_rows = sum(max(len(s.rows) - 1, 0) for s in sheets)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows, status=job.status)
    return sheets


def _record(job: ImportJob, report: Report) -> None:
    job.errors = [p.as_dict() for p in report.errors]
    job.warnings = [p.as_dict() for p in report.warnings]
    job.summary = {**job.summary, **report.summary()}
    job.status = ImportStatus.VALID if report.ok else ImportStatus.INVALID


def _validate(job: ImportJob, data: bytes, progress: Callable[[int], None] | None) -> Report | None:
    sheets = _sheets_or_problem(job, data)
    if sheets is None:
        return None
    if progress is None:
        progress = _progress_writer(job)
    report = import_validate(kind=job.kind, jurisdiction=job.jurisdiction, sheets=sheets, progress=progress)
    _record(job, report)
    return report


class _Invalid(Exception):
    """Validation found problems after writing had begun: roll the transaction back."""


def _validate_and_write(job: ImportJob, data: bytes, *, actor: Any, resolutions: Mapping[str, str]) -> ImportJob:
    """Read, validate and write in one pass, all or nothing.

    Validation hands clean rows to the writer as it goes (households in chunks, streamed into the
    database while the next chunk is checked); nothing commits unless the whole file turns out to
    be clean, so the result is the same as validating everything first and then writing.
    """
    sheets = _sheets_or_problem(job, data)
    if sheets is None:
        job.processed_rows = 0
        job.save()
        return job
    total = job.total_rows or 1
    writer = Writer(resolutions=resolutions, progress=_progress_writer(job, offset=total / 2, scale=0.5))
    try:
        with transaction.atomic():
            try:
                report = import_validate(
                    kind=job.kind,
                    jurisdiction=job.jurisdiction,
                    sheets=sheets,
                    progress=_progress_writer(job, scale=0.5),
                    sink=writer,
                )
            except BaseException as exc:
                writer.abort(exc)
                raise
            _record(job, report)
            if not report.ok:
                raise _Invalid
            chosen = {
                w.extra["source_code"]: resolutions[w.extra["source_code"]]
                for w in report.warnings
                if w.code == "near_duplicate" and resolutions.get(w.extra["source_code"]) in (MERGE, KEEP)
            }
            job.summary = {**job.summary, "resolutions": chosen, "written": writer.counts}
            job.status = ImportStatus.COMMITTED
            job.processed_rows = job.total_rows
            job.save()
            audit_entry_append(
                action="inventory.import_committed",
                obj=job,
                actor=actor,
                jurisdiction_code=job.jurisdiction.code,
                payload={"kind": job.kind, "file": job.original_name, "rows": job.total_rows, "counts": writer.counts},
            )
    except _Invalid:
        job.status = ImportStatus.INVALID
        job.processed_rows = 0
        job.save()
    except ImportAborted as exc:
        job.refresh_from_db()
        job.errors = [p.as_dict() for p in exc.problems]
        job.status = ImportStatus.INVALID
        job.processed_rows = 0
        job.save()
    cache.delete(_progress_key(job.pk))
    return job


def import_job_validate(*, job: ImportJob) -> ImportJob:
    """Read and validate the job's file; store every error and warning and the counts of the preview."""
    job.status = ImportStatus.VALIDATING
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows", "updated_at"])
    _validate(job, _read(job), None)
    job.processed_rows = job.total_rows
    job.save()
    cache.delete(_progress_key(job.pk))
    return job


def import_job_resolve(*, job: ImportJob, resolutions: Mapping[str, str]) -> ImportJob:
    """Record the user's choice for each near-duplicate warning: merge into the existing estate or keep both."""
    allowed = {w.get("source_code") for w in job.warnings if w.get("code") == "near_duplicate"}
    chosen = {code: choice for code, choice in resolutions.items() if code in allowed and choice in (MERGE, KEEP)}
    job.summary = {**job.summary, "resolutions": chosen}
    job.save(update_fields=["summary", "updated_at"])
    return job


def import_job_commit(*, job: ImportJob, actor: Any = None, report: Report | None = None) -> ImportJob:
    """Validate the file again against today's data and write it all, or nothing.

    All rows are written in one transaction with one audit entry; on any problem the job keeps the
    problems and nothing is written. Without `report`, validating and writing are one pass over
    the file (see `_validate_and_write`).
    """
    if job.status not in (ImportStatus.VALID, ImportStatus.COMMITTING):
        raise ValidationError(_("Only a validated import without errors can be imported."))
    job.status = ImportStatus.COMMITTING
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows", "updated_at"])
    resolutions = job.summary.get("resolutions", {})
    if report is None:
        return _validate_and_write(job, _read(job), actor=actor, resolutions=resolutions)
    if not report.ok:
        job.processed_rows = 0
        job.save()
        return job
    try:
        with transaction.atomic():
            counts = Writer(report=report, resolutions=resolutions, progress=_progress_writer(job)).run()
            job.summary = {**job.summary, "written": counts}
            job.status = ImportStatus.COMMITTED
            job.processed_rows = job.total_rows
            job.save()
            audit_entry_append(
                action="inventory.import_committed",
                obj=job,
                actor=actor,
                jurisdiction_code=job.jurisdiction.code,
                payload={"kind": job.kind, "file": job.original_name, "rows": job.total_rows, "counts": counts},
            )
    except ImportAborted as exc:
        job.refresh_from_db()
        job.errors = [p.as_dict() for p in exc.problems]
        job.status = ImportStatus.INVALID
        job.processed_rows = 0
        job.save()
    cache.delete(_progress_key(job.pk))
    return job


def import_job_queue(*, job: ImportJob, status: str) -> ImportJob:
    """Mark a job as handed to a background task (validating or committing), from zero rows processed."""
    if status not in (ImportStatus.VALIDATING, ImportStatus.COMMITTING):
        raise ValueError(status)
    job.status = status
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows", "updated_at"])
    cache.delete(_progress_key(job.pk))
    return job


def import_job_fail(*, job_id: int, message: str) -> None:
    """Mark a job failed after an unexpected error in a background task (its transaction rolled back)."""
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED, errors=[Problem(message=message, code="failed").as_dict()]
    )
    cache.delete(_progress_key(job_id))


def import_job_process(
    *, job: ImportJob, commit: bool, actor: Any = None, resolutions: Mapping[str, str] | None = None
) -> ImportJob:
    """Validate once and, when asked and clean, write at once (the command line and benchmark path).

    With `commit`, the file is read once and validated and written in the same pass.
    """
    if commit:
        job.status = ImportStatus.COMMITTING
        job.processed_rows = 0
        job.save(update_fields=["status", "processed_rows", "updated_at"])
        return _validate_and_write(job, _read(job), actor=actor, resolutions=resolutions or {})
    job.status = ImportStatus.VALIDATING
    job.save(update_fields=["status", "updated_at"])
    _validate(job, _read(job), None)
    job.save()
    return job


def file_from_bytes(data: bytes, name: str) -> File:
    """Wrap bytes as a Django file (for the command line and tests)."""
    return File(io.BytesIO(data), name=name)
