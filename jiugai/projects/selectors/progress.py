"""Reads for progress: the BoQ lines with what is done, weekly reports, the ledger of every project (台账, with
registration and close-out 登记销号), the weekly digest's figures aggregated in SQL, and the public summary.

Jiyuan 000 (seeds/000_f9b901b302fa6203.txt): "建立台账管理制度，市、街道办事处逐级建立老旧小区改造提升工作台账，实行改造
提升项目登记和销号制度" and weekly reports every Friday. The ledger reads only project rows (the weekly-report
service keeps `percent_complete` and `last_report_on` on the project), so a page costs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.rules.progress import PERCENT_BUCKETS, LineQuantity, week_span

from ..choices import STAGE_ORDER, Stage, VariationStatus
from ..models import BoQLine, ProgressPhoto, Project, ReportLine, VariationLine, WeeklyDigest, WeeklyReport
from .project import project_overdue

ZERO = Decimal("0")
QUANTITY = DecimalField(max_digits=16, decimal_places=2)
# How many projects a digest lists by name (the counts cover all of them).
DIGEST_LIST_LIMIT = 200
PUBLIC_PHOTOS = 6

# The ledger reads every column of the project row except the long texts and JSON (so `project_overdue` and any
# field added later need no extra query), and only the names of the street and the estate.
LEDGER_HEAVY = frozenset({"content", "utilities", "deadline_sources"})
LEDGER_RELATED = (
    "jurisdiction__id",
    "jurisdiction__code",
    "jurisdiction__name",
    "estate__id",
    "estate__code",
    "estate__name",
)


def ledger_columns() -> tuple[str, ...]:
    """The columns a ledger row loads."""
    own = tuple(f.name for f in Project._meta.concrete_fields if f.name not in LEDGER_HEAVY)
    return own + LEDGER_RELATED


# The deadline checks of `project_overdue` (Guyuan 003), as (code, due field, done field, stage that meets it).
OVERDUE_CHECKS = (
    ("preliminary", "preliminary_due", "preliminary_done_on", Stage.CONSTRUCTION),
    ("start", "start_due", "started_on", Stage.CONSTRUCTION),
    ("completion", "completion_due", "completed_on", Stage.ACCEPTANCE),
    ("acceptance", "acceptance_due", "handed_over_on", Stage.HANDED_OVER),
)


# --- BoQ lines and reports ---------------------------------------------------------------------------------


def progress_lines(
    *, project: Project, until: dt.date | None = None, before: dt.date | None = None
) -> list[LineQuantity]:
    """The project's BoQ lines with their quantity including approved variations and the quantity reported done
    (by reports up to and including `until`, or strictly before `before`; all reports by default). Two subqueries,
    one query."""
    approved = (
        VariationLine.objects.filter(boq_line=OuterRef("pk"), variation__status=VariationStatus.APPROVED)
        .order_by()
        .values("boq_line")
        .annotate(total=Sum("quantity_delta"))
        .values("total")
    )
    reported = ReportLine.objects.filter(boq_line=OuterRef("pk"))
    if until is not None:
        reported = reported.filter(report__week_ending__lte=until)
    if before is not None:
        reported = reported.filter(report__week_ending__lt=before)
    done = reported.order_by().values("boq_line").annotate(total=Sum("quantity")).values("total")
    rows = (
        BoQLine.objects.filter(project=project)
        .annotate(
            delta=Coalesce(Subquery(approved, output_field=QUANTITY), Value(ZERO, output_field=QUANTITY)),
            done=Coalesce(Subquery(done, output_field=QUANTITY), Value(ZERO, output_field=QUANTITY)),
        )
        .order_by("position", "id")
    )
    return [
        LineQuantity(
            key=line.pk,
            code=line.code,
            quantity=line.quantity + line.delta,
            unit_price=line.unit_price,
            done=line.done,
            unit=line.unit,
            name=line.name,
        )
        for line in rows
    ]


def report_list(*, user: Any, project: Project | None = None) -> QuerySet[WeeklyReport]:
    """The weekly reports `user` may see (of one project when given), newest week first."""
    queryset = WeeklyReport.objects.select_related("project", "submitted_by").annotate(
        photo_count=Count("photos", distinct=True)
    )
    if project is not None:
        queryset = queryset.filter(project=project)
    return visible_to(user, queryset).order_by("-week_ending", "-id")


def report_get(*, user: Any, pk: Any, project: Project | None = None) -> WeeklyReport:
    """One weekly report the user may see (404 otherwise; of `project` when given)."""
    queryset = WeeklyReport.objects.select_related("project__jurisdiction", "project__estate", "submitted_by")
    if project is not None:
        queryset = queryset.filter(project=project)
    return get_visible_or_404(user, queryset, pk=pk)


def report_lines(*, report: WeeklyReport) -> list[dict[str, Any]]:
    """Each BoQ line of the report's project with the quantity done that week and cumulatively up to it."""
    this_week = {
        row["boq_line_id"]: row["quantity"] for row in report.lines.values("boq_line_id", "quantity").order_by()
    }
    return [
        {
            "line": line,
            "this_week": this_week.get(line.key, ZERO),
            "percent": (min(line.done, line.quantity) * 100 / line.quantity).quantize(Decimal("0.01"))
            if line.quantity > 0
            else Decimal("100.00"),
        }
        for line in progress_lines(project=report.project, until=report.week_ending)
    ]


def report_photos(*, report: WeeklyReport) -> QuerySet[ProgressPhoto]:
    """The photos of a report in the order they were taken."""
    return report.photos.order_by("taken_at", "id")


def report_series(*, project: Project) -> list[dict[str, Any]]:
    """Percent complete week by week (for the progress chart), oldest first."""
    return [
        {"week_ending": row["week_ending"].isoformat(), "percent": str(row["percent_complete"])}
        for row in WeeklyReport.objects.filter(project=project)
        .order_by("week_ending")
        .values("week_ending", "percent_complete")
    ]


# --- the ledger ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFilters:
    """What the ledger is narrowed by: search text, a street (or any node below the user's), a stage, the plan
    year, overdue only, closed out or still open."""

    q: str = ""
    street: Jurisdiction | None = None
    stage: str = ""
    year: int | None = None
    overdue: bool = False
    closed: bool | None = None

    def as_params(self) -> dict[str, Any]:
        """The filters as query parameters (for the export link and the CLI's JSON)."""
        params: dict[str, Any] = {}
        if self.q:
            params["q"] = self.q
        if self.street is not None:
            params["street"] = self.street.code
        if self.stage:
            params["stage"] = self.stage
        if self.year is not None:
            params["year"] = self.year
        if self.overdue:
            params["overdue"] = "1"
        if self.closed is not None:
            params["closed"] = "yes" if self.closed else "no"
        return params


TRUE_WORDS = {"1", "true", "on", "yes", "y"}
FALSE_WORDS = {"0", "false", "off", "no", "n", ""}


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(text)


def ledger_filters(params: Mapping[str, Any] | None, *, user: Any = None) -> LedgerFilters:
    """Read the ledger's filters from query parameters or a form's cleaned data; a bad value is a translated
    ValidationError naming the parameter (nothing is guessed). `street` is a jurisdiction, its code or its id,
    and must be one `user` may see."""
    params = params or {}
    errors: dict[str, list[str]] = {}

    def value(name: str) -> Any:
        raw = params.get(name)
        return raw.strip() if isinstance(raw, str) else raw

    q = value("q") or ""
    stage = value("stage") or ""
    if stage and stage not in Stage.values:
        errors["stage"] = [_("Unknown stage: %(value)s.") % {"value": stage}]
        stage = ""
    year: int | None = None
    raw_year = value("year")
    if raw_year not in (None, ""):
        try:
            year = int(raw_year)
        except (TypeError, ValueError):
            errors["year"] = [_("The year must be a whole number, not %(value)s.") % {"value": raw_year}]
        else:
            if not 1990 <= year <= 2100:
                errors["year"] = [_("The year must be a whole number, not %(value)s.") % {"value": raw_year}]
                year = None
    try:
        overdue = bool(_flag(value("overdue")))
    except ValueError:
        errors["overdue"] = [_("Use yes or no, not %(value)s.") % {"value": value("overdue")}]
        overdue = False
    closed: bool | None = None
    raw_closed = value("closed")
    if raw_closed not in (None, ""):
        try:
            closed = _flag(raw_closed)
        except ValueError:
            errors["closed"] = [_("Use yes or no, not %(value)s.") % {"value": raw_closed}]
    street = value("street")
    node: Jurisdiction | None = None
    if isinstance(street, Jurisdiction):
        node = street
        if user is not None and not visible_to(user, Jurisdiction.objects.filter(pk=street.pk)).exists():
            errors["street"] = [_("Unknown jurisdiction or outside your scope: %(code)s") % {"code": street.code}]
    elif street not in (None, ""):
        lookup = Q(code=str(street)) | (Q(pk=int(street)) if str(street).isdigit() else Q(pk__in=[]))
        found = Jurisdiction.objects.filter(lookup).order_by("pk").first()
        if found is not None and user is not None:
            found = visible_to(user, Jurisdiction.objects.filter(pk=found.pk)).first()
        if found is None:
            errors["street"] = [_("Unknown jurisdiction or outside your scope: %(code)s") % {"code": street}]
        node = found
    if errors:
        raise ValidationError(errors)
    return LedgerFilters(q=str(q), street=node, stage=stage, year=year, overdue=overdue, closed=closed)


def overdue_q(today: dt.date) -> Q:
    """Projects with any missed deadline on `today`, as `project_overdue` decides it for one row: reached after
    the due date, or not reached and the due date passed (Guyuan 003: every project started by 15 March)."""
    condition = Q(pk__in=[])
    for _code, due, done, stage in OVERDUE_CHECKS:
        condition |= overdue_kind_q(due, done, stage, today)
    return condition


def overdue_kind_q(due: str, done: str, stage: str, today: dt.date) -> Q:
    """One deadline missed: `done` after `due`, or `stage` not reached and `due` before `today`."""
    not_reached = STAGE_ORDER[: STAGE_ORDER.index(stage)]
    return Q(**{f"{done}__gt": F(due)}) | Q(**{"stage__in": not_reached, f"{due}__lt": today})


def ledger_queryset(queryset: QuerySet[Project], filters: LedgerFilters, today: dt.date) -> QuerySet[Project]:
    """Narrow `queryset` (already scoped) by `filters`, read only the ledger's columns, by project code descending:
    codes start with the plan year (P2024-…), so the newest plan year comes first, and the order follows the
    unique index on the code (a page of a city's 50,000 projects is read from the index instead of sorting all of
    them: 67 ms → under 20 ms for a middle page on the benchmark data, well under 1 ms for the first)."""
    if filters.q:
        text = filters.q
        queryset = queryset.filter(
            Q(code__icontains=text)
            | Q(name__icontains=text)
            | Q(estate__name__icontains=text)
            | Q(estate__name_pinyin__icontains=text.lower())
        )
    if filters.street is not None:
        queryset = queryset.filter(jurisdiction__path__startswith=filters.street.path)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.year is not None:
        queryset = queryset.filter(year=filters.year)
    if filters.overdue:
        queryset = queryset.filter(overdue_q(today))
    if filters.closed is True:
        queryset = queryset.filter(closed_on__isnull=False)
    elif filters.closed is False:
        queryset = queryset.filter(closed_on__isnull=True)
    return queryset.select_related("jurisdiction", "estate").only(*ledger_columns()).order_by("-code")


def ledger_rows(
    *, user: Any, filters: LedgerFilters | Mapping[str, Any] | None = None, today: dt.date | None = None
) -> QuerySet[Project]:
    """The ledger (台账): every project `user` may see, filtered, as a lazy queryset of lean project rows
    (paginate it; `ledger_row` turns a row into the ledger's columns with its overdue flags)."""
    today = today or timezone.localdate()
    if not isinstance(filters, LedgerFilters):
        filters = ledger_filters(filters, user=user)
    return ledger_queryset(visible_to(user, Project.objects.all()), filters, today)


class LedgerPage:
    """The ledger's rows as a sliceable sequence for a paginator (the page and the API): a slice first reads the
    ids of its rows in order (a narrow sort, no estate join), then those rows with the street and estate names.
    Two queries a page plus the count, however deep the page and however many projects."""

    def __init__(self, queryset: QuerySet[Project]) -> None:
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Project]:
        return self.queryset.iterator(chunk_size=2000)

    def __getitem__(self, key: slice) -> list[Project]:
        if not isinstance(key, slice):
            raise TypeError("LedgerPage takes slices only")
        ids = list(self.queryset.values_list("pk", flat=True)[key])
        found = {
            p.pk: p
            for p in Project.objects.filter(pk__in=ids).select_related("jurisdiction", "estate").only(*ledger_columns())
        }
        return [found[pk] for pk in ids if pk in found]


def ledger_rows_for(
    *, jurisdiction: Jurisdiction | None, filters: LedgerFilters | Mapping[str, Any] | None = None, today: Any = None
) -> QuerySet[Project]:
    """The ledger of a jurisdiction's subtree (every project when None), for the command line and tasks, which
    act for the office rather than for a signed-in user."""
    today = today or timezone.localdate()
    if not isinstance(filters, LedgerFilters):
        filters = ledger_filters(filters)
    queryset = Project.objects.all()
    if jurisdiction is not None:
        queryset = queryset.filter(jurisdiction__path__startswith=jurisdiction.path)
    return ledger_queryset(queryset, filters, today)


def ledger_row(project: Project, today: dt.date | None = None) -> dict[str, Any]:
    """One ledger line: registration (登记) and close-out (销号), stage, percent complete, last report, overdue."""
    flags = project_overdue(project, today)
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "street": project.jurisdiction.name,
        "street_code": project.jurisdiction.code,
        "estate": project.estate.name,
        "estate_code": project.estate.code,
        "year": project.year,
        "stage": project.stage,
        "stage_label": str(Stage(project.stage).label),
        "registered_on": project.registered_on,
        "started_on": project.started_on,
        "completed_on": project.completed_on,
        "handed_over_on": project.handed_over_on,
        "closed_on": project.closed_on,
        "percent_complete": project.percent_complete,
        "last_report_on": project.last_report_on,
        "overdue": [{"code": f.code, "message": f.message, "due": f.due} for f in flags],
    }


def ledger_streets(*, user: Any) -> QuerySet[Jurisdiction]:
    """The streets the user may pick in the ledger's filter."""
    return visible_to(user, Jurisdiction.objects.filter(level="street")).only("id", "code", "name").order_by("code")


# --- the weekly digest --------------------------------------------------------------------------------------


def _bucket_q(low: Decimal | None, high: Decimal) -> Q:
    condition = Q(percent_complete__lte=high)
    if low is not None:
        condition &= Q(percent_complete__gt=low)
    return condition


def digest_figures(*, jurisdiction: Jurisdiction, week_ending: dt.date) -> dict[str, Any]:
    """Everything the weekly digest of `jurisdiction` says for the week ending `week_ending`, aggregated in SQL:
    one grouped query per street for the counts, one for the street names, and two short lists (overdue projects
    and missing reports, at most `DIGEST_LIST_LIMIT` each). Overdue is judged as of the week's end."""
    first, last = week_span(week_ending)
    today = last
    projects = Project.objects.filter(jurisdiction__path__startswith=jurisdiction.path)
    reported = Exists(WeeklyReport.objects.filter(project=OuterRef("pk"), week_ending__range=(first, last)))
    under = Q(stage=Stage.CONSTRUCTION)
    expected = under & (Q(started_on__lte=last) | Q(started_on__isnull=True))
    overdue = overdue_q(today)
    aggregates: dict[str, Any] = {
        "projects": Count("id"),
        "received": Count("id", filter=Q(has_report=True)),
        "expected": Count("id", filter=expected),
        "missing": Count("id", filter=expected & Q(has_report=False)),
        "overdue": Count("id", filter=overdue),
        "registered_this_week": Count("id", filter=Q(registered_on__range=(first, last))),
        "started_this_week": Count("id", filter=Q(started_on__range=(first, last))),
        "closed_this_week": Count("id", filter=Q(closed_on__range=(first, last))),
        "percent_sum": Coalesce(Sum("percent_complete", filter=under), Value(ZERO, output_field=QUANTITY)),
    }
    for stage in STAGE_ORDER:
        aggregates[f"stage_{stage}"] = Count("id", filter=Q(stage=stage))
    for code, due, done, stage in OVERDUE_CHECKS:
        aggregates[f"overdue_{code}"] = Count("id", filter=overdue_kind_q(due, done, stage, today))
    for n, (_label, low, high) in enumerate(PERCENT_BUCKETS):
        aggregates[f"bucket_{n}"] = Count("id", filter=under & _bucket_q(low, high))
    rows = projects.annotate(has_report=reported).order_by().values("jurisdiction_id").annotate(**aggregates)
    grouped: list[dict[str, Any]] = [dict(row) for row in rows]
    names = {
        j["id"]: j
        for j in Jurisdiction.objects.filter(pk__in=[row["jurisdiction_id"] for row in grouped]).values(
            "id", "code", "name", "path"
        )
    }
    streets = []
    totals: dict[str, Any] = {key: 0 for key in aggregates if key != "percent_sum"}
    percent_sum = ZERO
    for row in grouped:
        node = names[row["jurisdiction_id"]]
        under_n = row[f"stage_{Stage.CONSTRUCTION}"]
        streets.append(
            {
                "code": node["code"],
                "name": node["name"],
                "projects": row["projects"],
                "by_stage": {stage: row[f"stage_{stage}"] for stage in STAGE_ORDER},
                "construction": under_n,
                "expected": row["expected"],
                "received": row["received"],
                "missing": row["missing"],
                "overdue": row["overdue"],
                "registered_this_week": row["registered_this_week"],
                "closed_this_week": row["closed_this_week"],
                "closed": row[f"stage_{Stage.CLOSED}"],
                "average_percent": str((row["percent_sum"] / under_n).quantize(Decimal("0.01"))) if under_n else None,
            }
        )
        for key in totals:
            totals[key] += row[key]
        percent_sum += row["percent_sum"]
    streets.sort(key=lambda s: s["code"])
    under_total = totals[f"stage_{Stage.CONSTRUCTION}"]
    listed = projects.select_related("jurisdiction", "estate").only(*ledger_columns()).order_by("code")
    overdue_projects = [
        {
            "code": p.code,
            "name": p.name,
            "street": p.jurisdiction.name,
            "stage": p.stage,
            "flags": [{"code": f.code, "due": f.due.isoformat()} for f in project_overdue(p, today)],
        }
        for p in listed.filter(overdue)[:DIGEST_LIST_LIMIT]
    ]
    missing_projects = [
        {
            "code": p.code,
            "name": p.name,
            "street": p.jurisdiction.name,
            "last_report_on": p.last_report_on.isoformat() if p.last_report_on else None,
        }
        for p in listed.annotate(has_report=reported).filter(expected, has_report=False)[:DIGEST_LIST_LIMIT]
    ]
    return {
        "jurisdiction": {"code": jurisdiction.code, "name": jurisdiction.name},
        "week_start": first.isoformat(),
        "week_ending": last.isoformat(),
        "as_of": today.isoformat(),
        "totals": {
            "projects": totals["projects"],
            "by_stage": {stage: totals[f"stage_{stage}"] for stage in STAGE_ORDER},
            "reports_expected": totals["expected"],
            "reports_received": totals["received"],
            "reports_missing": totals["missing"],
            "overdue": totals["overdue"],
            "overdue_by_kind": {code: totals[f"overdue_{code}"] for code, *_rest in OVERDUE_CHECKS},
            "registered_this_week": totals["registered_this_week"],
            "started_this_week": totals["started_this_week"],
            "closed_this_week": totals["closed_this_week"],
            "average_percent": str((percent_sum / under_total).quantize(Decimal("0.01"))) if under_total else None,
        },
        "distribution": [
            {"label": label, "count": totals[f"bucket_{n}"]} for n, (label, _low, _high) in enumerate(PERCENT_BUCKETS)
        ],
        "streets": streets,
        "overdue_projects": overdue_projects,
        "missing_projects": missing_projects,
        "list_limit": DIGEST_LIST_LIMIT,
    }


def overdue_message(code: str, due: str) -> str:
    """The message `project_overdue` gives for a missed deadline, from the code and date a digest stores."""
    messages = {
        "preliminary": _("Preliminary work not finished by %(due)s"),
        "start": _("Not started by %(due)s"),
        "completion": _("Works not completed by %(due)s"),
        "acceptance": _("Not accepted by %(due)s"),
    }
    return messages.get(code, "%(due)s") % {"due": due}


def overdue_kind_label(code: str) -> str:
    """A short name of a deadline kind, for the digest's table heads."""
    labels = {
        "preliminary": _("Preliminary work"),
        "start": _("Start of works"),
        "completion": _("Completion"),
        "acceptance": _("Acceptance"),
    }
    return labels.get(code, code)


def digest_list(*, user: Any) -> QuerySet[WeeklyDigest]:
    """The weekly digests `user` may see, newest week first (the figures are not loaded)."""
    return (
        visible_to(user, WeeklyDigest.objects.select_related("jurisdiction"))
        .defer("data")
        .order_by("-week_ending", "jurisdiction__code")
    )


def digest_get(*, user: Any, pk: Any) -> WeeklyDigest:
    """One weekly digest the user may see (404 otherwise)."""
    return get_visible_or_404(user, WeeklyDigest.objects.select_related("jurisdiction"), pk=pk)


# --- the public page ----------------------------------------------------------------------------------------


def progress_public_summary(*, project: Project) -> dict[str, Any]:
    """What the public page shows of progress: percent complete, the last report's week and the latest photos
    (image URL, caption, day and place). No names, no accounts, no phone numbers."""
    photos = (
        ProgressPhoto.objects.filter(report__project=project)
        .only("image", "caption", "taken_at", "place")
        .order_by("-taken_at", "-id")[:PUBLIC_PHOTOS]
    )
    return {
        "percent_complete": project.percent_complete,
        "last_report_on": project.last_report_on,
        "photos": [
            {
                "url": photo.image.url,
                "caption": photo.caption,
                "taken_on": timezone.localtime(photo.taken_at).date(),
                "place": photo.place,
            }
            for photo in photos
        ],
    }
