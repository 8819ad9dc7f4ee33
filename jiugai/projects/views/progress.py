"""Pages for progress (Jiyuan 000: reports every Friday, bill-of-quantities works; seed digest §7: ledgers with
registration and close-out, weekly reports, bulletins): a project's weekly reports with one quantity per BoQ line
and the progress bar, one report with its photos, the ledger of every project (台账) with filters and export, and
the office's weekly digests with Word and Excel downloads. Thin: parse input, call one service or selector, render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiugai.core.exporting import FORMATS, Column, export_response
from jiugai.core.permissions import can, require
from jiugai.core.views import querystring_without_page
from jiugai.policy.selectors import effective_policy
from jiugai.rules.progress import WEEKDAY_KEY, week_ending_on_or_before, weekday_name

from ..choices import STAGE_ORDER, Stage
from ..documents import digest_docx, digest_xlsx
from ..forms.progress import DigestBuildForm, LedgerFilterForm, PhotoForm, ReportForm
from ..models import Project
from ..selectors import progress as selectors
from ..selectors.project import project_get, project_overdue
from ..services import progress as services

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEDGER_PAGE = 50

# --- helpers ----------------------------------------------------------------------------------------------


def _form_errors(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {e}".lstrip(": ")
        for name, errors in form.errors.items()
        for e in errors
    )


def _apply(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, or above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> None:
    if fmt not in allowed:
        raise Http404


def _report_day(project: Project) -> tuple[int | None, dt.date]:
    """The profile's report day and the latest one on or before today (the form's default week)."""
    today = timezone.localdate()
    weekday = effective_policy(jurisdiction=project.jurisdiction, on=today).get(WEEKDAY_KEY)
    return weekday, week_ending_on_or_before(today, weekday)


# --- a project's weekly reports ---------------------------------------------------------------------------


@login_required
def reports(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's weekly reports with the progress bar and, for those who report, the form with one quantity per
    BoQ line (Jiyuan 000: every Friday). A refused report keeps what was typed and says why."""
    require(request.user, "projects.view")
    project = project_get(user=request.user, pk=pk)
    lines = selectors.progress_lines(project=project)
    weekday, default_week = _report_day(project)
    may_report = can(request.user, "projects.report_progress") and project.stage == Stage.CONSTRUCTION
    form = ReportForm(
        request.POST if request.method == "POST" else None, lines=lines, initial={"week_ending": default_week}
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.report_submit(
                    actor=request.user,
                    project=project,
                    week_ending=data["week_ending"],
                    lines=form.quantities(),
                    summary=data["summary"],
                    problems=data["problems"],
                    next_week=data["next_week"],
                )
            except ValidationError as exc:
                _apply(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Weekly report filed: %(percent)s percent complete.") % {"percent": report.percent_complete},
                )
                return redirect("projects:report_detail", pk=project.pk, report_pk=report.pk)
        messages.error(request, _("The report was not filed; see the errors below."))
    page = Paginator(selectors.report_list(user=request.user, project=project), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/progress/reports.html",
        {
            "project": project,
            "form": form,
            "lines": lines,
            "page_obj": page,
            "querystring": querystring_without_page(request),
            "may_report": may_report,
            "weekday": weekday_name(weekday) if weekday else "",
            "series": selectors.report_series(project=project),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def reports_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """A project's weekly reports as Excel or CSV."""
    _check_format(fmt)
    require(request.user, "projects.view")
    project = project_get(user=request.user, pk=pk)
    columns = [
        Column(_("Week ending"), "week_ending"),
        Column(_("Complete (%)"), "percent_complete"),
        Column(_("Work this week"), "summary"),
        Column(_("Problems"), "problems"),
        Column(_("Plan for next week"), "next_week"),
        Column(_("Photos"), "photo_count"),
        Column(
            _("Submitted by"),
            lambda r: r.submitted_by.get_full_name() or r.submitted_by.username if r.submitted_by else "",
        ),
        Column(_("Filed at"), "created_at"),
    ]
    return export_response(
        rows=selectors.report_list(user=request.user, project=project),
        columns=columns,
        filename=f"reports-{project.code}",
        fmt=fmt,
    )


@login_required
def report_detail(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """One weekly report: the quantities per line this week and to date, the text, and the photos with time and
    place; those who report may add photos."""
    require(request.user, "projects.view")
    project = project_get(user=request.user, pk=pk)
    report = selectors.report_get(user=request.user, pk=report_pk, project=project)
    return _report_page(request, project, report, PhotoForm())


def _report_page(request: HttpRequest, project: Project, report: Any, form: PhotoForm, status: int = 200) -> Any:
    photos = list(selectors.report_photos(report=report))
    return render(
        request,
        "projects/progress/report_detail.html",
        {
            "project": project,
            "report": report,
            "lines": selectors.report_lines(report=report),
            "photos": photos,
            "form": form,
            "may_add": can(request.user, "projects.report_progress"),
        },
        status=status,
    )


@login_required
def photo_add(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """Upload a photo to a report; a refused photo is explained on the report page and nothing is saved."""
    if request.method != "POST":
        return redirect("projects:report_detail", pk=pk, report_pk=report_pk)
    project = project_get(user=request.user, pk=pk)
    report = selectors.report_get(user=request.user, pk=report_pk, project=project)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.photo_add(
                actor=request.user,
                report=report,
                image=data["image"],
                taken_at=data["taken_at"],
                place=data["place"],
                lat=data["lat"],
                lon=data["lon"],
                caption=data["caption"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Photo added."))
            return redirect("projects:report_detail", pk=pk, report_pk=report_pk)
    messages.error(request, _("The photo was not added: %(errors)s") % {"errors": _form_errors(form)})
    return _report_page(request, project, report, form, status=400)


# --- the ledger -----------------------------------------------------------------------------------------------


def _ledger(request: HttpRequest) -> tuple[LedgerFilterForm, Any]:
    """The filter form and the ledger rows it selects (an invalid filter shows its error and selects nothing)."""
    form = LedgerFilterForm(request.GET or None, user=request.user)
    filters: selectors.LedgerFilters | None = selectors.LedgerFilters()
    if form.is_bound:
        if form.is_valid():
            try:
                filters = selectors.ledger_filters(form.cleaned_data, user=request.user)
            except ValidationError as exc:
                _apply(form, exc)
                filters = None
        else:
            filters = None
    if filters is None:
        return form, Project.objects.none()
    return form, selectors.ledger_rows(user=request.user, filters=filters)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger of every project (台账): registration and close-out (登记销号), stage, percent complete from the
    weekly reports, the last report and the missed deadlines (Guyuan 003: started by 15 March), filterable and
    exportable. A page costs a fixed number of queries (the rows are lean project rows)."""
    require(request.user, "projects.view")
    form, rows = _ledger(request)
    lines: Any = selectors.LedgerPage(rows)  # sliceable like a queryset (two narrow queries a page)
    page = Paginator(lines, LEDGER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    base = reverse("projects:list")  # one reverse() for the page, not two for each of its 50 rows
    return render(
        request,
        "projects/progress/ledger.html",
        {
            "filter_form": form,
            "street_options": _street_options(form),
            "page_obj": page,
            "rows": [_ledger_line(p, today, base) for p in page.object_list],
            "querystring": querystring_without_page(request),
            "export_query": request.GET.urlencode(),
        },
    )


def _street_options(form: LedgerFilterForm) -> str:
    """The street picker's options as HTML built in one pass: a city has hundreds of streets, and Django renders
    each option of a form widget through its own template, which costs more than the rest of the page."""
    chosen = str(form.data.get("street", "")) if form.is_bound else ""
    streets = form.fields["street"].queryset.values_list("code", "name")  # type: ignore[attr-defined]
    return mark_safe('<option value="">—</option>') + format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((code, " selected" if code == chosen else "", name) for code, name in streets),
    )


def _ledger_line(project: Project, today: dt.date, base: str) -> dict[str, Any]:
    """A ledger row with its text ready for the table (plain lookups render fast: 50 rows a page)."""
    row = selectors.ledger_row(project, today)
    return {
        **row,
        "url": f"{base}{project.pk}/",
        "reports_url": f"{base}{project.pk}/reports/",
        "registered": row["registered_on"].isoformat(),
        "started": row["started_on"].isoformat() if row["started_on"] else "—",
        "closed": row["closed_on"].isoformat() if row["closed_on"] else "—",
        "last_report": row["last_report_on"].isoformat() if row["last_report_on"] else "",
        "percent": str(row["percent_complete"]),
        "percent_whole": int(row["percent_complete"]),
        "messages": [flag["message"] for flag in row["overdue"]],
    }


def _overdue_text(project: Project) -> str:
    return "；".join(f.message for f in project_overdue(project))


LEDGER_COLUMNS = [
    Column(gettext_lazy("Project code"), "code"),
    Column(gettext_lazy("Name"), "name"),
    Column(gettext_lazy("Street"), "jurisdiction.name"),
    Column(gettext_lazy("Estate"), "estate.name"),
    Column(gettext_lazy("Plan year"), "year"),
    Column(gettext_lazy("Stage"), lambda p: p.get_stage_display()),
    Column(gettext_lazy("Registered on"), "registered_on"),
    Column(gettext_lazy("Started on"), "started_on"),
    Column(gettext_lazy("Works completed on"), "completed_on"),
    Column(gettext_lazy("Handed over on"), "handed_over_on"),
    Column(gettext_lazy("Closed out on"), "closed_on"),
    Column(gettext_lazy("Complete (%)"), "percent_complete"),
    Column(gettext_lazy("Last weekly report"), "last_report_on"),
    Column(gettext_lazy("Overdue"), _overdue_text),
]


@login_required
def ledger_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered ledger as Excel (ledger.xlsx) or CSV: every row, not only the page."""
    _check_format(fmt)
    require(request.user, "projects.view")
    _form, rows = _ledger(request)
    return export_response(rows=rows, columns=LEDGER_COLUMNS, filename="ledger", fmt=fmt)


# --- the weekly digest ---------------------------------------------------------------------------------------------


@login_required
def digests(request: HttpRequest) -> HttpResponse:
    """The office's weekly digests (built every Friday evening), newest first; office roles may build one now."""
    require(request.user, "projects.view")
    can_build = can(request.user, "projects.manage")
    form = DigestBuildForm(request.POST or None, user=request.user) if can_build else None
    if request.method == "POST":
        require(request.user, "projects.manage")
        assert form is not None  # noqa: S101 - can_build is true here
        if form.is_valid():
            try:
                digest = services.digest_build(
                    jurisdiction=form.cleaned_data["jurisdiction"],
                    week_ending=form.cleaned_data["week_ending"],
                    actor=request.user,
                )
            except ValidationError as exc:
                _apply(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Digest built in %(seconds)s s.") % {"seconds": round(digest.build_seconds, 2)}
                )
                return redirect("projects:digest", digest_pk=digest.pk)
        messages.error(request, _("The digest was not built: %(errors)s") % {"errors": _form_errors(form)})
    page = Paginator(selectors.digest_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/progress/digest_list.html",
        {
            "page_obj": page,
            "querystring": querystring_without_page(request),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


DIGEST_COLUMNS = [
    Column(gettext_lazy("Jurisdiction"), "jurisdiction.name"),
    Column(gettext_lazy("Week ending"), "week_ending"),
    Column(gettext_lazy("Built at"), "updated_at"),
    Column(gettext_lazy("Build time (s)"), "build_seconds"),
]


@login_required
def digests_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The list of digests as Excel or CSV."""
    _check_format(fmt)
    require(request.user, "projects.view")
    return export_response(
        rows=selectors.digest_list(user=request.user), columns=DIGEST_COLUMNS, filename="digests", fmt=fmt
    )


def _digest_chart(data: dict[str, Any]) -> dict[str, Any]:
    stages = data.get("totals", {}).get("by_stage", {})
    return {
        "stages": {
            "labels": [str(Stage(s).label) for s in STAGE_ORDER],
            "values": [stages.get(s, 0) for s in STAGE_ORDER],
        },
        "distribution": {
            "labels": [f"{d['label']} %" for d in data.get("distribution", [])],
            "values": [d["count"] for d in data.get("distribution", [])],
        },
    }


@login_required
def digest(request: HttpRequest, digest_pk: int) -> HttpResponse:
    """One weekly digest: the figures, the charts, the table per street, the overdue projects and the missing
    reports, with Word and Excel downloads."""
    require(request.user, "projects.view")
    found = selectors.digest_get(user=request.user, pk=digest_pk)
    data = found.data
    overdue = [
        {
            **p,
            "messages": [selectors.overdue_message(f["code"], f["due"]) for f in p["flags"]],
            "stage_label": Stage(p["stage"]).label,
        }
        for p in data.get("overdue_projects", [])
    ]
    kinds = [(selectors.overdue_kind_label(k), n) for k, n in data.get("totals", {}).get("overdue_by_kind", {}).items()]
    return render(
        request,
        "projects/progress/digest_detail.html",
        {
            "digest": found,
            "data": data,
            "totals": data.get("totals", {}),
            "stages": [(Stage(s).label, data.get("totals", {}).get("by_stage", {}).get(s, 0)) for s in STAGE_ORDER],
            "overdue_kinds": kinds,
            "overdue": overdue,
            "chart": _digest_chart(data),
            "can_build": can(request.user, "projects.manage"),
        },
    )


@login_required
def digest_download(request: HttpRequest, digest_pk: int, fmt: str) -> HttpResponse:
    """The digest as a Word bulletin (GB/T 9704) or an Excel workbook."""
    _check_format(fmt, ("docx", "xlsx"))
    require(request.user, "projects.view")
    found = selectors.digest_get(user=request.user, pk=digest_pk)
    body, content_type = (digest_docx(found), DOCX_TYPE) if fmt == "docx" else (digest_xlsx(found), XLSX_TYPE)
    response = HttpResponse(body, content_type=content_type)
    name = f"digest-{found.jurisdiction.code}-{found.week_ending.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/reports/", reports, name="reports"),
    path("<int:pk>/reports.<str:fmt>", reports_export, name="reports_export"),
    path("<int:pk>/reports/<int:report_pk>/", report_detail, name="report_detail"),
    path("<int:pk>/reports/<int:report_pk>/photos/", photo_add, name="report_photo_add"),
    path("ledger/", ledger, name="ledger"),
    path("ledger.<str:fmt>", ledger_export, name="ledger_export"),
    path("digests/", digests, name="digests"),
    path("digests.<str:fmt>", digests_export, name="digests_export"),
    path("digests/<int:digest_pk>/", digest, name="digest"),
    path("digests/<int:digest_pk>.<str:fmt>", digest_download, name="digest_download"),
]
# Pages residents and the public open without an account (mounted under /p/): progress appears on the project's
# public page through `selectors.progress.progress_public_summary`.
public_urlpatterns: list[URLPattern] = []
