"""The weekly digest (工作专报) as a Word bulletin and as an Excel workbook, for the leading-group office.

Jiyuan 000 (seeds/000_f9b901b302fa6203.txt): street offices report every Friday to the office (工作专报制度);
seed digest §7: periodic bulletins. The Word file follows GB/T 9704-2012 like the annual plan (A4, margins
37/35/28/26 mm, FangSong size 3, the issuing office in red above a red rule, page numbers "— 1 —"), reusing the
layout helpers of `jiugai.planning.documents`; the per-street table is an attachment on landscape pages.
Both only lay out `WeeklyDigest.data` (built by `digest_build`); nothing is recomputed here.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from jiugai.planning.documents import HEITI, XIAOBIAOSONG, OfficialDocument

from .choices import STAGE_ORDER, Stage
from .models import WeeklyDigest
from .selectors.progress import overdue_kind_label, overdue_message


def _title(digest: WeeklyDigest) -> str:
    data = digest.data
    return _("Weekly digest of renovation projects, %(name)s, week ending %(day)s") % {
        "name": data.get("jurisdiction", {}).get("name", digest.jurisdiction.name),
        "day": data.get("week_ending", digest.week_ending.isoformat()),
    }


def digest_paragraphs(digest: WeeklyDigest) -> list[str]:
    """The digest's figures as the sentences of the bulletin."""
    data = digest.data
    totals = data.get("totals", {})
    by_stage = totals.get("by_stage", {})
    stages = "、".join(f"{Stage(s).label} {by_stage.get(s, 0)}" for s in STAGE_ORDER)
    lines = [
        _("%(projects)s projects are registered in the ledger: %(stages)s.")
        % {"projects": totals.get("projects", 0), "stages": stages},
        _(
            "Weekly reports for the week %(first)s to %(last)s: %(received)s received, %(missing)s of "
            "%(expected)s projects under construction have not reported."
        )
        % {
            "first": data.get("week_start", ""),
            "last": data.get("week_ending", ""),
            "received": totals.get("reports_received", 0),
            "missing": totals.get("reports_missing", 0),
            "expected": totals.get("reports_expected", 0),
        },
        _("This week %(registered)s projects were registered, %(started)s started and %(closed)s closed out.")
        % {
            "registered": totals.get("registered_this_week", 0),
            "started": totals.get("started_this_week", 0),
            "closed": totals.get("closed_this_week", 0),
        },
    ]
    if totals.get("average_percent") is not None:
        lines.append(
            _("Projects under construction are on average %(percent)s percent complete by quantities.")
            % {"percent": totals["average_percent"]}
        )
    kinds = totals.get("overdue_by_kind", {})
    lines.append(
        _("%(count)s projects are behind a deadline (%(kinds)s).")
        % {
            "count": totals.get("overdue", 0),
            "kinds": "、".join(f"{overdue_kind_label(k)} {n}" for k, n in kinds.items()),
        }
    )
    return lines


def _street_headers() -> list[str]:
    return [
        _("Street"),
        _("Projects"),
        _("Under construction"),
        _("Reports received"),
        _("Reports missing"),
        _("Overdue"),
        _("Average complete (%)"),
        _("Registered this week"),
        _("Closed out this week"),
        _("Closed out"),
    ]


def _street_rows(digest: WeeklyDigest) -> list[list[Any]]:
    return [
        [
            s["name"],
            s["projects"],
            s["construction"],
            s["received"],
            s["missing"],
            s["overdue"],
            s["average_percent"] if s["average_percent"] is not None else "—",
            s["registered_this_week"],
            s["closed_this_week"],
            s["closed"],
        ]
        for s in digest.data.get("streets", [])
    ]


def _overdue_rows(digest: WeeklyDigest) -> list[list[Any]]:
    return [
        [
            p["code"],
            p["name"],
            p["street"],
            str(Stage(p["stage"]).label),
            "；".join(overdue_message(f["code"], f["due"]) for f in p["flags"]),
        ]
        for p in digest.data.get("overdue_projects", [])
    ]


def _missing_rows(digest: WeeklyDigest) -> list[list[Any]]:
    return [
        [p["code"], p["name"], p["street"], p["last_report_on"] or "—"] for p in digest.data.get("missing_projects", [])
    ]


def _authority(digest: WeeklyDigest) -> str:
    return _("%(name)s Old Residential Estate Renovation Leading Group Office") % {"name": digest.jurisdiction.name}


def digest_docx(digest: WeeklyDigest) -> bytes:
    """The digest as a GB/T 9704 bulletin: the figures as text, the overdue and missing lists, and the table per
    street as an attachment on landscape pages."""
    doc = OfficialDocument()
    authority = _authority(digest)
    doc.masthead(
        authority,
        _("Weekly bulletin, week ending %(day)s") % {"day": digest.week_ending.isoformat()},
        size=22,
        space_before=60,
    )
    doc.title(_title(digest))
    for text in digest_paragraphs(digest):
        doc.paragraph(text, indent=True)

    def table(headers: list[str], rows: list[list[Any]]) -> None:
        doc.table(headers, [(False, [str(value) for value in row]) for row in rows])

    distribution = digest.data.get("distribution", [])
    if distribution:
        doc.paragraph(_("Percent complete of the projects under construction"), font=HEITI, indent=True)
        table([_("Percent complete"), _("Projects")], [[f"{d['label']} %", d["count"]] for d in distribution])
    overdue = _overdue_rows(digest)
    if overdue:
        doc.paragraph(_("Projects behind a deadline"), font=HEITI, indent=True)
        table([_("Project code"), _("Name"), _("Street"), _("Stage"), _("Overdue")], overdue)
    missing = _missing_rows(digest)
    if missing:
        doc.paragraph(_("Projects whose weekly report is missing"), font=HEITI, indent=True)
        table([_("Project code"), _("Name"), _("Street"), _("Last weekly report")], missing)
    if len(overdue) >= digest.data.get("list_limit", 0) > 0 or len(missing) >= digest.data.get("list_limit", 0) > 0:
        doc.paragraph(
            _("Lists show at most %(count)s projects each; the ledger lists them all.")
            % {"count": digest.data.get("list_limit")},
            indent=True,
        )
    doc.paragraph()
    doc.paragraph(_("Attachment: %(title)s") % {"title": _("Figures by street")}, indent=True)
    doc.paragraph()
    doc.signature(authority, digest.updated_at.date() if digest.updated_at else dt.date.today())
    doc.annex(_("Figures by street"))
    table(_street_headers(), _street_rows(digest))
    return doc.bytes()


def digest_xlsx(digest: WeeklyDigest) -> bytes:
    """The digest as a workbook: a summary sheet, the table per street, the overdue projects and the missing
    reports (numbers stay numbers)."""
    book = Workbook()
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def sheet_with(title: str, headers: list[str], rows: list[list[Any]], widths: list[int], first: Any = None) -> Any:
        sheet = first if first is not None else book.create_sheet()
        sheet.title = title[:31]
        sheet.append([_title(digest)])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
        sheet["A1"].font = Font(name=XIAOBIAOSONG, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append(headers)
        for column in range(1, len(headers) + 1):
            cell = sheet.cell(row=2, column=column)
            cell.font = Font(name=HEITI, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        for values in rows:
            sheet.append(values)
            for column in range(1, len(headers) + 1):
                sheet.cell(row=sheet.max_row, column=column).border = border
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A3"
        sheet.print_title_rows = "2:2"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        return sheet

    data = digest.data
    totals = data.get("totals", {})
    summary = [
        [_("Projects"), totals.get("projects", 0)],
        *[[str(Stage(s).label), totals.get("by_stage", {}).get(s, 0)] for s in STAGE_ORDER],
        [_("Reports expected"), totals.get("reports_expected", 0)],
        [_("Reports received"), totals.get("reports_received", 0)],
        [_("Reports missing"), totals.get("reports_missing", 0)],
        [_("Overdue"), totals.get("overdue", 0)],
        *[[f"{_('Overdue')}: {overdue_kind_label(k)}", n] for k, n in totals.get("overdue_by_kind", {}).items()],
        [_("Registered this week"), totals.get("registered_this_week", 0)],
        [_("Started this week"), totals.get("started_this_week", 0)],
        [_("Closed out this week"), totals.get("closed_this_week", 0)],
        [_("Average complete (%)"), totals.get("average_percent") or "—"],
        *[[f"{_('Percent complete')} {d['label']} %", d["count"]] for d in data.get("distribution", [])],
        [_("Build time (s)"), digest.build_seconds],
    ]
    sheet_with(_("Summary figures"), [_("Figure"), _("Value")], summary, [40, 16], first=book.active)
    sheet_with(_("By street"), _street_headers(), _street_rows(digest), [18, 10, 12, 12, 12, 10, 14, 14, 14, 12])
    sheet_with(
        _("Overdue"),
        [_("Project code"), _("Name"), _("Street"), _("Stage"), _("Overdue")],
        _overdue_rows(digest),
        [20, 28, 16, 14, 60],
    )
    sheet_with(
        _("Reports missing"),
        [_("Project code"), _("Name"), _("Street"), _("Last weekly report")],
        _missing_rows(digest),
        [20, 28, 16, 18],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
