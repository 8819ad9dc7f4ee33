"""Validating an import in full: every problem of every sheet, each with its sheet, row and column.

Every problem is collected (not just the first), each with its sheet, row and column (header text
and letter), so the preview can list them all and the user can fix the file and try again. The
checks run in plain Python over dictionaries loaded once from the database, which is what keeps a
100,000-row file within a few times the raw read. On its own nothing is written; the commit path
passes a sink (`RowSink`) that writes clean rows while later ones are still being checked, inside
one transaction that is rolled back unless the whole file is clean.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from pypinyin import lazy_pinyin

from jiugai.accounts.choices import Level
from jiugai.accounts.models import Jurisdiction

from ..models import Building, ConditionFinding, Estate, Household
from ..services import id_number_valid
from . import columns as c
from .reader import Problem, SheetData

# How many problems a report keeps in full; the count is always exact.
MAX_STORED_PROBLEMS = 2000
SIMILARITY = 0.8
# Household rows parsed, checked and handed to a sink at a time.
HOUSEHOLD_CHUNK = 5000
ProgressCallback = Callable[[int], None]

_SEPARATORS = re.compile(r"[、,，;；/|\n]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_EXACT = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "t"}
_FALSE = {"否", "无", "没有", "n", "no", "false", "0", "×", "✗", "f"}
# Cell texts that are exactly a yes/no word (no spaces, lower case): looked up without normalising.
_BOOL_EXACT = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
_NAME_SUFFIXES = ("小区", "家属院", "家属区", "宿舍", "社区", "花园", "大院")


class CellError(ValueError):
    """A cell's value cannot be used; the message says why."""


# --- cell parsers ------------------------------------------------------------------------------


def _text(value: Any, column: c.Column) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if column.max_length and len(text) > column.max_length:
        raise CellError(_("At most %(n)d characters.") % {"n": column.max_length})
    return text


def _int(value: Any, column: c.Column) -> int:
    if isinstance(value, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip()
        if not re.fullmatch(r"-?\d+(\.0+)?", text):
            raise CellError(_("Enter a whole number, not “%(value)s”.") % {"value": value})
        number = int(float(text))
    if column.positive and number <= 0:
        raise CellError(_("Must be greater than zero."))
    return number


def _year(value: Any, column: c.Column) -> int:
    year = _int(value, column)
    this_year = timezone.localdate().year
    if year > this_year:
        raise CellError(_("The year %(year)d is in the future.") % {"year": year})
    if year < 1800:
        raise CellError(_("The year %(year)d is not plausible.") % {"year": year})
    return year


def _decimal(value: Any, column: c.Column) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("Enter a number."))
    try:
        number = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation as exc:
        raise CellError(_("Enter a number, not “%(value)s”.") % {"value": value}) from exc
    if not number.is_finite():
        raise CellError(_("Enter a number, not “%(value)s”.") % {"value": value})
    if column.positive and number <= 0:
        raise CellError(_("Must be greater than zero."))
    places = 6 if column.key in ("latitude", "longitude") else 2
    return number.quantize(Decimal(1).scaleb(-places))


def _date(value: Any, column: c.Column) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        match = _DATE_TEXT.match(str(value).strip())
        if not match:
            raise CellError(_("Enter a date like 2024-05-01, not “%(value)s”.") % {"value": value})
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError as exc:
            raise CellError(_("“%(value)s” is not a real date.") % {"value": value}) from exc
    if day > timezone.localdate():
        raise CellError(_("The date %(date)s is in the future.") % {"date": day.isoformat()})
    return day


def _bool(value: Any, column: c.Column) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("Enter 是 or 否, not “%(value)s”.") % {"value": value})


def _choice_map(choices: Any) -> dict[str, Any]:
    """Stored values, Chinese labels and English labels all map to the stored value."""
    mapping: dict[str, Any] = {}
    for value, label in choices.choices:
        mapping[str(value).lower()] = value
        with override("en"):
            mapping[str(label).lower()] = value
        with override("zh-hans"):
            mapping[str(label).lower()] = value
    return mapping


_CHOICE_MAPS: dict[type, dict[str, Any]] = {}


def choice_lookup(column: c.Column) -> dict[str, Any]:
    assert column.choices is not None  # noqa: S101 - CHOICE columns always name their choices
    if column.choices not in _CHOICE_MAPS:
        _CHOICE_MAPS[column.choices] = _choice_map(column.choices)
    return _CHOICE_MAPS[column.choices]


def _choice(value: Any, column: c.Column) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    found = choice_lookup(column).get(str(value).strip().lower())
    if found is None:
        raise CellError(_("“%(value)s” is not one of the allowed values; choose from the list.") % {"value": value})
    return found


def _choices(value: Any, column: c.Column) -> list[Any]:
    return [_choice(part, column) for part in _SEPARATORS.split(str(value)) if part.strip()]


def _list(value: Any, column: c.Column) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(str(value)) if part.strip()]


def _phone(value: Any, column: c.Column) -> str:
    text = _text(value, column).replace(" ", "").replace("－", "-")
    if text.startswith("+86"):
        text = text[3:]
    if not (_MOBILE.match(text) or _LANDLINE.match(text)):
        raise CellError(_("“%(value)s” is not a mobile or landline number.") % {"value": value})
    return text


def _id_number(value: Any, column: c.Column) -> str:
    if isinstance(value, (int, float)):
        raise CellError(_("Enter the ID number as text (a number loses its last digits in Excel)."))
    text = str(value).strip().upper()
    if not id_number_valid(text):
        raise CellError(_("This is not a valid resident ID number."))
    return text


PARSERS: dict[str, Callable[[Any, c.Column], Any]] = {
    c.TEXT: _text,
    c.INT: _int,
    c.YEAR: _year,
    c.DECIMAL: _decimal,
    c.DATE: _date,
    c.BOOL: _bool,
    c.CHOICE: _choice,
    c.CHOICES: _choices,
    c.LIST: _list,
    c.STREET: _text,
    c.COMMUNITY: _text,
    c.PHONE: _phone,
    c.ID_NUMBER: _id_number,
}
BLANK: dict[str, Any] = {
    c.TEXT: "",
    c.STREET: "",
    c.COMMUNITY: "",
    c.PHONE: "",
    c.ID_NUMBER: "",
    c.LIST: [],
    c.CHOICES: [],
}


_REQUIRED = "required"


def parse_column(cells: Any, column: c.Column) -> tuple[list[Any], list[tuple[int, str]]]:
    """Parse every cell of one column: the values (blank cells get the type's blank) and (position, message) errors."""
    out: list[Any] = []
    errors: list[tuple[int, str]] = []
    blank = BLANK.get(column.type)
    required = column.required
    append = out.append
    kind = column.type
    if kind in (c.TEXT, c.STREET, c.COMMUNITY):
        limit = column.max_length
        for position, value in enumerate(cells):
            if value.__class__ is str:
                text = value.strip()
            elif value is None:
                text = ""
            elif value.__class__ is float and value.is_integer():
                text = str(int(value))
            else:
                text = str(value).strip()
            if not text:
                if required:
                    errors.append((position, _REQUIRED))
            elif limit and len(text) > limit:
                errors.append((position, _("At most %(n)d characters.") % {"n": limit}))
            append(text)
    elif kind == c.INT and not column.positive:
        parse = PARSERS[kind]
        for position, value in enumerate(cells):
            if value.__class__ is float and value.is_integer():
                append(int(value))
            elif value == "" or value is None or (value.__class__ is str and not value.strip()):
                append(blank)
                if required:
                    errors.append((position, _REQUIRED))
            else:
                try:
                    append(parse(value, column))
                except CellError as exc:
                    append(blank)
                    errors.append((position, str(exc)))
    elif kind == c.INT:
        parse = PARSERS[kind]
        for position, value in enumerate(cells):
            if value.__class__ is float and value.is_integer() and value > 0:
                append(int(value))
            elif value == "" or value is None or (value.__class__ is str and not value.strip()):
                append(blank)
                if required:
                    errors.append((position, _REQUIRED))
            else:
                try:
                    append(parse(value, column))
                except CellError as exc:
                    append(blank)
                    errors.append((position, str(exc)))
    elif kind == c.DECIMAL and column.positive:
        parse = PARSERS[kind]
        places = Decimal("0.01")
        for position, value in enumerate(cells):
            if value.__class__ is float and value > 0 and value < 1e12:
                append(Decimal(repr(value)).quantize(places))
            elif value == "" or value is None or (value.__class__ is str and not value.strip()):
                append(blank)
                if required:
                    errors.append((position, _REQUIRED))
            else:
                try:
                    append(parse(value, column))
                except CellError as exc:
                    append(blank)
                    errors.append((position, str(exc)))
    elif kind == c.PHONE:
        # A clean mobile number (the common case) is already its own parsed value.
        mobile = _MOBILE_EXACT.fullmatch
        for position, value in enumerate(cells):
            if value.__class__ is str and mobile(value):
                append(value)
            elif value == "" or value is None or (value.__class__ is str and not value.strip()):
                append(blank)
                if required:
                    errors.append((position, _REQUIRED))
            else:
                try:
                    append(_phone(value, column))
                except CellError as exc:
                    append(blank)
                    errors.append((position, str(exc)))
    elif kind == c.ID_NUMBER:
        # Clean 18-character text skips the strip and upper-casing; the full check always runs.
        for position, value in enumerate(cells):
            if value.__class__ is str and len(value) == 18 and value.isalnum() and value.isascii():
                text = value.upper()
                if id_number_valid(text):
                    append(text)
                else:
                    append(blank)
                    errors.append((position, _("This is not a valid resident ID number.")))
            elif value == "" or value is None or (value.__class__ is str and not value.strip()):
                append(blank)
                if required:
                    errors.append((position, _REQUIRED))
            else:
                try:
                    append(_id_number(value, column))
                except CellError as exc:
                    append(blank)
                    errors.append((position, str(exc)))
    elif kind == c.BOOL:
        exact = _BOOL_EXACT
        for position, value in enumerate(cells):
            found = exact.get(value) if value.__class__ is str else None
            if found is not None:
                append(found)
            elif value == "" or value is None or (value.__class__ is str and not value.strip()):
                append(blank)
                if required:
                    errors.append((position, _REQUIRED))
            else:
                try:
                    append(_bool(value, column))
                except CellError as exc:
                    append(blank)
                    errors.append((position, str(exc)))
    else:
        parse = PARSERS[kind]
        for position, value in enumerate(cells):
            if value == "" or value is None or (value.__class__ is str and not value.strip()):
                append(blank)
                if required:
                    errors.append((position, _REQUIRED))
                continue
            try:
                append(parse(value, column))
            except CellError as exc:
                append(blank)
                errors.append((position, str(exc)))
    if errors:
        required_message = _("This column is required.")
        errors = [(p, required_message if m is _REQUIRED else m) for p, m in errors]
    return out, errors


# --- the report --------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One parsed row: its sheet row number and its values by column key."""

    sheet: str
    number: int
    values: dict[str, Any]


@dataclass
class Report:
    """Everything validation found, plus the parsed rows commit will write when there are no errors."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    rows: dict[str, list[Row]] = field(default_factory=dict)
    present: dict[str, set[str]] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    total_rows: int = 0
    # Looked up once and reused by commit.
    estates: dict[str, Estate] = field(default_factory=dict)
    buildings: dict[tuple[str, str], tuple[int, int, int]] = field(default_factory=dict)

    def error(self, problem: Problem) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_PROBLEMS:
            self.errors.append(problem)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> dict[str, Any]:
        return {"counts": self.counts, "error_count": self.error_count, "sheets": sorted(self.rows)}


@dataclass
class _SheetContext:
    sheet: str
    headers: dict[str, tuple[int, str]]  # column key → (index, header text as found)

    def where(self, key: str) -> tuple[str, str]:
        index, header = self.headers.get(key, (-1, ""))
        return header, c.column_letter(index) if index >= 0 else ""


def _locate(report: Report, spec: c.SheetSpec, ctx: _SheetContext, row: int, key: str, message: str) -> None:
    header, letter = ctx.where(key)
    report.error(
        Problem(sheet=ctx.sheet, row=row, column=header or spec.column(key).header, letter=letter, message=message)
    )


# --- the validator -----------------------------------------------------------------------------


class RowSink(Protocol):
    """Writes clean rows while validation runs (the commit path), inside the caller's transaction.

    Validation calls `start` only when estates and buildings are clean, feeds household rows only
    while no problem has been found anywhere, and calls `finish` only when the whole file is clean;
    the caller rolls everything back otherwise, so the import stays all or nothing.
    """

    def start(self, report: Report) -> None:
        """Estates and buildings are clean: write them and get ready for households."""

    def households(self, rows: list[Row]) -> None:
        """Write clean household rows (called chunk by chunk)."""

    def households_done(self) -> None:
        """No more households; finish writing them (no other query may run before this returns)."""

    def finish(self, report: Report) -> None:
        """Every sheet is clean: write the rest (survey findings)."""


class Validator:
    """Validates the sheets of one file for one jurisdiction; `run()` returns the report."""

    def __init__(
        self,
        *,
        kind: str,
        jurisdiction: Jurisdiction,
        sheets: list[SheetData],
        progress: ProgressCallback | None = None,
        progress_every: int = 2000,
        sink: RowSink | None = None,
    ) -> None:
        self.kind = kind
        self.sink = sink
        self.jurisdiction = jurisdiction
        self.sheets = sheets
        self.progress = progress
        self.progress_every = progress_every
        self.processed = 0
        self.report = Report()
        self.file_estates: dict[str, Row] = {}
        self.file_buildings: dict[tuple[str, str], Row] = {}

    # jurisdiction lookups -----------------------------------------------------------------------

    def _load_places(self) -> None:
        base = self.jurisdiction
        # A community user's estates lie on the community's street: that street is allowed too.
        street_q = Q(path__startswith=base.path, level=Level.STREET)
        if base.level == Level.COMMUNITY and base.parent_id:
            street_q |= Q(pk=base.parent_id)
        streets = list(Jurisdiction.objects.filter(street_q))
        self.streets: dict[str, Jurisdiction] = {}
        for street in streets:
            self.streets[street.code.lower()] = street
            self.streets.setdefault(street.name, street)
        self.communities: dict[tuple[int, str], Jurisdiction] = {}
        for community in Jurisdiction.objects.filter(parent__in=streets, level=Level.COMMUNITY):
            assert community.parent_id is not None  # noqa: S101 - filtered by parent
            self.communities[(community.parent_id, community.code.lower())] = community
            self.communities.setdefault((community.parent_id, community.name), community)

    def _inside(self, jurisdiction: Jurisdiction) -> bool:
        return jurisdiction.path.startswith(self.jurisdiction.path)

    # sheets -------------------------------------------------------------------------------------

    def _assign_sheets(self) -> dict[str, SheetData]:
        found: dict[str, SheetData] = {}
        unassigned: list[SheetData] = []
        for sheet in self.sheets:
            name = sheet.name.strip()
            kind = next((k for k, s in c.SPECS.items() if name == s.title or name.lower() in s.aliases), None)
            if kind and kind not in found:
                found[kind] = sheet
            else:
                unassigned.append(sheet)
        if self.kind not in found:
            data_sheets = [s for s in unassigned if any(any(v not in ("", None) for v in r) for r in s.rows)]
            if data_sheets:
                found[self.kind] = data_sheets[0]
            else:
                title = c.SPECS[self.kind].title
                self.report.error(
                    Problem(
                        sheet=title, message=_("The workbook has no “%(sheet)s” sheet with data.") % {"sheet": title}
                    )
                )
        return found

    def _headers(self, spec: c.SheetSpec, sheet: SheetData) -> _SheetContext | None:
        ctx = _SheetContext(sheet=sheet.name, headers={})
        header_row = sheet.rows[0] if sheet.rows else []
        by_header = {c.normalise_header(col.header): col for col in spec.columns}
        for index, raw in enumerate(header_row):
            text = c.normalise_header(raw)
            if not text:
                continue
            column = by_header.get(text)
            if column is None:
                self.report.warnings.append(
                    Problem(
                        sheet=sheet.name,
                        row=1,
                        column=str(raw),
                        letter=c.column_letter(index),
                        message=_("Column “%(header)s” is not part of the template and is ignored.") % {"header": raw},
                    )
                )
            elif column.key in ctx.headers:
                self.report.error(
                    Problem(
                        sheet=sheet.name,
                        row=1,
                        column=str(raw),
                        letter=c.column_letter(index),
                        message=_("Column “%(header)s” appears twice.") % {"header": raw},
                    )
                )
            else:
                ctx.headers[column.key] = (index, str(raw).strip())
        missing = [col for col in spec.columns if col.required and col.key not in ctx.headers]
        for column in missing:
            self.report.error(
                Problem(
                    sheet=sheet.name,
                    row=1,
                    column=column.header,
                    message=_(
                        "Required column “%(header)s” is missing; it may have been renamed or deleted. "
                        "Use the headers of the template."
                    )
                    % {"header": column.header},
                )
            )
        for ref in sheet.merged:
            start = ref.split(":")[0]
            letters = start.rstrip("0123456789")
            header_text = next((h for i, h in ctx.headers.values() if c.column_letter(i) == letters), "")
            self.report.error(
                Problem(
                    sheet=sheet.name,
                    row=int(start[len(letters) :]),
                    column=header_text,
                    letter=letters,
                    message=_("Cells %(range)s are merged; unmerge them so that every row has its own value.")
                    % {"range": ref},
                )
            )
        return None if missing else ctx

    def _lines(self, spec: c.SheetSpec, sheet: SheetData, ctx: _SheetContext) -> tuple[list[int], list[list[Any]]]:
        """The data rows worth parsing (blank rows and the template's example rows skipped), with their numbers."""
        self.report.present[spec.kind] = set(ctx.headers)
        first_key = spec.key[0]
        first_index = ctx.headers[first_key][0] if first_key in ctx.headers else 0
        numbers: list[int] = []
        kept: list[list[Any]] = []
        width = max((index for index, _h in ctx.headers.values()), default=0) + 1
        prefix = c.EXAMPLE_PREFIX
        for number, raw in enumerate(sheet.rows[1:], start=2):
            if not any(raw) and all(v == "" or v is None for v in raw):
                continue
            if len(raw) < width:
                raw = [*raw, *([""] * (width - len(raw)))]
            first = raw[first_index]
            if first.__class__ is str and first.startswith(prefix):
                continue
            numbers.append(number)
            kept.append(raw)
        return numbers, kept

    def _parse_lines(
        self, spec: c.SheetSpec, sheet: str, ctx: _SheetContext, numbers: list[int], kept: list[list[Any]]
    ) -> list[Row]:
        """Parse column by column (one tight loop per column is several times faster than per cell)."""
        transposed = list(zip(*kept, strict=False)) if kept else []
        keys: list[str] = []
        parsed_columns: list[list[Any]] = []
        bad: set[int] = set()
        report = self.report
        for key, (index, header) in ctx.headers.items():
            column = spec.column(key)
            cells = transposed[index] if transposed else ()
            values, errors = parse_column(cells, column)
            keys.append(key)
            parsed_columns.append(values)
            letter = c.column_letter(index)
            for position, message in errors:
                bad.add(position)
                report.error(Problem(sheet=sheet, row=numbers[position], column=header, letter=letter, message=message))
        rows: list[Row] = []
        append = rows.append
        for position, cells in enumerate(zip(*parsed_columns, strict=True)):
            row = dict(zip(keys, cells, strict=True))
            if position in bad:
                # Kept for key and reference checks, marked so it is never written.
                row["_bad"] = True
            append(Row(sheet, numbers[position], row))
        return rows

    def _parse(self, spec: c.SheetSpec, sheet: SheetData, ctx: _SheetContext) -> list[Row]:
        numbers, kept = self._lines(spec, sheet, ctx)
        self._tick(len(sheet.rows) - 1)
        return self._parse_lines(spec, sheet.name, ctx, numbers, kept)

    def _tick(self, rows: int) -> None:
        self.processed += max(rows, 0)
        if self.progress is not None:
            self.progress(self.processed)

    # run ----------------------------------------------------------------------------------------

    def run(self) -> Report:
        report = self.report
        report.total_rows = sum(max(len(s.rows) - 1, 0) for s in self.sheets)
        self._load_places()
        assigned = self._assign_sheets()
        contexts: dict[str, _SheetContext] = {}
        for kind in c.ORDER:
            if kind in assigned:
                ctx = self._headers(c.SPECS[kind], assigned[kind])
                if ctx is not None:
                    contexts[kind] = ctx
        households_kind = c.HOUSEHOLDS.kind
        parsed = {
            kind: self._parse(c.SPECS[kind], assigned[kind], ctx)
            for kind, ctx in contexts.items()
            if kind != households_kind
        }
        # Households (the long sheet) are parsed and checked chunk by chunk, so that a sink can write
        # one chunk while the next is being checked.
        household_ctx = contexts.get(households_kind)
        numbers: list[int] = []
        lines: list[list[Any]] = []
        codes: set[str] = set()
        household_codes: set[str] = set()
        for rows in parsed.values():
            for row in rows:
                code = row.values.get("code" if "code" in row.values else "estate")
                if code:
                    codes.add(code)
        if household_ctx is not None:
            numbers, lines = self._lines(c.HOUSEHOLDS, assigned[households_kind], household_ctx)
            index = household_ctx.headers["estate"][0]
            household_codes = set(parse_column([line[index] for line in lines], c.HOUSEHOLDS.column("estate"))[0])
            household_codes.discard("")
            codes |= household_codes
        self._load_estates(codes)
        if c.ESTATES.kind in parsed:
            report.rows[c.ESTATES.kind] = self._check_estates(contexts[c.ESTATES.kind], parsed[c.ESTATES.kind])
        if c.BUILDINGS.kind in parsed:
            report.rows[c.BUILDINGS.kind] = self._check_buildings(contexts[c.BUILDINGS.kind], parsed[c.BUILDINGS.kind])
        survey_existing = self._survey_existing() if c.SURVEY.kind in parsed else set()
        check = _HouseholdCheck(self, household_ctx, household_codes) if household_ctx is not None else None
        # Every query of validation has run by now: a sink may hold the connection for its COPY.
        sink = self.sink if self.sink is not None and report.ok else None
        if sink is not None:
            sink.start(report)
        if household_ctx is not None and check is not None:
            sheet = assigned[households_kind]
            good: list[Row] = []
            for start in range(0, len(lines), HOUSEHOLD_CHUNK):
                chunk = self._parse_lines(
                    c.HOUSEHOLDS,
                    sheet.name,
                    household_ctx,
                    numbers[start : start + HOUSEHOLD_CHUNK],
                    lines[start : start + HOUSEHOLD_CHUNK],
                )
                clean = check.rows(chunk)
                good.extend(clean)
                if sink is not None and report.ok:
                    sink.households(clean)
                self._tick(len(chunk))
            self._tick(len(sheet.rows) - 1 - len(lines))
            report.rows[households_kind] = good
            report.counts[households_kind] = {"create": check.creates, "update": check.updates}
        if sink is not None:
            sink.households_done()
        if c.SURVEY.kind in parsed:
            report.rows[c.SURVEY.kind] = self._check_survey(
                contexts[c.SURVEY.kind], parsed[c.SURVEY.kind], survey_existing
            )
        if sink is not None and report.ok:
            sink.finish(report)
        # Problems by sheet (in the order sheets are written) and row, as the user fixes the file.
        rank = {assigned[kind].name: position for position, kind in enumerate(c.ORDER) if kind in assigned}
        report.errors.sort(key=lambda p: (rank.get(p.sheet, -1), p.row or 0))
        if self.progress is not None:
            self.progress(report.total_rows)
        return report

    def _load_estates(self, codes: set[str]) -> None:
        estates = Estate.objects.filter(code__in=codes).select_related("jurisdiction", "street")
        self.report.estates = {e.code: e for e in estates}

    def _estate_ref(self, report: Report, spec: c.SheetSpec, ctx: _SheetContext, row: Row) -> str | None:
        """The estate code a row points at, if it is in this workbook or an estate of the user's jurisdiction."""
        code = row.values.get("estate")
        if not code:
            return None
        if code in self.file_estates:
            return str(code)
        estate = report.estates.get(code)
        if estate is None or not self._inside(estate.jurisdiction):
            _locate(
                report,
                spec,
                ctx,
                row.number,
                "estate",
                _("No estate with code “%(code)s” in your jurisdiction or in this workbook.") % {"code": code},
            )
            return None
        return str(code)

    def _duplicate(
        self, seen: dict[Any, int], key: Any, spec: c.SheetSpec, ctx: _SheetContext, row: Row, column: str
    ) -> bool:
        first = seen.get(key)
        if first is not None:
            _locate(
                self.report,
                spec,
                ctx,
                row.number,
                column,
                _("Duplicate of row %(row)d: the same %(what)s appears twice in the file.")
                % {"row": first, "what": "/".join(spec.column(k).header for k in spec.key)},
            )
            return True
        seen[key] = row.number
        return False

    # estates ------------------------------------------------------------------------------------

    def _check_estates(self, ctx: _SheetContext, rows: list[Row]) -> list[Row]:
        spec, report = c.ESTATES, self.report
        seen: dict[Any, int] = {}
        good: list[Row] = []
        creates = updates = 0
        for row in rows:
            values = row.values
            code = values.get("code")
            bad = values.pop("_bad", False)
            if code and self._duplicate(seen, code, spec, ctx, row, "code"):
                bad = True
            street = None
            street_text = values.get("street")
            if street_text:
                street = self.streets.get(street_text) or self.streets.get(street_text.lower())
                if street is None:
                    _locate(
                        report,
                        spec,
                        ctx,
                        row.number,
                        "street",
                        _("Unknown street “%(name)s”: no street of that name or code in your jurisdiction.")
                        % {"name": street_text},
                    )
                    bad = True
            place = street
            community_text = values.get("community")
            if street is not None and community_text:
                community = self.communities.get((street.pk, community_text)) or self.communities.get(
                    (street.pk, community_text.lower())
                )
                if community is None:
                    _locate(
                        report,
                        spec,
                        ctx,
                        row.number,
                        "community",
                        _("Unknown community “%(name)s”: no community of that name or code in %(street)s.")
                        % {"name": community_text, "street": street.name},
                    )
                    bad = True
                place = community
            if place is not None and not self._inside(place):
                _locate(
                    report,
                    spec,
                    ctx,
                    row.number,
                    "community" if "community" in ctx.headers else "street",
                    _("%(place)s is outside your jurisdiction (%(yours)s); name your community.")
                    % {"place": place.name, "yours": self.jurisdiction.name},
                )
                bad = True
            existing = report.estates.get(code) if code else None
            if existing is not None and not self._inside(existing.jurisdiction):
                _locate(
                    report,
                    spec,
                    ctx,
                    row.number,
                    "code",
                    _("Code “%(code)s” belongs to an estate outside your jurisdiction.") % {"code": code},
                )
                bad = True
            for key, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
                value = values.get(key)
                if value is not None and not low <= value <= high:
                    _locate(
                        report,
                        spec,
                        ctx,
                        row.number,
                        key,
                        _("Out of range (%(low)d to %(high)d).") % {"low": low, "high": high},
                    )
                    bad = True
            if code:
                self.file_estates.setdefault(code, row)
            if bad:
                continue
            values["street_obj"] = street
            values["place_obj"] = place
            if existing is None:
                creates += 1
            else:
                updates += 1
            good.append(row)
        report.counts[spec.kind] = {"create": creates, "update": updates}
        self._near_duplicates(ctx, good)
        return good

    def _near_duplicates(self, ctx: _SheetContext, rows: list[Row]) -> None:
        """Warn when a new estate's name is close to another estate's on the same street (信合小区 / 信和小区)."""
        new_rows = [r for r in rows if r.values["code"] not in self.report.estates]
        if not new_rows:
            return
        streets = {r.values["street_obj"].pk for r in new_rows}
        candidates: dict[int, list[tuple[str, str, str]]] = {}
        for estate in Estate.objects.filter(street_id__in=streets).only("code", "name", "aliases", "street_id"):
            for name in (estate.name, *estate.aliases):
                candidates.setdefault(estate.street_id, []).append((estate.code, estate.name, name))
        header, letter = ctx.where("name")
        for row in new_rows:
            values = row.values
            street_id = values["street_obj"].pk
            match = None
            for target_code, target_name, other in candidates.get(street_id, []):
                if target_code != values["code"] and names_similar(values["name"], other):
                    match = (target_code, target_name)
                    break
            if match is not None:
                self.report.warnings.append(
                    Problem(
                        sheet=ctx.sheet,
                        row=row.number,
                        column=header,
                        letter=letter,
                        code="near_duplicate",
                        message=_(
                            "“%(name)s” looks like the existing estate “%(other)s” (%(other_code)s) on the same "
                            "street. Merge it into that estate as an alias, or keep both."
                        )
                        % {"name": values["name"], "other": match[1], "other_code": match[0]},
                        extra={"source_code": values["code"], "target_code": match[0], "target_name": match[1]},
                    )
                )
            candidates.setdefault(street_id, []).append((values["code"], values["name"], values["name"]))

    # buildings ----------------------------------------------------------------------------------

    def _check_buildings(self, ctx: _SheetContext, rows: list[Row]) -> list[Row]:
        spec, report = c.BUILDINGS, self.report
        seen: dict[Any, int] = {}
        good: list[Row] = []
        db_estates = {code for code in {r.values.get("estate") for r in rows} if code in report.estates}
        existing = {
            (code, number): (pk, stairwells, floors)
            for pk, code, number, stairwells, floors in Building.objects.filter(
                estate__code__in=db_estates
            ).values_list("pk", "estate__code", "number", "stairwells", "floors")
        }
        report.buildings.update(existing)
        creates = updates = 0
        for row in rows:
            values = row.values
            bad = values.pop("_bad", False)
            estate = self._estate_ref(report, spec, ctx, row)
            key = (values.get("estate"), values.get("number"))
            if all(key) and self._duplicate(seen, key, spec, ctx, row, "number"):
                bad = True
            if estate is None or bad:
                continue
            self.file_buildings[(estate, values["number"])] = row
            if key in existing:
                updates += 1
            else:
                creates += 1
            good.append(row)
        report.counts[spec.kind] = {"create": creates, "update": updates}
        return good

    # survey -------------------------------------------------------------------------------------

    def _survey_existing(self) -> set[tuple[str, dt.date, str]]:
        """Findings already recorded for the file's estates (read before any household is written)."""
        return set(
            ConditionFinding.objects.filter(survey__estate__code__in=list(self.report.estates)).values_list(
                "survey__estate__code", "survey__surveyed_on", "item"
            )
        )

    def _check_survey(self, ctx: _SheetContext, rows: list[Row], existing: set[Any]) -> list[Row]:
        spec, report = c.SURVEY, self.report
        seen: dict[Any, int] = {}
        good: list[Row] = []
        creates = updates = 0
        for row in rows:
            values = row.values
            bad = values.pop("_bad", False)
            estate = self._estate_ref(report, spec, ctx, row)
            key = (values.get("estate"), values.get("surveyed_on"), values.get("item"))
            if all(k is not None for k in key) and self._duplicate(seen, key, spec, ctx, row, "item"):
                bad = True
            if estate is None or bad:
                continue
            if key in existing:
                updates += 1
            else:
                creates += 1
            good.append(row)
        report.counts[spec.kind] = {"create": creates, "update": updates}
        return good


class _HouseholdCheck:
    """The checks of household rows that need the whole file or the database, applied chunk by chunk.

    References (estate, building, stairwell, floor) are checked against the buildings of the file
    and of the system, loaded once; duplicate keys are remembered across chunks.
    """

    def __init__(self, validator: Validator, ctx: _SheetContext, estate_codes: set[str]) -> None:
        self.validator = validator
        self.ctx = ctx
        report = validator.report
        self.report = report
        self.seen: dict[Any, int] = {}
        db_estates = {code for code in estate_codes if code in report.estates}
        have = {key[0] for key in report.buildings}
        missing_buildings = db_estates - have
        if missing_buildings:
            report.buildings.update(
                {
                    (code, number): (pk, stairwells, floors)
                    for pk, code, number, stairwells, floors in Building.objects.filter(
                        estate__code__in=missing_buildings
                    ).values_list("pk", "estate__code", "number", "stairwells", "floors")
                }
            )
        self.file_buildings = {
            key: (row.values.get("stairwells") or 1, row.values.get("floors") or 0)
            for key, row in validator.file_buildings.items()
        }
        db_ids = [v[0] for v in report.buildings.values()]
        self.existing_keys = set(
            Household.objects.filter(building_id__in=db_ids).values_list("building_id", "stairwell", "room")
        )
        self.estate_ok: dict[str, bool] = {}
        self.creates = self.updates = 0
        self.no_stairwell = _("The building has no such stairwell.")

    def rows(self, rows: list[Row]) -> list[Row]:
        """The rows of one chunk that pass every check; problems go to the report."""
        spec, report, ctx, validator = c.HOUSEHOLDS, self.report, self.ctx, self.validator
        good: list[Row] = []
        estate_ok = self.estate_ok
        buildings = report.buildings
        file_buildings = self.file_buildings
        existing_keys = self.existing_keys
        seen = self.seen
        for row in rows:
            values = row.values
            bad = values.pop("_bad", False)
            code = values.get("estate")
            if not code:
                continue
            if code not in estate_ok:
                estate_ok[code] = validator._estate_ref(report, spec, ctx, row) is not None
            elif not estate_ok[code]:
                _locate(
                    report,
                    spec,
                    ctx,
                    row.number,
                    "estate",
                    _("No estate with code “%(code)s” in your jurisdiction or in this workbook.") % {"code": code},
                )
            if not estate_ok[code]:
                continue
            number = values.get("building")
            if not number:
                continue
            bkey = (code, number)
            db_building = buildings.get(bkey)
            file_building = file_buildings.get(bkey)
            if file_building is not None:
                stairwells, floors = file_building
            elif db_building is not None:
                stairwells, floors = db_building[1], db_building[2]
            else:
                _locate(
                    report,
                    spec,
                    ctx,
                    row.number,
                    "building",
                    _("Building “%(number)s” of estate %(code)s is neither in the system nor on the 楼栋 sheet.")
                    % {"number": number, "code": code},
                )
                continue
            stairwell = values.get("stairwell") or 1
            values["stairwell"] = stairwell
            if stairwell > stairwells:
                _locate(report, spec, ctx, row.number, "stairwell", self.no_stairwell)
                bad = True
            floor = values.get("floor")
            if floor is not None and floors and floor > floors:
                _locate(
                    report,
                    spec,
                    ctx,
                    row.number,
                    "floor",
                    _("Floor %(floor)d is above the building's %(floors)d floors.")
                    % {"floor": floor, "floors": floors},
                )
                bad = True
            room = values.get("room")
            if room:
                key = (code, number, stairwell, room)
                first = seen.get(key)
                if first is None:
                    seen[key] = row.number
                else:
                    validator._duplicate(seen, key, spec, ctx, row, "room")
                    bad = True
            if bad:
                continue
            if db_building is not None and (db_building[0], stairwell, room) in existing_keys:
                self.updates += 1
            else:
                self.creates += 1
            good.append(row)
        return good


def _pinyin(name: str) -> str:
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return "".join(lazy_pinyin(name))


def names_similar(a: str, b: str) -> bool:
    """Same pinyin (信合 / 信和) or a close spelling (difflib ratio ≥ 0.8)."""
    if not a or not b:
        return False
    if a == b:
        return True
    if difflib.SequenceMatcher(None, a, b).ratio() >= SIMILARITY:
        return True
    return _pinyin(a) == _pinyin(b)


def import_validate(
    *,
    kind: str,
    jurisdiction: Jurisdiction,
    sheets: list[SheetData],
    progress: ProgressCallback | None = None,
    sink: RowSink | None = None,
) -> Report:
    """Validate every sheet of a file for `jurisdiction`; nothing is written unless a `sink` is given."""
    return Validator(kind=kind, jurisdiction=jurisdiction, sheets=sheets, progress=progress, sink=sink).run()
