"""Official plan tables: an annual plan as a Word notice with the plan table attached, and as Excel.

The Word file follows GB/T 9704-2012 (REFERENCE §7): A4, margins 37/35/28/26 mm, 22 lines of 28
characters in size-3 FangSong, the issuing authority's mark in red 小标宋 above a red separator, the
title in size-2 小标宋, the attachment note, the authority and date as signature, page numbers
"— 1 —" in size-4 SongTi, and the plan table as an attachment on its own (landscape) pages. Amounts
are in 万元, exactly: two decimals, or up to six where the yuan amount needs them (93,812,690 yuan is
9,381.269 万元, as the seed writes it).

`plan_document_data` reads a plan into a `PlanDocument`; `plan_docx` and `plan_xlsx` only lay it out.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .choices import ItemClass, Tier
from .models import AnnualPlan
from .selectors import estate_facts, latest_proposals, plan_consistency, plan_entries, plan_summary

ZERO = Decimal("0")
TEN_THOUSAND = Decimal("10000")

# GB/T 9704 fonts (REFERENCE §7.6): declared by name; the reader's machine substitutes when absent.
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
RED = (0xC0, 0x00, 0x00)


@dataclass(frozen=True)
class PlanRow:
    """One estate of the plan table."""

    number: int
    area: str
    estate: str
    street: str
    build_year: str
    buildings: int
    households: int
    housing_area: Decimal
    content: str
    investment: Decimal
    tier: str


@dataclass(frozen=True)
class PlanGroup:
    """The estates of one area (片区), with its subtotal."""

    name: str
    rows: tuple[PlanRow, ...]
    buildings: int
    households: int
    housing_area: Decimal
    investment: Decimal


@dataclass(frozen=True)
class PlanDocument:
    """Everything the official plan documents show, already in words and figures."""

    authority: str
    doc_number: str
    title: str
    recipient: str
    paragraphs: tuple[str, ...]
    checks: tuple[str, ...]
    attachment_title: str
    groups: tuple[PlanGroup, ...]
    totals: dict[str, Any] = field(default_factory=dict)
    signed_on: dt.date = field(default_factory=lambda: timezone.localdate())


def wan(amount: Decimal) -> Decimal:
    """Yuan → 万元, exactly (the unit of official plan tables; 93,812,690 yuan is 9,381.269 万元)."""
    return amount / TEN_THOUSAND


def _amount(value: Decimal) -> str:
    """At least two decimals, more only where the amount has them (never rounded)."""
    places = max(2, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
    return f"{value:,.{places}f}"


def _area(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')).normalize():,f}"


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def plan_document_data(*, plan: AnnualPlan, doc_number: str = "", tier: str = Tier.IMPLEMENT) -> PlanDocument:
    """The plan's `tier` (implement by default) as an official document: summary text and table by area,
    and every stated total that disagrees with the computed one (Guyuan: 84 buildings stated, 81 found)."""
    entries = [e for e in plan_entries(plan=plan) if e.tier == tier]
    summary = plan_summary(plan=plan, tier=tier)
    checks = [
        reason.message
        for decision in plan_consistency(plan=plan, summary=summary)
        for reason in decision.reasons
        if reason.code.endswith("_mismatch")
    ]
    facts = estate_facts([e.estate for e in entries])
    proposals = latest_proposals([e.estate_id for e in entries])
    by_area: OrderedDict[str, list[Any]] = OrderedDict()
    for entry in sorted(
        entries, key=lambda e: (e.estate.area.name if e.estate.area else "~", e.estate.street.name, e.estate.name)
    ):
        by_area.setdefault(entry.estate.area.name if entry.estate.area else _("Not in an area"), []).append(entry)
    groups: list[PlanGroup] = []
    number = 0
    for name, members in by_area.items():
        rows: list[PlanRow] = []
        for entry in members:
            number += 1
            estate = entry.estate
            fact = facts[entry.estate_id]
            proposal = proposals.get(entry.estate_id)
            items = [line.item.name for line in proposal.lines.all()] if proposal else []
            rows.append(
                PlanRow(
                    number=number,
                    area=name,
                    estate=estate.name,
                    street=estate.street.name,
                    build_year=str(estate.completed_on.year if estate.completed_on else estate.build_year or ""),
                    buildings=fact.buildings,
                    households=entry.households,
                    housing_area=fact.area,
                    content="、".join(items),
                    investment=wan(entry.cost),
                    tier=entry.get_tier_display(),
                )
            )
        groups.append(
            PlanGroup(
                name=name,
                rows=tuple(rows),
                buildings=sum(r.buildings for r in rows),
                households=sum(r.households for r in rows),
                housing_area=sum((r.housing_area for r in rows), ZERO),
                investment=wan(sum((e.cost for e in members), ZERO)),
            )
        )
    place = plan.jurisdiction.name
    sources = {key: Decimal(str(value)) for key, value in (plan.source_budgets or {}).items()}
    paragraphs = [
        _(
            "In %(year)s, %(place)s plans to renovate %(estates)d old residential estates in %(projects)d projects: "
            "%(buildings)d buildings, %(households)d households and %(area)s m² of housing, with a total investment "
            "of %(investment)s ten-thousand yuan."
        )
        % {
            "year": plan.year,
            "place": place,
            "estates": summary.estates,
            "projects": summary.projects,
            "buildings": summary.buildings,
            "households": summary.households,
            "area": _area(summary.area),
            "investment": _amount(wan(summary.investment)),
        }
    ]
    if sources:
        parts = "; ".join(f"{key} {_amount(wan(value))}" for key, value in sources.items())
        paragraphs.append(_("Funding by source (ten-thousand yuan): %(parts)s.") % {"parts": parts})
    by_class = "; ".join(
        f"{ItemClass(key).label} {_amount(wan(value))}" for key, value in summary.by_class.items() if value
    )
    if by_class:
        paragraphs.append(_("Investment by content class (ten-thousand yuan): %(parts)s.") % {"parts": by_class})
    if summary.post2000_share is not None:
        paragraphs.append(
            _("Households in estates completed after 2000: %(n)d, %(share)s%% of the plan's households.")
            % {"n": summary.post2000_households, "share": summary.post2000_share}
        )
    return PlanDocument(
        authority=_("%(place)s Housing and Urban-Rural Development Bureau") % {"place": place},
        doc_number=doc_number,
        title=_("%(place)s %(year)s old residential estate renovation plan") % {"place": place, "year": plan.year},
        recipient=_("Street offices, departments concerned:"),
        paragraphs=tuple(paragraphs),
        checks=tuple(checks),
        attachment_title=_("%(year)s old residential estate renovation plan table") % {"year": plan.year},
        groups=tuple(groups),
        totals={
            "estates": summary.estates,
            "projects": summary.projects,
            "buildings": summary.buildings,
            "households": summary.households,
            "housing_area": summary.area,
            "investment": wan(summary.investment),
        },
    )


def _headers() -> list[str]:
    return [
        _("No."),
        _("Area"),
        _("Estate"),
        _("Street"),
        _("Completed"),
        _("Buildings"),
        _("Households"),
        _("Housing area (m²)"),
        _("Main renovation content"),
        _("Investment (10k yuan)"),
        _("Tier"),
    ]


def _table_rows(document: PlanDocument) -> list[tuple[str, list[Any]]]:
    """('row' | 'subtotal' | 'total', cells) in table order, figures left as numbers."""
    out: list[tuple[str, list[Any]]] = []
    for group in document.groups:
        for r in group.rows:
            out.append(
                (
                    "row",
                    [
                        r.number,
                        r.area,
                        r.estate,
                        r.street,
                        r.build_year,
                        r.buildings,
                        r.households,
                        r.housing_area,
                        r.content,
                        r.investment,
                        r.tier,
                    ],
                )
            )
        if len(document.groups) > 1:
            out.append(
                (
                    "subtotal",
                    [
                        _("Subtotal"),
                        group.name,
                        _("%(n)d estates") % {"n": len(group.rows)},
                        "",
                        "",
                        group.buildings,
                        group.households,
                        group.housing_area,
                        "",
                        group.investment,
                        "",
                    ],
                )
            )
    t = document.totals
    out.append(
        (
            "total",
            [
                _("Total"),
                "",
                _("%(n)d estates") % {"n": t.get("estates", 0)},
                "",
                "",
                t.get("buildings", 0),
                t.get("households", 0),
                t.get("housing_area", ZERO),
                "",
                t.get("investment", ZERO),
                "",
            ],
        )
    )
    return out


# --- Word (GB/T 9704) ----------------------------------------------------------------------------


class OfficialDocument:
    """A Word document in the GB/T 9704 layout: A4 with 37/35/28/26 mm margins, "— 1 —" page numbers, 仿宋 body at
    三号 on a 28.95 pt grid, and attachments (附件) on landscape pages. Shared by every office document (the plan
    notice, the projects' weekly bulletin)."""

    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28)
        _page_number_footer(section)

    def paragraph(
        self,
        text: str = "",
        *,
        font: str = FANGSONG,
        size: float = 16,
        align: Any = None,
        indent: bool = False,
        bold: bool = False,
        color: tuple[int, int, int] | None = None,
        spacing: float = 28.95,
    ) -> Any:
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(spacing)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        if text:
            run = p.add_run(text)
            _font(run, font, size)
            run.bold = bold
            if color is not None:
                run.font.color.rgb = RGBColor(*color)
        return p

    def masthead(self, authority: str, number: str, *, size: float = 26, space_before: float = 99) -> None:
        """版头: the authority's mark in red, the document number and the red separator."""
        mark = self.paragraph(authority, font=XIAOBIAOSONG, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
        mark.paragraph_format.space_before = Pt(space_before)  # 99 pt ≈ 35 mm below the top of the type area
        self.paragraph()
        _bottom_border(self.paragraph(number, align=WD_ALIGN_PARAGRAPH.CENTER), color="C00000", size=12)

    def title(self, text: str) -> None:
        self.paragraph()
        self.paragraph(text, font=XIAOBIAOSONG, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, spacing=36)
        self.paragraph()

    def signature(self, authority: str, day: dt.date) -> None:
        """The issuing authority and the date in Chinese numerals, right-aligned."""
        self.paragraph(authority, align=WD_ALIGN_PARAGRAPH.RIGHT)
        self.paragraph(_chinese_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT)

    def annex(self, title: str) -> None:
        """Start the attachment (附件) on its own landscape pages."""
        annex = self.doc.add_section(WD_SECTION.NEW_PAGE)
        annex.orientation = WD_ORIENT.LANDSCAPE
        annex.page_width, annex.page_height = Mm(297), Mm(210)
        annex.top_margin, annex.bottom_margin = Mm(28), Mm(26)
        annex.left_margin, annex.right_margin = Mm(37), Mm(35)
        self.paragraph(_("Attachment"), font=HEITI)
        self.paragraph(title, font=XIAOBIAOSONG, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, spacing=32)

    def table(self, headers: list[str], rows: list[tuple[bool, list[str]]]) -> None:
        """A table whose header row repeats on every page; `rows` are (emphasised, cells), emphasised rows (totals)
        in 黑体."""
        grid = self.doc.add_table(rows=1, cols=len(headers))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(grid.rows[0].cells, headers, strict=True):
            _cell_text(cell, text, font=HEITI)
        _repeat_header(grid.rows[0])
        for emphasised, values in rows:
            for cell, value in zip(grid.add_row().cells, values, strict=True):
                _cell_text(cell, value, font=HEITI if emphasised else FANGSONG)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def plan_docx(document: PlanDocument) -> bytes:
    """The plan as a GB/T 9704 notice with the plan table attached on landscape pages."""
    doc = OfficialDocument()
    doc.masthead(document.authority, document.doc_number)
    doc.title(document.title)
    doc.paragraph(document.recipient)
    for text in document.paragraphs:
        doc.paragraph(text, indent=True)
    if document.checks:
        doc.paragraph(_("Checks of stated against computed totals:"), font=HEITI, indent=True)
        for text in document.checks:
            doc.paragraph(text, indent=True)
    doc.paragraph()
    doc.paragraph(_("Attachment: %(title)s") % {"title": document.attachment_title}, indent=True)
    doc.paragraph()
    doc.paragraph()
    doc.signature(document.authority, document.signed_on)
    doc.annex(document.attachment_title)
    doc.table(
        _headers(),
        [(kind != "row", [_cell_value(value) for value in cells]) for kind, cells in _table_rows(document)],
    )
    return doc.bytes()


def _cell_value(value: Any) -> str:
    return _amount(value) if isinstance(value, Decimal) else str(value)


def _font(run: Any, name: str, size: float) -> None:

    run.font.name = name
    run.font.size = Pt(size)
    r_pr = run._element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), name)


def _cell_text(cell: Any, text: str, *, font: str, bold: bool = False) -> None:

    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    _font(run, font, 10.5)
    run.bold = bold


def _bottom_border(paragraph: Any, *, color: str, size: int) -> None:
    """A full-width rule under the paragraph (the red separator of the 版头)."""

    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.makeelement(qn("w:pBdr"), {})
    bottom = borders.makeelement(
        qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): str(size), qn("w:space"): "6", qn("w:color"): color}
    )
    borders.append(bottom)
    p_pr.append(borders)


def _repeat_header(row: Any) -> None:

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _page_number_footer(section: Any) -> None:
    """'— 1 —' in size-4 SongTi, outside corner (odd right, even left) approximated as centred."""

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), SONGTI, 14)
    run = p.add_run()
    _font(run, SONGTI, 14)
    for tag, attrs in (
        ("w:fldChar", {qn("w:fldCharType"): "begin"}),
        ("w:instrText", {}),
        ("w:fldChar", {qn("w:fldCharType"): "end"}),
    ):
        element = run._r.makeelement(qn(tag), attrs)
        if tag == "w:instrText":
            element.text = "PAGE"
        run._r.append(element)
    _font(p.add_run(" —"), SONGTI, 14)


# --- Excel -----------------------------------------------------------------------------------------


def plan_xlsx(document: PlanDocument) -> bytes:
    """The plan table as a printable workbook (landscape A4, title, header repeated, subtotals, checks)."""

    book = Workbook()
    sheet = book.active
    sheet.title = _("Plan")[:31]
    headers = _headers()
    width = len(headers)
    sheet.append([document.attachment_title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(name=XIAOBIAOSONG, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([_("Unit: ten-thousand yuan, m²")])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A2"].alignment = Alignment(horizontal="right")
    sheet.append(headers)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column in range(1, width + 1):
        cell = sheet.cell(row=3, column=column)
        cell.font = Font(name=HEITI, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for kind, cells in _table_rows(document):
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in cells])
        for column in range(1, width + 1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.border = border
            if kind != "row":
                cell.font = Font(name=HEITI, bold=True)
            if column == 8:
                cell.number_format = "#,##0.00"
            elif column == 10:
                cell.number_format = "#,##0.00####"
    for column, size in enumerate((6, 14, 18, 14, 8, 8, 8, 14, 40, 14, 12), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = size
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    notes = book.create_sheet(_("Checks")[:31])
    notes.append([document.title])
    for text in (*document.paragraphs, *document.checks):
        notes.append([text])
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
