"""Downloadable .xlsx templates: Chinese headers, an example row, drop-down lists and instructions.

Each template has the data sheet (headers in row 1, required ones marked *, an example row whose
code begins with 示例 and is skipped on import), an instructions sheet and a hidden sheet of allowed
values that the drop-downs point at (the streets and communities of the user's jurisdiction, the
choice labels, 是/否).
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from jiugai.accounts.choices import Level
from jiugai.accounts.models import Jurisdiction

from . import columns as c

MAX_TEMPLATE_ROW = 100001
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
EXAMPLE_FONT = Font(italic=True, color="808080")

TYPE_HELP = {
    c.TEXT: "文本",
    c.INT: "整数",
    c.YEAR: "年份(四位数字)",
    c.DECIMAL: "数字",
    c.DATE: "日期(如 2024-05-01)",
    c.BOOL: "是/否",
    c.CHOICE: "从下拉列表选择",
    c.CHOICES: "从列表选择，多个用“、”分隔",
    c.LIST: "多个用“、”分隔",
    c.STREET: "街道名称或编码",
    c.COMMUNITY: "社区名称或编码",
    c.PHONE: "手机或固定电话",
    c.ID_NUMBER: "18位身份证号(文本格式)",
}


def _places(jurisdiction: Jurisdiction | None) -> tuple[list[str], list[str]]:
    streets = Jurisdiction.objects.filter(level=Level.STREET)
    communities = Jurisdiction.objects.filter(level=Level.COMMUNITY)
    if jurisdiction is not None:
        streets = streets.filter(path__startswith=jurisdiction.path)
        communities = communities.filter(path__startswith=jurisdiction.path)
        if jurisdiction.level == Level.COMMUNITY and jurisdiction.parent_id:
            streets = Jurisdiction.objects.filter(pk=jurisdiction.parent_id)
    return [s.name for s in streets.order_by("path")], [x.name for x in communities.order_by("path")]


def _choice_labels(column: c.Column) -> list[str]:
    assert column.choices is not None  # noqa: S101 - only CHOICE columns ask
    with override("zh-hans"):
        return [str(label) for _value, label in column.choices.choices]


def _example(column: c.Column) -> Any:
    if column.type in (c.CHOICE, c.CHOICES) and column.choices is not None and column.example != "":
        with override("zh-hans"):
            return str(column.choices(column.example).label)
    return column.example


def template_workbook(*, kind: str, jurisdiction: Jurisdiction | None = None) -> bytes:
    """The template of one import kind as .xlsx bytes, with the drop-downs of `jurisdiction`."""
    spec = c.SPECS[kind]
    streets, communities = _places(jurisdiction)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = spec.title
    lists = workbook.create_sheet(c.LISTS_TITLE)
    guide = workbook.create_sheet(c.INSTRUCTIONS_TITLE)

    # The allowed values, one column per list, on the hidden sheet.
    list_columns: dict[str, str] = {}

    def add_list(name: str, values: list[str]) -> str:
        if name not in list_columns:
            index = len(list_columns)
            letter = c.column_letter(index)
            lists.cell(row=1, column=index + 1, value=name)
            for offset, value in enumerate(values or [""], start=2):
                lists.cell(row=offset, column=index + 1, value=value)
            list_columns[name] = f"'{c.LISTS_TITLE}'!${letter}$2:${letter}${max(len(values), 1) + 1}"
        return list_columns[name]

    for index, column in enumerate(spec.columns):
        letter = c.column_letter(index)
        cell = sheet.cell(row=1, column=index + 1, value=column.header + ("*" if column.required else ""))
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        example = sheet.cell(row=2, column=index + 1, value=_example(column))
        example.font = EXAMPLE_FONT
        if column.type in (c.TEXT, c.PHONE, c.ID_NUMBER, c.LIST):
            example.number_format = "@"
        sheet.column_dimensions[letter].width = max(10, len(column.header) * 2 + 4)
        source = None
        if column.type == c.STREET:
            source = add_list("街道", streets)
        elif column.type == c.COMMUNITY:
            source = add_list("社区", communities)
        elif column.type == c.BOOL:
            source = add_list("是否", ["是", "否"])
        elif column.type == c.CHOICE:
            source = add_list(column.header, _choice_labels(column))
        if source is not None:
            validation = DataValidation(
                type="list",
                formula1=f"={source}",
                allow_blank=not column.required,
                showErrorMessage=column.type != c.STREET and column.type != c.COMMUNITY,
                errorTitle="输入有误",
                error="请从下拉列表中选择",
            )
            validation.add(f"{letter}2:{letter}{MAX_TEMPLATE_ROW}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    lists.sheet_state = "hidden"

    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 22
    guide.column_dimensions["D"].width = 70
    guide.append([_("How to fill in the “%(sheet)s” sheet") % {"sheet": spec.title}])
    guide["A1"].font = Font(bold=True, size=14)
    for line in (
        _("Keep the header row as it is; columns marked * are required."),
        _("The example row (its code begins with 示例) is skipped on import; overwrite or delete it."),
        _("Do not merge cells. Enter ID numbers and phone numbers as text."),
        _("Importing the same codes again updates those rows; nothing is duplicated."),
        _("Nothing is written until the whole file passes the checks; the preview lists every problem."),
    ):
        guide.append([line])
    guide.append([])
    guide.append([_("Column"), _("Required"), _("Format"), _("Description")])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        guide.append([column.header, _("Yes") if column.required else "", TYPE_HELP[column.type], str(column.help)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_filename(kind: str) -> str:
    return f"{c.SPECS[kind].title}导入模板.xlsx"
